# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives import serialization

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.egov_base.demo import load_demo
from trytond.modules.egov_base.tests.tools import TranslationTestMixin, as_user
from trytond.modules.egov_signature import pades
from trytond.modules.egov_signature.exceptions import (
    CertificateError, SigningError)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .pades_tests import PadesTestMixin
from .pki import sample_pdf, sample_png
from .token import PIN, SoftToken


def pades_token(secret):
    "The token a queued batch receives for the secret"
    from trytond.modules.egov_signature.signature import _fernet
    return _fernet().encrypt(secret.encode()).decode()


def pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


class EgovSignatureTestCase(
        PadesTestMixin, TranslationTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test egov_signature module"
    module = 'egov_signature'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = SoftToken()
        cls.addClassCleanup(cls.token.close)
        cls.token.import_key(cls.leader_key, cls.leader, 'lanhdao', '01')
        cls.token.import_key(cls.agency_key, cls.agency, 'coquan', '02')

    def create_identity(self, company, **values):
        pool = Pool()
        Identity = pool.get('egov.signature.identity')
        defaults = {
            'name': "Lãnh đạo", 'kind': 'agency', 'company': company.id,
            'certificate': pem(self.leader),
            'chain': pem(self.pki.root),
            'key_storage': 'pkcs11',
            'pkcs11_library': self.token.library,
            'token_label': self.token.label, 'key_label': 'lanhdao',
            }
        defaults.update(values)
        identity, = Identity.create([defaults])
        return identity

    def add_anchor(self):
        pool = Pool()
        Anchor = pool.get('egov.signature.trust_anchor')
        Anchor.create([{'name': "Test root", 'certificate':
                    self.pki.root_pem}])

    @with_transaction()
    def test_identity_reads_certificate(self):
        "Importing a certificate fills its subject, serial and validity"
        company = create_company()
        identity = self.create_identity(company)
        self.assertIn("Nguyễn Văn A", identity.subject)
        self.assertEqual(identity.serial,
            format(self.leader.serial_number, 'X'))
        self.assertLess(identity.not_before, identity.not_after)
        der = self.leader.public_bytes(serialization.Encoding.DER)
        identity.certificate = der
        identity.save()
        with self.assertRaises(CertificateError):
            identity.certificate = b'not a certificate'
            identity.save()

    @with_transaction()
    def test_import_pkcs12(self):
        "IT staff import the certificate (and a test key) from PKCS#12"
        pool = Pool()
        Identity = pool.get('egov.signature.identity')
        Import = pool.get(
            'egov.signature.identity.import_pkcs12', type='wizard')
        company = create_company()
        identity = self.create_identity(company, certificate=pem(self.agency))
        data = self.pki.pkcs12(self.leader_key, self.leader, 'mật-khẩu')
        with set_company(company), Transaction().set_context(
                active_model=Identity.__name__, active_id=identity.id,
                active_ids=[identity.id]):
            session_id, _, _ = Import.create()
            wizard = Import(session_id)
            wizard.start.file = data
            wizard.start.password = 'sai'
            wizard.start.keep_key = True
            with self.assertRaises(CertificateError):
                wizard.transition_import_()
            wizard.start.password = 'mật-khẩu'
            wizard.transition_import_()
        identity = Identity(identity.id)
        self.assertIn("Nguyễn Văn A", identity.subject)
        self.assertEqual(identity.key_storage, 'software')
        self.assertIn(b'BEGIN CERTIFICATE', bytes(identity.chain))
        signed = identity.sign(sample_pdf(), "x", secret='mật-khẩu')
        self.assertEqual(pades.validate_pdf(signed, [self.pki.root])
            .indication, pades.TOTAL_PASSED)

    @with_transaction()
    def test_identity_image_png(self):
        "The signature image must be a PNG"
        company = create_company()
        identity = self.create_identity(company, image=sample_png())
        identity.image = b'GIF89a....'
        with self.assertRaises(CertificateError):
            identity.save()

    @with_transaction()
    def test_sign_with_server_token(self):
        "The server signs with the token; the signing is logged"
        pool = Pool()
        Log = pool.get('egov.signature.log')
        company = create_company()
        identity = self.create_identity(company)
        data = sample_pdf()
        signed = identity.sign(data, "QĐ 15/QĐ-UBND", secret=PIN,
            appearance=pades.Appearance(
                box=(360, 210, 480, 270), image=sample_png()))
        report = pades.validate_pdf(signed, [self.pki.root])
        self.assertEqual(report.indication, pades.TOTAL_PASSED)
        self.check_pdfsig(signed)
        log, = Log.search([])
        self.assertEqual(log.identity, identity)
        self.assertEqual(log.document, "QĐ 15/QĐ-UBND")
        self.assertEqual(log.method, 'server_token')
        self.assertEqual(log.user.id, 1)
        self.assertEqual(len(log.document_hash), 64)
        self.assertEqual(log.certificate_serial, identity.serial)

        with self.assertRaises(SigningError) as cm:
            identity.sign(data, "wrong pin", secret='000000')
        self.assertIn("Wrong PIN", cm.exception.message)
        identity.token_label = 'khong-co'
        with self.assertRaises(SigningError) as cm:
            identity.sign(data, "missing token", secret=PIN)
        self.assertIn("cannot be reached", cm.exception.message)
        self.assertEqual(len(Log.search([])), 1)

    @with_transaction()
    def test_sign_b_lt_and_check_revocation(self):
        "The server embeds revocation data and validation fetches it"
        from .pki import CRLServer, TimestampAuthority
        pool = Pool()
        Validation = pool.get('egov.signature.validation')
        company = create_company()
        self.add_anchor()
        crls = CRLServer(self.pki)
        authority = TimestampAuthority(self.pki)
        try:
            key, certificate = self.pki.issue("Văn thư", crl_url=crls.url)
            identity = self.create_identity(company, key_storage='software',
                certificate=pem(certificate),
                software_key=self.pki.pkcs12(key, certificate, 'mk'))
            signed = identity.sign(sample_pdf(), "Công văn", secret='mk',
                tsa_url=authority.url, ltv=True)
            with set_company(company):
                validation = Validation.validate_file(signed, 'cv.pdf')
                signature, = validation.signatures
                self.assertEqual(signature.level, 'B-LT')
                self.assertTrue(signature.revocation_checked)
                crls.revoke(certificate)
                validation = Validation.validate_file(signed, 'cv.pdf')
            self.assertEqual(validation.indication, pades.TOTAL_FAILED)
            self.assertEqual(validation.sub_indication, 'REVOKED')
        finally:
            crls.close()
            authority.close()

    @with_transaction()
    def test_expired_identity(self):
        "An identity whose certificate expired cannot sign"
        import datetime as dt
        company = create_company()
        key, certificate = self.pki.issue("Hết hạn", days=30,
            not_before=dt.datetime.now(dt.timezone.utc)
            - dt.timedelta(days=60))
        identity = self.create_identity(company, certificate=pem(certificate))
        with self.assertRaises(SigningError) as cm:
            identity.sign(sample_pdf(), "Quyết định", secret=PIN)
        self.assertIn(identity.not_after.strftime('%d/%m/%Y'),
            cm.exception.message)

    @with_transaction()
    def test_sign_with_software_key(self):
        "A software key (tests only) is encrypted and needs its password"
        company = create_company()
        identity = self.create_identity(company, key_storage='software',
            software_key=self.pki.pkcs12(
                self.agency_key, self.agency, 'bí-mật'),
            certificate=pem(self.agency))
        signed = identity.sign(sample_pdf(), "Phụ lục", secret='bí-mật')
        self.assertEqual(pades.validate_pdf(signed, [self.pki.root])
            .indication, pades.TOTAL_PASSED)
        self.check_pdfsig(signed)
        with self.assertRaises(SigningError):
            identity.sign(sample_pdf(), "Phụ lục", secret='sai')

    @with_transaction()
    def test_usb_token_identity_refuses_server_signing(self):
        "A key on the official's USB token is never used by the server"
        company = create_company()
        identity = self.create_identity(company, key_storage='usb_token')
        with self.assertRaises(SigningError):
            identity.sign(sample_pdf(), "x", secret=PIN)

    @with_transaction()
    def test_validation_report(self):
        "A validation report is kept with the file"
        pool = Pool()
        Validation = pool.get('egov.signature.validation')
        company = create_company()
        identity = self.create_identity(company)
        signed = identity.sign(sample_pdf(), "Văn bản", secret=PIN)
        with set_company(company):
            untrusted = Validation.validate_file(signed, 'van-ban.pdf')
            self.assertEqual(untrusted.indication, pades.INDETERMINATE)
            self.add_anchor()
            validation = Validation.validate_file(signed, 'van-ban.pdf')
        self.assertEqual(validation.indication, pades.TOTAL_PASSED)
        self.assertEqual(validation.company, company)
        signature, = validation.signatures
        self.assertTrue(signature.intact and signature.trusted)
        self.assertIn("Nguyễn Văn A", signature.signer)
        self.assertEqual(
            json.loads(validation.report)['indication'], 'TOTAL_PASSED')
        with set_company(company), self.assertRaises(SigningError):
            Validation.validate_file(b'GIF89a', 'anh.gif')

    def test_command_line(self):
        "egov-sign signs on the token, egov-verify checks the result"
        with tempfile.TemporaryDirectory() as folder:
            source = os.path.join(folder, 'in.pdf')
            target = os.path.join(folder, 'out.pdf')
            pin = os.path.join(folder, 'pin')
            root = os.path.join(folder, 'root.pem')
            image = os.path.join(folder, 'sig.png')
            for path, content in [(source, sample_pdf()),
                    (pin, PIN.encode()), (root, self.pki.root_pem),
                    (image, sample_png())]:
                with open(path, 'wb') as fp:
                    fp.write(content)
            env = dict(os.environ, SOFTHSM2_CONF=self.token.config)
            python = sys.executable
            sign = [python, '-m', 'trytond.modules.egov_signature.cli_sign',
                source, target, '--pkcs11-lib', self.token.library,
                '--token', self.token.label, '--key-label', 'lanhdao',
                '--pin-file', pin, '--image', image,
                '--box', '360,210,480,270']
            result = subprocess.run(sign, env=env, capture_output=True,
                text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(target, 'rb') as fp:
                self.check_pdfsig(fp.read())
            verify = [python, '-m', 'trytond.modules.egov_signature.cli',
                target, '--trust', root]
            result = subprocess.run(verify, capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stdout)
            self.assertIn('Overall: TOTAL_PASSED', result.stdout)
            result = subprocess.run(verify[:-2], capture_output=True,
                text=True)
            self.assertEqual(result.returncode, 1)
            self.assertIn('INDETERMINATE', result.stdout)
            result = subprocess.run(
                [python, '-m', 'trytond.modules.egov_signature.cli_sign',
                    source, target, '--pkcs11-lib', self.token.library,
                    '--token', self.token.label, '--key-label', 'lanhdao',
                    '--pin-file', pin, '--box', '1,2,3'],
                env=env, capture_output=True, text=True)
            self.assertEqual(result.returncode, 2)
            original = sample_pdf(placeholder='[KY]')
            with open(source, 'wb') as fp:
                fp.write(original)
            for placeholder, code in [('[KY]', 0), ('[KHONG]', 1)]:
                output = os.path.join(folder, 'out-%s.pdf' % code)
                result = subprocess.run(
                    [python, '-m', 'trytond.modules.egov_signature.cli_sign',
                        source, output, '--pkcs11-lib', self.token.library,
                        '--token', self.token.label, '--key-label',
                        'lanhdao', '--pin-file', pin, '--image', image,
                        '--placeholder', placeholder],
                    env=env, capture_output=True, text=True)
                self.assertEqual(result.returncode, code, result.stderr)
                # A refused signing writes nothing, the original is kept
                self.assertEqual(os.path.exists(output), code == 0)
                with open(source, 'rb') as fp:
                    self.assertEqual(fp.read(), original)

    @with_transaction()
    def test_usb_token_signing(self):
        "The official's USB token signs through the signing agent"
        pool = Pool()
        Request = pool.get('egov.signature.request')
        Log = pool.get('egov.signature.log')
        company = create_company()
        identity = self.create_identity(company, key_storage='usb_token',
            kind='official', user=1)
        data = sample_pdf()
        request = Request.prepare(identity, data, "Tờ trình 12",
            appearance=pades.Appearance(
                box=(360, 210, 480, 270), image=sample_png()))
        self.assertEqual(request.state, 'prepared')
        payload = json.loads(request.request_file)
        self.assertEqual(payload['request'], request.id)
        self.assertEqual(payload['document'], "Tờ trình 12")

        with tempfile.TemporaryDirectory() as folder:
            request_path = os.path.join(folder, 'request.json')
            response_path = os.path.join(folder, 'response.json')
            pin = os.path.join(folder, 'pin')
            with open(request_path, 'wb') as fp:
                fp.write(request.request_file)
            with open(pin, 'w') as fp:
                fp.write(PIN)
            result = subprocess.run([sys.executable, '-m',
                    'trytond.modules.egov_signature.cli_agent',
                    request_path, response_path,
                    '--pkcs11-lib', self.token.library,
                    '--token', self.token.label, '--key-label', 'lanhdao',
                    '--pin-file', pin, '--yes'],
                env=dict(os.environ, SOFTHSM2_CONF=self.token.config),
                capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(response_path, 'rb') as fp:
                response = fp.read()

        # A response signed with another key is refused
        other = json.loads(response)
        other['cms'] = base64.b64encode(pades.sign_attributes(
                bytes(request.signed_attributes),
                self.signer(self.agency_key, self.agency))).decode()
        with self.assertRaises(SigningError):
            request.complete(json.dumps(other).encode())
        with self.assertRaises(SigningError):
            request.complete(b'{"request": 0}')

        signed = request.complete(response)
        self.assertEqual(request.state, 'signed')
        report = pades.validate_pdf(signed, [self.pki.root])
        self.assertEqual(report.indication, pades.TOTAL_PASSED)
        self.check_pdfsig(signed)
        log, = Log.search([])
        self.assertEqual(log.method, 'usb_token')
        self.assertEqual(log.document_hash,
            hashlib.sha256(data).hexdigest())
        with self.assertRaises(SigningError):
            request.complete(response)

    @with_transaction()
    def test_validate_wizard_and_report(self):
        "An official validates an uploaded PDF and prints the report"
        pool = Pool()
        Validate = pool.get('egov.signature.validate', type='wizard')
        Report = pool.get('egov.signature.validation.report', type='report')
        company = create_company()
        identity = self.create_identity(company)
        self.add_anchor()
        signed = identity.sign(sample_pdf(), "Quyết định", secret=PIN)
        with set_company(company):
            session_id, _, _ = Validate.create()
            validate = Validate(session_id)
            validate.start.file = signed
            validate.start.filename = 'quyet-dinh.pdf'
            action, data = validate.do_validate({})
            validation_id, = data['res_id']
            oext, content, _, name = Report.execute([validation_id], {})
        self.assertEqual(oext, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        self.assertIn('quyet-dinh.pdf', name)
        if shutil.which('pdftotext'):
            with tempfile.NamedTemporaryFile(suffix='.pdf') as fp:
                fp.write(content)
                fp.flush()
                text = subprocess.run(['pdftotext', fp.name, '-'],
                    capture_output=True, text=True).stdout
            self.assertIn('Nguyễn Văn A', text)
            self.assertIn('Total passed', text)

    @with_transaction()
    def test_access_per_role(self):
        "Officials see their agencies' identities, never the software key"
        pool = Pool()
        Identity = pool.get('egov.signature.identity')
        Company = pool.get('company.company')
        load_demo()

        def agency(name):
            return Company.search([('party.name', '=', name)])[0]

        tanphu = agency("Ủy ban nhân dân phường Tân Phú")
        justice = agency("Sở Tư pháp")
        identity = self.create_identity(tanphu, key_storage='software',
            software_key=self.pki.pkcs12(
                self.leader_key, self.leader, 'bí-mật'))

        with as_user('motcua.tanphu'):
            self.assertEqual(Identity.search([]), [identity])
            self.assertEqual(Identity(identity.id).name, "Lãnh đạo")
            with self.assertRaises(AccessError):
                Identity.read([identity.id], ['software_key'])
            with self.assertRaises(AccessError):
                Identity.write([identity], {'name': "Khác"})
        with as_user('motcua.tanbinh'):
            self.assertEqual(Identity.search([]), [])
        with as_user('quantri.dongxoai'):
            self.assertTrue(Identity.read([identity.id], ['software_key']))
            self.create_identity(Company(tanphu.id), name="Con dấu")
            with self.assertRaises(AccessError):
                self.create_identity(Company(justice.id))

    @with_transaction()
    def test_batch_signing(self):
        "A leader signs a batch of results as a queued job with progress"
        pool = Pool()
        Batch = pool.get('egov.signature.batch')
        Log = pool.get('egov.signature.log')
        Queue = pool.get('ir.queue')
        company = create_company()
        identity = self.create_identity(company)
        documents = [{
                'document': "Kết quả %d" % i,
                'file': sample_pdf("KẾT QUẢ %d" % i),
                } for i in range(5)]
        documents.append({'document': "Hỏng", 'file': b'%PDF-1.7 broken'})
        batch, = Batch.create([{
                    'name': "Kết quả ngày 28/11", 'identity': identity.id,
                    'company': company.id,
                    'lines': [('create', documents)],
                    }])
        self.assertEqual(batch.progress, 0)
        Batch.queue([batch], PIN)
        self.assertEqual(batch.state, 'queued')
        task, = Queue.search([('data.model', '=', 'egov.signature.batch')])
        # The queued task holds the PIN encrypted only
        self.assertNotIn(PIN, json.dumps(task.data, default=str))
        token, = task.data['args']
        Batch.process([batch], token, commit=False)
        batch = Batch(batch.id)
        self.assertEqual(batch.progress, 100)
        self.assertEqual(batch.state, 'failed')
        signed = [l for l in batch.lines if l.state == 'signed']
        self.assertEqual(len(signed), 5)
        self.assertEqual(pades.validate_pdf(
                bytes(signed[0].signed), [self.pki.root]).indication,
            pades.TOTAL_PASSED)
        broken, = [l for l in batch.lines if l.state == 'failed']
        self.assertTrue(broken.error)
        self.assertEqual(len(Log.search([])), 5)

        # A wrong PIN fails the batch with a message, nothing is signed
        other, = Batch.copy([batch], default={'state': 'draft'})
        Batch.write([other], {'lines': [('create', [{
                            'document': "Một", 'file': sample_pdf()}])]})
        Batch.process([other], pades_token('000000'), commit=False)
        self.assertEqual(Batch(other.id).state, 'failed')
        self.assertTrue(Batch(other.id).error)

    @with_transaction()
    def test_demo(self):
        "The demo gives the leader of Đồng Xoài identities to sign with"
        from trytond.modules.egov_signature.demo import PASSWORD
        from trytond.modules.egov_signature.demo import \
            load_demo as load_signature_demo
        pool = Pool()
        Identity = pool.get('egov.signature.identity')
        Anchor = pool.get('egov.signature.trust_anchor')
        load_demo()
        self.assertTrue(load_signature_demo())
        self.assertFalse(load_signature_demo())
        leader, seal = sorted(Identity.search([]), key=lambda i: i.kind,
            reverse=True)
        self.assertEqual(leader.user.login, 'lanhdao.dongxoai')
        self.assertEqual(seal.kind, 'agency')
        box = (360, 210, 480, 270)
        signed = leader.sign(sample_pdf(), "Quyết định", secret=PASSWORD,
            appearance=pades.Appearance(box=box, image=bytes(leader.image)))
        signed = seal.sign(signed, "Quyết định", secret=PASSWORD,
            appearance=pades.Appearance(
                box=pades.seal_box(box, bytes(seal.image)),
                image=bytes(seal.image)))
        report = pades.validate_pdf(
            signed, [a.get_x509() for a in Anchor.search([])])
        self.assertEqual(report.indication, pades.TOTAL_PASSED)
        self.assertEqual(len(report.signatures), 2)


del ModuleTestCase
