# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Route tests of the portal: every page, and every refusal (another
citizen's dossier, an oversized or disguised file, a missing CSRF token, a
form that breaks the e-form's rules)."""
import datetime as dt
import json
import re

from trytond import config
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from .tools import Browser, Outbox, in_transaction, pdf_bytes

BIRTH = '1.001193'
CITIZEN = 'congdan@example.com'
PASSWORD = 'Demo#Egov2026'
OTHER = 'nguoikhac@example.com'
NOTICES = 'trytond.modules.egov_portal.dossier.send_message_transactional'
CODE = re.compile(r'/portal/ho-so/([0-9A-Za-z.\-]+)/xac-nhan')


class PortalRouteTestCase(RouteTestCase):
    "Routes of the citizens' portal"
    module = 'egov_portal'
    language = 'en'

    @classmethod
    def setUpClass(cls):
        for section in ['egov_portal', 'egov_procedure']:
            if not config.has_section(section):
                config.add_section(section)
        config.set('egov_portal', 'database', DB_NAME)
        super().setUpClass()

    @classmethod
    def setUpDatabase(cls):
        from trytond.modules.egov_portal import demo
        pool = Pool()
        WebUser = pool.get('web.user')
        Party = pool.get('party.party')
        with Transaction().set_user(0), \
                Transaction().set_context(language='vi'):
            demo.load_demo()
            party, = Party.create([{'name': "Trần Văn Khác"}])
            WebUser.create([{
                        'email': OTHER, 'password': PASSWORD,
                        'email_valid': True, 'party': party.id}])

    def setUp(self):
        super().setUp()
        # The e-mails to the citizens are kept, not sent
        self.notices = Outbox(NOTICES)
        self.notices.__enter__()
        self.addCleanup(self.notices.__exit__)

    def browser(self, login=None):
        browser = Browser(self.client())
        if login:
            response = browser.login(login, PASSWORD)
            self.assertEqual(response.status_code, 303, response.text)
        return browser

    # Public pages
    def test_home(self):
        "The home page shows the search, procedures, fields and agencies"
        response = self.client().get('/portal/')
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn('lang="vi"', html)
        self.assertIn('đăng ký khai sinh', html)
        self.assertIn('action="/portal/thu-tuc"', html)

    def test_security_headers(self):
        "Pages carry the CSP, frame, referrer and content-type headers"
        response = self.client().get('/portal/')
        headers = response.headers
        self.assertIn("script-src 'self'", headers['Content-Security-Policy'])
        self.assertIn("frame-ancestors 'none'",
            headers['Content-Security-Policy'])
        self.assertEqual(headers['X-Frame-Options'], 'DENY')
        self.assertEqual(headers['X-Content-Type-Options'], 'nosniff')
        self.assertEqual(headers['Referrer-Policy'], 'same-origin')
        cookie = headers['Set-Cookie']
        self.assertIn('HttpOnly', cookie)
        self.assertIn('SameSite=Lax', cookie)

    def test_catalog_search_without_diacritics(self):
        "dang ky khai sinh finds Đăng ký khai sinh"
        response = self.client().get(
            '/portal/thu-tuc?q=dang+ky+khai+sinh')
        self.assertEqual(response.status_code, 200)
        self.assertIn('/portal/thu-tuc/%s' % BIRTH, response.text)
        response = self.client().get('/portal/thu-tuc?q=đăng+ký+khai+sinh')
        self.assertIn('/portal/thu-tuc/%s' % BIRTH, response.text)
        response = self.client().get('/portal/thu-tuc?q=zzzkhongco')
        self.assertNotIn('/portal/thu-tuc/%s' % BIRTH, response.text)

    def test_search_follows_field_name(self):
        "Renaming a field renames it in its procedures' search"
        def rename(name):
            Procedure = Pool().get('egov.procedure')
            birth, = Procedure.search([('code', '=', BIRTH)])
            field = birth.field
            field.name = name
            field.save()
        in_transaction(DB_NAME, lambda: rename("Lĩnh vực Zêta"))
        try:
            response = self.client().get('/portal/thu-tuc?q=linh+vuc+zeta')
            self.assertIn('/portal/thu-tuc/%s' % BIRTH, response.text)
        finally:
            in_transaction(DB_NAME, lambda: rename("Hộ tịch"))

    def test_catalog_filters(self):
        "The catalog filters by field, level and online level"
        with Transaction().start(DB_NAME, 0):
            Procedure = Pool().get('egov.procedure')
            birth, = Procedure.search([('code', '=', BIRTH)])
            field = birth.field.id
        response = self.client().get('/portal/thu-tuc?linh-vuc=%s' % field)
        self.assertIn(BIRTH, response.text)
        response = self.client().get(
            '/portal/thu-tuc?linh-vuc=%s&cap=province' % field)
        self.assertNotIn('/portal/thu-tuc/%s"' % BIRTH, response.text)
        # Bad parameters fall back to no filter
        response = self.client().get(
            '/portal/thu-tuc?linh-vuc=abc&cap=x&muc-do=y&trang=-3')
        self.assertEqual(response.status_code, 200)

    def test_procedure_page(self):
        "The procedure's page gives its components, fees and deadline"
        response = self.client().get('/portal/thu-tuc/%s' % BIRTH)
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn('đăng ký khai sinh', html)
        self.assertIn('/portal/nop-ho-so/%s' % BIRTH, html)
        self.assertIn('Thành phần hồ sơ', html)

    def test_template_download(self):
        "A component's template downloads; another id is a 404"
        def attach():
            Procedure = Pool().get('egov.procedure')
            birth, = Procedure.search([('code', '=', BIRTH)])
            component = birth.components[0]
            component.template = pdf_bytes("Tờ khai")
            component.template_name = 'to-khai-khai-sinh.pdf'
            component.save()
        in_transaction(DB_NAME, attach)
        response = self.client().get('/portal/thu-tuc/%s' % BIRTH)
        link = re.search(r'href="(/portal/thu-tuc/%s/mau/(\d+))"'
            % re.escape(BIRTH), response.text)
        self.assertTrue(link, "no template link")
        response = self.client().get(link.group(1))
        self.assertEqual(response.status_code, 200)
        self.assertIn('to-khai-khai-sinh.pdf',
            response.headers['Content-Disposition'])
        self.assertTrue(response.data.startswith(b'%PDF'))
        response = self.client().get(
            '/portal/thu-tuc/%s/mau/999999' % BIRTH)
        self.assertEqual(response.status_code, 404)

    def test_unknown_pages(self):
        "A missing procedure or page is a 404 page in Vietnamese"
        for url in ['/portal/thu-tuc/9.999999', '/portal/thu-tuc/abc',
                '/portal/khong-co-trang-nay', '/portal/ho-so/X']:
            response = self.client().get(url)
            if url.startswith('/portal/ho-so'):
                self.assertEqual(response.status_code, 303)
                continue
            self.assertEqual(response.status_code, 404, url)
            self.assertIn('Không tìm thấy trang', response.text)

    def test_language_switch(self):
        "?lang=en shows the portal in English and keeps the choice"
        client = self.client()
        response = client.get('/portal/?lang=en')
        self.assertIn('lang="en"', response.text)
        self.assertIn('Most used procedures', response.text)
        response = client.get('/portal/thu-tuc')
        self.assertIn('lang="en"', response.text)

    def test_lookup(self):
        "The public lookup gives state and dates, no personal data"
        with Transaction().start(DB_NAME, 0):
            Dossier = Pool().get('egov.dossier')
            dossier, = Dossier.search([('state', '=', 'processing')],
                limit=1)
            code = dossier.code
            name = dossier.applicant.name
            number = dossier.applicant_id_number
            phone = dossier.phone
        response = self.client().get('/portal/tra-cuu?ma=%s' % code)
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn(code, html)
        self.assertIn('tag-processing', html)
        self.assertNotIn(name, html)
        self.assertNotIn(number, html)
        if phone:
            self.assertNotIn(phone, html)
        response = self.client().get('/portal/tra-cuu?ma=<script>')
        self.assertEqual(response.status_code, 200)
        self.assertNotIn('<script>', response.text)

    # Account
    def test_register_confirm_login(self):
        "Register, confirm the e-mail from its link, log in, log out"
        browser = self.browser()
        browser.get('/portal/tai-khoan/dang-ky')
        with Outbox() as outbox:
            response = browser.post('/portal/tai-khoan/dang-ky', {
                    'name': 'Lê Thị Mới', 'email': 'Moi@Example.com',
                    'phone': '0912 345 678', 'password': 'MatKhau#2026',
                    'password-confirm': 'MatKhau#2026', 'accept': '1'})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn('moi@example.com', response.text)
        self.assertEqual(len(outbox), 1)
        self.assertEqual(outbox[0]['To'], 'moi@example.com')
        links = outbox.links('/portal/tai-khoan/xac-thuc')
        self.assertTrue(links, outbox[0].as_string())
        # Not confirmed yet: refused
        response = browser.login('moi@example.com', 'MatKhau#2026')
        self.assertEqual(response.status_code, 400)
        self.assertIn('gui-lai-xac-thuc', response.text)
        path = links[0].split('://', 1)[1].split('/', 1)[1]
        response = browser.get('/' + path)
        self.assertEqual(response.status_code, 200)
        self.assertIn('Đã xác nhận', response.text)
        response = browser.login('moi@example.com', 'MatKhau#2026')
        self.assertEqual(response.status_code, 303)
        self.assertIn('Set-Cookie', response.headers)
        response = browser.get('/portal/tai-khoan')
        self.assertEqual(response.status_code, 200)
        self.assertIn('Lê Thị Mới', response.text)
        response = browser.post('/portal/tai-khoan/dang-xuat')
        self.assertEqual(response.status_code, 303)
        response = browser.get('/portal/tai-khoan')
        self.assertEqual(response.status_code, 303)
        self.assertIn('/portal/tai-khoan/dang-nhap', response.location)

    def test_register_errors(self):
        "Every wrong answer of the registration is linked to its field"
        browser = self.browser()
        browser.get('/portal/tai-khoan/dang-ky')
        response = browser.post('/portal/tai-khoan/dang-ky', {
                'name': '', 'email': 'not-an-email', 'phone': '123',
                'password': 'short', 'password-confirm': 'other'})
        self.assertEqual(response.status_code, 400)
        html = response.text
        for field in ['name', 'email', 'phone', 'password-confirm',
                'accept']:
            self.assertIn('href="#%s"' % field, html)
        self.assertIn('aria-invalid="true"', html)

    def test_register_weak_password(self):
        "A password shorter than 8 characters is refused"
        browser = self.browser()
        browser.get('/portal/tai-khoan/dang-ky')
        response = browser.post('/portal/tai-khoan/dang-ky', {
                'name': 'A B', 'email': 'weak@example.com',
                'password': 'abc', 'password-confirm': 'abc',
                'accept': '1'})
        self.assertEqual(response.status_code, 400)
        self.assertIn('href="#password"', response.text)

    def test_register_existing_email_says_nothing(self):
        "Registering a known address looks the same and sends nothing"
        browser = self.browser()
        browser.get('/portal/tai-khoan/dang-ky')
        with Outbox() as outbox:
            response = browser.post('/portal/tai-khoan/dang-ky', {
                    'name': 'Ai Đó', 'email': CITIZEN,
                    'password': 'MatKhau#2026',
                    'password-confirm': 'MatKhau#2026', 'accept': '1'})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(outbox), 0)

    def test_login_wrong_password(self):
        "A wrong password gets one message for both fields"
        browser = self.browser()
        response = browser.login(CITIZEN, 'wrong-password')
        self.assertEqual(response.status_code, 400)
        self.assertIn('không đúng', response.text)

    def test_login_next_is_local(self):
        "After login the portal goes only to one of its own pages"
        browser = self.browser()
        browser.get('/portal/tai-khoan/dang-nhap')
        response = browser.post('/portal/tai-khoan/dang-nhap', {
                'email': CITIZEN, 'password': PASSWORD,
                'next': 'https://evil.example.com/portal/'})
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.location.endswith('/portal/ho-so'))

    def test_login_rate_limited(self):
        "After too many wrong passwords the login is refused for a while"
        from unittest.mock import patch
        browser = self.browser()
        # web_user waits 2^n - 1 seconds after each failure: not here
        with patch('trytond.modules.web_user.user.time.sleep'):
            statuses = [browser.login('limit@example.com', 'wrong').status_code
                for _ in range(8)]
        self.assertEqual(statuses[0], 400)
        self.assertEqual(statuses[-1], 429)
        response = browser.get('/portal/tai-khoan/dang-nhap')
        self.assertEqual(response.status_code, 200)

    def test_request_too_large(self):
        "A request over the dossier's size limit gets a clear page"
        import io
        browser = self.browser(CITIZEN)
        base = self._start(browser)
        base = base[base.index('/portal/'):]
        inputs = self._components(browser, base)
        config.set('egov_portal', 'max_dossier_size', '1000')
        try:
            response = browser.post(base + '/thanh-phan', {
                    inputs[0]: (io.BytesIO(b'%PDF' + b'0' * 2000000),
                        'lon.pdf'),
                    'action': 'upload'}, content_type='multipart/form-data')
        finally:
            config.set('egov_portal', 'max_dossier_size',
                str(50 * 1024 * 1024))
        self.assertEqual(response.status_code, 413)
        self.assertIn('Tệp quá lớn', response.text)

    def test_csrf_refused(self):
        "A form without its CSRF token is refused and changes nothing"
        client = self.client()
        response = client.post('/portal/tai-khoan/dang-nhap', data={
                'email': CITIZEN, 'password': PASSWORD})
        self.assertEqual(response.status_code, 403)
        self.assertNotIn('egov_portal_session=',
            response.headers.get('Set-Cookie', '').split(';')[0])
        browser = self.browser()
        browser.get('/portal/tai-khoan/dang-nhap')
        response = browser.post('/portal/tai-khoan/dang-nhap', {
                'email': CITIZEN, 'password': PASSWORD,
                'csrf_token': 'x' * 43})
        self.assertEqual(response.status_code, 403)

    def test_reset_password(self):
        "Forgotten password: the e-mail's link sets a new password"
        browser = self.browser()
        browser.get('/portal/tai-khoan/quen-mat-khau')
        with Outbox() as outbox:
            response = browser.post('/portal/tai-khoan/quen-mat-khau', {
                    'email': OTHER})
        self.assertEqual(response.status_code, 200)
        links = outbox.links('/portal/tai-khoan/dat-lai-mat-khau')
        self.assertTrue(links)
        path = '/' + links[0].split('://', 1)[1].split('/', 1)[1]
        browser.get(path.replace('&amp;', '&'))
        query = dict(p.split('=', 1) for p in path.split('?', 1)[1].split(
                '&'))
        from urllib.parse import unquote
        response = browser.post('/portal/tai-khoan/dat-lai-mat-khau', {
                'email': unquote(query['email']),
                'token': query['token'],
                'password': 'MoiMatKhau#1',
                'password-confirm': 'MoiMatKhau#1'})
        self.assertEqual(response.status_code, 200, response.text)
        response = self.browser().login(OTHER, 'MoiMatKhau#1')
        self.assertEqual(response.status_code, 303)
        # Back to the password of the other tests
        with Transaction().start(DB_NAME, 0) as transaction:
            WebUser = Pool().get('web.user')
            user, = WebUser.search([('email', '=', OTHER)])
            user.password = PASSWORD
            user.save()
            transaction.commit()

    def test_profile(self):
        "The profile keeps name, CCCD, phone and address; checks them"
        browser = self.browser(OTHER)
        browser.get('/portal/tai-khoan')
        response = browser.post('/portal/tai-khoan', {
                'name': 'Trần Văn Khác', 'cccd': '12345',
                'phone': '0912345678', 'address': 'Ấp 1'})
        self.assertEqual(response.status_code, 400)
        self.assertIn('href="#cccd"', response.text)
        response = browser.post('/portal/tai-khoan', {
                'name': 'Trần Văn Khác', 'cccd': '074096000999',
                'phone': '0912 345 678', 'address': 'Ấp 1, xã Tân Phú'})
        self.assertEqual(response.status_code, 303)
        response = browser.get('/portal/tai-khoan?da-luu=1')
        self.assertIn('074096000999', response.text)
        self.assertIn('0912345678', response.text)
        self.assertIn('Ấp 1, xã Tân Phú', response.text)

    # Submission
    def _start(self, browser, code=BIRTH):
        response = browser.get('/portal/nop-ho-so/%s' % code)
        self.assertEqual(response.status_code, 200, response.text)
        agency = re.search(r'<option value="(\d+)"', response.text).group(1)
        response = browser.post('/portal/nop-ho-so/%s' % code, {
                'applicant_kind': 'citizen',
                'applicant_id_number': '074096000123',
                'phone': '0912345678', 'email': CITIZEN,
                'address': 'Ấp 2, xã Tân Phú', 'company': agency})
        self.assertEqual(response.status_code, 303, response.text)
        return response.location

    def _declaration(self):
        province, ward = self._province_ward()
        return {
            'f.ho_ten_nguoi_khai': 'Nguyễn Văn An',
            'f.cccd_nguoi_khai': '074096000123',
            'f.quan_he': 'cha',
            'f.ho_ten_tre': 'Nguyễn Văn Bình',
            'f.ngay_sinh': (dt.date.today() - dt.timedelta(days=10)
                ).isoformat(),
            'f.gioi_tinh': 'nam',
            'f.noi_sinh.province': str(province),
            'f.noi_sinh.ward': str(ward),
            'f.noi_sinh.street': 'Bệnh viện tỉnh',
            'f.co_yeu_to_nuoc_ngoai': 'false',
            'action': 'continue',
            }

    @staticmethod
    def _province_ward():
        from trytond.modules.egov_procedure import eform
        province = eform.provinces()[0][0]
        return province, eform.wards(province)[0][0]

    def _components(self, browser, base):
        response = browser.get(base + '/thanh-phan')
        self.assertEqual(response.status_code, 200)
        return re.findall(r'name="(file-\d+)"', response.text)

    def submit_birth(self, browser):
        "Submit a complete birth registration; return its code"
        base = self._start(browser)
        base = base[base.index('/portal/'):]
        response = browser.post(base + '/to-khai', self._declaration())
        self.assertEqual(response.status_code, 303, response.text)
        inputs = self._components(browser, base)
        data = {'action': 'continue'}
        for name in inputs:
            data[name] = (pdf_bytes(), 'giấy chứng sinh.pdf')
        import io
        data = {k: ((io.BytesIO(v[0]), v[1]) if isinstance(v, tuple)
                else v) for k, v in data.items()}
        response = browser.post(base + '/thanh-phan', data,
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, 303, response.text)
        response = browser.get(base + '/kiem-tra')
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn('Nguyễn Văn Bình', response.text)
        response = browser.post(base + '/nop', {'confirm': '1'})
        self.assertEqual(response.status_code, 303, response.text)
        return CODE.search(response.location).group(1), base

    def test_submit_online(self):
        "A citizen submits a birth registration with its e-form and files"
        browser = self.browser(CITIZEN)
        code, _base = self.submit_birth(browser)
        self.assertRegex(code, r'^[\w.]+-\d{6}-\d{4}$')
        response = browser.get('/portal/ho-so/%s/xac-nhan' % code)
        self.assertEqual(response.status_code, 200)
        self.assertIn(code, response.text)
        response = browser.get('/portal/ho-so/%s/giay-tiep-nhan' % code)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.data.startswith(b'%PDF'))
        response = browser.get('/portal/ho-so')
        self.assertIn(code, response.text)
        with Transaction().start(DB_NAME, 0):
            Dossier = Pool().get('egov.dossier')
            dossier, = Dossier.search([('code', '=', code)])
            self.assertEqual(dossier.state, 'submitted')
            self.assertEqual(dossier.channel, 'online')
            self.assertEqual(dossier.web_user.email, CITIZEN)
            data = json.loads(dossier.form_data)
            self.assertEqual(data['ho_ten_tre'], 'Nguyễn Văn Bình')
            self.assertTrue(all(c.file_id for c in dossier.components))
            self.assertEqual(dossier.components[0].filename,
                'giấy chứng sinh.pdf')
            # The audit trail says which citizen submitted
            Log = Pool().get('egov.audit.log')
            logs = Log.search([
                    ('model', '=', 'egov.dossier'),
                    ('record_id', '=', dossier.id),
                    ('action', '=', 'transition')])
            self.assertTrue(logs)
            self.assertIn('portal %s' % CITIZEN, logs[-1].description)

    def test_eform_errors(self):
        "A declaration that breaks the e-form's rules is refused, linked"
        browser = self.browser(CITIZEN)
        base = self._start(browser)
        base = base[base.index('/portal/'):]
        data = self._declaration()
        data['f.cccd_nguoi_khai'] = '123'
        data['f.ngay_sinh'] = '2999-01-01'
        del data['f.ho_ten_tre']
        data['f.co_yeu_to_nuoc_ngoai'] = 'true'
        response = browser.post(base + '/to-khai', data)
        self.assertEqual(response.status_code, 400)
        html = response.text
        for field in ['cccd_nguoi_khai', 'ngay_sinh', 'ho_ten_tre',
                'quoc_tich_nuoc_ngoai']:
            self.assertIn('href="#f-%s"' % field, html)
            self.assertIn('id="f-%s"' % field, html)
        # The draft kept what was typed
        response = browser.get(base + '/to-khai')
        self.assertIn('value="123"', response.text)
        # The task list says the declaration is in progress
        response = browser.get(base)
        self.assertIn('Đang thực hiện', response.text)
        # Check and submit refuse an incomplete dossier
        response = browser.get(base + '/kiem-tra')
        self.assertEqual(response.status_code, 303)

    def test_upload_refusals(self):
        "A disguised or oversized file is refused with its message"
        import io
        browser = self.browser(CITIZEN)
        base = self._start(browser)
        base = base[base.index('/portal/'):]
        inputs = self._components(browser, base)
        self.assertTrue(inputs)
        response = browser.post(base + '/thanh-phan', {
                inputs[0]: (io.BytesIO(b'MZ\x90\x00' + b'\x00' * 200),
                    'giay-to.pdf'),
                'action': 'upload'}, content_type='multipart/form-data')
        self.assertEqual(response.status_code, 400)
        self.assertIn('href="#%s"' % inputs[0], response.text)
        config.set('egov_procedure', 'max_upload_size', '1000')
        try:
            response = browser.post(base + '/thanh-phan', {
                    inputs[0]: (io.BytesIO(pdf_bytes() + b'0' * 2000),
                        'lon.pdf'),
                    'action': 'upload'}, content_type='multipart/form-data')
        finally:
            config.set('egov_procedure', 'max_upload_size',
                str(10 * 1024 * 1024))
        self.assertEqual(response.status_code, 400)
        response = browser.get(base + '/thanh-phan')
        self.assertNotIn('Đã tải lên', response.text)
        # A missing required document blocks "continue"
        response = browser.post(base + '/thanh-phan', {'action': 'continue'},
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, 400)

    def test_file_name_sanitised(self):
        "A file name loses its folders and control characters"
        from trytond.modules.egov_portal.submission import clean_filename
        self.assertEqual(clean_filename('../../etc/passwd'), 'passwd')
        self.assertEqual(clean_filename('C:\\Users\\a\\Giấy tờ.pdf'),
            'Giấy tờ.pdf')
        self.assertEqual(clean_filename('a\x00b<>.pdf'), 'ab.pdf')
        self.assertEqual(clean_filename(''), 'tep')
        self.assertLessEqual(len(clean_filename('x' * 500 + '.pdf')), 120)

    def test_other_citizen_refused(self):
        "Another citizen reaches none of the dossier's pages or files"
        owner = self.browser(CITIZEN)
        code, base = self.submit_birth(owner)
        other = self.browser(OTHER)
        for url in ['/portal/ho-so/%s' % code,
                '/portal/ho-so/%s/xac-nhan' % code,
                '/portal/ho-so/%s/giay-tiep-nhan' % code,
                '/portal/ho-so/%s/ket-qua' % code]:
            response = other.get(url)
            self.assertEqual(response.status_code, 404, url)
        response = other.get('/portal/ho-so')
        self.assertNotIn(code, response.text)
        # Nor a draft by its id
        draft = self._start(owner)
        draft = draft[draft.index('/portal/'):]
        for suffix in ['', '/to-khai', '/thanh-phan', '/kiem-tra']:
            response = other.get(draft + suffix)
            self.assertEqual(response.status_code, 404, suffix)
        response = other.post(draft + '/xoa')
        self.assertEqual(response.status_code, 404)
        response = other.post('/portal/ho-so/%s/rut' % code)
        self.assertEqual(response.status_code, 404)
        with Transaction().start(DB_NAME, 0):
            Dossier = Pool().get('egov.dossier')
            dossier, = Dossier.search([('code', '=', code)])
            self.assertEqual(dossier.state, 'submitted')
        # Nor an uploaded file by its id
        with Transaction().start(DB_NAME, 0):
            Dossier = Pool().get('egov.dossier')
            dossier, = Dossier.search([('code', '=', code)])
            file_id = dossier.components[0].id
        response = other.get('/portal/ho-so/%s/tep/%s' % (code, file_id))
        self.assertEqual(response.status_code, 404)
        response = owner.get('/portal/ho-so/%s/tep/%s' % (code, file_id))
        self.assertEqual(response.status_code, 200)

    def test_login_required(self):
        "The citizen's pages send an anonymous visitor to the login"
        for url in ['/portal/ho-so', '/portal/tai-khoan',
                '/portal/nop-ho-so/%s' % BIRTH]:
            response = self.client().get(url)
            self.assertEqual(response.status_code, 303)
            self.assertIn('/portal/tai-khoan/dang-nhap?next=',
                response.location)

    def test_supplement_result_rating(self):
        "Supplement on request, download the signed result, rate once"
        import io
        browser = self.browser(CITIZEN)
        code, _base = self.submit_birth(browser)
        notices = self.notices
        # The citizen gets the code by e-mail
        self.assertEqual([m['To'] for m in notices], [CITIZEN])
        self.assertIn(code, notices[0]['Subject'])

        def request():
            Dossier = Pool().get('egov.dossier')
            dossier, = Dossier.search([('code', '=', code)])
            dossier.supplement_request = "Bản sao giấy chứng sinh rõ hơn"
            dossier.save()
            Dossier.request_supplement([dossier])
        notices.clear()
        in_transaction(DB_NAME, request)
        # and hears of the request by e-mail, with the link to answer it
        self.assertEqual(len(notices), 1)
        text, = notices.texts()
        self.assertIn('Bản sao giấy chứng sinh rõ hơn', text)
        self.assertIn('/portal/ho-so/%s' % code, text)
        response = browser.get('/portal/ho-so/%s' % code)
        self.assertIn('Bản sao giấy chứng sinh rõ hơn', response.text)
        inputs = re.findall(r'name="(file-\d+)"', response.text)
        response = browser.post('/portal/ho-so/%s/bo-sung' % code, {
                inputs[0]: (io.BytesIO(pdf_bytes("rõ hơn")), 'ban-moi.pdf'),
                'note': 'Đã bổ sung'}, content_type='multipart/form-data')
        self.assertEqual(response.status_code, 303, response.text)
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Dossier = pool.get('egov.dossier')
            dossier, = Dossier.search([('code', '=', code)])
            self.assertEqual(dossier.state, 'submitted')
            self.assertIn('ban-moi.pdf',
                [c.filename for c in dossier.components])
            # The result is signed and returned (as the desk does)
            table = Dossier.__table__()
            cursor = transaction.connection.cursor()
            cursor.execute(*table.update(
                    [table.state, table.returned_date],
                    ['returned', dt.datetime.now()],
                    where=table.id == dossier.id))
            Dossier.write([Dossier(dossier.id)], {
                    'result_file': pdf_bytes("Giấy khai sinh"),
                    'result_filename': 'giay-khai-sinh.pdf'})
            transaction.commit()
        response = browser.get('/portal/ho-so/%s/ket-qua' % code)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.data.startswith(b'%PDF'))
        response = browser.post('/portal/ho-so/%s/danh-gia' % code, {})
        self.assertEqual(response.status_code, 400)
        response = browser.post('/portal/ho-so/%s/danh-gia' % code, {
                'rating': 'satisfied', 'comment': 'Nhanh'})
        self.assertEqual(response.status_code, 303)
        response = browser.post('/portal/ho-so/%s/danh-gia' % code, {
                'rating': 'unsatisfied'})
        self.assertEqual(response.status_code, 400)
        with Transaction().start(DB_NAME, 0):
            Dossier = Pool().get('egov.dossier')
            dossier, = Dossier.search([('code', '=', code)])
            self.assertEqual(dossier.rating, 'satisfied')

    def test_withdraw(self):
        "The citizen withdraws a dossier not received yet"
        browser = self.browser(CITIZEN)
        code, _base = self.submit_birth(browser)
        response = browser.get('/portal/ho-so/%s/rut' % code)
        self.assertEqual(response.status_code, 200)
        self.assertIn('Rút hồ sơ %s?' % code, response.text)
        response = browser.post('/portal/ho-so/%s/rut' % code)
        self.assertEqual(response.status_code, 303)
        with Transaction().start(DB_NAME, 0):
            Dossier = Pool().get('egov.dossier')
            dossier, = Dossier.search([('code', '=', code)])
            self.assertEqual(dossier.state, 'withdrawn')

    def test_wards_api(self):
        "The wards of a province as JSON, empty for a bad code"
        province, ward = self._province_ward()
        response = self.client().get('/portal/api/phuong-xa?tinh=%s'
            % province)
        self.assertEqual(response.status_code, 200)
        self.assertIn(ward, [w['code'] for w in response.json])
        response = self.client().get('/portal/api/phuong-xa?tinh=abc')
        self.assertEqual(response.json, [])
