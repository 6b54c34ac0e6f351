# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Numbering, notation, registration, duplicates, classified documents,
access per agency and search of the official documents."""
import datetime as dt
import io
import unittest

from reportlab.pdfgen import canvas

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.egov_base.tests.tools import as_user
from trytond.modules.egov_document.document import (
    build_notation, format_number, unaccent)
from trytond.modules.egov_document.exceptions import (
    DocumentAccessError, DocumentFileError, DocumentStateError,
    DocumentValidationError)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import DemoTestCase

CLERK = 'vanthu.ubndtinh'


def pdf_bytes(text="Văn bản"):
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


class NotationTestCase(unittest.TestCase):
    "The number and notation of Decree 30"

    def test_format_number(self):
        "Numbers under 10 take a leading zero"
        self.assertEqual(format_number(1), '01')
        self.assertEqual(format_number(9), '09')
        self.assertEqual(format_number(10), '10')
        self.assertEqual(format_number(1234), '1234')

    def test_notation(self):
        "Typed documents and official letters"
        self.assertEqual(build_notation('QĐ', 'UBND'), 'QĐ-UBND')
        self.assertEqual(build_notation(None, 'UBND', 'VX'), 'UBND-VX')
        self.assertEqual(build_notation('', 'SNV'), 'SNV')

    def test_unaccent(self):
        self.assertEqual(unaccent("Quyết định ĐẤT ĐAI"), 'quyet dinh dat dai')


class DocumentTestCase(DemoTestCase):
    "Documents of the demo agencies"

    @staticmethod
    def _add_clerk():
        "A clerk of the Tân Phú ward beside the demo's provincial clerk"
        pool = Pool()
        User = pool.get('res.user')
        UserRole = pool.get('res.user.role')
        Company = pool.get('company.company')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        ModelData = pool.get('ir.model.data')
        tanphu, = Company.search([('agency_code', '=', '000.01.31.H10')])
        party = Party(name="Văn thư Tân Phú")
        party.save()
        employee = Employee(party=party, company=tanphu)
        employee.save()
        User(login='vanthu.tanphu', name="Văn thư Tân Phú",
            companies=[tanphu], company=tanphu, employees=[employee],
            employee=employee,
            roles=[UserRole(role=ModelData.get_id(
                            'egov_base', 'role_clerk'))]).save()
        dongxoai, = Company.search([('agency_code', '=', '000.00.31.H10')])
        party = Party(name="Văn thư Đồng Xoài")
        party.save()
        employee = Employee(party=party, company=dongxoai)
        employee.save()
        User(login='vanthu.dongxoai', name="Văn thư Đồng Xoài",
            companies=[dongxoai], company=dongxoai, employees=[employee],
            employee=employee,
            roles=[UserRole(role=ModelData.get_id(
                            'egov_base', 'role_clerk'))]).save()

    add_users = _add_clerk

    @staticmethod
    def type_(code):
        Type = Pool().get('egov.document.type')
        if code is None:
            type_, = Type.search([('code', '=', None)])
        else:
            type_, = Type.search([('code', '=', code)])
        return type_

    def outgoing(self, code='QĐ', **values):
        Document = Pool().get('egov.document')
        user = Pool().get('res.user')(Transaction().user)
        document = Document(direction='outgoing', company=user.company,
            type=self.type_(code),
            abstract=values.pop('abstract', "Về việc phê duyệt kế hoạch"),
            signer_name="Võ Minh Tâm", **values)
        document.save()
        return document

    def incoming(self, number=5, notation='QĐ-BNV', issuer="Bộ Nội vụ",
            **values):
        Document = Pool().get('egov.document')
        user = Pool().get('res.user')(Transaction().user)
        document = Document(direction='incoming', company=user.company,
            type=self.type_('QĐ'), number=number, notation=notation,
            issuer=issuer, date=dt.date(2026, 11, 20),
            abstract=values.pop('abstract', "Về công tác cán bộ"),
            **values)
        document.save()
        return document

    @staticmethod
    def approve(documents):
        """Approved by their signer (the province's administrator here,
        acting without the access rules)"""
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
            # The office checks the form before the signer
            Document.pass_form_check(documents)
            Document.approve(documents)
        return Document.browse(ids)

    @with_transaction()
    def test_issue_numbers(self):
        "Outgoing documents are numbered 01, 02… with their notation"
        Document = Pool().get('egov.document')
        with as_user(CLERK):
            first = self.outgoing('QĐ')
            second = self.outgoing('KH', abstract="Kế hoạch chuyển đổi số")
            letter = self.outgoing(None, drafting_unit='VX',
                abstract="Về việc báo cáo số liệu")
            first, second, letter = self.approve([first, second, letter])
            Document.issue([first])
            Document.issue([second, letter])
            self.assertEqual(first.code, '01/QĐ-VP')
            self.assertEqual(second.code, '02/KH-VP')
            self.assertEqual(letter.code, '03/VP-VX')
            self.assertEqual(first.state, 'issued')
            self.assertEqual(first.year, first.date.year)
            self.assertEqual(first.register, second.register)
            self.assertEqual(first.issuer, first.company.rec_name)

    @with_transaction()
    def test_letter_needs_unit(self):
        "An official letter without drafting unit is refused, unnumbered"
        Document = Pool().get('egov.document')
        with as_user(CLERK):
            letter, = self.approve([self.outgoing(None)])
            with self.assertRaises(DocumentValidationError):
                Document.issue([letter])
            self.assertEqual(Document(letter.id).state, 'approved')
            self.assertIsNone(Document(letter.id).number)

    @with_transaction()
    def test_no_gap_on_rollback(self):
        "A number taken by a registration that fails is given back"
        Document = Pool().get('egov.document')
        cursor = Transaction().connection.cursor()
        with as_user(CLERK):
            first, = self.approve([self.outgoing()])
            Document.issue([first])
            cursor.execute('SAVEPOINT refused')
            second, = self.approve([self.outgoing()])
            Document.issue([second])
            self.assertEqual(second.number, 2)
            cursor.execute('ROLLBACK TO SAVEPOINT refused')
            Transaction().cache.clear()
            third, = self.approve([self.outgoing()])
            Document.issue([third])
            self.assertEqual(third.number, 2)

    @with_transaction()
    def test_classified_own_register(self):
        "Classified documents are numbered apart and need their readers"
        pool = Pool()
        Document = pool.get('egov.document')
        User = pool.get('res.user')
        leader, = User.search([('login', '=', 'lanhdao.ubndtinh')])
        with as_user(CLERK) as clerk:
            public = self.outgoing()
            secret = self.outgoing(classification='confidential')
            # Who records it reads it
            self.assertEqual(list(secret.readers), [clerk])
            secret.readers = [leader, clerk]
            secret.save()
            public, secret = self.approve([public, secret])
            Document.issue([public, secret])
            self.assertEqual(public.number, 1)
            self.assertEqual(secret.number, 1)
            self.assertNotEqual(public.register, secret.register)
            self.assertTrue(secret.register.classified)

    @with_transaction()
    def test_register_arrival(self):
        "Incoming documents get consecutive arrival numbers; duplicates"
        Document = Pool().get('egov.document')
        with as_user(CLERK):
            first = self.incoming(5, 'QĐ-BNV', "Bộ Nội vụ")
            other = self.incoming(12, 'TB-STP', "Sở Tư pháp")
            again = self.incoming(5, 'QĐ-BNV', "bộ nội vụ")
            Document.register_arrival([first])
            Document.register_arrival([other, again])
            self.assertEqual(
                [d.arrival_number for d in [first, other, again]], [1, 2, 3])
            self.assertEqual(first.code, '05/QĐ-BNV')
            self.assertIsNone(first.duplicate_of)
            self.assertIsNone(other.duplicate_of)
            self.assertEqual(again.duplicate_of, first)
            self.assertEqual(first.state, 'registered')
            self.assertTrue(first.arrival_date)

    @with_transaction()
    def test_agencies_apart(self):
        "A clerk of another agency sees nothing of the agency's documents"
        Document = Pool().get('egov.document')
        with as_user(CLERK):
            document, = self.approve([self.outgoing()])
            Document.issue([document])
            document_id = document.id
        with as_user('vanthu.tanphu'):
            self.assertEqual(Document.search([]), [])
            with self.assertRaises(AccessError):
                Document.read([document_id], ['abstract'])
            own, = self.approve([self.outgoing()])
            Document.issue([own])
            # Its own register of the year, from 01
            self.assertEqual(own.code, '01/QĐ-UBND')

    @with_transaction()
    def test_classified_readers_only(self):
        "A classified document is seen only by the users it names"
        pool = Pool()
        Document = pool.get('egov.document')
        User = pool.get('res.user')
        # The province's administrator works in every agency
        leader, = User.search([('login', '=', 'admin')])
        with as_user(CLERK):
            secret = self.incoming(classification='secret')
            Document.register_arrival([secret])
            self.assertEqual(Document.search([]), [secret])
        # Given to another reader only: the clerk no longer sees it
        Document.write([secret], {'readers': [('remove', [
                            r.id for r in secret.readers]),
                    ('add', [leader.id])]})
        with as_user(CLERK):
            self.assertEqual(Document.search([]), [])
            with self.assertRaises(AccessError):
                Document.read([secret.id], ['abstract'])
        with as_user('admin'):
            self.assertEqual(Document.search([]), [secret])

    @with_transaction()
    def test_no_delete_after_registration(self):
        "A registered document is never deleted"
        Document = Pool().get('egov.document')
        with as_user(CLERK):
            document = self.incoming()
            Document.register_arrival([document])
            with self.assertRaises(DocumentAccessError):
                Document.delete([document])
            draft = self.incoming(7)
            Document.delete([draft])

    @with_transaction()
    def test_search_without_diacritics(self):
        "The search finds number, notation and abstract without diacritics"
        Document = Pool().get('egov.document')
        with as_user(CLERK):
            document = self.incoming(
                abstract="Về việc chuyển đổi số năm 2026")
            Document.register_arrival([document])
            self.incoming(9, abstract="Về công tác thi đua")
            # and the text of its PDF
            pool = Pool()
            pool.get('egov.document.file').create([{
                        'document': document.id, 'name': 'qd.pdf',
                        'data': pdf_bytes("Ha tang du lieu dung chung")}])
            for text in ['chuyen doi so', 'Chuyển đổi số', '05/QĐ-BNV',
                    'qd-bnv chuyen', 'du lieu dung chung']:
                self.assertEqual(
                    Document.search(Document.text_domain(text)), [document],
                    msg=text)
            self.assertEqual(Document.search(
                    [('rec_name', 'ilike', '%chuyen doi%')]), [document])

    @with_transaction()
    def test_files_checked(self):
        "The signed PDF is kept; a disguised file is refused"
        pool = Pool()
        File = pool.get('egov.document.file')
        with as_user(CLERK):
            document = self.outgoing()
            File.create([{'document': document.id, 'name': 'qd.pdf',
                        'data': pdf_bytes()}])
            self.assertEqual(document.files[0].mimetype, 'application/pdf')
            with self.assertRaises(DocumentFileError):
                File.create([{'document': document.id, 'name': 'x.pdf',
                            'data': b'MZ\x90\x00' + b'\x00' * 100}])

    @with_transaction()
    def test_issued_is_frozen(self):
        "An issued document cannot be numbered twice"
        Document = Pool().get('egov.document')
        with as_user(CLERK):
            document, = self.approve([self.outgoing()])
            Document.issue([document])
            with self.assertRaises(AccessButtonError):
                Document.issue([document])
            self.assertEqual(Document(document.id).number, 1)

    @with_transaction()
    def test_deliver_and_recall(self):
        "Issued to agencies of the platform, recalled from them"
        pool = Pool()
        Document = pool.get('egov.document')
        File = pool.get('egov.document.file')
        Company = pool.get('company.company')
        tanphu, = Company.search([('agency_code', '=', '000.01.31.H10')])
        with as_user(CLERK):
            document = self.outgoing('KH', recipient_agencies=[tanphu],
                abstract="Kế hoạch cải cách hành chính")
            File.create([{'document': document.id, 'name': 'kh.pdf',
                        'data': pdf_bytes()}])
            document, = self.approve([document])
            Document.issue([document])
        with as_user('vanthu.tanphu'):
            copy, = Document.search([('direction', '=', 'incoming')])
            self.assertEqual(copy.state, 'registered')
            self.assertEqual(copy.code, document.code)
            self.assertEqual(copy.arrival_number, 1)
            self.assertEqual(copy.issuer, document.company.rec_name)
            self.assertEqual([f.name for f in copy.files], ['kh.pdf'])
            self.assertEqual(bytes(copy.files[0].data)[:4], b'%PDF')
        with as_user(CLERK):
            with self.assertRaises(DocumentValidationError):
                Document.recall([document])
            document.recall_reason = "Ban hành nhầm"
            document.save()
            Document.recall([document])
            self.assertEqual(document.state, 'recalled')
        with as_user('vanthu.tanphu'):
            copy, = Document.search([('direction', '=', 'incoming')])
            self.assertEqual(copy.state, 'recalled')
            self.assertEqual(copy.recall_reason, "Ban hành nhầm")

    @with_transaction()
    def test_classified_never_sent(self):
        "A classified document is not sent electronically"
        pool = Pool()
        Document = pool.get('egov.document')
        Company = pool.get('company.company')
        tanphu, = Company.search([('agency_code', '=', '000.01.31.H10')])
        with as_user(CLERK):
            secret, = self.approve([self.outgoing(
                        classification='confidential',
                        recipient_agencies=[tanphu])])
            with self.assertRaises(DocumentValidationError):
                Document.issue([secret])

    @with_transaction()
    def test_approval_and_signature(self):
        "The city's leader signs the draft; its clerk issues it"
        pool = Pool()
        Document = pool.get('egov.document')
        File = pool.get('egov.document.file')
        User = pool.get('res.user')
        Identity = pool.get('egov.signature.identity')
        from trytond.modules.egov_signature import demo as signature_demo
        signature_demo.load_demo()
        leader, = User.search([('login', '=', 'lanhdao.dongxoai')])
        other_leader, = User.search([('login', '=', 'lanhdao.ubndtinh')])
        identity, = Identity.search([('user', '=', leader.id)])
        with as_user('vanthu.dongxoai'):
            document = self.outgoing('QĐ', approver=leader)
            File.create([{'document': document.id, 'name': 'qd.pdf',
                        'data': pdf_bytes("[CHU_KY_LANH_DAO]")}])
            with self.assertRaises(AccessButtonError):
                Document.issue([document])
            Document.submit_approval([document])
            # Approving is the leaders' business
            with self.assertRaises(AccessButtonError):
                Document.approve([document])
            # The clerk of the office checks the form
            Document.pass_form_check([document])
            with self.assertRaises(AccessButtonError):
                Document.approve([document])
        with as_user('lanhdao.dongxoai'):
            document = Document(document.id)
            with self.assertRaises(DocumentValidationError):
                Document.send_back([document])
            document.sign_with(identity, 'Demo#Egov2026')
            document = Document(document.id)
            self.assertEqual(document.state, 'approved')
            self.assertTrue(document.signed)
            self.assertIn(b'/ByteRange', bytes(document.files[0].data))
        with as_user('vanthu.dongxoai'):
            # Signed digitally: issued with the agency's signature only
            with self.assertRaises(AccessButtonError):
                Document.issue([Document(document.id)])
            with Transaction().set_context(_check_access=False), \
                    self.assertRaises(DocumentValidationError):
                Document.issue([Document(document.id)])
            seal, = Identity.search([('kind', '=', 'agency')])
            Document.issue_with(
                [Document(document.id)], seal, 'Demo#Egov2026')
            self.assertEqual(Document(document.id).code, '01/QĐ-UBND')
            self.assertTrue(Document(document.id).sealed)
        self.assertNotEqual(other_leader, leader)

    @with_transaction()
    def test_edxml_exchange(self):
        "An issued document travels as edXML to another agency"
        pool = Pool()
        Document = pool.get('egov.document')
        File = pool.get('egov.document.file')
        Company = pool.get('company.company')
        from trytond.modules.egov_document import edxml
        tanphu, = Company.search([('agency_code', '=', '000.01.31.H10')])
        with as_user(CLERK):
            document = self.outgoing('TB', abstract="Thông báo lịch tiếp dân")
            File.create([{'document': document.id, 'name': 'tb.pdf',
                        'data': pdf_bytes("Thông báo")}])
            document, = self.approve([document])
            with self.assertRaises(DocumentStateError):
                document.to_edxml([])
            Document.issue([document])
            package = Document(document.id).to_edxml([edxml.Organ(
                        organ_id=tanphu.agency_code, name=tanphu.rec_name)])
        with as_user('vanthu.tanphu'):
            received, created = Document.from_edxml(package, tanphu)
            self.assertTrue(created)
            self.assertEqual(received.state, 'draft')
            self.assertEqual((received.number, received.notation),
                (1, 'TB-VP'))
            self.assertEqual(received.abstract, "Thông báo lịch tiếp dân")
            self.assertEqual(received.files[0].name, 'tb.pdf')
            # Delivered twice: one document
            again, created = Document.from_edxml(package, tanphu)
            self.assertFalse(created)
            self.assertEqual(again, received)
            Document.register_arrival([received])
            self.assertEqual(received.code, '01/TB-VP')
            # Malformed, or for another agency: refused, nothing written
            with self.assertRaises(DocumentValidationError):
                Document.from_edxml(b'<not-edxml/>', tanphu)
        with as_user(CLERK) as clerk:
            with self.assertRaises(DocumentValidationError):
                Document.from_edxml(package, clerk.company)

    @with_transaction()
    def test_demo(self):
        "The demo registers and issues its documents once"
        from trytond.modules.egov_document import demo
        Document = Pool().get('egov.document')
        self.assertTrue(demo.load_demo())
        self.assertFalse(demo.load_demo())
        codes = {d.code for d in Document.search([
                    ('direction', '=', 'outgoing')])}
        self.assertTrue({'01/QĐ-UBND', '02/KH-UBND', '03/UBND-VX'} <= codes)
        duplicates = Document.search([('duplicate_of', '!=', None)])
        self.assertEqual(len(duplicates), 1)
        self.assertEqual(duplicates[0].duplicate_of.code,
            duplicates[0].code)
