# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The registers of Decree 30/2020 (outgoing, incoming, follow-up) printed
through Tryton as PDF and XLSX and read back (pdfminer.six, openpyxl)."""
import datetime as dt
import io
import unittest
import unittest.mock
import zipfile

import openpyxl
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextBox

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company
from trytond.modules.egov_base.calendar import to_utc
from trytond.modules.egov_base.tests.tools import as_user
from trytond.modules.egov_document import document as document_module
from trytond.modules.egov_document import registers
from trytond.modules.egov_document.exceptions import DocumentValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ModuleDatabaseTestCase

# The clock of the documents: Tuesday 10 March 2026 at 9:00 in Vietnam
MOMENT = dt.datetime(2026, 3, 10, 9, 0)
YEAR = MOMENT.year
OUTGOING_HEADINGS = ["Số, ký hiệu văn bản", "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản", "Người ký",
    "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản",
    "Ngày chuyển", "Ký nhận", "Ghi chú"]
INCOMING_HEADINGS = ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu",
    "Ngày tháng", "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"]
FOLLOW_UP_HEADINGS = ["Số đến",
    "Tên loại, số, ký hiệu, ngày tháng văn bản, cơ quan ban hành",
    "Đơn vị hoặc người nhận", "Thời hạn giải quyết", "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời", "Ghi chú"]
PROVINCE = "Ủy ban nhân dân tỉnh Bình Phước"
CITY = "Ủy ban nhân dân thành phố Đồng Xoài"
COMMUNE = "Ủy ban nhân dân xã Tân Lập"
SECRET = "Về việc bảo vệ bí mật nhà nước năm 2026"


def pdf_rows(content):
    """Return the rows of the PDF in reading order, page by page from top
    to bottom: the texts of the boxes (a cell of the table, a line of the
    cover) whose tops are level, from left to right"""
    # A small character margin keeps the cells of a row in their own box
    laparams = LAParams(char_margin=0.5)
    boxes = []
    for page_number, page in enumerate(
            extract_pages(io.BytesIO(content), laparams=laparams)):
        for element in page:
            if isinstance(element, LTTextBox):
                text = ' '.join(element.get_text().split())
                if text:
                    boxes.append((page_number, -element.y1, element.x0,
                            text))
    boxes.sort()
    rows, key = [], None
    for page_number, top, x, text in boxes:
        if key and key[0] == page_number and abs(key[1] - top) <= 2:
            rows[-1].append((x, text))
        else:
            rows.append([(x, text)])
            key = (page_number, top)
    return [[t for _, t in sorted(row)] for row in rows]


def pdf_text(content):
    "Return the text of the PDF: a line per row, ' | ' between the boxes"
    return '\n'.join(' | '.join(row) for row in pdf_rows(content))


def sheet_rows(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.active.iter_rows()]


def values(row):
    return [c.value for c in row]


def table_rows(content, headings):
    """Return the cells of the rows under the headings and the numbers of
    the columns"""
    rows = sheet_rows(content)
    index = next(i for i, r in enumerate(rows) if values(r) == headings)
    numbers = values(rows[index + 1])
    assert numbers == ['(%d)' % i for i in range(1, len(headings) + 1)], (
        numbers)
    return rows[:index], rows[index + 2:]


class RegistersTestCase(unittest.TestCase):
    "The registers drawn from plain data"

    def test_titles(self):
        "The titles of the registers"
        self.assertEqual(registers.title('outgoing'),
            "SỔ ĐĂNG KÝ VĂN BẢN ĐI")
        self.assertEqual(registers.title('incoming'),
            "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN")
        self.assertEqual(registers.title('follow_up'),
            "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN")
        self.assertEqual(registers.title('outgoing', classified=True),
            "SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐI")
        self.assertEqual(
            [h for _, h, _, _ in registers.COLUMNS['outgoing']],
            OUTGOING_HEADINGS)
        self.assertEqual(
            [h for _, h, _, _ in registers.COLUMNS['incoming']],
            INCOMING_HEADINGS)
        self.assertEqual(
            [h for _, h, _, _ in registers.COLUMNS['follow_up']],
            FOLLOW_UP_HEADINGS)

    def test_long_row(self):
        "A row taller than a page is split across the pages"
        rows = [{'code': '01/QĐ-UBND', 'number': 1,
                'date': dt.date(2026, 1, 5), 'type': "Quyết định",
                'abstract': "Về việc phê duyệt danh sách " * 400},
            {'code': '02/QĐ-UBND', 'number': 2,
                'date': dt.date(2026, 1, 6), 'type': "Quyết định",
                'abstract': "Về việc khen thưởng"}]
        content = registers.render_pdf('outgoing', {
                'agency': CITY, 'year': 2026, 'rows': rows})
        self.assertTrue(content.startswith(b'%PDF-'))
        rows = [r for r in pdf_rows(content) if r[0].endswith('/QĐ-UBND')]
        self.assertEqual([r[0] for r in rows], ['01/QĐ-UBND', '02/QĐ-UBND'])
        self.assertEqual(rows[1], ['02/QĐ-UBND', '06/01/2026',
                "Quyết định Về việc khen thưởng"])
        # The headings are repeated on the pages of the first row
        headings = [r for r in pdf_rows(content) if '(1)' in r]
        self.assertGreater(len(headings), 2)

    def test_unknown_kind(self):
        with self.assertRaises(ValueError):
            registers.render_pdf('archive', {'rows': []})


class RegisterReportTestCase(ModuleDatabaseTestCase):
    "The registers of an agency printed by its clerks"

    def setUp(self):
        super().setUp()
        patcher = unittest.mock.patch.object(
            document_module, 'now', lambda: to_utc(MOMENT))
        patcher.start()
        self.addCleanup(patcher.stop)

    # Data
    @staticmethod
    def agency(name, notation='UBND', parent=None, place=None):
        agency = create_company(name)
        agency.notation = notation
        agency.parent = parent
        agency.place = place
        agency.save()
        return agency

    @staticmethod
    def clerk(login, agency):
        pool = Pool()
        User = pool.get('res.user')
        UserRole = pool.get('res.user.role')
        ModelData = pool.get('ir.model.data')
        user = User(login=login, name=login, companies=[agency],
            company=agency, roles=[UserRole(
                    role=ModelData.get_id('egov_base', 'role_clerk'))])
        user.save()
        return user

    @staticmethod
    def type_(code):
        Type = Pool().get('egov.document.type')
        type_, = Type.search([('code', '=', code)])
        return type_

    def outgoing(self, code='QĐ', **values):
        Document = Pool().get('egov.document')
        user = Pool().get('res.user')(Transaction().user)
        document = Document(direction='outgoing', company=user.company,
            type=self.type_(code), **values)
        document.save()
        return document

    def incoming(self, number, notation, issuer, date, **values):
        Document = Pool().get('egov.document')
        user = Pool().get('res.user')(Transaction().user)
        document = Document(direction='incoming', company=user.company,
            type=self.type_(values.pop('code', 'QĐ')), number=number,
            notation=notation, issuer=issuer, date=date, **values)
        document.save()
        return document

    @staticmethod
    def approve(documents):
        """Approved by their signer (the administrator here, acting without
        the access rules) before the clerk issues them"""
        pool = Pool()
        Document = pool.get('egov.document')
        User = pool.get('res.user')
        admin, = User.search([('login', '=', 'admin')])
        ids = [d.id for d in documents]
        with Transaction().set_user(0), \
                Transaction().set_context(_check_access=False):
            documents = Document.browse(ids)
            Document.write(documents, {'approver': admin.id})
            Document.submit_approval(documents)
            Document.pass_form_check(documents)
            Document.approve(documents)
        return Document.browse(ids)

    def setup_documents(self):
        """The city's documents of the year, issued and registered by its
        clerk"""
        pool = Pool()
        Document = pool.get('egov.document')
        province = self.agency(PROVINCE, place="Bình Phước")
        self.city = self.agency(CITY, parent=province, place="Đồng Xoài")
        self.commune = self.agency(COMMUNE, place="Tân Lập")
        self.clerk('vanthu.dongxoai', self.city)
        self.clerk('vanthu2.dongxoai', self.city)
        clerk = self.clerk('vanthu.tanlap', self.commune)

        with as_user('vanthu.dongxoai') as user:
            first = self.outgoing('QĐ',
                abstract="Về việc thành lập Ban chỉ đạo chuyển đổi số",
                signer_name="Võ Minh Tâm", signer_position="Chủ tịch",
                recipients="- Như Điều 3;\n- Lưu: VT, VX.",
                handler="Văn phòng", copies=5)
            second = self.outgoing('QĐ',
                abstract="Về việc khen thưởng các tập thể",
                signer_name="Hoàng Văn Đức")
            letter = self.outgoing(None, drafting_unit='VX',
                abstract="V/v báo cáo kết quả tuyển sinh",
                signer_name="Hoàng Văn Đức",
                recipients="Sở Giáo dục và Đào tạo")
            secret = self.outgoing('QĐ', abstract=SECRET,
                classification='confidential', readers=[user])
            self.outgoing('KH', abstract="Dự thảo kế hoạch chưa ban hành")
            for document in self.approve([first, second, letter, secret]):
                Document.issue([document])
            first.passed_on = to_utc(dt.datetime(2026, 3, 11, 8, 30))
            first.save()

            received = self.incoming(5, 'QĐ-BNV', "Bộ Nội vụ",
                dt.date(2026, 2, 20),
                abstract="Về công tác cán bộ", handler="Phòng Nội vụ")
            letter_in = self.incoming(12, 'UBND-VX', PROVINCE,
                dt.date(2026, 3, 2), code=None,
                abstract="V/v triển khai tiêm chủng")
            Document.register_arrival([received])
            Document.register_arrival([letter_in])
            received.passed_on = to_utc(dt.datetime(2026, 3, 10, 14, 0))
            received.save()
        # The commune has its own register of outgoing documents
        with as_user(clerk.login):
            Document.issue(self.approve([self.outgoing('QĐ',
                            abstract="Quyết định của xã Tân Lập")]))

        documents = Document.browse([first, second, letter, secret,
                received, letter_in])
        self.outgoing_ = documents[:3]
        self.secret = documents[3]
        self.incoming_ = documents[4:]
        self.assertEqual([d.code for d in documents],
            ['01/QĐ-UBND', '02/QĐ-UBND', '03/UBND-VX', '01/QĐ-UBND',
                '05/QĐ-BNV', '12/UBND-VX'])
        self.assertEqual([d.arrival_number for d in self.incoming_], [1, 2])
        register = self.outgoing_[0].register
        self.assertNotEqual(register, self.secret.register)
        self.assertEqual(register, self.outgoing_[2].register)
        return register, self.incoming_[0].register

    def type_name(self, document):
        "The name of the document's type as the registers print it"
        Type = Pool().get('egov.document.type')
        with Transaction().set_context(language='vi'):
            return Type(document.type.id).name

    # Printing
    def execute(self, name, records, data=None):
        Report = Pool().get(name, type='report')
        return Report.execute([r.id for r in records], data or {})

    def print_pdf(self, register, **data):
        "Return the rows of the PDF of the register"
        kind, content, direct, filename = self.execute(
            'egov.document.register.report', [register], data)
        self.assertEqual(kind, 'pdf')
        self.assertTrue(content.startswith(b'%PDF-'))
        self.assertTrue(filename.endswith(str(data.get('year', YEAR))))
        return pdf_rows(content)

    def print_xlsx(self, register, **data):
        kind, content, _, _ = self.execute(
            'egov.document.register.report.xlsx', [register], data)
        self.assertEqual(kind, 'xlsx')
        return content

    def assertInOrder(self, rows, *values):
        "The values are boxes of the rows in this order"
        boxes = [t for r in rows for t in r]
        positions = [boxes.index(v) for v in values]
        self.assertEqual(positions, sorted(positions), values)

    def assertHeadings(self, rows, headings):
        "The headings and the numbers of the columns head the table"
        boxes = [t for r in rows for t in r]
        for heading in headings:
            self.assertIn(heading, boxes)
        numbers = ['(%d)' % i for i in range(1, len(headings) + 1)]
        self.assertIn(numbers, rows)
        return rows[rows.index(numbers) + 1:]

    @with_transaction()
    def test_outgoing_pdf(self):
        "The register of outgoing documents as PDF"
        register, _ = self.setup_documents()
        first, second, letter = self.outgoing_
        with as_user('vanthu.dongxoai'):
            rows = self.print_pdf(register)
        self.assertEqual(rows[0], ['%s %s' % (PROVINCE.upper(),
                    CITY.upper())])
        self.assertEqual(rows[1:5], [["SỔ ĐĂNG KÝ VĂN BẢN ĐI"],
                ["Năm: %s" % YEAR],
                ["Từ ngày 10/03/2026 đến ngày 10/03/2026"],
                ["Từ số 01 đến số 03"]])
        table = self.assertHeadings(rows, OUTGOING_HEADINGS)
        self.assertEqual(table, [
                ['01/QĐ-UBND', '10/03/2026', '%s %s' % (
                        self.type_name(first), first.abstract),
                    "Võ Minh Tâm Chủ tịch", "- Như Điều 3; - Lưu: VT, VX.",
                    "Văn phòng", '5', '11/03/2026'],
                ['02/QĐ-UBND', '10/03/2026', '%s %s' % (
                        self.type_name(second), second.abstract),
                    "Hoàng Văn Đức"],
                ['03/UBND-VX', '10/03/2026', '%s %s' % (
                        self.type_name(letter), letter.abstract),
                    "Hoàng Văn Đức", "Sở Giáo dục và Đào tạo"],
                ])
        # Neither the classified document nor the draft nor the commune's
        text = str(rows)
        self.assertNotIn(SECRET, text)
        self.assertNotIn("Dự thảo", text)
        self.assertNotIn("xã Tân Lập", text)

    @with_transaction()
    def test_outgoing_xlsx(self):
        "The register of outgoing documents as XLSX"
        pool = Pool()
        Document = pool.get('egov.document')
        register, _ = self.setup_documents()
        first, second, _ = self.outgoing_
        with as_user('vanthu.dongxoai'):
            # A recalled document keeps its number, the notes say why
            second = Document(second.id)
            second.recall_reason = "Sai sót về thẩm quyền ban hành"
            second.save()
            Document.recall([second])
            content = self.print_xlsx(register)
        with Transaction().set_context(language='vi'):
            recalled = dict(Document.fields_get(['state'])[
                    'state']['selection'])['recalled']
        head, rows = table_rows(content, OUTGOING_HEADINGS)
        head = [v for r in head for v in values(r) if v]
        self.assertEqual(head, [PROVINCE.upper(), CITY.upper(),
                "SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Năm: %s" % YEAR])
        self.assertEqual([r[0].value for r in rows],
            ['01/QĐ-UBND', '02/QĐ-UBND', '03/UBND-VX'])
        row = values(rows[0])
        self.assertEqual(row, ['01/QĐ-UBND', dt.datetime(2026, 3, 10),
                '%s\n%s' % (self.type_name(first), first.abstract),
                "Võ Minh Tâm\nChủ tịch", "- Như Điều 3;\n- Lưu: VT, VX.",
                "Văn phòng", 5, dt.datetime(2026, 3, 11), None, None])
        self.assertEqual(rows[0][1].number_format, 'dd/mm/yyyy')
        self.assertEqual(values(rows[1])[-1],
            "%s: Sai sót về thẩm quyền ban hành" % recalled)
        self.assertEqual(values(rows[2])[4], "Sở Giáo dục và Đào tạo")

    @with_transaction()
    def test_incoming(self):
        "The register of incoming documents as PDF and XLSX"
        _, register = self.setup_documents()
        received, letter = self.incoming_
        with as_user('vanthu.dongxoai'):
            rows = self.print_pdf(register)
            content = self.print_xlsx(register)
        self.assertInOrder(rows, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
            "Năm: %s" % YEAR, "Từ ngày 10/03/2026 đến ngày 10/03/2026",
            "Từ số 01 đến số 02")
        table = self.assertHeadings(rows, INCOMING_HEADINGS)
        self.assertEqual(table, [
                ['10/03/2026', '01', "Bộ Nội vụ", '05/QĐ-BNV', '20/02/2026',
                    '%s %s' % (self.type_name(received), received.abstract),
                    "Phòng Nội vụ", '10/03/2026'],
                ['10/03/2026', '02', PROVINCE, '12/UBND-VX', '02/03/2026',
                    '%s %s' % (self.type_name(letter), letter.abstract)],
                ])

        _, rows = table_rows(content, INCOMING_HEADINGS)
        self.assertEqual([values(r) for r in rows], [
                [dt.datetime(2026, 3, 10), 1, "Bộ Nội vụ", '05/QĐ-BNV',
                    dt.datetime(2026, 2, 20),
                    '%s\n%s' % (self.type_name(received), received.abstract),
                    "Phòng Nội vụ", dt.datetime(2026, 3, 10), None, None],
                [dt.datetime(2026, 3, 10), 2, PROVINCE, '12/UBND-VX',
                    dt.datetime(2026, 3, 2),
                    '%s\n%s' % (self.type_name(letter), letter.abstract),
                    None, None, None, None],
                ])
        # The arrival numbers are numbers shown 01, 02
        self.assertEqual(rows[0][1].number_format, '00')

    @with_transaction()
    def test_follow_up_wizard(self):
        "The follow-up register printed through the wizard"
        pool = Pool()
        Print = pool.get('egov.document.register.print', type='wizard')
        Document = pool.get('egov.document')
        _, register = self.setup_documents()
        received, letter = self.incoming_
        with as_user('vanthu.dongxoai'), Transaction().set_context(
                active_model='egov.document.register',
                active_id=register.id, active_ids=[register.id]):
            session_id, start, _ = Print.create()
            result = Print.execute(session_id, {}, start)
            defaults = {k: v for k, v in result['view']['defaults'].items()
                if '.' not in k}
            self.assertEqual(defaults, {'register': register.id,
                    'direction': 'incoming', 'kind': 'incoming',
                    'year': YEAR, 'format': 'pdf'})
            result = Print.execute(session_id, {start: dict(defaults,
                        kind='follow_up', format='xlsx')}, 'print_')
            (action, data), = result['actions']
            self.assertNotIn('view', result)
            Print.delete(session_id)
            self.assertEqual(action['report_name'],
                'egov.document.register.report.xlsx')
            self.assertEqual((data['ids'], data['year'], data['kind']),
                ([register.id], YEAR, 'follow_up'))
            content = self.print_xlsx(register, **data)
            rows = self.print_pdf(register, **data)

        # The progress of an incoming document is its handling
        with Transaction().set_context(language='vi'):
            registered = dict(Document.fields_get(['processing_state'])[
                    'processing_state']['selection'])['unassigned']
        self.assertInOrder(rows, "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
            "Năm: %s" % YEAR, "Từ số 01 đến số 02")
        table = self.assertHeadings(rows, FOLLOW_UP_HEADINGS)
        self.assertEqual(table, [
                ['01', "%s số 05/QĐ-BNV ngày 20/02/2026 của Bộ Nội vụ"
                    % self.type_name(received), "Phòng Nội vụ", registered],
                ['02', "%s số 12/UBND-VX ngày 02/03/2026 của %s"
                    % (self.type_name(letter), PROVINCE), registered],
                ])

        head, rows = table_rows(content, FOLLOW_UP_HEADINGS)
        self.assertIn("SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
            [v for r in head for v in values(r)])
        self.assertEqual([values(r) for r in rows], [
                [1, "%s số 05/QĐ-BNV ngày 20/02/2026 của Bộ Nội vụ"
                    % self.type_name(received), "Phòng Nội vụ", None,
                    registered, None, None],
                [2, "%s số 12/UBND-VX ngày 02/03/2026 của %s"
                    % (self.type_name(letter), PROVINCE), None, None,
                    registered, None, None],
                ])

    @with_transaction()
    def test_kind_and_year(self):
        """An outgoing register has no follow-up; an empty year prints an
        empty register"""
        pool = Pool()
        Print = pool.get('egov.document.register.print', type='wizard')
        outgoing, incoming = self.setup_documents()
        with as_user('vanthu.dongxoai'):
            with self.assertRaises(DocumentValidationError):
                self.execute('egov.document.register.report', [outgoing],
                    {'kind': 'follow_up'})
            with self.assertRaises(DocumentValidationError):
                self.execute('egov.document.register.report.xlsx',
                    [incoming], {'kind': 'outgoing'})
            with Transaction().set_context(
                    active_model='egov.document.register',
                    active_id=outgoing.id, active_ids=[outgoing.id]):
                session_id, start, _ = Print.create()
                defaults = {k: v for k, v in Print.execute(
                        session_id, {}, start)['view']['defaults'].items()
                    if '.' not in k}
                self.assertEqual(defaults['kind'], 'outgoing')
                with self.assertRaises(DocumentValidationError):
                    Print.execute(session_id, {start: dict(defaults,
                                kind='follow_up')}, 'print_')
                with self.assertRaises(DocumentValidationError):
                    Print.execute(session_id, {start: dict(defaults,
                                year=20260)}, 'print_')
                Print.delete(session_id)

            rows = self.print_pdf(incoming, year=YEAR - 1)
            content = self.print_xlsx(incoming, year=YEAR - 1)
        self.assertInOrder(rows, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
            "Năm: %s" % (YEAR - 1))
        self.assertEqual(self.assertHeadings(rows, INCOMING_HEADINGS), [])
        self.assertNotIn("Bộ Nội vụ", str(rows))
        _, rows = table_rows(content, INCOMING_HEADINGS)
        self.assertEqual(rows, [])

    @with_transaction()
    def test_access(self):
        """A clerk of another agency prints nothing of the city; the
        classified register shows only what the clerk may read"""
        pool = Pool()
        Print = pool.get('egov.document.register.print', type='wizard')
        outgoing, incoming = self.setup_documents()
        classified = self.secret.register
        with as_user('vanthu.tanlap'):
            for register in [outgoing, incoming, classified]:
                with self.assertRaises(AccessError):
                    self.execute('egov.document.register.report',
                        [register])
                with self.assertRaises(AccessError):
                    self.execute('egov.document.register.report.xlsx',
                        [register])
            with Transaction().set_context(
                    active_model='egov.document.register',
                    active_id=outgoing.id, active_ids=[outgoing.id]), \
                    self.assertRaises(AccessError):
                Print.create()

        with as_user('vanthu.dongxoai'):
            rows = self.print_pdf(classified)
        self.assertInOrder(rows, "SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐI",
            "Từ số 01 đến số 01")
        table = self.assertHeadings(rows, OUTGOING_HEADINGS)
        self.assertEqual([r[:3] for r in table], [['01/QĐ-UBND', '10/03/2026',
                    '%s %s' % (self.type_name(self.secret), SECRET)]])
        # A clerk of the city who is not a reader sees the register empty
        with as_user('vanthu2.dongxoai'):
            rows = self.print_pdf(classified)
        self.assertIn(["SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐI"], rows)
        self.assertEqual(self.assertHeadings(rows, OUTGOING_HEADINGS), [])

    @with_transaction()
    def test_several_registers(self):
        "Several registers give an archive of a file per register"
        outgoing, incoming = self.setup_documents()
        with as_user('vanthu.dongxoai'):
            kind, content, _, _ = self.execute(
                'egov.document.register.report', [outgoing, incoming])
        self.assertEqual(kind, 'zip')
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            titles = sorted(pdf_rows(archive.read(n))[1][0] for n in names)
        self.assertEqual(titles,
            ["SỔ ĐĂNG KÝ VĂN BẢN ĐI", "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"])
