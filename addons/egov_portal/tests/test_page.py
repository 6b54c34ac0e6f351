# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Information pages: workflow, cleaning of the rich text, images, links,
and their routes on the portal (list, page, preview, image)."""
import ast
import datetime as dt
import os
import re
import unittest

import polib

from trytond import config
from trytond.model.exceptions import AccessError, ValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.egov_base.tests.tools import as_user
from trytond.modules.egov_portal import pages as _pages  # noqa: F401
from trytond.modules.egov_portal.demo_pages import (
    FAQ, GUIDE, TET, banner_png, load_pages)
from trytond.modules.egov_portal.page import (
    PageStateError, clean_html, parse_links, safe_url, slugify, today)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase, with_transaction
from trytond.transaction import Transaction

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVIL = ('<p onclick="steal()">Xin chào <a href="javascript:alert(1)">xấu'
    '</a> <a href="https://example.org/a" target="_blank">tốt</a>'
    '<img src="x" onerror="alert(2)"></p><script>alert(3)</script>'
    '<style>body{display:none}</style><iframe src="https://x"></iframe>'
    '<h2 style="color:red">Tiêu đề</h2>')
PDF = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n'


def _procedure():
    pool = Pool()
    Field = pool.get('egov.procedure.field')
    Procedure = pool.get('egov.procedure')
    procedures = Procedure.search([('code', '=', '1.001193')])
    if procedures:
        return procedures[0]
    field = Field(name="Hộ tịch")
    field.save()
    procedure = Procedure(code='1.001193', name="Thủ tục đăng ký khai sinh",
        field=field, deadline=1)
    procedure.save()
    return procedure


def _page(title, state='published', days=0, blocks=None, **values):
    "A page published days ago (in the future if negative)"
    pool = Pool()
    Page = pool.get('egov.portal.page')
    if blocks is None:
        blocks = [{'type': 'text', 'text': '<p>Nội dung</p>'}]
    page, = Page.create([dict(title=title, kind='news',
                publication_date=today() - dt.timedelta(days=days),
                blocks=[('create', blocks)], **values)])
    if state in {'published', 'archived'}:
        Page.publish([page])
    if state == 'archived':
        Page.archive([page])
    return page


class PageTestCase(RouteTestCase):
    "Test the information pages of the portal"
    module = 'egov_portal'

    @classmethod
    def setUpClass(cls):
        if not config.has_section('egov_portal'):
            config.add_section('egov_portal')
        config.set('egov_portal', 'database', DB_NAME)
        super().setUpClass()

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Page = pool.get('egov.portal.page')
        procedure = _procedure()
        _page("Tin đã đăng", slug='tin-da-dang', days=2, blocks=[
                {'type': 'heading', 'heading': "Phần một"},
                {'type': 'text', 'text': '<p>Đoạn <strong>đậm</strong></p>'},
                {'type': 'procedures', 'procedures': [
                        ('add', [procedure.id])]},
                {'type': 'links', 'heading': "Liên kết",
                    'links': "Cổng quốc gia | https://dichvucong.gov.vn\n"
                    "Tra cứu | /portal/tra-cuu"},
                {'type': 'cta', 'heading': "Nộp ngay",
                    'cta_label': "Nộp hồ sơ", 'cta_url': '/portal/thu-tuc'},
                {'type': 'image', 'image': banner_png(),
                    'image_name': 'a.png', 'image_alt': "Hình minh họa"},
                ])
        _page("Tin mới hơn", slug='tin-moi-hon', days=1)
        draft = _page("Bản nháp bí mật", slug='ban-nhap', state='draft',
            blocks=[
                {'type': 'text', 'text': '<p>Chưa công bố</p>'},
                {'type': 'image', 'image': banner_png(),
                    'image_name': 'b.png', 'image_alt': "Ảnh nháp"},
                ])
        cls.draft_token = draft.preview_token
        _page("Tin tương lai", slug='tin-tuong-lai', days=-5)
        _page("Tin đã lưu trữ", slug='tin-luu-tru', state='archived')
        _page("Tin hết hạn", slug='tin-het-han', days=30,
            expiry_date=today() - dt.timedelta(days=1))
        # Rich text stored before the cleaning (or by SQL): cleaned again
        # when shown
        evil = _page("Trang cũ", slug='trang-cu', days=3)
        block = Pool().get('egov.portal.page.block').__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*block.update([block.text], [EVIL],
                where=block.page == evil.id))
        load_pages()
        assert Page.search([('slug', '=', GUIDE)])

    # Helpers of the models
    @with_transaction()
    def test_slugify(self):
        "The address of a title: ASCII lower-case words and hyphens"
        self.assertEqual(
            slugify("Thông báo thời gian tiếp nhận hồ sơ dịp Tết 2026!"),
            'thong-bao-thoi-gian-tiep-nhan-ho-so-dip-tet-2026')
        self.assertEqual(slugify("Đường   dây nóng -- 1022"),
            'duong-day-nong-1022')
        self.assertLessEqual(len(slugify("chữ " * 60)), 80)
        self.assertFalse(slugify("chữ " * 60).endswith('-'))

    def test_clean_html(self):
        "Scripts, handlers, styles and javascript: links are removed"
        cleaned = clean_html(EVIL)
        for bad in ['<script', 'alert(3)', 'onclick', 'onerror',
                'javascript:', '<img', '<iframe', 'style', 'display:none',
                'target=']:
            self.assertNotIn(bad, cleaned)
        self.assertIn('<a href="https://example.org/a" '
            'rel="noopener noreferrer">tốt</a>', cleaned)
        self.assertIn('<h2>Tiêu đề</h2>', cleaned)
        self.assertEqual(clean_html('<b>a</b> <i>b</i>'),
            '<strong>a</strong> <em>b</em>')

    def test_clean_plain_text(self):
        "Plain text becomes escaped paragraphs"
        self.assertEqual(clean_html("Một\nhai \n\n\nBa & bốn < 5"),
            '<p>Một<br>hai</p><p>Ba &amp; bốn &lt; 5</p>')

    def test_safe_url(self):
        "Links go to the site, http(s) or mailto only"
        for url in ['/portal/thu-tuc', 'https://dichvucong.gov.vn',
                'http://example.org/a?b=c', 'mailto:hotro@example.vn']:
            self.assertTrue(safe_url(url), url)
        for url in ['javascript:alert(1)', 'JavaScript:alert(1)',
                'data:text/html,x', '//evil.example', 'ftp://x',
                'https://', ' /portal', 'vbscript:x', '/a b', '']:
            self.assertFalse(safe_url(url), url)
        links, invalid = parse_links(
            "Một | /portal\n\nHai | javascript:x\nBa|https://a.vn\nbốn")
        self.assertEqual(links, [('Một', '/portal'), ('Ba', 'https://a.vn')])
        self.assertEqual(invalid, ['Hai | javascript:x', 'bốn'])

    # Models
    @with_transaction()
    def test_workflow(self):
        "A page is published, set back to draft, archived"
        pool = Pool()
        Page = pool.get('egov.portal.page')
        page = _page("Quy trình", state='draft')
        self.assertEqual(page.state, 'draft')
        self.assertTrue(page.preview_token)
        Page.publish([page])
        self.assertEqual(page.state, 'published')
        Page.draft([page])
        self.assertEqual(page.state, 'draft')
        Page.publish([page])
        Page.archive([page])
        self.assertEqual(page.state, 'archived')
        Page.draft([page])
        self.assertEqual(page.state, 'draft')

    @with_transaction()
    def test_publish_empty(self):
        "A page without block is not published"
        pool = Pool()
        Page = pool.get('egov.portal.page')
        page = _page("Trống", state='draft', blocks=[])
        with self.assertRaises(PageStateError):
            Page.publish([page])

    @with_transaction()
    def test_published_readonly(self):
        "The content of a published page changes only back in draft"
        pool = Pool()
        Page = pool.get('egov.portal.page')
        Block = pool.get('egov.portal.page.block')
        page = _page("Đã đăng")
        with self.assertRaises(PageStateError):
            Page.write([page], {'title': "Khác"})
        with self.assertRaises(PageStateError):
            Block.write(list(page.blocks), {'text': '<p>Khác</p>'})
        with self.assertRaises(PageStateError):
            Block.create([{'page': page.id, 'type': 'heading',
                        'heading': "Thêm"}])
        with self.assertRaises(PageStateError):
            Block.delete(list(page.blocks))
        with self.assertRaises(PageStateError):
            Page.delete([page])
        Page.draft([page])
        Page.write([page], {'title': "Khác"})
        self.assertEqual(page.title, "Khác")

    @with_transaction()
    def test_workflow_fields(self):
        "The state and the preview token are not written from a client"
        pool = Pool()
        Page = pool.get('egov.portal.page')
        page = _page("Nháp", state='draft')
        with Transaction().set_context(_check_access=True):
            for values in [{'state': 'published'},
                    {'preview_token': 'abc'}]:
                with self.assertRaises(AccessError):
                    Page.write([page], values)
            with self.assertRaises(AccessError):
                Page.create([{'title': "X", 'state': 'published'}])
        self.assertEqual(page.state, 'draft')

    @with_transaction()
    def test_slug(self):
        "The address comes from the title, unique and checked"
        pool = Pool()
        Page = pool.get('egov.portal.page')
        first = _page("Lịch làm việc Tết", state='draft')
        second = _page("Lịch làm việc Tết", state='draft')
        self.assertEqual(first.slug, 'lich-lam-viec-tet')
        self.assertEqual(second.slug, 'lich-lam-viec-tet-2')
        self.assertNotEqual(first.preview_token, second.preview_token)
        with self.assertRaises(ValidationError):
            Page.write([first], {'slug': 'Có Dấu'})
        with self.assertRaises(Exception):
            Page.write([first], {'slug': 'lich-lam-viec-tet-2'})

    @with_transaction()
    def test_on_change_title(self):
        "The address is suggested from the title"
        pool = Pool()
        Page = pool.get('egov.portal.page')
        page = Page(title="Hỏi đáp về Căn cước", state='draft', slug=None)
        page.on_change_title()
        self.assertEqual(page.slug, 'hoi-dap-ve-can-cuoc')

    @with_transaction()
    def test_copy(self):
        "A copy is a draft with its own address and token"
        pool = Pool()
        Page = pool.get('egov.portal.page')
        page = _page("Bản gốc")
        copy, = Page.copy([page])
        self.assertEqual(copy.state, 'draft')
        self.assertEqual(copy.slug, 'ban-goc-2')
        self.assertNotEqual(copy.preview_token, page.preview_token)
        self.assertEqual(len(copy.blocks), len(page.blocks))

    @with_transaction()
    def test_rich_text_cleaned_on_save(self):
        "The rich text is stored cleaned"
        pool = Pool()
        Block = pool.get('egov.portal.page.block')
        page = _page("An toàn", state='draft', blocks=[
                {'type': 'text', 'text': EVIL}])
        block, = page.blocks
        for bad in ['<script', 'onclick', 'javascript:', 'onerror']:
            self.assertNotIn(bad, block.text)
        Block.write([block], {'text': '<p><a href="javascript:x()" '
                'onmouseover="y()">z</a></p>'})
        self.assertEqual(block.text,
            '<p><a rel="noopener noreferrer">z</a></p>')

    @with_transaction()
    def test_image_type(self):
        "An image block takes pictures only, by their content"
        pool = Pool()
        Block = pool.get('egov.portal.page.block')
        page = _page("Ảnh", state='draft')
        for data, name in [
                (PDF, 'anh.png'),
                (b'<svg onload="x()"/>', 'anh.svg'),
                (b'<html><script>x()</script></html>', 'anh.jpg'),
                (b'', 'anh.png'),
                ]:
            with self.subTest(name=name), self.assertRaises(ValidationError):
                Block.create([{'page': page.id, 'type': 'image',
                            'image': data, 'image_name': name,
                            'image_alt': "Ảnh"}])
        block, = Block.create([{'page': page.id, 'type': 'image',
                    'image': banner_png(), 'image_name': 'anh.png',
                    'image_alt': "Ảnh"}])
        with self.assertRaises(ValidationError):
            Block.write([block], {'image': PDF})

    @with_transaction()
    def test_block_required(self):
        "Each type of block needs its content; an image its text"
        pool = Pool()
        Block = pool.get('egov.portal.page.block')
        page = _page("Khối", state='draft')
        for values in [
                {'type': 'heading'},
                {'type': 'text', 'text': ''},
                {'type': 'image', 'image': banner_png()},
                {'type': 'procedures'},
                {'type': 'links', 'links': ''},
                {'type': 'cta', 'cta_label': "Nộp"},
                ]:
            with self.subTest(**values), \
                    self.assertRaises(ValidationError):
                Block.create([dict(values, page=page.id)])

    @with_transaction()
    def test_links_checked(self):
        "Links and buttons go to safe addresses only"
        pool = Pool()
        Block = pool.get('egov.portal.page.block')
        page = _page("Liên kết", state='draft')
        with self.assertRaises(ValidationError):
            Block.create([{'page': page.id, 'type': 'links',
                        'links': "Tốt | /portal\nXấu | javascript:alert(1)"}])
        with self.assertRaises(ValidationError):
            Block.create([{'page': page.id, 'type': 'cta',
                        'cta_label': "Bấm", 'cta_url': 'javascript:x()'}])
        Block.create([{'page': page.id, 'type': 'cta',
                    'cta_label': "Bấm", 'cta_url': 'https://example.org'}])

    @with_transaction()
    def test_latest(self):
        "The latest pages shown now, newest first"
        pool = Pool()
        Page = pool.get('egov.portal.page')
        latest = Page.latest(limit=4)
        self.assertEqual([p.slug for p in latest],
            ['tin-moi-hon', 'tin-da-dang', TET, 'trang-cu'])
        slugs = {p.slug for p in Page.latest(limit=100)}
        self.assertEqual(slugs, {TET, 'tin-moi-hon', 'tin-da-dang',
                'trang-cu', FAQ, GUIDE})
        for page in latest:
            self.assertIsInstance(page.publication_date, dt.date)

    @with_transaction()
    def test_access(self):
        "The province's IT administrators write the pages, others read"
        pool = Pool()
        Page = pool.get('egov.portal.page')
        Block = pool.get('egov.portal.page.block')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        User.create([{
                    'login': 'quantri.tinh', 'name': "Quản trị tỉnh",
                    'groups': [('add', [ModelData.get_id(
                                    'egov_base',
                                    'group_egov_province_admin')])],
                    }, {
                    'login': 'chuyenvien', 'name': "Chuyên viên",
                    'groups': [('add', [ModelData.get_id(
                                    'egov_base', 'group_egov_official')])],
                    }])
        draft, = Page.search([('slug', '=', 'ban-nhap')])
        with as_user('chuyenvien'):
            self.assertTrue(Page.search([('slug', '=', 'ban-nhap')]))
            with self.assertRaises(AccessError):
                Page.create([{'title': "Không được"}])
            with self.assertRaises(AccessError):
                Page.write([Page(draft.id)], {'title': "Không được"})
            with self.assertRaises(AccessError):
                Block.create([{'page': draft.id, 'type': 'heading',
                            'heading': "Không được"}])
            with self.assertRaises(AccessButtonError):
                Page.publish([Page(draft.id)])
            self.assertEqual(Page.preview([Page(draft.id)])['url'],
                draft.preview_url)
        with as_user('quantri.tinh'):
            page, = Page.create([{'title': "Tin của tỉnh",
                        'blocks': [('create', [{'type': 'heading',
                                        'heading': "Mục"}])]}])
            Page.publish([page])
            self.assertEqual(page.state, 'published')
            Page.archive([page])
            Page.delete([page])

    @with_transaction()
    def test_load_pages_again(self):
        "The demo pages are loaded once"
        self.assertEqual(load_pages(), [])

    @with_transaction()
    def test_preview_url(self):
        "The preview button opens the secret address of the page"
        pool = Pool()
        Page = pool.get('egov.portal.page')
        page, = Page.search([('slug', '=', 'ban-nhap')])
        self.assertTrue(page.preview_url.endswith(
                '/portal/trang/ban-nhap/xem-truoc?token='
                + page.preview_token))
        action = Page.preview([page])
        self.assertEqual(action['type'], 'ir.action.url')
        self.assertEqual(action['url'], page.preview_url)

    # Routes
    def test_news_list(self):
        "The list shows the published pages of today only"
        client = self.client()
        response = client.get('/portal/tin-tuc')
        self.assertEqual(response.status_code, 200)
        body = response.text
        for title in ["Tin đã đăng", "Tin mới hơn", "Câu hỏi thường gặp"]:
            self.assertIn(title, body)
        for title in ["Bản nháp bí mật", "Tin tương lai", "Tin đã lưu trữ",
                "Tin hết hạn"]:
            self.assertNotIn(title, body)
        self.assertLess(body.index("Tin mới hơn"), body.index("Tin đã đăng"))

    def test_news_filter_and_pages(self):
        "The list filters by kind and survives odd page numbers"
        client = self.client()
        body = client.get('/portal/tin-tuc?loai=guide').text
        self.assertIn("Câu hỏi thường gặp", body)
        self.assertNotIn("Tin mới hơn", body)
        for query in ['trang=999', 'trang=abc', 'trang=-3', 'loai=<x>']:
            with self.subTest(query=query):
                response = client.get('/portal/tin-tuc?' + query)
                self.assertEqual(response.status_code, 200)

    def test_page(self):
        "A published page shows its blocks in order"
        client = self.client()
        response = client.get('/portal/trang/tin-da-dang')
        self.assertEqual(response.status_code, 200)
        body = response.text
        self.assertIn('<h1>Tin đã đăng</h1>', body)
        self.assertIn('class="breadcrumbs"', body)
        self.assertIn('<h2>Phần một</h2>', body)
        self.assertIn('<strong>đậm</strong>', body)
        self.assertIn('href="/portal/thu-tuc/1.001193"', body)
        self.assertIn('href="https://dichvucong.gov.vn" '
            'rel="noopener noreferrer"', body)
        self.assertIn('<a class="button" href="/portal/thu-tuc">Nộp hồ sơ'
            '</a>', body)
        self.assertRegex(body,
            r'<img src="/portal/trang/tin-da-dang/anh/\d+" '
            r'alt="Hình minh họa"')
        self.assertLess(body.index('Phần một'), body.index('đậm'))
        self.assertLess(body.index('1.001193'), body.index('Nộp hồ sơ'))
        self.assertNotIn('style=', body)

    def test_page_english(self):
        "The texts of the page follow the visitor's language"
        client = self.client()
        body = client.get('/portal/trang/tin-da-dang?lang=en').text
        self.assertIn('News and guides', body)
        body = client.get('/portal/trang/tin-da-dang?lang=vi').text
        self.assertIn('Tin tức, hướng dẫn', body)

    def test_demo_pages(self):
        "The demo pages show every type of block"
        client = self.client()
        for slug in [GUIDE, TET, FAQ]:
            with self.subTest(slug=slug):
                response = client.get('/portal/trang/' + slug)
                self.assertEqual(response.status_code, 200)
        body = client.get('/portal/trang/' + GUIDE).text
        self.assertIn('<ol>', body)
        self.assertIn('<blockquote>', body)
        self.assertIn('/portal/thu-tuc/1.001193', body)
        self.assertIn('class="cta"', body)
        self.assertIn('<figure class="block-image">', body)

    def test_page_hidden(self):
        "Drafts, future, archived and expired pages are not found"
        client = self.client()
        for slug in ['ban-nhap', 'tin-tuong-lai', 'tin-luu-tru',
                'tin-het-han', 'khong-co', 'A..B', 'x' * 300]:
            with self.subTest(slug=slug):
                response = client.get('/portal/trang/' + slug)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Chưa công bố", response.text)

    def test_preview(self):
        "A draft shows with its token only"
        client = self.client()
        url = '/portal/trang/ban-nhap/xem-truoc'
        for query in ['', '?token=', '?token=wrong',
                '?token=' + self.draft_token[:-1]]:
            with self.subTest(query=query):
                response = client.get(url + query)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Chưa công bố", response.text)
        response = client.get(url + '?token=' + self.draft_token)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Chưa công bố", response.text)
        self.assertIn('notice', response.text)
        self.assertEqual(response.headers['Cache-Control'],
            'private, no-store')
        self.assertIn('noindex', response.headers['X-Robots-Tag'])
        # The token of a page does not open another
        response = client.get('/portal/trang/tin-moi-hon/xem-truoc?token='
            + self.draft_token)
        self.assertEqual(response.status_code, 404)

    def test_rich_text_cleaned_at_render(self):
        "Rich text stored unclean is cleaned when shown"
        client = self.client()
        response = client.get('/portal/trang/trang-cu')
        self.assertEqual(response.status_code, 200)
        body = response.text
        for bad in ['alert(3)', 'onclick', 'onerror', 'javascript:',
                '<iframe', 'display:none', 'steal()']:
            self.assertNotIn(bad, body)
        self.assertIn('Xin chào', body)
        self.assertIn('<h2>Tiêu đề</h2>', body)

    def test_image(self):
        "Images are served for pages shown or with the preview token"
        client = self.client()
        with Transaction().start(DB_NAME, 0):
            Block = Pool().get('egov.portal.page.block')
            published, = Block.search([
                    ('page.slug', '=', 'tin-da-dang'),
                    ('type', '=', 'image')])
            draft, = Block.search([
                    ('page.slug', '=', 'ban-nhap'),
                    ('type', '=', 'image')])
            text = Block.search([('page.slug', '=', 'tin-da-dang'),
                    ('type', '=', 'text')])[0]
            published, draft, text = published.id, draft.id, text.id
        response = client.get('/portal/trang/tin-da-dang/anh/%s' % published)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Content-Type'], 'image/png')
        self.assertEqual(response.headers['X-Content-Type-Options'],
            'nosniff')
        self.assertEqual(response.data, banner_png())
        for url in [
                '/portal/trang/ban-nhap/anh/%s' % draft,
                '/portal/trang/ban-nhap/anh/%s?token=bad' % draft,
                # A block of another page
                '/portal/trang/tin-moi-hon/anh/%s' % published,
                '/portal/trang/tin-da-dang/anh/%s' % text,
                ]:
            with self.subTest(url=url):
                self.assertEqual(client.get(url).status_code, 404)
        response = client.get('/portal/trang/ban-nhap/anh/%s?token=%s' % (
                draft, self.draft_token))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Cache-Control'],
            'private, no-store')
        # The preview links its images with the token
        body = client.get('/portal/trang/ban-nhap/xem-truoc?token='
            + self.draft_token).text
        self.assertIn('/portal/trang/ban-nhap/anh/%s?token=%s' % (
                draft, self.draft_token), body)


class PageCatalogTestCase(unittest.TestCase):
    "The portal texts of the pages are translated"

    def _texts(self):
        texts = set()
        with open(os.path.join(HERE, 'pages.py'), encoding='utf-8') as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call)
                    and getattr(node.func, 'id', None) == '_'
                    and node.args
                    and isinstance(node.args[0], ast.Constant)):
                texts.add(node.args[0].value)
        directory = os.path.join(HERE, 'templates')
        for name in os.listdir(directory):
            if name in {'news.html', 'page.html'} or name.startswith(
                    'page_block_'):
                with open(os.path.join(directory, name),
                        encoding='utf-8') as f:
                    content = f.read()
                texts.update(m.group(2) for m in re.finditer(
                        r'''_\((["'])(.*?)\1''', content))
        return texts

    def test_translated(self):
        "Every text of the pages has its Vietnamese translation"
        catalog = polib.pofile(os.path.join(
                HERE, 'locale', 'portal', 'pages.vi.po'))
        translated = {e.msgid for e in catalog
            if e.msgstr and e.msgstr != e.msgid}
        texts = self._texts()
        self.assertTrue(texts)
        self.assertEqual(texts - translated, set())
