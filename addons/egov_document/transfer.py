# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Exchange of edXML packages with agencies on other systems or instances
over HTTP: an outbox that delivers the issued documents with retries, and
the endpoint ``POST /<database>/egov/edxml`` that receives them.

Both sides configure an *exchange partner* with the same shared secret.
A package travels as the body of a POST with the headers::

    X-Egov-Organ: <identification code of the sending agency>
    X-Egov-Timestamp: <Unix time in seconds>
    X-Egov-Signature: sha256=<hex HMAC-SHA256(secret, timestamp "." body)>

The receiver refuses with a plain 403 an unknown agency, a bad signature or
a timestamp more than five minutes off its clock; it answers every package
it authenticated with an edXML status message: 200 and status ``01`` when
the document is received (again 200 and ``01`` when the same package comes
twice: there is still one document), 400 and status ``02`` when the package
is malformed or not addressed to the partner's agency (sent back)."""
import datetime as dt
import hashlib
import hmac
import http.client
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.egov_base.audit import AuditMixin
from trytond.pool import Pool, PoolMeta
from trytond.protocols.wrappers import (
    Response, set_max_request_size, with_pool, with_transaction)
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wsgi import app

from . import edxml
from .assignment import ACTING_ROLES
from .document import now
from .exceptions import DocumentValidationError
from .exchange import organ

logger = logging.getLogger(__name__)

ORGAN_HEADER = 'X-Egov-Organ'
TIMESTAMP_HEADER = 'X-Egov-Timestamp'
SIGNATURE_HEADER = 'X-Egov-Signature'
SIGNATURE_PREFIX = 'sha256='
# A request whose timestamp is further from the receiver's clock is refused
MAX_CLOCK_SKEW = 5 * 60
MIN_SECRET_LENGTH = 16
TIMEOUT = 30
MAX_ATTEMPTS = 8
# How many lines the cron delivers in one run
BATCH = 50
# What is kept of an answer that is not a status message
EXCERPT = 500
# The HTTP answers after which a delivery is tried again (with the
# network errors and the 5xx)
RETRY_STATUSES = {408, 425, 429}
CONTENT_TYPE = 'application/xml; charset=utf-8'


def signature(secret, timestamp, body):
    "The value of the X-Egov-Signature header of a body sent at timestamp"
    digest = hmac.new(secret.encode('utf-8'),
        str(timestamp).encode('ascii') + b'.' + bytes(body),
        hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def check_signature(secret, timestamp, body, value):
    "Whether value is the signature of the body (in constant time)"
    expected = signature(secret, timestamp, body).encode('ascii')
    return hmac.compare_digest(
        expected, (value or '').encode('latin-1', 'replace'))


def signed_headers(organ_id, secret, body, timestamp=None):
    "The headers that authenticate the body sent by organ_id"
    timestamp = str(int(time.time() if timestamp is None else timestamp))
    return {
        'Content-Type': CONTENT_TYPE,
        ORGAN_HEADER: organ_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        }


def _language(company):
    "The language of the agency's texts (the status descriptions, errors)"
    party = company.party if company else None
    return party.lang.code if party and party.lang else None


class Partner(AuditMixin, DeactivableMixin, ModelSQL, ModelView):
    "An agency on another system or instance that exchanges documents"
    __string__ = "Exchange Partner"
    __name__ = 'egov.document.exchange.partner'

    company = fields.Many2One(
        'company.company', "Agency", required=True, ondelete='RESTRICT',
        help="The agency of the platform that exchanges documents with the "
        "partner.")
    name = fields.Char("Name", required=True,
        help="The name of the partner agency.")
    organ_id = fields.Char("Identification Code", required=True,
        help="The electronic identification code of the partner agency, "
        "e.g. 000.00.31.H10.")
    url = fields.Char("Address", required=True,
        help="Where the packages are sent, e.g. "
        "https://host/<database>/egov/edxml on a platform like this one.")
    secret = fields.Char("Shared Secret", required=True,
        help="Agreed with the partner and set on both sides: it signs the "
        "packages sent and authenticates those received.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('company_organ_unique', Unique(t, t.company, t.organ_id),
                'egov_document.msg_partner_organ_unique'),
            ]
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        for name in ['organ_id', 'url']:
            if values.get(name):
                values[name] = values[name].strip()
        return values

    @classmethod
    def validate_fields(cls, partners, field_names):
        super().validate_fields(partners, field_names)
        for partner in partners:
            if 'secret' in field_names and (
                    len(partner.secret or '') < MIN_SECRET_LENGTH):
                raise DocumentValidationError(gettext(
                        'egov_document.msg_partner_secret_short',
                        partner=partner.rec_name,
                        length=MIN_SECRET_LENGTH))
            if 'url' in field_names:
                url = urllib.parse.urlsplit(partner.url or '')
                if url.scheme not in {'http', 'https'} or not url.netloc:
                    raise DocumentValidationError(gettext(
                            'egov_document.msg_partner_url',
                            partner=partner.rec_name, url=partner.url))

    def get_rec_name(self, name):
        return '%s (%s)' % (self.name, self.organ_id)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('organ_id', operator, operand, *extra),
            ]

    def organ(self):
        "The partner as the recipient of an edXML package"
        return edxml.Organ(organ_id=self.organ_id, name=self.name)

    @classmethod
    def receive(cls, request):
        """Answer the POST of an edXML package: authenticate the sending
        agency, then give the document to the agency addressed"""
        pool = Pool()
        Document = pool.get('egov.document')
        transaction = Transaction()
        organ_id = request.headers.get(ORGAN_HEADER, '').strip()
        timestamp = request.headers.get(TIMESTAMP_HEADER, '').strip()
        value = request.headers.get(SIGNATURE_HEADER, '').strip()
        body = request.get_data(cache=True)
        if len(body) > edxml.MAX_SIZE:
            return _plain(413, "Request Entity Too Large")
        if timestamp.isascii() and timestamp.isdigit() and len(
                timestamp) <= 12:
            skew = abs(time.time() - int(timestamp))
        else:
            skew = None
        if not organ_id or skew is None or skew > MAX_CLOCK_SKEW:
            logger.warning("edXML from %r refused: %s", organ_id,
                "missing headers" if not organ_id or skew is None
                else "timestamp %s s off" % round(skew))
            return _plain(403, "Forbidden")
        partners = [p for p in cls.search([('organ_id', '=', organ_id)])
            if check_signature(p.secret, timestamp, body, value)]
        if not partners:
            logger.warning(
                "edXML from %r refused: unknown agency or bad signature",
                organ_id)
            return _plain(403, "Forbidden")
        with transaction.set_context(
                language=_language(partners[0].company)
                or transaction.language):
            return cls._receive(partners, body, Document)

    @classmethod
    def _receive(cls, partners, body, Document):
        organ_id = partners[0].organ_id
        # The agency that answers, read before anything may fail
        receiver = organ(partners[0].company)
        try:
            message = edxml.parse(body)
            if not message.document_id:
                raise edxml.EdXMLError('missing', element='DocumentId')
        except edxml.EdXMLError as exception:
            if (exception.code == 'namespace'
                    and exception.params.get('root') == (
                        '{%s}Envelope' % edxml.SOAP_NS)):
                # Not a package: the status of a document sent to it
                return cls._receive_status(partners, body)
            logger.warning("edXML from %s refused: %s", organ_id, exception)
            return _status(400, '02', gettext(
                    'egov_document.msg_edxml_invalid',
                    reason=exception.code,
                    details=', '.join(
                        '%s' % v for v in exception.params.values())),
                'sha256:' + hashlib.sha256(body).hexdigest(), receiver)
        if message.sender.organ_id != organ_id:
            logger.warning("edXML from %s refused: package of %s",
                organ_id, message.sender.organ_id)
            return _status(400, '02', gettext(
                    'egov_document.msg_exchange_sender_mismatch',
                    sender=message.sender.organ_id, organ=organ_id),
                message.document_id, receiver)
        recipients = {o.organ_id for o in message.to}
        addressed = [p for p in partners
            if p.company.agency_code in recipients] or partners[:1]
        receiver = organ(addressed[0].company)
        names = ', '.join(p.company.rec_name for p in addressed)
        # The same package delivered twice at once gives one document
        cls.lock(addressed)
        received = []
        try:
            for partner in addressed:
                document, created = Document.from_edxml(
                    body, partner.company)
                if created:
                    document.exchange_partner = partner
                    document.save()
                received.append((document, created))
        except UserError as exception:
            logger.warning("edXML %s from %s refused: %s",
                message.document_id, organ_id, exception.message)
            return _status(400, '02', exception.message,
                message.document_id, receiver)
        created = any(c for _, c in received)
        if message.business_type == 1:
            logger.info("edXML %s from %s recalled from %s",
                message.document_id, organ_id, names)
            return _status(200, '01', gettext(
                    'egov_document.msg_exchange_recalled', agency=names),
                message.document_id, receiver)
        logger.info("edXML %s from %s received by %s%s",
            message.document_id, organ_id, names,
            '' if created else ' (again)')
        return _status(200, '01', gettext(
                'egov_document.msg_exchange_received'
                if created else 'egov_document.msg_exchange_received_again',
                agency=names),
            message.document_id, receiver)

    @classmethod
    def _receive_status(cls, partners, body):
        """Record the status the partner reports of a document sent to it
        (accepted, assigned, in processing, done, rejected)"""
        pool = Pool()
        Outbox = pool.get('egov.document.exchange.outbox')
        Status = pool.get('egov.document.exchange.status')
        organ_id = partners[0].organ_id
        receiver = organ(partners[0].company)
        try:
            status = edxml.parse_status(body)
        except edxml.EdXMLError as exception:
            logger.warning(
                "edXML status from %s refused: %s", organ_id, exception)
            return _status(400, '02', gettext(
                    'egov_document.msg_edxml_invalid',
                    reason=exception.code,
                    details=', '.join(
                        '%s' % v for v in exception.params.values())),
                'sha256:' + hashlib.sha256(body).hexdigest(), receiver)
        document_id = status.response_for_document_id
        lines = Outbox.search([
                ('document_id', '=', document_id),
                ('partner', 'in', [p.id for p in partners]),
                ('kind', '=', 'document'),
                ], order=[('id', 'ASC')])
        if (status.sender.organ_id != organ_id or not lines
                or status.code not in edxml.STATUS_CODES):
            logger.warning("edXML status %s of %s from %s refused",
                status.code, document_id, organ_id)
            return _status(400, '02', gettext(
                    'egov_document.msg_exchange_status_unknown',
                    document=document_id, organ=organ_id),
                document_id, receiver)
        receiver = organ(lines[0].document.company)
        timestamp = status.timestamp.astimezone(dt.timezone.utc).replace(
            tzinfo=None)
        seen = set()
        for line in lines:
            key = (line.document, line.partner)
            if key in seen:
                continue
            seen.add(key)
            # The same status delivered twice is one line
            if not Status.search([
                        ('document', '=', line.document.id),
                        ('partner', '=', line.partner.id),
                        ('code', '=', status.code),
                        ('timestamp', '=', timestamp),
                        ]):
                Status.create([{
                            'document': line.document.id,
                            'partner': line.partner.id,
                            'code': status.code,
                            'description': (status.description or '')[
                                :EXCERPT * 4] or None,
                            'timestamp': timestamp,
                            'staff': ' - '.join(filter(None, [
                                        status.staff_name,
                                        status.staff_department])) or None,
                            'received': now(),
                            }])
        logger.info("edXML status %s of %s received from %s",
            status.code, document_id, organ_id)
        return _status(200, '01', gettext(
                'egov_document.msg_exchange_status_received',
                agency=receiver.name), document_id, receiver)


def _plain(status, text):
    return Response(text, status=status, content_type='text/plain')


def _status(http_status, code, description, document_id, sender):
    data = edxml.build_status(edxml.Status(
            response_for_document_id=document_id,
            sender=sender, code=code,
            description=description, timestamp=now()))
    return Response(data, status=http_status, content_type=CONTENT_TYPE)


@app.route('/<database_name>/egov/edxml', methods=['POST'])
@set_max_request_size(edxml.MAX_SIZE + 1024 * 1024)
@with_pool
@with_transaction(user=0)
def egov_edxml(request, pool):
    "Receive an edXML package from an exchange partner"
    try:
        Partner = pool.get('egov.document.exchange.partner')
    except KeyError:
        # A database without the module
        return _plain(404, "Not Found")
    response = Partner.receive(request)
    if response.status_code >= 400:
        # Refused: nothing of the package is kept
        Transaction().rollback()
    return response


class DocumentPartner(ModelSQL):
    "The partners on other systems an outgoing document is sent to"
    __string__ = "Document Exchange Partner"
    __name__ = 'egov.document-egov.document.exchange.partner'

    document = fields.Many2One(
        'egov.document', "Document", required=True, ondelete='CASCADE')
    partner = fields.Many2One(
        'egov.document.exchange.partner', "Partner", required=True,
        ondelete='RESTRICT')


STATUSES = [
    ('01', "Received"),
    ('02', "Rejected"),
    ('03', "Accepted"),
    ('04', "Assigned"),
    ('05', "In Processing"),
    ('06', "Done"),
    ('13', "Recalled"),
    ]


class Status(ModelSQL, ModelView):
    "The processing of a document by a partner, as the partner reports it"
    __string__ = "Exchange Status"
    __name__ = 'egov.document.exchange.status'

    document = fields.Many2One('egov.document', "Document", required=True,
        readonly=True, ondelete='CASCADE')
    partner = fields.Many2One('egov.document.exchange.partner', "Partner",
        required=True, readonly=True, ondelete='RESTRICT')
    code = fields.Selection(STATUSES, "Status", required=True, readonly=True,
        sort=False)
    description = fields.Text("Description", readonly=True)
    timestamp = fields.DateTime("Reported On", readonly=True)
    staff = fields.Char("Staff", readonly=True)
    received = fields.DateTime("Received On", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('timestamp', 'DESC'), ('id', 'DESC')]


class Outbox(Workflow, ModelSQL, ModelView):
    "An edXML package to deliver to an exchange partner"
    __string__ = "Exchange Outbox"
    __name__ = 'egov.document.exchange.outbox'

    document = fields.Many2One('egov.document', "Document", required=True,
        readonly=True, ondelete='CASCADE')
    partner = fields.Many2One('egov.document.exchange.partner', "Partner",
        required=True, readonly=True, ondelete='RESTRICT')
    kind = fields.Selection([
            ('document', "Document"),
            ('status', "Status"),
            ('revoke', "Recall"),
            ], "Kind", required=True, readonly=True,
        help="The package of an issued document, or the status of a "
        "received one sent back to its sender.")
    document_id = fields.Char("edXML Document ID", readonly=True)
    package = fields.Binary("Package", filename='package_name',
        file_id='package_id', readonly=True)
    package_id = fields.Char("Package ID", readonly=True)
    package_name = fields.Char("Package Name", readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('sent', "Sent"),
            ('failed', "Failed"),
            ('rejected', "Sent Back"),
            ], "State", required=True, readonly=True, sort=False)
    attempts = fields.Integer("Attempts", readonly=True)
    next_attempt = fields.DateTime("Next Attempt", readonly=True)
    last_attempt = fields.DateTime("Last Attempt", readonly=True)
    last_error = fields.Text("Last Error", readonly=True)
    status_code = fields.Char("Status Code", readonly=True,
        help="The edXML status the partner answered: 01 received, "
        "02 rejected…")
    status_description = fields.Text("Status Description", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('failed', 'pending'),
            ('rejected', 'pending'),
            }
        cls._buttons.update({
                'retry': {
                    'invisible': ~Eval('state').in_(['failed', 'rejected']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'pending'

    @staticmethod
    def default_attempts():
        return 0

    @staticmethod
    def default_kind():
        return 'document'

    def get_rec_name(self, name):
        return '%s → %s' % (self.document.rec_name, self.partner.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('document.rec_name',) + tuple(clause[1:]),
            ('partner.rec_name',) + tuple(clause[1:]),
            ]

    @classmethod
    def queue(cls, document, partners):
        "The lines that deliver the issued document to the partners"
        Document = Pool().get('egov.document')
        lines = []
        if partners and document.state != 'issued':
            # Queued by the issue, before its transition writes the state
            document = Document(document.id)
            document.state = 'issued'
        for partner in partners:
            package = document.to_edxml([partner.organ()])
            lines.append(cls(document=document, partner=partner,
                    document_id=edxml.parse(package).document_id,
                    package=package,
                    package_name='%s.edxml' % (
                        document.code or document.id).replace('/', '_'),
                    state='pending', attempts=0, next_attempt=now()))
        return lines

    @classmethod
    def queue_status(cls, document, code, description):
        """The line that sends the status of a received document back to
        the partner that sent it"""
        status = edxml.build_status(edxml.Status(
                response_for_document_id=document.edxml_document_id,
                sender=organ(document.company), code=code,
                description=description, timestamp=now()))
        return cls(document=document, partner=document.exchange_partner,
            kind='status', document_id=document.edxml_document_id,
            package=status, package_name=('%s-%s.xml' % (
                    document.code or document.id, code)).replace('/', '_'),
            state='pending', attempts=0, next_attempt=now())

    @classmethod
    def queue_recall(cls, document):
        """The lines that recall the issued document from the partners
        that received it; what was not delivered yet is not any more"""
        lines, stopped = [], []
        partners = set()
        for line in document.exchange_outbox:
            if line.kind != 'document':
                continue
            if line.state == 'sent':
                partners.add(line.partner)
            elif line.state == 'pending':
                stopped.append(line)
        for line in stopped:
            line.state = 'failed'
            line.next_attempt = None
            line.last_error = gettext('egov_document.msg_outbox_recalled',
                document=document.rec_name)
        for partner in sorted(partners, key=lambda p: p.id):
            package = document.to_edxml([partner.organ()], business_type=1,
                reason=document.recall_reason)
            lines.append(cls(document=document, partner=partner,
                    kind='revoke',
                    document_id=edxml.parse(package).document_id,
                    package=package,
                    package_name=('%s-thu-hoi.edxml' % (
                            document.code or document.id)).replace('/', '_'),
                    state='pending', attempts=0, next_attempt=now()))
        return lines + stopped

    @classmethod
    @ModelView.button
    @Workflow.transition('pending')
    def retry(cls, lines):
        "Deliver the lines again (after the partner fixed the problem)"
        for line in lines:
            if line.kind == 'document' and line.document.state == 'recalled':
                raise DocumentValidationError(gettext(
                        'egov_document.msg_outbox_recalled',
                        document=line.document.rec_name))
        cls.write(lines, {'attempts': 0, 'next_attempt': now()})

    @classmethod
    def deliver_outbox(cls):
        "Deliver the pending lines that are due (the cron)"
        with without_check_access():
            lines = cls.search([
                    ('state', '=', 'pending'),
                    ('partner.active', '=', True),
                    ['OR',
                        ('next_attempt', '=', None),
                        ('next_attempt', '<=', now()),
                        ],
                    ], order=[('next_attempt', 'ASC NULLS FIRST'),
                    ('id', 'ASC')], limit=BATCH)
        cls.deliver(lines)
        return lines

    @classmethod
    def deliver(cls, lines):
        """POST the pending lines to their partners: sent when the partner
        received the document, sent back (rejected) when it refused it,
        tried again later on a network error or a server error (failed
        after MAX_ATTEMPTS)"""
        for line in lines:
            if line.state != 'pending':
                continue
            with Transaction().set_context(
                    language=_language(line.document.company)
                    or Transaction().language):
                line._deliver()
        with without_check_access():
            cls.save(lines)

    def _deliver(self):
        body = bytes(self.package)
        partner = self.partner
        request = urllib.request.Request(partner.url, data=body,
            method='POST', headers=signed_headers(
                self.document.company.agency_code or '', partner.secret,
                body))
        self.attempts = (self.attempts or 0) + 1
        self.last_attempt = now()
        status = data = None
        try:
            with _opener().open(request, timeout=TIMEOUT) as response:
                status, data = response.status, response.read(edxml.MAX_SIZE)
        except urllib.error.HTTPError as error:
            status = error.code
            try:
                data = error.read(edxml.MAX_SIZE)
            except (OSError, http.client.HTTPException):
                data = b''
        except (OSError, http.client.HTTPException, ValueError) as error:
            reason = getattr(error, 'reason', None) or error
            return self._retry(gettext('egov_document.msg_outbox_network',
                    url=partner.url, error=str(reason) or repr(reason)))
        try:
            status_message = edxml.parse_status(data)
        except edxml.EdXMLError:
            status_message = None
        else:
            self.status_code = status_message.code
            self.status_description = status_message.description
        if 200 <= status < 300:
            if status_message is None:
                return self._retry(gettext(
                        'egov_document.msg_outbox_no_status',
                        status=status, answer=_excerpt(data)))
            if status_message.code != '02':
                self.state = 'sent'
                self.last_error = None
                self.next_attempt = None
                logger.info("outbox %s: %s sent to %s (status %s)",
                    self.id, self.document_id, partner.organ_id,
                    status_message.code)
                return
        if status >= 500 or status in RETRY_STATUSES:
            return self._retry(gettext('egov_document.msg_outbox_http',
                    status=status, answer=(status_message.description
                        if status_message else _excerpt(data))))
        # Refused by the partner: sent back, not tried again
        self.state = 'rejected'
        self.next_attempt = None
        if status_message is None:
            self.status_code = None
            self.status_description = None
        self.last_error = gettext('egov_document.msg_outbox_http',
            status=status, answer=(status_message.description
                if status_message else _excerpt(data)))
        logger.warning("outbox %s: %s sent back by %s: %s", self.id,
            self.document_id, partner.organ_id, self.last_error)

    def _retry(self, error):
        self.last_error = error
        if self.attempts >= MAX_ATTEMPTS:
            self.state = 'failed'
            self.next_attempt = None
            logger.error("outbox %s: %s to %s failed after %s attempts: %s",
                self.id, self.document_id, self.partner.organ_id,
                self.attempts, error)
        else:
            self.next_attempt = now() + dt.timedelta(
                minutes=2 ** self.attempts)
            logger.warning(
                "outbox %s: %s to %s, attempt %s failed, next at %s: %s",
                self.id, self.document_id, self.partner.organ_id,
                self.attempts, self.next_attempt, error)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    "A package is POSTed to the partner's address, never elsewhere"

    def redirect_request(self, *args, **kwargs):
        return None


def _opener():
    return urllib.request.build_opener(_NoRedirect)


def _excerpt(data):
    text = (data or b'')[:EXCERPT].decode('utf-8', 'replace')
    return ' '.join(text.split()) or '-'


class Document(metaclass=PoolMeta):
    __name__ = 'egov.document'

    external_partners = fields.Many2Many(
        'egov.document-egov.document.exchange.partner', 'document',
        'partner', "Recipients on Other Systems",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('direction') != 'outgoing',
            },
        help="The agencies on other systems or instances that receive the "
        "document as an edXML package when it is issued.")
    exchange_outbox = fields.One2Many(
        'egov.document.exchange.outbox', 'document', "Deliveries",
        readonly=True,
        states={'invisible': Eval('direction') != 'outgoing'},
        help="The delivery of the document to each recipient on another "
        "system.")

    exchange_partner = fields.Many2One(
        'egov.document.exchange.partner', "Received From", readonly=True,
        ondelete='RESTRICT',
        states={'invisible': ~Eval('exchange_partner')},
        help="The partner on another system that sent the document: it is "
        "told how the document is processed.")
    exchange_status = fields.Selection([(None, "")] + STATUSES,
        "Status Reported", readonly=True, sort=False,
        states={'invisible': ~Eval('exchange_partner')},
        help="The last processing status sent back to the sender.")
    exchange_statuses = fields.One2Many(
        'egov.document.exchange.status', 'document',
        "Processing by the Recipients", readonly=True,
        states={'invisible': Eval('direction') != 'outgoing'},
        help="What the recipients on other systems report of their "
        "processing of the document.")

    @classmethod
    def validate_fields(cls, documents, field_names):
        super().validate_fields(documents, field_names)
        if not field_names & {'classification', 'external_partners'}:
            return
        for document in documents:
            if document.classification and document.external_partners:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_classified_exchange',
                        document=document.rec_name))

    @classmethod
    def copy(cls, documents, default=None):
        default = dict(default or {})
        for name in ['exchange_outbox', 'exchange_partner', 'exchange_status',
                'exchange_statuses']:
            default.setdefault(name, None)
        return super().copy(documents, default=default)

    def _exchange_status(self):
        """The status of QCVN 102 of the received document: accepted when
        registered, assigned, in processing once someone answered, done,
        rejected when cancelled"""
        if self.state == 'cancelled':
            return '02'
        if self.state != 'registered':
            return None
        processing = self.processing_state
        if processing == 'unassigned':
            return '03'
        if processing == 'done':
            return '06'
        acting = [a for a in self.assignments
            if a.state != 'withdrawn' and a.role in ACTING_ROLES]
        if any(a.state == 'done' or (a.answer or '').strip()
                for a in acting):
            return '05'
        return '04'

    def _exchange_description(self, code):
        key = {
            '02': 'msg_exchange_status_rejected',
            '03': 'msg_exchange_status_accepted',
            '04': 'msg_exchange_status_assigned',
            '05': 'msg_exchange_status_processing',
            '06': 'msg_exchange_status_done',
            }[code]
        return gettext('egov_document.' + key, agency=self.company.rec_name,
            number=self.arrival_number or '',
            deadline=self.deadline.strftime('%d/%m/%Y')
            if self.deadline else '-')

    @classmethod
    def report_status(cls, documents):
        """Queue the status of the received documents back to the partners
        that sent them, when it changed"""
        Outbox = Pool().get('egov.document.exchange.outbox')
        with Transaction().set_user(0), without_check_access():
            documents = cls.browse([d.id for d in documents
                    if d.direction == 'incoming' and d.exchange_partner
                    and d.edxml_document_id])
            lines, changed = [], {}
            for document in documents:
                code = document._exchange_status()
                if not code or code == document.exchange_status:
                    continue
                with Transaction().set_context(
                        language=_language(document.company)
                        or Transaction().language):
                    description = document._exchange_description(code)
                lines.append(Outbox.queue_status(document, code, description))
                changed.setdefault(code, []).append(document)
            if lines:
                Outbox.save(lines)
            for code, documents in changed.items():
                cls.write(documents, {'exchange_status': code})

    @classmethod
    def register_arrival(cls, documents):
        super().register_arrival(documents)
        cls.report_status(documents)

    @classmethod
    def recall(cls, documents):
        """Recall the issued documents from the agencies of the platform
        and from the partners on other systems (a revoke package)"""
        Outbox = Pool().get('egov.document.exchange.outbox')
        lines = []
        for document in documents:
            if (document.direction == 'outgoing'
                    and document.state == 'issued'
                    and (document.recall_reason or '').strip()):
                lines += Outbox.queue_recall(document)
        super().recall(documents)
        if lines:
            with Transaction().set_user(0), without_check_access():
                Outbox.save(lines)

    @classmethod
    def cancel(cls, documents):
        super().cancel(documents)
        cls.report_status(documents)

    @classmethod
    def distribute(cls, documents, *args, **kwargs):
        result = super().distribute(documents, *args, **kwargs)
        cls.report_status(documents)
        return result

    @classmethod
    def deliver(cls, documents):
        """Give the issued documents to the agencies of the platform, and
        queue their packages for the partners on other systems"""
        Outbox = Pool().get('egov.document.exchange.outbox')
        super().deliver(documents)
        lines = []
        for document in documents:
            if document.direction != 'outgoing':
                continue
            partners = [p for p in document.external_partners
                if p.company == document.company]
            lines += Outbox.queue(document, partners)
        if lines:
            with Transaction().set_user(0), without_check_access():
                Outbox.save(lines)


class Assignment(metaclass=PoolMeta):
    __name__ = 'egov.document.assignment'

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        documents = {a.document for assignments, values in zip(
                actions, actions) if 'answer' in values
            for a in assignments}
        if documents:
            Pool().get('egov.document').report_status(list(documents))

    @classmethod
    def done(cls, assignments):
        super().done(assignments)
        Pool().get('egov.document').report_status(
            list({a.document for a in assignments}))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('egov.document.exchange.outbox|deliver_outbox',
                "Deliver the Packages to the Exchange Partners"))
