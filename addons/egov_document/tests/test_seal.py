# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The clerk issues a document the signer signed: the number and the date
of issue are written into the signed PDF with the agency's digital
signature and seal, the appendices get the agency's text signature, and
the signer's signature stays valid (pyHanko and poppler's pdfsig)."""
import datetime as dt
import io
import os
import subprocess
import tempfile
import unittest

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.egov_base.tests.tools import as_user
from trytond.modules.egov_document import placement
from trytond.modules.egov_document.exceptions import (
    DocumentAccessError, DocumentValidationError)
from trytond.modules.egov_signature import pades
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import DemoTestCase

PASSWORD = 'Demo#Egov2026'
CLERK = 'vanthu.dongxoai'
LEADER = 'lanhdao.dongxoai'


def draft_pdf(title="QUYẾT ĐỊNH", signer="Trần Văn Bình", placeholders=True):
    "A draft laid out as Decree 30 shows it, number and date left blank"
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(TTFont('EgovSerif', pades.serif_font()))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont('EgovSerif', 12)
    page.drawCentredString(150, 800, "UBND THÀNH PHỐ ĐỒNG XOÀI")
    page.drawCentredString(400, 800, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    page.drawCentredString(400, 784, "Độc lập - Tự do - Hạnh phúc")
    page.setFont('EgovSerif', 13)
    page.drawString(90, 760, "Số:        /QĐ-UBND")
    page.drawString(300, 760, "Đồng Xoài, ngày      tháng      năm 2026")
    page.drawCentredString(297, 700, title)
    page.drawString(72, 660, "Về việc phê duyệt kế hoạch chuyển đổi số")
    page.drawCentredString(420, 320, "CHỦ TỊCH")
    if placeholders:
        page.drawCentredString(420, 270, placement.SIGNER_PLACEHOLDER)
    page.drawCentredString(420, 200, signer)
    page.showPage()
    page.save()
    return buffer.getvalue()


def pdf_text(data):
    "The text a reader sees, annotations and signatures included"
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'document.pdf')
        with open(path, 'wb') as fp:
            fp.write(data)
        return subprocess.run(['pdftotext', '-layout', path, '-'],
            capture_output=True, text=True, check=True).stdout


def pdfsig(data):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'signed.pdf')
        with open(path, 'wb') as fp:
            fp.write(data)
        return subprocess.run(['pdfsig', '-nocert', path],
            capture_output=True, text=True).stdout


class PlacementTestCase(unittest.TestCase):
    "Where the number, the date and the seal go (no database)"

    def test_date_text(self):
        "Days under 10 and the months 1 and 2 take a leading zero"
        self.assertEqual(placement.date_text("Đồng Xoài", dt.date(2026, 1, 5)),
            "Đồng Xoài, ngày 05 tháng 01 năm 2026")
        self.assertEqual(placement.date_text("Đồng Xoài",
                dt.date(2026, 11, 28)),
            "Đồng Xoài, ngày 28 tháng 11 năm 2026")
        self.assertEqual(placement.date_text(None, dt.date(2026, 3, 15)),
            "Ngày 15 tháng 3 năm 2026")

    def test_marks_on_the_lines(self):
        "The number over the Số: line, the date over the date line"
        data = draft_pdf()
        number = placement.number_mark(data, '05/QĐ-UBND')
        self.assertEqual(number.text, 'Số: 05/QĐ-UBND')
        self.assertTrue(number.cover)
        self.assertLess(abs(number.box[0] - 90), 2)
        self.assertLess(number.box[1], 760)
        self.assertGreater(number.box[3], 760)
        date = placement.date_mark(data, "Đồng Xoài", dt.date(2026, 11, 28))
        self.assertEqual(date.text, "Đồng Xoài, ngày 28 tháng 11 năm 2026")
        self.assertLess(abs(date.box[0] - 300), 2)

    def test_signer_box(self):
        "Where the signer signs: the placeholder, or above his name"
        page, box = placement.signer_box(draft_pdf())
        self.assertEqual(page, 0)
        self.assertLess(box[1], 275)
        self.assertGreater(box[3], 270)
        page, box = placement.signer_box(
            draft_pdf(placeholders=False), "Trần Văn Bình")
        self.assertGreater(box[1], 200)
        self.assertIsNone(placement.signer_box(
                draft_pdf(placeholders=False), "Người khác"))


class SealTestCase(DemoTestCase):
    "The city of Đồng Xoài issues a signed decision with its seal"

    @staticmethod
    def load_demo():
        "The demo's agencies and their signing identities"
        from trytond.modules.egov_signature import demo as signature
        DemoTestCase.load_demo()
        return signature.load_demo()

    @staticmethod
    def _add_clerk():
        pool = Pool()
        User = pool.get('res.user')
        UserRole = pool.get('res.user.role')
        Company = pool.get('company.company')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        ModelData = pool.get('ir.model.data')
        dongxoai, = Company.search([('agency_code', '=', '000.00.31.H10')])
        party = Party(name="Văn thư Đồng Xoài")
        party.save()
        employee = Employee(party=party, company=dongxoai)
        employee.save()
        User(login=CLERK, name="Văn thư Đồng Xoài",
            companies=[dongxoai], company=dongxoai, employees=[employee],
            employee=employee,
            roles=[UserRole(role=ModelData.get_id(
                            'egov_base', 'role_clerk'))]).save()

    def identities(self):
        pool = Pool()
        Identity = pool.get('egov.signature.identity')
        Anchor = pool.get('egov.signature.trust_anchor')
        leader, = Identity.search([('kind', '=', 'official')])
        seal, = Identity.search([('kind', '=', 'agency')])
        return leader, seal, [a.get_x509() for a in Anchor.search([])]

    def signed_draft(self, appendix=True, **values):
        "A decision drafted by the clerk and signed by the leader"
        pool = Pool()
        Document = pool.get('egov.document')
        File = pool.get('egov.document.file')
        Type = pool.get('egov.document.type')
        User = pool.get('res.user')
        leader_user, = User.search([('login', '=', LEADER)])
        leader, _, _ = self.identities()
        with as_user(CLERK) as clerk:
            type_, = Type.search([('code', '=', 'QĐ')])
            document = Document(direction='outgoing', company=clerk.company,
                type=type_, abstract="Về việc phê duyệt kế hoạch",
                signer_authority='TM.', signer_position="Chủ tịch",
                signer_name=leader_user.name, approver=leader_user,
                **values)
            document.save()
            files = [{'document': document.id, 'kind': 'main',
                    'name': 'qd.pdf',
                    'data': draft_pdf(signer=leader_user.name)}]
            if appendix:
                files.append({'document': document.id, 'kind': 'appendix',
                        'name': 'phu-luc.pdf',
                        'data': draft_pdf("PHỤ LỤC", placeholders=False)})
            File.create(files)
            Document.submit_approval([document])
            # The clerk of the office checks the form
            Document.pass_form_check([document])
        with as_user(LEADER):
            Document(document.id).sign_with(leader, PASSWORD)
        return Document(document.id)

    add_users = _add_clerk

    @with_transaction()
    def test_issue_with_seal(self):
        "Number and date in the PDF, both signatures valid, appendix signed"
        pool = Pool()
        Document = pool.get('egov.document')
        _, seal, anchors = self.identities()
        document = self.signed_draft()
        signed = bytes(document.files[0].data)
        # The leader's image where the draft marks it
        (field, page, box), = pades.signature_boxes(signed)
        self.assertEqual(page, 0)
        self.assertLess(box[1], 275)
        with as_user(CLERK):
            Document.issue_with([Document(document.id)], seal, PASSWORD)
            document = Document(document.id)
            self.assertEqual(document.state, 'issued')
            self.assertEqual(document.code, '01/QĐ-UBND')
            self.assertTrue(document.sealed)
            main, appendix = document.files
            main, appendix = bytes(main.data), bytes(appendix.data)

        report = pades.validate_pdf(main, anchors)
        self.assertEqual(report.indication, pades.TOTAL_PASSED, report)
        leader, agency = report.signatures
        self.assertEqual(leader.field, field)
        self.assertIn("Ủy ban", agency.signer + ' ' + seal.name)
        # The agency's signature added the number, the date and the seal:
        # filling in a form, which the leader's signature allows
        self.assertEqual(leader.modifications, 'FORM_FILLING')
        self.assertEqual(agency.coverage, 'ENTIRE_FILE')
        # The seal over the left third of the leader's image
        boxes = pades.signature_boxes(main)
        self.assertEqual(len(boxes), 2)
        seal_box = boxes[1][2]
        self.assertLess(seal_box[0], box[0])
        self.assertGreater(seal_box[2], box[0])

        report = pades.validate_pdf(appendix, anchors)
        self.assertEqual(report.indication, pades.TOTAL_PASSED)
        self.assertEqual(len(report.signatures), 1)
        (_, page, box), = pades.signature_boxes(appendix)
        width, height = pades.page_box(appendix)[2:]
        self.assertEqual(page, 0)
        self.assertGreater(box[0], width / 2)
        self.assertGreater(box[1], height - 100)

        # poppler-utils (scripts/install_system_packages.sh): pdftotext
        # reads the texts drawn in the signature's widgets, pdfsig checks
        # the signatures independently of pyHanko
        date = placement.date_text(document.place, document.date)
        text = pdf_text(main)
        self.assertIn('Số: 01/QĐ-UBND', text)
        self.assertIn(date, ' '.join(text.split()))
        self.assertIn('01/QĐ-UBND', pdf_text(appendix))
        for data, count in [(main, 2), (appendix, 1)]:
            output = pdfsig(data)
            self.assertEqual(output.count(
                    'Signature Validation: Signature is Valid.'), count,
                output)
            self.assertNotIn('not signed', output)

    @with_transaction()
    def test_wrong_pin_gives_number_back(self):
        "A refused signature issues nothing and gives the number back"
        pool = Pool()
        Document = pool.get('egov.document')
        _, seal, _ = self.identities()
        document = self.signed_draft(appendix=False)
        before = bytes(document.files[0].data)
        cursor = Transaction().connection.cursor()
        with as_user(CLERK):
            cursor.execute('SAVEPOINT refused')
            with self.assertRaises(UserError) as refused:
                Document.issue_with(
                    [Document(document.id)], seal, 'not-the-pin')
            self.assertIn("qd.pdf", refused.exception.message)
            # As the request's transaction does on an error
            cursor.execute('ROLLBACK TO SAVEPOINT refused')
            Transaction().cache.clear()
            document = Document(document.id)
            self.assertEqual(document.state, 'approved')
            self.assertIsNone(document.number)
            self.assertEqual(bytes(document.files[0].data), before)
            Document.issue_with([document], seal, PASSWORD)
            self.assertEqual(Document(document.id).number, 1)

    @with_transaction()
    def test_refused(self):
        "Another identity than the agency's, a missing PDF: clear refusals"
        pool = Pool()
        Document = pool.get('egov.document')
        File = pool.get('egov.document.file')
        leader, seal, _ = self.identities()
        document = self.signed_draft(appendix=False)
        with as_user(CLERK):
            with self.assertRaises(DocumentAccessError):
                Document.issue_with(
                    [Document(document.id)], leader, PASSWORD)
            # An appendix that is not a PDF cannot be signed
            File.create([{'document': document.id, 'kind': 'appendix',
                        'name': 'bang.png', 'data': _png()}])
            with self.assertRaises(DocumentValidationError):
                Document.issue_with(
                    [Document(document.id)], seal, PASSWORD)
            self.assertIsNone(Document(document.id).number)

    @with_transaction()
    def test_wizard(self):
        "The wizard proposes the agency's identity and issues"
        pool = Pool()
        Document = pool.get('egov.document')
        IssueWizard = pool.get('egov.document.issue', type='wizard')
        _, seal, _ = self.identities()
        document = self.signed_draft(appendix=False)
        context = dict(active_model='egov.document', active_id=document.id,
            active_ids=[document.id])
        # Issuing is the clerks' business
        with as_user(LEADER), Transaction().set_context(context):
            with self.assertRaises(AccessError):
                IssueWizard.create()
        with as_user(CLERK):
            with Transaction().set_context(context):
                session_id, _, _ = IssueWizard.create()
                wizard = IssueWizard(session_id)
                values = wizard.default_start(None)
                self.assertEqual(values['identity'], seal.id)
                wizard.start.identity = seal
                wizard.start.secret = PASSWORD
                wizard.transition_issue()
            self.assertEqual(Document(document.id).state, 'issued')


def _png():
    from PIL import Image
    buffer = io.BytesIO()
    Image.new('RGB', (10, 10)).save(buffer, 'PNG')
    return buffer.getvalue()
