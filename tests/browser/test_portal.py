# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Browser tests of the citizens' portal: headless Chromium (Debian's
chromium and chromedriver) drives the portal served by trytond with the
demo data.  A citizen registers (the e-mail goes to a local SMTP sink),
confirms the address, logs in, submits a birth registration with its
e-form and uploads; the officials act through the back office's JSON-RPC
(receive, ask to supplement, process, sign, return) and the citizen sees
each change, supplements, downloads the signed result and rates it.

Every main page is photographed at 390×844 and 1280×800 into
test-output/browser/portal-<page>-<width>.png and checked with axe-core
(var/axe/axe.min.js, installed by ``make test``): no serious or critical
violation of WCAG 2.1 A/AA; the full report is written to
test-output/browser/portal-axe.json."""
import base64
import datetime as dt
import email
import email.policy
import html
import json
import os
import re
import shutil
import tempfile
import threading
import time
import unittest
import urllib.request

from aiosmtpd.controller import Controller
from selenium.common.exceptions import (
    StaleElementReferenceException, WebDriverException)
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from .test_sao import (
    DATABASE, OUTPUT, PASSWORD, ROOT, PlatformServer, chromium, free_port)

AXE = os.environ.get('AXE_JS', os.path.join(ROOT, 'var', 'axe', 'axe.min.js'))
AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
SIZES = [(390, 844), (1280, 800)]
BIRTH = '1.001193'
CITIZEN_EMAIL = 'le.thi.moi@example.com'
CITIZEN_NAME = 'Lê Thị Mới'
CITIZEN_PASSWORD = 'MatKhau#Moi2026'
CITIZEN_CCCD = '074096000123'
AGENCY = 'phường Tân Phú'
VALIDATION_LINK = re.compile(
    r'https?://[^\s<>"\')\]]+/portal/tai-khoan/xac-thuc\?token=[^\s<>"\')\]]+')


class Sink:
    "An SMTP server keeping the messages it receives"

    def __init__(self):
        self.messages = []
        self.condition = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default)
        with self.condition:
            self.messages.append(message)
            self.condition.notify_all()
        return '250 OK'

    def wait(self, predicate, timeout=30):
        "The first message for which predicate is true"
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                for message in self.messages:
                    if predicate(message):
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError("no such e-mail in %s" % [
                            m['Subject'] for m in self.messages])
                self.condition.wait(remaining)


def text_of(message):
    part = message.get_body(preferencelist=('plain', 'html'))
    return part.get_content()


class RPCError(Exception):
    pass


class Official:
    "An official of the back office, through trytond's JSON-RPC"

    def __init__(self, server, login):
        self.url = server.url + DATABASE + '/rpc/'
        self.login = login
        self.authorization = None
        result = self.call('common.db.login', login,
            {'password': PASSWORD}, 'vi')
        user_id, session = result[0], result[1]
        self.authorization = 'Session ' + base64.b64encode(
            ('%s:%s:%s' % (login, user_id, session)).encode()).decode()
        self.user_id = user_id
        self.context = self.call('model.res.user.get_preferences', True, {})

    def call(self, method, *params):
        data = json.dumps({'id': 1, 'method': method,
                'params': list(params)}).encode()
        request = urllib.request.Request(self.url, data=data,
            headers={'Content-Type': 'application/json'})
        if self.authorization:
            request.add_header('Authorization', self.authorization)
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        if answer.get('error'):
            raise RPCError('%s %s: %s' % (self.login, method,
                    answer['error']))
        return answer['result']

    def model(self, model, method, *params):
        return self.call('model.%s.%s' % (model, method),
            *params, self.context)

    def dossier(self, code):
        ids = self.model('egov.dossier', 'search', [('code', '=', code)])
        assert len(ids) == 1, (self.login, code, ids)
        return ids[0]

    def write(self, ids, values):
        self.model('egov.dossier', 'write', ids, values)

    def click(self, ids, button):
        self.model('egov.dossier', button, ids)

    def user(self, login):
        ids = self.model('res.user', 'search', [('login', '=', login)])
        return ids[0]

    def read(self, ids, names):
        return self.model('egov.dossier', 'read', ids, names)


def pdf_file(folder, name, text):
    "A small PDF written with reportlab into folder"
    from reportlab.pdfgen import canvas
    path = os.path.join(folder, name)
    page = canvas.Canvas(path)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return path


def bytes_field(data):
    "A binary value as trytond's JSON-RPC encodes it"
    return {'__class__': 'bytes',
        'base64': base64.b64encode(data).decode()}


def left(element):
    """The page of element was replaced: as EC.staleness_of, also when
    Chrome, asked in the middle of the navigation, answers that the node
    no longer belongs to the document"""
    def predicate(driver):
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exception:
            if 'does not belong to the document' in str(exception):
                return True
            raise
        return False
    return predicate


class PortalTestCase(unittest.TestCase):
    "The citizens' portal in a real browser"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        os.makedirs(OUTPUT, exist_ok=True)
        if not os.path.exists(AXE):
            raise RuntimeError(
                "axe-core is not installed (%s): run `make test` or "
                "`sh scripts/install_axe.sh`" % AXE)
        with open(AXE, encoding='utf-8') as fp:
            cls.axe_source = fp.read()
        cls.sink = Sink()
        cls.smtp = Controller(cls.sink, hostname='127.0.0.1',
            port=free_port())
        cls.smtp.start()
        cls.addClassCleanup(cls.smtp.stop)
        cls.server = PlatformServer()
        cls.server.env['TRYTOND_EMAIL__URI'] = (
            'smtp://127.0.0.1:%s' % cls.smtp.port)
        cls.addClassCleanup(cls.server.stop)
        cls.addClassCleanup(cls.keep_server_log)
        cls.server.start()
        cls.portal = cls.server.url + 'portal'
        cls.driver = chromium(*SIZES[-1])
        cls.driver.set_script_timeout(60)
        cls.addClassCleanup(cls.driver.quit)
        cls.folder = tempfile.mkdtemp(prefix='egov-portal-upload-')
        cls.addClassCleanup(shutil.rmtree, cls.folder, True)
        cls.axe_results = {}
        cls.addClassCleanup(cls.write_axe_report)

    @classmethod
    def keep_server_log(cls):
        "The server's log beside the screenshots (its folder is removed)"
        cls.server.log.flush()
        shutil.copy(os.path.join(cls.server.folder, 'server.log'),
            os.path.join(OUTPUT, 'portal-server.log'))

    @classmethod
    def write_axe_report(cls):
        with open(os.path.join(OUTPUT, 'portal-axe.json'), 'w',
                encoding='utf-8') as fp:
            json.dump(cls.axe_results, fp, ensure_ascii=False, indent=1)

    def wait(self, timeout=30):
        return WebDriverWait(self.driver, timeout)

    def open(self, path):
        self.driver.get(self.portal + path)
        return self.wait().until(
            EC.presence_of_element_located((By.TAG_NAME, 'h1')))

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def submit(self, selector='main form button[type=submit]'):
        "Click a submit button and wait for the next page"
        old = self.find('html')
        self.find(selector).click()
        self.wait().until(left(old))
        return self.wait().until(
            EC.presence_of_element_located((By.TAG_NAME, 'h1')))

    def body(self):
        return self.find('body').text

    def check_page(self, name):
        """Photograph the page at both sizes and check it with axe-core:
        no serious or critical violation"""
        driver = self.driver
        for width, height in SIZES:
            driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
                    'width': width, 'height': height,
                    'deviceScaleFactor': 1, 'mobile': width < 600})
            driver.execute_script('window.scrollTo(0, 0)')
            driver.save_screenshot(os.path.join(
                    OUTPUT, 'portal-%s-%s.png' % (name, width)))
            self.axe(name, width)
        driver.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})

    def axe(self, name, width):
        driver = self.driver
        if not driver.execute_script('return !!window.axe'):
            driver.execute_script(self.axe_source)
        outcome = driver.execute_async_script("""
            var done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},
                    resultTypes: ['violations']})
                .then(function (result) {
                    done(JSON.stringify({
                        violations: result.violations,
                        passes: result.passes.length,
                        incomplete: result.incomplete.map(function (r) {
                            return r.id; })
                    })); })
                .catch(function (error) { done('error: ' + error); });
            """, AXE_TAGS)
        self.assertFalse(outcome.startswith('error'), outcome)
        outcome = json.loads(outcome)
        violations = [{
                'id': v['id'], 'impact': v['impact'], 'help': v['help'],
                'nodes': [{'target': n['target'], 'html': n['html'],
                        'summary': n.get('failureSummary')}
                    for n in v['nodes']],
                } for v in outcome['violations']]
        key = '%s-%s' % (name, width)
        self.axe_results[key] = {'url': driver.current_url,
            'passes': outcome['passes'], 'incomplete': outcome['incomplete'],
            'violations': violations}
        self.assertGreater(outcome['passes'], 0, key)
        serious = ['%s (%s): %s' % (v['id'], v['impact'], '; '.join(
                    '%s %s' % (' '.join(n['target']), n['html'][:200])
                    for n in v['nodes']))
            for v in violations if v['impact'] in {'serious', 'critical'}]
        with self.subTest(axe=key):
            self.assertEqual(serious, [], key)

    def state(self):
        "The state tag of the dossier's page"
        tag = self.find('dl.summary .tag')
        return [c for c in tag.get_attribute('class').split()
            if c.startswith('tag-')][0][len('tag-'):], tag.text

    def reload_state(self, code, expected):
        self.open('/ho-so/%s' % code)
        state, text = self.state()
        self.assertEqual(state, expected, text)
        return text

    def session_cookie(self):
        cookie = self.driver.get_cookie('egov_portal_session')
        self.assertTrue(cookie)
        return '%s=%s' % (cookie['name'], cookie['value'])

    def fetch(self, path):
        request = urllib.request.Request(self.portal + path,
            headers={'Cookie': self.session_cookie()})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()

    def test_citizen_journey(self):
        "Register, submit online, follow, supplement, download and rate"
        started = time.monotonic()
        driver = self.driver

        # Public pages
        self.open('/')
        self.assertEqual(self.find('html').get_attribute('lang'), 'vi')
        self.check_page('home')
        self.open('/thu-tuc?q=khai+sinh')
        self.assertIn(BIRTH, self.body())
        self.check_page('catalog')
        self.open('/thu-tuc/%s' % BIRTH)
        self.check_page('procedure')
        self.open('/thong-ke')
        self.check_page('statistics')
        self.open('/tra-cuu')
        self.check_page('lookup')

        # Register: the confirmation link arrives by e-mail
        self.open('/tai-khoan/dang-ky')
        self.check_page('register')
        self.find('#name').send_keys(CITIZEN_NAME)
        self.find('#email').send_keys(CITIZEN_EMAIL)
        self.find('#phone').send_keys('0912 345 678')
        self.find('#password').send_keys(CITIZEN_PASSWORD)
        self.find('#password-confirm').send_keys(CITIZEN_PASSWORD)
        self.find('#accept').click()
        self.submit()
        self.assertIn(CITIZEN_EMAIL, self.body())
        message = self.sink.wait(lambda m: CITIZEN_EMAIL in str(m['To']))
        links = VALIDATION_LINK.findall(text_of(message))
        self.assertTrue(links, text_of(message))
        link = html.unescape(links[0])
        self.assertTrue(link.startswith(self.portal), link)
        driver.get(link)
        self.assertIn('Đã xác nhận', self.find('h1').text)

        # Log in
        self.open('/tai-khoan/dang-nhap')
        self.check_page('login')
        self.find('#email').send_keys(CITIZEN_EMAIL)
        self.find('#password').send_keys(CITIZEN_PASSWORD)
        self.submit()
        self.assertTrue(driver.current_url.endswith('/portal/ho-so'),
            driver.current_url)

        # Submit a birth registration: applicant, declaration, documents
        self.open('/thu-tuc/%s' % BIRTH)
        self.find('a[href$="/nop-ho-so/%s"]' % BIRTH).click()
        self.wait().until(EC.presence_of_element_located((By.ID, 'company')))
        self.check_page('applicant')
        self.assertTrue(self.find('#applicant_kind').is_selected())
        self.find('#applicant_id_number').clear()
        self.find('#applicant_id_number').send_keys(CITIZEN_CCCD)
        self.assertEqual(
            self.find('#phone').get_attribute('value'), '0912345678')
        agency = Select(self.find('#company'))
        agency.select_by_visible_text(next(o.text for o in agency.options
                if AGENCY in o.text))
        self.submit()
        self.check_page('tasks')
        tasks = driver.current_url

        self.find('a[href$="/to-khai"]').click()
        self.wait().until(EC.presence_of_element_located(
                (By.ID, 'f-ho_ten_nguoi_khai')))
        self.check_page('declaration')
        self.find('#f-ho_ten_nguoi_khai').send_keys(CITIZEN_NAME)
        self.find('#f-cccd_nguoi_khai').send_keys(CITIZEN_CCCD)
        Select(self.find('#f-quan_he')).select_by_value('me')
        self.find('#f-ho_ten_tre').send_keys('Nguyễn Thị Bé')
        birthday = dt.date.today() - dt.timedelta(days=12)
        self.find('#f-ngay_sinh').send_keys(birthday.strftime('%d/%m/%Y'))
        Select(self.find('#f-gioi_tinh')).select_by_value('nu')
        # With JavaScript the wards load when the province is chosen
        self.assertFalse(
            self.find('#f-noi_sinh-ward-refresh').is_displayed())
        Select(self.find('#f-noi_sinh-province')).select_by_value('75')
        self.wait().until(lambda d: len(Select(
                    self.find('#f-noi_sinh-ward')).options) > 1)
        Select(self.find('#f-noi_sinh-ward')).select_by_index(1)
        self.find('#f-noi_sinh-street').send_keys('Bệnh viện đa khoa tỉnh')
        # The nationality is asked only with a foreign parent
        nationality = self.find('#f-quoc_tich_nuoc_ngoai')
        self.find('#f-co_yeu_to_nuoc_ngoai-yes').click()
        self.assertTrue(nationality.is_displayed())
        self.find('#f-co_yeu_to_nuoc_ngoai-no').click()
        self.assertFalse(nationality.is_displayed())
        self.submit('button[name=action][value=continue]')
        self.assertEqual(driver.current_url, tasks, self.body())

        self.find('a[href$="/thanh-phan"]').click()
        inputs = self.wait().until(EC.presence_of_all_elements_located(
                (By.CSS_SELECTOR, 'main input[type=file]')))
        self.check_page('documents')
        upload = pdf_file(self.folder, 'giay-chung-sinh.pdf',
            'Giay chung sinh')
        for field in inputs:
            field.send_keys(upload)
        self.submit('button[name=action][value=continue]')
        self.assertEqual(driver.current_url, tasks, self.body())

        self.find('a[href$="/kiem-tra"]').click()
        self.wait().until(EC.presence_of_element_located((By.ID, 'confirm')))
        self.assertIn('Nguyễn Thị Bé', self.body())
        self.assertIn('giay-chung-sinh.pdf', self.body())
        self.check_page('check')
        self.find('#confirm').click()
        self.submit('form[action$="/nop"] button[type=submit]')
        self.assertTrue(driver.current_url.endswith('/xac-nhan'),
            driver.current_url)
        code = self.find('.panel-confirm .code').text.strip()
        self.assertRegex(code, r'^000\.01\.31\.H10-\d{6}-\d{4}$')
        self.check_page('confirmation')
        status, headers, data = self.fetch('/ho-so/%s/giay-tiep-nhan' % code)
        self.assertTrue(data.startswith(b'%PDF'))

        self.open('/ho-so')
        self.assertIn(code, self.body())
        self.check_page('my-dossiers')
        self.assertEqual(self.reload_state(code, 'submitted'), 'Đã nộp')

        # The one-stop officer of the ward receives it
        one_stop = Official(self.server, 'motcua.tanphu')
        dossier = one_stop.dossier(code)
        one_stop.click([dossier], 'receive')
        self.assertEqual(self.reload_state(code, 'received'), 'Đã tiếp nhận')
        self.assertNotIn('Chưa tiếp nhận', self.body())

        # and asks for a supplement: the citizen answers it
        request = 'Bản sao giấy chứng sinh có dấu của bệnh viện'
        one_stop.write([dossier], {'supplement_request': request})
        one_stop.click([dossier], 'request_supplement')
        self.reload_state(code, 'supplement')
        self.assertIn(request, self.body())
        self.check_page('supplement')
        supplement = pdf_file(self.folder, 'giay-chung-sinh-ban-sao.pdf',
            'Ban sao co dau')
        self.find('form[action$="/bo-sung"] input[type=file]').send_keys(
            supplement)
        self.find('#note').send_keys('Đã bổ sung bản sao có dấu')
        self.submit('form[action$="/bo-sung"] button[type=submit]')
        self.assertIn('da-bo-sung=1', driver.current_url)
        state, _text = self.state()
        self.assertEqual(state, 'processing')
        self.assertIn('giay-chung-sinh-ban-sao.pdf', self.body())

        # The city processes it, the leader signs the result, the ward
        # returns it
        specialist = Official(self.server, 'chuyenvien.dongxoai')
        leader = Official(self.server, 'lanhdao.dongxoai')
        one_stop.write([dossier], {
                'next_assignee': one_stop.user('chuyenvien.dongxoai')})
        one_stop.click([dossier], 'forward')
        self.reload_state(code, 'processing')
        from trytond.modules.egov_procedure.demo import result_pdf
        specialist.write([dossier], {
                'result_file': bytes_field(result_pdf(
                        'Giấy khai sinh', code, 'Nguyễn Thị Bé')),
                'result_filename': 'giay-khai-sinh.pdf',
                'next_assignee': specialist.user('lanhdao.dongxoai'),
                })
        specialist.click([dossier], 'forward')
        self.reload_state(code, 'awaiting_signature')
        self.sign(leader, dossier)
        self.assertEqual(
            leader.read([dossier], ['state', 'result_signed'])[0]['state'],
            'result_issued')
        leader.click([dossier], 'forward')
        self.reload_state(code, 'ready')
        fees = one_stop.read([dossier], ['fees'])[0]['fees']
        unpaid = [f['id'] for f in one_stop.model(
                'egov.dossier.fee', 'read', fees, ['state'])
            if f['state'] == 'unpaid']
        if unpaid:
            one_stop.model('egov.dossier.fee', 'pay', unpaid)
        one_stop.click([dossier], 'return_')
        self.reload_state(code, 'returned')

        # The citizen downloads the signed result and rates the service
        link = self.find('a[href$="/ket-qua"]')
        self.assertTrue(link.is_displayed())
        status, headers, data = self.fetch('/ho-so/%s/ket-qua' % code)
        self.assertEqual(status, 200)
        self.assertEqual(headers['Content-Type'], 'application/pdf')
        self.assertTrue(data.startswith(b'%PDF'))
        self.assertIn(b'/ByteRange', data)  # signed
        self.check_page('dossier')
        self.find('#rating').click()
        self.find('#comment').send_keys('Cán bộ xử lý nhanh, tận tình.')
        self.submit('form[action$="/danh-gia"] button[type=submit]')
        notice = self.find('.notice-success').text
        self.assertIn('Cảm ơn', notice)
        self.assertFalse(driver.find_elements(
                By.CSS_SELECTOR, 'form[action$="/danh-gia"]'))
        self.check_page('dossier-rated')
        self.assertEqual(one_stop.read([dossier], ['rating'])[0]['rating'],
            'satisfied')

        # Anyone looks the dossier up by its code
        self.open('/tra-cuu?ma=%s' % code)
        self.assertIn('tag-returned', self.find('main').get_attribute(
                'innerHTML'))
        self.assertNotIn(CITIZEN_NAME, self.body())
        self.check_page('lookup-result')

        # The browser asks the server's root for /favicon.ico by itself
        self.maxDiff = None
        self.assertEqual([e for e in driver.get_log('browser')
                if e['level'] == 'SEVERE'
                and '/favicon.ico ' not in e['message']], [])
        print("\nportal journey: %.0f s" % (time.monotonic() - started))

    def sign(self, leader, dossier):
        "The leader signs the result with the sign_result wizard"
        name = 'wizard.egov.dossier.sign_result'
        session, start, _end = leader.call(name + '.create', leader.context)
        context = dict(leader.context, active_model='egov.dossier',
            active_id=dossier, active_ids=[dossier])
        view = leader.call(name + '.execute', session, {}, start, context)
        defaults = view['view']['defaults']
        self.assertTrue(defaults.get('identity'), defaults)
        leader.call(name + '.execute', session, {start: {
                    'identity': defaults['identity'],
                    'dossier': dossier,
                    'secret': PASSWORD,
                    }}, 'sign', context)
        leader.call(name + '.delete', session, leader.context)
