# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Signing identities, trust anchors, the signing log and validation
reports.  The PDF work itself is in pades.py."""
import base64
import datetime as dt
import hashlib
import json
import logging
import os

from trytond import config
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.modules.egov_base.audit import AuditMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from . import pades
from .exceptions import CertificateError, SigningError

logger = logging.getLogger(__name__)

METHODS = [
    ('server_token', "Server token or HSM"),
    ('software', "Software key (tests only)"),
    ('usb_token', "Official's USB token"),
    ]


def _certificate_fields(data):
    "Return the values read from a PEM or DER certificate"
    try:
        certificate, *_ = pades.load_certificates(data)
    except Exception as exception:
        raise CertificateError(gettext(
                'egov_signature.msg_certificate_invalid')) from exception
    return certificate, {
        'subject': certificate.subject.rfc4514_string(),
        'issuer': certificate.issuer.rfc4514_string(),
        'serial': format(certificate.serial_number, 'X'),
        'not_before': certificate.not_valid_before_utc.replace(tzinfo=None),
        'not_after': certificate.not_valid_after_utc.replace(tzinfo=None),
        }


def reason(exception):
    "The message of a pades.SignatureError in the user's language"
    code = getattr(exception, 'code', None)
    if code:
        try:
            return gettext('egov_signature.msg_pdf_%s' % code,
                **exception.params)
        except (KeyError, ValueError):
            pass
    return str(exception)


# The key storages the server signs with itself
SERVER_KEY_STORAGES = ['pkcs11', 'software']


class CertificateMixin:
    __slots__ = ()
    certificate = fields.Binary("Certificate", required=True,
        help="The X.509 certificate in PEM or DER.")
    subject = fields.Char("Subject", readonly=True)
    issuer = fields.Char("Issuer", readonly=True)
    serial = fields.Char("Serial Number", readonly=True)
    not_before = fields.DateTime("Valid From", readonly=True)
    not_after = fields.DateTime("Valid Until", readonly=True)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('certificate'):
            _, read = _certificate_fields(bytes(values['certificate']))
            values.update(read)
        return values

    def get_x509(self):
        return pades.load_certificates(bytes(self.certificate))[0]


class Identity(
        AuditMixin, DeactivableMixin, CertificateMixin, ModelSQL, ModelView):
    __string__ = "Signing Identity"
    __name__ = 'egov.signature.identity'

    name = fields.Char("Name", required=True)
    kind = fields.Selection([
            ('official', "Official"),
            ('agency', "Agency"),
            ], "Kind", required=True,
        help="An agency's signature replaces its red seal.")
    user = fields.Many2One('res.user', "Official",
        states={
            'required': Eval('kind') == 'official',
            'invisible': Eval('kind') != 'official',
            })
    company = fields.Many2One('company.company', "Agency", required=True)
    chain = fields.Binary("Certificate Chain",
        help="The intermediate certificates, in PEM.")
    key_storage = fields.Selection([
            ('pkcs11', "PKCS#11 Token or HSM"),
            ('usb_token', "Official's USB Token"),
            ('software', "Software Key (tests only)"),
            ], "Key Storage", required=True)
    pkcs11_library = fields.Char("PKCS#11 Library",
        states={
            'required': Eval('key_storage') == 'pkcs11',
            'invisible': Eval('key_storage') != 'pkcs11',
            })
    token_label = fields.Char("Token Label",
        states={
            'required': Eval('key_storage') == 'pkcs11',
            'invisible': Eval('key_storage') != 'pkcs11',
            })
    key_label = fields.Char("Key Label",
        states={
            'required': Eval('key_storage') == 'pkcs11',
            'invisible': Eval('key_storage') != 'pkcs11',
            })
    cert_label = fields.Char("Certificate Label",
        states={'invisible': Eval('key_storage') != 'pkcs11'})
    software_key = fields.Binary("Encrypted Key (PKCS#12)",
        states={
            'required': Eval('key_storage') == 'software',
            'invisible': Eval('key_storage') != 'software',
            },
        help="Encrypted at rest by its own password, asked at signing "
        "time. For demonstration and tests only.")
    image = fields.Binary("Image",
        help="The official's signature (blue) or the agency's seal (red), "
        "as a transparent PNG.")

    @classmethod
    def default_kind(cls):
        return 'official'

    @classmethod
    def default_key_storage(cls):
        return 'pkcs11'

    @classmethod
    def validate_fields(cls, identities, field_names):
        super().validate_fields(identities, field_names)
        for identity in identities:
            if identity.image and not bytes(identity.image).startswith(
                    b'\x89PNG\r\n\x1a\n'):
                raise CertificateError(gettext(
                        'egov_signature.msg_image_png',
                        identity=identity.rec_name))
            if identity.chain:
                try:
                    pades.load_certificates(bytes(identity.chain))
                except Exception as exception:
                    raise CertificateError(gettext(
                            'egov_signature.msg_certificate_invalid')
                        ) from exception

    def get_chain(self):
        return (pades.load_certificates(bytes(self.chain))
            if self.chain else [])

    @classmethod
    def server_identities(cls, user_id):
        """The official's own identities whose key the server can use (an
        official's USB token signs on his computer)"""
        return cls.search([
                ('user', '=', user_id),
                ('key_storage', 'in', SERVER_KEY_STORAGES),
                ])

    @classmethod
    def agency_identities(cls, company_id):
        """The agency's own identities (its digital signature with the
        seal) whose key the server can use"""
        return cls.search([
                ('kind', '=', 'agency'),
                ('company', '=', company_id),
                ('key_storage', 'in', SERVER_KEY_STORAGES),
                ])

    def check_valid(self, when=None):
        when = when or dt.datetime.utcnow()
        if not (self.not_before <= when <= self.not_after):
            raise SigningError(gettext(
                    'egov_signature.msg_certificate_expired',
                    identity=self.rec_name,
                    not_after=self.not_after.strftime('%d/%m/%Y')))

    def signer(self, secret=None):
        """Return (pyHanko signer, session to close) for the key; secret is
        the token PIN or the software key's password, never stored."""
        if self.key_storage == 'software':
            key, certificate, chain = pades.load_pkcs12(
                bytes(self.software_key), secret or '')
            return pades.software_signer(
                key, certificate, chain + self.get_chain()), None
        if self.key_storage == 'pkcs11':
            session = pades.pkcs11_session(
                self.pkcs11_library, self.token_label, secret)
            return pades.pkcs11_signer(
                session, self.key_label, self.cert_label,
                self.get_chain()), session
        raise SigningError(gettext(
                'egov_signature.msg_usb_token_agent',
                identity=self.rec_name))

    def sign(self, data, document_name, secret=None, appearance=None,
            field_name=None, certify=False, tsa_url=None, ltv=False,
            marks=()):
        """Sign the PDF data, log the signing and return the signed PDF;
        with ltv the revocation data of the chain is fetched and embedded
        (B-LT with a timestamp authority); marks (pades.Mark) are texts the
        signature writes on the pages (the number and date of issue)"""
        pool = Pool()
        Log = pool.get('egov.signature.log')
        Anchor = pool.get('egov.signature.trust_anchor')
        self.check_valid()
        context = (pades.validation_context(Anchor.certificates())
            if ltv else None)
        try:
            signer, session = self.signer(secret)
            try:
                signed = pades.sign_pdf(
                    data, signer,
                    field_name=field_name or 'Signature%s' % self.id,
                    appearance=appearance, certify=certify,
                    tsa_url=tsa_url, name=self.subject,
                    validation_context=context, marks=marks)
            finally:
                if session is not None:
                    session.close()
        except pades.SignatureError as exception:
            logger.info("signing %s with %s failed: %s",
                document_name, self.rec_name, exception)
            raise SigningError(gettext(
                    'egov_signature.msg_signing_failed',
                    document=document_name, reason=reason(exception))
                ) from exception
        Log.record(self, document_name, data, signed,
            'software' if self.key_storage == 'software'
            else 'server_token')
        return signed


class TrustAnchor(DeactivableMixin, CertificateMixin, ModelSQL, ModelView):
    __string__ = "Trust Anchor"
    __name__ = 'egov.signature.trust_anchor'

    name = fields.Char("Name", required=True)

    @classmethod
    def certificates(cls):
        with Transaction().set_context(_check_access=False):
            return [a.get_x509() for a in cls.search([])]


class Log(ModelSQL, ModelView):
    __string__ = "Signing Log"
    __name__ = 'egov.signature.log'

    date = fields.Timestamp("Date", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    identity = fields.Many2One(
        'egov.signature.identity', "Signing Identity", readonly=True,
        ondelete='RESTRICT')
    company = fields.Many2One('company.company', "Agency", readonly=True)
    document = fields.Char("Document", readonly=True)
    document_hash = fields.Char("Document Hash (SHA-256)", readonly=True)
    signed_hash = fields.Char("Signed File Hash (SHA-256)", readonly=True)
    certificate_subject = fields.Char("Certificate Subject", readonly=True)
    certificate_serial = fields.Char("Certificate Serial", readonly=True)
    method = fields.Selection(METHODS, "Way", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def record(cls, identity, document, data, signed, method,
            document_hash=None):
        "Append the log line (as root: no official may hide a signing)"
        user = Transaction().user or None
        if data is not None:
            document_hash = hashlib.sha256(data).hexdigest()
        with Transaction().set_user(0), Transaction().set_context(
                _check_access=False):
            cls.create([{
                        'date': dt.datetime.utcnow(),
                        'user': user,
                        'identity': identity.id,
                        'company': identity.company.id,
                        'document': document,
                        'document_hash': document_hash,
                        'signed_hash': hashlib.sha256(signed).hexdigest(),
                        'certificate_subject': identity.subject,
                        'certificate_serial': identity.serial,
                        'method': method,
                        }])


class Validation(ModelSQL, ModelView):
    __string__ = "Signature Validation Report"
    __name__ = 'egov.signature.validation'

    company = fields.Many2One('company.company', "Agency", required=True,
        readonly=True)
    date = fields.Timestamp("Date", readonly=True)
    user = fields.Many2One('res.user', "Validated by", readonly=True)
    file = fields.Binary("File", filename='filename', file_id='file_id',
        required=True, readonly=True)
    file_id = fields.Char("File ID", readonly=True)
    filename = fields.Char("File Name", readonly=True)
    file_hash = fields.Char("File Hash (SHA-256)", readonly=True)
    indication = fields.Selection([
            (None, ''),
            (pades.TOTAL_PASSED, "Total passed"),
            (pades.TOTAL_FAILED, "Total failed"),
            (pades.INDETERMINATE, "Indeterminate"),
            ], "Indication", readonly=True)
    sub_indication = fields.Char("Sub-indication", readonly=True)
    signatures = fields.One2Many(
        'egov.signature.validation.signature', 'validation', "Signatures",
        readonly=True)
    report = fields.Text("Report (JSON)", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def validate_file(cls, data, filename):
        "Validate the PDF data against the trust anchors; keep the report"
        pool = Pool()
        Anchor = pool.get('egov.signature.trust_anchor')
        try:
            report = pades.validate_pdf(data, Anchor.certificates(),
                allow_fetching=config.getboolean(
                    'egov_signature', 'check_revocation', default=True))
        except pades.SignatureError as exception:
            raise SigningError(gettext(
                    'egov_signature.msg_validation_unreadable',
                    file=filename)) from exception
        validation, = cls.create([{
                    'company': Transaction().context.get('company'),
                    'date': dt.datetime.utcnow(),
                    'user': Transaction().user or None,
                    'file': data,
                    'filename': filename,
                    'file_hash': hashlib.sha256(data).hexdigest(),
                    'indication': report.indication,
                    'sub_indication': report.sub_indication,
                    'report': json.dumps(report.as_dict(), ensure_ascii=False,
                        indent=2),
                    'signatures': [('create', [
                                _signature_values(s)
                                for s in report.signatures])],
                    }])
        return validation


def _signature_values(report):
    def timestamp(value):
        return (dt.datetime.fromisoformat(value).astimezone(dt.timezone.utc)
            .replace(tzinfo=None) if value else None)
    return {
        'field_name': report.field,
        'level': report.level,
        'signer': report.signer,
        'issuer': report.issuer,
        'serial': report.serial,
        'not_before': timestamp(report.not_before),
        'not_after': timestamp(report.not_after),
        'signing_time': timestamp(report.signing_time),
        'timestamp': timestamp(report.timestamp),
        'intact': report.intact,
        'valid': report.valid,
        'trusted': report.trusted,
        'revoked': report.revoked,
        'revocation_checked': report.revocation_checked,
        'coverage': report.coverage,
        'modifications': report.modifications,
        'indication': report.indication,
        'sub_indication': report.sub_indication,
        }


class ValidationSignature(ModelSQL, ModelView):
    __string__ = "Validated Signature"
    __name__ = 'egov.signature.validation.signature'

    validation = fields.Many2One('egov.signature.validation', "Validation",
        required=True, ondelete='CASCADE')
    field_name = fields.Char("Field", readonly=True)
    level = fields.Char("PAdES Level", readonly=True)
    signer = fields.Char("Signer", readonly=True)
    issuer = fields.Char("Issuer", readonly=True)
    serial = fields.Char("Serial Number", readonly=True)
    not_before = fields.DateTime("Certificate Valid From", readonly=True)
    not_after = fields.DateTime("Certificate Valid Until", readonly=True)
    signing_time = fields.DateTime("Signing Time", readonly=True)
    timestamp = fields.DateTime("Timestamp", readonly=True)
    intact = fields.Boolean("Intact", readonly=True)
    valid = fields.Boolean("Cryptographically Valid", readonly=True)
    trusted = fields.Boolean("Trusted", readonly=True)
    revoked = fields.Boolean("Revoked", readonly=True)
    revocation_checked = fields.Boolean("Revocation Checked", readonly=True)
    coverage = fields.Char("Coverage", readonly=True)
    modifications = fields.Char("Changes After Signing", readonly=True)
    indication = fields.Char("Indication", readonly=True)
    sub_indication = fields.Char("Sub-indication", readonly=True)


class SignRequest(ModelSQL, ModelView):
    __string__ = "Signing Request"
    __name__ = 'egov.signature.request'

    identity = fields.Many2One('egov.signature.identity', "Signing Identity",
        required=True, readonly=True,
        domain=[('key_storage', '=', 'usb_token')])
    company = fields.Many2One('company.company', "Agency", required=True,
        readonly=True)
    user = fields.Many2One('res.user', "Requested by", readonly=True)
    document = fields.Char("Document", required=True, readonly=True)
    document_hash = fields.Char("Document Hash (SHA-256)", readonly=True)
    state = fields.Selection([
            ('prepared', "Waiting for the Signature"),
            ('signed', "Signed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    prepared_pdf = fields.Binary("Prepared PDF", readonly=True)
    document_digest = fields.Binary("Document Digest", readonly=True)
    reserved_start = fields.Integer("Reserved Start", readonly=True)
    reserved_end = fields.Integer("Reserved End", readonly=True)
    signed_attributes = fields.Binary("Signed Attributes", readonly=True)
    request_file = fields.Function(fields.Binary(
            "Request for the Signing Agent", filename='request_filename'),
        'get_request_file')
    request_filename = fields.Function(
        fields.Char("Request File Name"), 'get_request_filename')
    signed_pdf = fields.Binary("Signed PDF", readonly=True,
        filename='signed_filename')
    signed_filename = fields.Function(
        fields.Char("Signed File Name"), 'get_signed_filename')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._buttons.update({
                'upload': {
                    'invisible': Eval('state') != 'prepared',
                    'icon': 'tryton-import',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'prepared',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'prepared'

    def get_request_filename(self, name):
        return 'yeu-cau-ky-%s.json' % self.id

    def get_signed_filename(self, name):
        return '%s-da-ky.pdf' % (self.document or self.id)

    def get_request_file(self, name):
        if self.state != 'prepared' or not self.signed_attributes:
            return None
        return json.dumps({
                'version': 1,
                'request': self.id,
                'document': self.document,
                'document_sha256': self.document_hash,
                'certificate_serial': self.identity.serial,
                'signed_attributes': base64.b64encode(
                    bytes(self.signed_attributes)).decode(),
                }, ensure_ascii=False, indent=2).encode('utf-8')

    @classmethod
    def prepare(cls, identity, data, document, appearance=None):
        "Prepare the PDF for the official's USB token; return the request"
        identity.check_valid()
        try:
            prepared = pades.prepare_signature(
                data, identity.get_x509(), identity.get_chain(),
                field_name='Signature%s' % identity.id,
                appearance=appearance, name=identity.subject)
        except pades.SignatureError as exception:
            raise SigningError(gettext(
                    'egov_signature.msg_signing_failed',
                    document=document, reason=reason(exception))
                ) from exception
        request, = cls.create([{
                    'identity': identity.id,
                    'company': identity.company.id,
                    'user': Transaction().user or None,
                    'document': document,
                    'document_hash': hashlib.sha256(data).hexdigest(),
                    'prepared_pdf': prepared.pdf,
                    'document_digest': prepared.document_digest,
                    'reserved_start': prepared.reserved_start,
                    'reserved_end': prepared.reserved_end,
                    'signed_attributes': prepared.signed_attributes,
                    }])
        return request

    def complete(self, response):
        """Put the signature sent back by the signing agent (its JSON
        response) into the prepared PDF"""
        pool = Pool()
        Log = pool.get('egov.signature.log')
        if self.state != 'prepared':
            raise SigningError(gettext(
                    'egov_signature.msg_request_not_prepared',
                    request=self.rec_name))
        try:
            content = json.loads(bytes(response).decode('utf-8'))
            if content.get('request') != self.id:
                raise ValueError("another request")
            signature = base64.b64decode(content['cms'])
        except Exception as exception:
            raise SigningError(gettext(
                    'egov_signature.msg_response_invalid',
                    request=self.rec_name)) from exception
        prepared = pades.PreparedSignature(
            pdf=bytes(self.prepared_pdf),
            document_digest=bytes(self.document_digest),
            reserved_start=self.reserved_start,
            reserved_end=self.reserved_end,
            signed_attributes=bytes(self.signed_attributes))
        try:
            signed = pades.complete_signature(
                prepared, signature, self.identity.get_x509())
            report = pades.validate_pdf(signed)
        except pades.SignatureError as exception:
            raise SigningError(gettext(
                    'egov_signature.msg_signing_failed',
                    document=self.document, reason=reason(exception))
                ) from exception
        last = report.signatures[-1] if report.signatures else None
        if not (last and last.intact and last.valid):
            raise SigningError(gettext(
                    'egov_signature.msg_signing_failed',
                    document=self.document,
                    reason=last.sub_indication if last else ''))
        self.signed_pdf = signed
        self.state = 'signed'
        self.prepared_pdf = None
        self.save()
        Log.record(self.identity, self.document, None, signed,
            'usb_token', document_hash=self.document_hash)
        return signed

    @classmethod
    @ModelView.button_action('egov_signature.wizard_upload_signature')
    def upload(cls, requests):
        pass

    @classmethod
    @ModelView.button
    def cancel(cls, requests):
        cls.write(requests, {'state': 'cancelled', 'prepared_pdf': None})


class UploadSignatureStart(ModelView):
    __string__ = "Upload the Signature"
    __name__ = 'egov.signature.request.upload.start'

    response = fields.Binary("Signing Agent's Response", required=True,
        help="The file the signing agent wrote on the official's computer.")


class UploadSignature(Wizard):
    __string__ = "Upload the Signature"
    __name__ = 'egov.signature.request.upload'

    start = StateView('egov.signature.request.upload.start',
        'egov_signature.request_upload_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Sign", 'complete', 'tryton-ok', default=True),
            ])
    complete = StateTransition()

    def transition_complete(self):
        self.record.complete(self.start.response)
        return 'end'


class ValidateStart(ModelView):
    __string__ = "Validate a Signed PDF"
    __name__ = 'egov.signature.validate.start'

    file = fields.Binary("PDF File", required=True, filename='filename')
    filename = fields.Char("File Name")


class Validate(Wizard):
    __string__ = "Validate a Signed PDF"
    __name__ = 'egov.signature.validate'

    start = StateView('egov.signature.validate.start',
        'egov_signature.validate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Validate", 'validate', 'tryton-ok', default=True),
            ])
    validate = StateAction('egov_signature.act_validation_form')

    def do_validate(self, action):
        pool = Pool()
        Validation = pool.get('egov.signature.validation')
        validation = Validation.validate_file(
            bytes(self.start.file), self.start.filename or 'document.pdf')
        # Open the report itself, not the list of reports
        if action.get('views'):
            action['views'].reverse()
        return action, {'res_id': [validation.id]}


class Batch(ModelSQL, ModelView):
    """A leader signs many results at once.  The signing runs as a queued
    job (trytond-worker) with one token session for the whole batch; the
    PIN given at start travels to the job encrypted (Fernet) with the
    servers' EGOV_SIGNATURE_KEY and expires after an hour: it is never
    stored in clear."""
    __string__ = "Signing Batch"
    __name__ = 'egov.signature.batch'

    name = fields.Char("Name", required=True,
        states={'readonly': Eval('state') != 'draft'})
    identity = fields.Many2One('egov.signature.identity', "Signing Identity",
        required=True,
        domain=[('key_storage', 'in', SERVER_KEY_STORAGES)],
        states={'readonly': Eval('state') != 'draft'})
    company = fields.Many2One('company.company', "Agency", required=True,
        states={'readonly': Eval('state') != 'draft'})
    user = fields.Many2One('res.user', "Started by", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('queued', "Queued"),
            ('running', "Signing"),
            ('done', "Done"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True, sort=False)
    lines = fields.One2Many('egov.signature.batch.line', 'batch', "Documents",
        states={'readonly': Eval('state') != 'draft'})
    progress = fields.Function(fields.Float("Progress", digits=(3, 0)),
        'get_progress')
    error = fields.Text("Error", readonly=True,
        states={'invisible': ~Eval('error')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._buttons.update({
                'start': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('lines', []),
                    'icon': 'tryton-launch',
                    'depends': ['state', 'lines'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    def get_progress(self, name):
        if not self.lines:
            return 0
        done = sum(1 for l in self.lines if l.state != 'pending')
        return round(100 * done / len(self.lines))

    @classmethod
    @ModelView.button_action('egov_signature.wizard_batch_start')
    def start(cls, batches):
        pass

    @classmethod
    def queue(cls, batches, secret):
        "Queue the signing of the batches with the PIN or key password"
        token = _fernet().encrypt((secret or '').encode()).decode()
        cls.write(batches, {
                'state': 'queued',
                'user': Transaction().user or None,
                'error': None,
                })
        with Transaction().set_context(queue_name='egov_signature'):
            for batch in batches:
                cls.__queue__.process(batch, token)

    @classmethod
    def process(cls, batches, token, commit=True):
        """Sign every pending document of the batches (the queued job);
        with commit, each signed document is committed at once so that the
        progress shows while the batch runs."""
        pool = Pool()
        Line = pool.get('egov.signature.batch.line')
        Log = pool.get('egov.signature.log')
        transaction = Transaction()
        try:
            secret = _fernet().decrypt(token.encode(), ttl=3600).decode()
        except Exception:
            cls.write(batches, {
                    'state': 'failed',
                    'error': gettext('egov_signature.msg_batch_secret'),
                    })
            return
        for batch in batches:
            identity = batch.identity
            batch.state = 'running'
            batch.save()
            if commit:
                transaction.commit()
            try:
                identity.check_valid()
                signer, session = identity.signer(secret)
            except (SigningError, pades.SignatureError) as exception:
                batch.state = 'failed'
                batch.error = gettext('egov_signature.msg_signing_failed',
                    document=batch.name,
                    reason=getattr(exception, 'message', None)
                    or reason(exception))
                batch.save()
                continue
            try:
                for line in batch.lines:
                    if line.state != 'pending':
                        continue
                    data = bytes(line.file)
                    try:
                        signed = pades.sign_pdf(
                            data, signer,
                            field_name='Signature%s' % identity.id,
                            name=identity.subject)
                    except pades.SignatureError as exception:
                        Line.write([line], {
                                'state': 'failed',
                                'error': reason(exception)})
                    else:
                        Line.write([line], {
                                'state': 'signed', 'signed': signed})
                        Log.record(identity, line.document, data, signed,
                            'software' if identity.key_storage == 'software'
                            else 'server_token')
                    if commit:
                        transaction.commit()
            finally:
                if session is not None:
                    session.close()
            failed = any(l.state == 'failed' for l in batch.lines)
            batch.state = 'failed' if failed else 'done'
            batch.save()


def _fernet():
    """Fernet key shared by the web and worker processes (environment
    EGOV_SIGNATURE_KEY, base64 of 32 bytes); a process without it makes
    its own, which serves when no worker runs apart (make run, tests)."""
    global _process_key
    from cryptography.fernet import Fernet
    key = os.environ.get('EGOV_SIGNATURE_KEY')
    if not key:
        if _process_key is None:
            _process_key = Fernet.generate_key()
        key = _process_key
    return Fernet(key)


_process_key = None


class BatchLine(ModelSQL, ModelView):
    __string__ = "Signing Batch Document"
    __name__ = 'egov.signature.batch.line'

    batch = fields.Many2One('egov.signature.batch', "Batch", required=True,
        ondelete='CASCADE')
    document = fields.Char("Document", required=True)
    file = fields.Binary("PDF", required=True, filename='document')
    signed = fields.Binary("Signed PDF", readonly=True,
        filename='signed_filename')
    signed_filename = fields.Function(
        fields.Char("Signed File Name"), 'get_signed_filename')
    state = fields.Selection([
            ('pending', "Pending"),
            ('signed', "Signed"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True)
    error = fields.Char("Error", readonly=True)

    @classmethod
    def default_state(cls):
        return 'pending'

    def get_signed_filename(self, name):
        return '%s-da-ky.pdf' % (self.document or self.id)


class BatchStartStart(ModelView):
    __string__ = "Start Signing"
    __name__ = 'egov.signature.batch.start.start'

    secret = fields.Char("PIN or Password", strip=False,
        help="The PIN of the token (or the password of the software key); "
        "it is not stored.")


class BatchStart(Wizard):
    __string__ = "Start Signing"
    __name__ = 'egov.signature.batch.start'

    start = StateView('egov.signature.batch.start.start',
        'egov_signature.batch_start_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Sign", 'queue', 'tryton-ok', default=True),
            ])
    queue = StateTransition()

    def transition_queue(self):
        self.model.queue(self.records, self.start.secret)
        return 'end'


class ImportPKCS12Start(ModelView):
    __string__ = "Import from PKCS#12"
    __name__ = 'egov.signature.identity.import_pkcs12.start'

    file = fields.Binary("PKCS#12 File (.p12, .pfx)", required=True)
    password = fields.Char("Password", strip=False,
        help="The password of the file; it is not stored.")
    keep_key = fields.Boolean("Keep the Key (tests only)",
        help="Keep the encrypted file as the identity's software key. "
        "Otherwise only the certificate and its chain are taken.")


class ImportPKCS12(Wizard):
    __string__ = "Import from PKCS#12"
    __name__ = 'egov.signature.identity.import_pkcs12'

    start = StateView('egov.signature.identity.import_pkcs12.start',
        'egov_signature.identity_import_pkcs12_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()

    def transition_import_(self):
        data = bytes(self.start.file)
        try:
            _, certificate, chain = pades.load_pkcs12(
                data, self.start.password or '')
        except pades.SignatureError as exception:
            raise CertificateError(reason(exception)) from exception
        pem = pades.serialization.Encoding.PEM
        values = {
            'certificate': certificate.public_bytes(pem),
            'chain': b''.join(c.public_bytes(pem) for c in chain) or None,
            }
        if self.start.keep_key:
            values.update({'key_storage': 'software', 'software_key': data})
        self.model.write(list(self.records), values)
        return 'end'
