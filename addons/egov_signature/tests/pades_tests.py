# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Signing and validation of PDF files (no database needed)."""
import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile

from trytond.modules.egov_signature import pades
from trytond.modules.egov_signature.pades import (
    INDETERMINATE, TOTAL_FAILED, TOTAL_PASSED, Appearance, SignatureError)

from .pki import CRLServer, TestPKI, TimestampAuthority, sample_pdf, sample_png


class PadesTestMixin:

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pki = TestPKI()
        cls.leader_key, cls.leader = cls.pki.issue("Nguyễn Văn A")
        cls.agency_key, cls.agency = cls.pki.issue(
            "UBND tỉnh Bình Phước", ecdsa=True)

    def check_pdfsig(self, data, count=1):
        """Check the signed PDF independently with poppler's pdfsig: every
        signature valid and of type ETSI.CAdES.detached"""
        self.assertTrue(shutil.which('pdfsig'),
            "pdfsig (poppler-utils) is needed to check signatures")
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, 'signed.pdf')
            with open(path, 'wb') as fp:
                fp.write(data)
            output = subprocess.run(['pdfsig', '-nocert', path],
                capture_output=True, text=True).stdout
        self.assertEqual(output.count(
                'Signature Validation: Signature is Valid.'), count, output)
        self.assertEqual(output.count(
                'Signature Type: ETSI.CAdES.detached'), count, output)

    def signer(self, key=None, certificate=None):
        return pades.software_signer(
            key or self.leader_key, certificate or self.leader,
            [self.pki.root])

    def test_sign_and_validate(self):
        "A PAdES B-B signature validates as TOTAL_PASSED with the anchor"
        signed = pades.sign_pdf(sample_pdf(), self.signer())
        report = pades.validate_pdf(signed, [self.pki.root])
        self.assertEqual(report.indication, TOTAL_PASSED)
        signature, = report.signatures
        self.assertIn("Nguyễn Văn A", signature.signer)
        self.assertIn("Test Root CA", signature.issuer)
        self.assertTrue(signature.intact and signature.valid)
        self.assertEqual(signature.coverage, 'ENTIRE_FILE')
        self.assertTrue(signature.signing_time.endswith('+07:00'))

    def test_untrusted(self):
        "Without the anchor the indication is INDETERMINATE"
        signed = pades.sign_pdf(sample_pdf(), self.signer())
        report = pades.validate_pdf(signed, [TestPKI("Other root").root])
        self.assertEqual(report.indication, INDETERMINATE)
        self.assertEqual(report.sub_indication, 'NO_CERTIFICATE_CHAIN_FOUND')

    def test_tampered(self):
        "A changed byte inside the signed range fails the signature"
        signed = bytearray(pades.sign_pdf(sample_pdf(), self.signer()))
        index = signed.index(b'/Type', 20)
        signed[index + 1] = ord('X')
        report = pades.validate_pdf(bytes(signed), [self.pki.root])
        self.assertEqual(report.indication, TOTAL_FAILED)
        self.assertEqual(report.sub_indication, 'HASH_FAILURE')

    def test_changed_after_signing(self):
        "Content added to the page after signing fails the signature"
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.incremental_writer import (
            IncrementalPdfFileWriter)
        signed = pades.sign_pdf(sample_pdf(), self.signer())
        writer = IncrementalPdfFileWriter(io.BytesIO(signed))
        writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(
                    stream_data=b'BT /F1 24 Tf 100 100 Td (SUA) Tj ET')))
        changed = io.BytesIO()
        writer.write(changed)
        report = pades.validate_pdf(changed.getvalue(), [self.pki.root])
        self.assertEqual(report.indication, TOTAL_FAILED)
        self.assertEqual(report.sub_indication, 'SIG_CONSTRAINTS_FAILURE')
        signature, = report.signatures
        self.assertEqual(signature.coverage, 'ENTIRE_REVISION')

    def test_signer_then_agency(self):
        "The signer signs, then the agency: both stay valid"
        appearance = Appearance(box=(360, 210, 480, 270),
            image=sample_png())
        signed = pades.sign_pdf(sample_pdf(), self.signer(),
            field_name='NguoiKy', appearance=appearance)
        seal_image = sample_png(color=(220, 0, 0, 255), size=(80, 80))
        box = pades.seal_box((360, 210, 480, 270), seal_image)
        # 80 px at 96 dpi = 60 pt, its right edge a third into the image
        self.assertEqual(box, (340, 210, 400, 270))
        seal = Appearance(box=box, image=seal_image)
        sealed = pades.sign_pdf(signed,
            self.signer(self.agency_key, self.agency),
            field_name='CoQuan', appearance=seal, certify=False)
        report = pades.validate_pdf(sealed, [self.pki.root])
        self.assertEqual(report.indication, TOTAL_PASSED)
        self.assertEqual(
            [s.field for s in report.signatures], ['NguoiKy', 'CoQuan'])
        first, second = report.signatures
        self.assertEqual(first.coverage, 'ENTIRE_REVISION')
        self.assertEqual(second.coverage, 'ENTIRE_FILE')
        self.assertIn("UBND", second.signer)
        self.check_pdfsig(sealed, 2)

    def test_certified_document_locked(self):
        "A certified document refuses a later signature's changes"
        certified = pades.sign_pdf(sample_pdf(), self.signer(),
            certify=True)
        report = pades.validate_pdf(certified, [self.pki.root])
        self.assertEqual(report.indication, TOTAL_PASSED)
        with self.assertRaises(SignatureError):
            pades.sign_pdf(certified, self.signer(), field_name='Later',
                appearance=Appearance(box=(10, 10, 100, 60), text="x"))

    def test_appendix_text_signature(self):
        "An appendix gets the agency's text signature, ISO time +07:00"
        text = pades.appendix_text("15/QĐ-UBND")
        self.assertRegex(text,
            r'^15/QĐ-UBND\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$')
        signed = pades.sign_pdf(sample_pdf("PHỤ LỤC"),
            self.signer(self.agency_key, self.agency),
            appearance=Appearance(box=(400, 770, 580, 820), text=text))
        report = pades.validate_pdf(signed, [self.pki.root])
        self.assertEqual(report.indication, TOTAL_PASSED)

    def test_pkcs12(self):
        "Signing identities come from PKCS#12 files"
        data = self.pki.pkcs12(self.leader_key, self.leader, 'mật-khẩu')
        key, certificate, chain = pades.load_pkcs12(data, 'mật-khẩu')
        self.assertEqual(certificate, self.leader)
        self.assertEqual(chain, [self.pki.root])
        with self.assertRaises(SignatureError):
            pades.load_pkcs12(data, 'sai')

    def test_bad_input(self):
        "Each bad input is refused with its own code, nothing is written"
        def refused(code, *args, **kwargs):
            with self.assertRaises(SignatureError) as cm:
                pades.sign_pdf(*args, **kwargs)
            self.assertEqual(cm.exception.code, code)

        refused('not_pdf', b'not a pdf', self.signer())
        refused('unreadable', b'%PDF-1.7\n garbage', self.signer())
        refused('encrypted', sample_pdf(password='mật-khẩu'), self.signer())
        refused('image', sample_pdf(), self.signer(),
            appearance=Appearance(box=(0, 0, 10, 10), image=b'GIF89a'))
        refused('page', sample_pdf(), self.signer(),
            appearance=Appearance(box=(0, 0, 10, 10), page=3, text='x'))
        now = dt.datetime.now(dt.timezone.utc)
        for certificate_key, certificate in [
                self.pki.issue("Hết hạn", days=30,
                    not_before=now - dt.timedelta(days=60)),
                self.pki.issue("Chưa hiệu lực",
                    not_before=now + dt.timedelta(days=2)),
                ]:
            refused('validity', sample_pdf(),
                self.signer(certificate_key, certificate))
        key, certificate = self.pki.issue("Mã hóa", signing=False)
        refused('key_usage', sample_pdf(), self.signer(key, certificate))
        with self.assertRaises(SignatureError) as cm:
            pades.validate_pdf(b'nothing')
        self.assertEqual(cm.exception.code, 'unreadable')
        report = pades.validate_pdf(sample_pdf())
        self.assertEqual(report.indication, INDETERMINATE)
        self.assertEqual(report.sub_indication, 'SIGNED_DATA_NOT_FOUND')

    def test_interrupted_signing(self):
        "The server prepares, the agent signs the attributes, the server ends"
        prepared = pades.prepare_signature(
            sample_pdf(), self.leader, [self.pki.root], field_name='NguoiKy',
            appearance=Appearance(box=(360, 210, 480, 270),
                image=sample_png()))
        signature = pades.sign_attributes(
            prepared.signed_attributes, self.signer())
        signed = pades.complete_signature(prepared, signature, self.leader)
        report = pades.validate_pdf(signed, [self.pki.root])
        self.assertEqual(report.indication, TOTAL_PASSED)
        self.check_pdfsig(signed)

        # A signature with another key is refused
        other = pades.sign_attributes(prepared.signed_attributes,
            self.signer(self.agency_key, self.agency))
        with self.assertRaises(SignatureError):
            pades.complete_signature(prepared, other, self.leader)
        # So is a signature over another document
        second = pades.prepare_signature(
            sample_pdf("KHÁC"), self.leader, [self.pki.root])
        with self.assertRaises(SignatureError):
            pades.complete_signature(second, signature, self.leader)
        with self.assertRaises(SignatureError):
            pades.complete_signature(prepared, b'junk', self.leader)

    def test_timestamp_b_t(self):
        "With a timestamp authority the signature is PAdES B-T"
        authority = TimestampAuthority(self.pki)
        try:
            signed = pades.sign_pdf(sample_pdf(), self.signer(),
                tsa_url=authority.url)
        finally:
            authority.close()
        self.assertGreaterEqual(authority.requests, 1)
        report = pades.validate_pdf(signed, [self.pki.root])
        self.assertEqual(report.indication, TOTAL_PASSED)
        signature, = report.signatures
        self.assertTrue(signature.timestamp.endswith('+07:00'))
        self.check_pdfsig(signed)
        with self.assertRaises(SignatureError):
            pades.sign_pdf(sample_pdf(), self.signer(),
                tsa_url='http://127.0.0.1:9/')

    def test_placeholder(self):
        "The signature box is found from a placeholder in the document"
        data = sample_pdf(pages=2, placeholder='[CHU_KY]')
        page, box = pades.find_placeholder(data, '[CHU_KY]', 120, 60)
        self.assertEqual(page, 1)
        x1, y1, x2, y2 = box
        self.assertAlmostEqual(x2 - x1, 120)
        self.assertAlmostEqual(y2 - y1, 60)
        self.assertTrue(385 < (x1 + x2) / 2 < 460)
        self.assertTrue(245 < (y1 + y2) / 2 < 260)
        page, box = pades.find_placeholder(data, '[CHU_KY]')
        self.assertTrue(box[2] - box[0] > 20)
        signed = pades.sign_pdf(data, self.signer(), appearance=Appearance(
                box=box, page=page, image=sample_png()))
        self.assertEqual(pades.validate_pdf(signed, [self.pki.root])
            .indication, TOTAL_PASSED)
        self.assertIsNone(pades.find_placeholder(data, '[KHONG_CO]'))

    def test_revocation_and_b_lt(self):
        "Revocation data is embedded (B-LT) and a revoked signer fails"
        crls = CRLServer(self.pki)
        authority = TimestampAuthority(self.pki)
        try:
            key, certificate = self.pki.issue("Chuyên viên", crl_url=crls.url)
            signer = self.signer(key, certificate)
            signed = pades.sign_pdf(sample_pdf(), signer,
                tsa_url=authority.url,
                validation_context=pades.validation_context([self.pki.root]))
            report = pades.validate_pdf(signed, [self.pki.root],
                allow_fetching=True)
            self.assertEqual(report.indication, TOTAL_PASSED)
            signature, = report.signatures
            self.assertEqual(signature.level, 'B-LT')
            self.assertTrue(signature.revocation_checked)

            crls.revoke(certificate)
            report = pades.validate_pdf(
                pades.sign_pdf(sample_pdf(), signer), [self.pki.root],
                allow_fetching=True)
            self.assertEqual(report.indication, TOTAL_FAILED)
            self.assertEqual(report.sub_indication, 'REVOKED')
        finally:
            crls.close()
            authority.close()
