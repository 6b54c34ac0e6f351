# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The edXML exchange over HTTP between agencies on different systems: the
endpoint that authenticates the sending agency and the outbox that delivers
with retries.  Two agencies of one database act as the two sides: the
office of the provincial People's Committee (A) and the city of Đồng Xoài
(B), each configured as the other's exchange partner."""
import datetime as dt
import hashlib
import hmac
import io
import itertools
import logging
import socket
import time
import urllib.error
import urllib.parse
from contextlib import contextmanager
from unittest.mock import patch

from reportlab.pdfgen import canvas

from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.modules.egov_base.tests.tools import as_user
from trytond.modules.egov_document import edxml, transfer
from trytond.modules.egov_document.exceptions import DocumentValidationError
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import (
    DB_NAME, Client, RouteTestCase, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

SECRET = 'Bí-mật-chung-của-hai-bên-2026'
A_CODE = '000.00.01.H10'  # Văn phòng UBND tỉnh
B_CODE = '000.00.31.H10'  # UBND thành phố Đồng Xoài
OTHER_CODE = '000.02.31.H10'  # UBND phường Tân Bình
PATH = '/%s/egov/edxml' % DB_NAME
URL = 'http://localhost' + PATH
CLERK = 'vanthu.ubndtinh'
NUMBERS = itertools.count(101)


def pdf_bytes(text="Thông báo"):
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def package(sender=A_CODE, to=B_CODE, number=None, **changes):
    "An edXML package of a notice, numbered anew unless told"
    number = '%02d' % (number or next(NUMBERS))
    date = dt.date.today()
    values = dict(
        sender=edxml.Organ(sender, "Văn phòng UBND tỉnh Bình Phước"),
        to=[edxml.Organ(to, "UBND thành phố Đồng Xoài")],
        document_id=edxml.document_id(sender, date, number, 'TB-VP'),
        code_number=number, code_notation='TB-VP', place="Bình Phước",
        promulgation_date=date, type=1, type_detail='TB',
        type_name="Thông báo", subject="Thông báo lịch tiếp công dân",
        signer_position="Chánh Văn phòng", signer_full_name="Lê Văn Minh",
        trace=[(sender, dt.datetime.now(dt.timezone.utc))],
        attachments=[edxml.Attachment(
                '1', 'thong-bao.pdf', 'application/pdf', pdf_bytes())])
    values.update(changes)
    return edxml.build(edxml.Message(**values))


def sign(body, organ=A_CODE, secret=SECRET, timestamp=None):
    "The headers of the POST, computed as the documentation says"
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode('utf-8'),
        timestamp.encode('ascii') + b'.' + body, hashlib.sha256).hexdigest()
    return {
        'Content-Type': 'application/xml',
        'X-Egov-Organ': organ,
        'X-Egov-Timestamp': timestamp,
        'X-Egov-Signature': 'sha256=' + digest,
        }


def in_transaction(func):
    """Run func in a committed transaction of the test database as root,
    started again when it must lock records (as trytond's requests do)"""
    from trytond.transaction import TransactionError
    extras = {}
    while True:
        with Transaction().start(DB_NAME, 0, **extras) as transaction:
            try:
                result = func()
            except TransactionError as exception:
                transaction.rollback()
                exception.fix(extras)
                continue
            transaction.commit()
            return result


def received(document_id):
    "The documents the package of document_id gave, as tuples"
    def read():
        Document = Pool().get('egov.document')
        return [(d.company.agency_code, d.direction, d.state, d.number,
                d.notation, [(f.name, bytes(f.data)[:4]) for f in d.files])
            for d in Document.search([
                    ('edxml_document_id', '=', document_id)])]
    return in_transaction(read)


def partner(company_code, organ_id):
    Partner = Pool().get('egov.document.exchange.partner')
    partner, = Partner.search([
            ('company.agency_code', '=', company_code),
            ('organ_id', '=', organ_id),
            ])
    return partner


def closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@contextmanager
def outside_transaction():
    """Let the test client run its own transactions while the test's is
    open (as another process would)"""
    transactions = Transaction._local.transactions
    saved = list(transactions)
    del transactions[:]
    try:
        yield
    finally:
        transactions[:] = saved


class _Answer:
    def __init__(self, status, data):
        self.status = status
        self.data = data

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, size=-1):
        return self.data


class AppOpener:
    "An urllib opener that gives the requests to trytond's WSGI application"

    def __init__(self):
        self.requests = []

    def open(self, request, timeout=None):
        path = urllib.parse.urlsplit(request.full_url).path
        headers = dict(request.header_items())
        self.requests.append(headers)
        with outside_transaction():
            response = Client(app, Response).post(
                path, data=request.data, headers=headers)
        if response.status_code >= 300:
            raise urllib.error.HTTPError(request.full_url,
                response.status_code, response.status, response.headers,
                io.BytesIO(response.data))
        return _Answer(response.status_code, response.data)


class CannedOpener:
    "An urllib opener that answers what it is told"

    def __init__(self, status, data=b''):
        self.status = status
        self.data = data

    def open(self, request, timeout=None):
        if self.status >= 300:
            raise urllib.error.HTTPError(request.full_url, self.status,
                'Error', {}, io.BytesIO(self.data))
        return _Answer(self.status, self.data)


class StatusTests:
    "The recipient tells the sender how it processes the document"

    def deliver(self):
        "Deliver every pending line of both sides, through the endpoint"
        Outbox = Pool(DB_NAME).get('egov.document.exchange.outbox')
        opener = AppOpener()
        with patch.object(transfer, '_opener', return_value=opener):
            in_transaction(lambda: Outbox.deliver_outbox())
        return opener

    def test_statuses_reported(self):
        "Accepted, assigned, in processing, done: A sees each of them"
        pool = Pool(DB_NAME)
        Document = pool.get('egov.document')
        Outbox = pool.get('egov.document.exchange.outbox')
        Assignment = pool.get('egov.document.assignment')
        User = pool.get('res.user')

        def setup():
            line, = self.issue([B_CODE]).exchange_outbox
            return line.document.id, line.document_id
        sent_id, document_id = in_transaction(setup)
        self.deliver()

        def received_document():
            document, = Document.search([
                    ('edxml_document_id', '=', document_id)])
            return document

        def statuses():
            return [(s.partner.organ_id, s.code)
                for s in reversed(Document(sent_id).exchange_statuses)]

        def register():
            document = received_document()
            self.assertEqual(document.exchange_partner.organ_id, A_CODE)
            Document.register_arrival([document])
            line, = Outbox.search([
                    ('document', '=', document.id), ('kind', '=', 'status')])
            self.assertEqual(line.partner.organ_id, A_CODE)
            status = edxml.parse_status(bytes(line.package))
            self.assertEqual((status.code, status.response_for_document_id,
                    status.sender.organ_id), ('03', document_id, B_CODE))
        in_transaction(register)
        opener = self.deliver()
        self.assertEqual(opener.requests[-1]['X-egov-organ'], B_CODE)
        self.assertEqual(in_transaction(statuses), [(B_CODE, '03')])

        def assign():
            document = received_document()
            lead, = User.search([('login', '=', 'lanhdao.dongxoai')])
            Document.distribute([document], lead=lead.id,
                deadline=dt.date.today() + dt.timedelta(days=7),
                instruction="Đề nghị xử lý")
            return lead.id
        lead_id = in_transaction(assign)
        self.deliver()

        def answer():
            document = received_document()
            assignment, = [a for a in document.assignments
                if a.user.id == lead_id]
            Assignment.write([assignment], {'answer': "Đã triển khai"})
            Assignment.done([assignment])
        in_transaction(answer)
        self.deliver()
        self.assertEqual(in_transaction(statuses), [
                (B_CODE, '03'), (B_CODE, '04'), (B_CODE, '05'),
                (B_CODE, '06')])

        def check():
            sent = Document(sent_id)
            descriptions = [s.description for s in sent.exchange_statuses]
            self.assertTrue(all(descriptions), descriptions)
            lines = Outbox.search([('kind', '=', 'status')])
            self.assertEqual({l.state for l in lines}, {'sent'})
            self.assertEqual({l.status_code for l in lines}, {'01'})
            # Nothing changed: nothing more to report
            Document.report_status([received_document()])
            self.assertEqual(len(Outbox.search([
                            ('kind', '=', 'status'),
                            ('state', '=', 'pending')])), 0)
        in_transaction(check)

    def test_status_of_unknown_document(self):
        "A status of a document never sent is refused, nothing kept"
        body = edxml.build_status(edxml.Status(
                edxml.document_id(B_CODE, dt.date.today(), '77', 'TB-VP'),
                edxml.Organ(A_CODE, "Văn phòng UBND tỉnh"), '03', "Đã nhận",
                dt.datetime.now()))
        response = self.post(body, sign(body))
        self.assertEqual(response.status_code, 400, response.data)
        self.assertEqual(edxml.parse_status(response.data).code, '02')


class RecallTests:
    "The sender recalls a document it sent to a partner"

    def test_recall_to_partner(self):
        "The recall travels as a revoke package; B's copy is recalled"
        pool = Pool(DB_NAME)
        Document = pool.get('egov.document')
        Outbox = pool.get('egov.document.exchange.outbox')

        def setup():
            document = self.issue([B_CODE])
            line, = document.exchange_outbox
            return document.id, line.document_id
        sent_id, document_id = in_transaction(setup)
        self.deliver()

        def recall():
            document = Document(sent_id)
            document.recall_reason = "Ban hành nhầm đối tượng"
            document.save()
            Document.recall([document])
            line, = Outbox.search([
                    ('document', '=', sent_id), ('kind', '=', 'revoke')])
            message = edxml.parse(bytes(line.package))
            self.assertEqual(message.business_type, 1)
            self.assertEqual(message.document_id, document_id)
            self.assertEqual(message.business_reason,
                "Ban hành nhầm đối tượng")
            return line.id
        line_id = in_transaction(recall)
        self.deliver()

        def check():
            line = Outbox(line_id)
            self.assertEqual((line.state, line.status_code), ('sent', '01'))
            copy, = Document.search([
                    ('edxml_document_id', '=', document_id)])
            self.assertEqual(copy.state, 'recalled')
            self.assertEqual(copy.recall_reason, "Ban hành nhầm đối tượng")
            # Delivered again: still one recalled copy
            body = bytes(line.package)
            return body
        body = in_transaction(check)
        response = self.post(body, sign(body))
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(len(received(document_id)), 1)

    def test_recall_unknown(self):
        "The recall of a document never received is refused"
        body = package(business_type=1, business_reason="Nhầm")
        response = self.post(body, sign(body))
        self.assertEqual(response.status_code, 400, response.data)
        self.assertEqual(edxml.parse_status(response.data).code, '02')
        self.assertEqual(received(edxml.parse(body).document_id), [])


class TransferTestCase(StatusTests, RecallTests, RouteTestCase):
    "The edXML exchange between two agencies over HTTP"
    module = 'egov_document'

    @classmethod
    def setUpDatabase(cls):
        from trytond.modules.egov_base import demo
        pool = Pool()
        Company = pool.get('company.company')
        Partner = pool.get('egov.document.exchange.partner')
        with Transaction().set_user(0):
            demo.load_demo()
            agencies = {c.agency_code: c for c in Company.search([])}
            Partner.create([{
                        # A sends to B
                        'company': agencies[A_CODE].id,
                        'name': "UBND thành phố Đồng Xoài",
                        'organ_id': B_CODE, 'url': URL, 'secret': SECRET,
                        }, {
                        # B receives from A
                        'company': agencies[B_CODE].id,
                        'name': "Văn phòng UBND tỉnh",
                        'organ_id': A_CODE, 'url': URL, 'secret': SECRET,
                        }, {
                        # A believes Tân Bình is on another system
                        'company': agencies[A_CODE].id,
                        'name': "UBND phường Tân Bình",
                        'organ_id': OTHER_CODE, 'url': URL,
                        'secret': SECRET,
                        }])

    def setUp(self):
        super().setUp()
        # What the exchange logs is kept for the tests
        self.logs = []
        handler = logging.Handler()
        handler.emit = lambda record: self.logs.append(record.getMessage())
        transfer.logger.addHandler(handler)
        self.addCleanup(transfer.logger.removeHandler, handler)
        propagate, transfer.logger.propagate = transfer.logger.propagate, False
        self.addCleanup(setattr, transfer.logger, 'propagate', propagate)
        level, transfer.logger.level = transfer.logger.level, logging.INFO
        self.addCleanup(setattr, transfer.logger, 'level', level)

    def assertLogged(self, text):
        self.assertTrue(any(text in m for m in self.logs), self.logs)

    def post(self, body, headers):
        return self.client().post(PATH, data=body, headers=headers)

    def assertStatus(self, response, http_status, code, document_id=None):
        self.assertEqual(response.status_code, http_status, response.data)
        self.assertTrue(
            response.headers['Content-Type'].startswith('application/xml'))
        status = edxml.parse_status(response.data)
        self.assertEqual(status.code, code)
        self.assertEqual(status.sender.organ_id, B_CODE)
        if document_id:
            self.assertEqual(status.response_for_document_id, document_id)
        return status

    def test_signature(self):
        "The signature is the HMAC-SHA256 of the timestamp and the body"
        headers = sign(b'<x/>', timestamp=1700000000)
        self.assertEqual(
            transfer.signature(SECRET, '1700000000', b'<x/>'),
            headers['X-Egov-Signature'])
        self.assertEqual(transfer.signed_headers(
                A_CODE, SECRET, b'<x/>', timestamp=1700000000)[
                'X-Egov-Signature'], headers['X-Egov-Signature'])
        self.assertTrue(transfer.check_signature(SECRET, '1700000000',
                b'<x/>', headers['X-Egov-Signature']))
        self.assertFalse(transfer.check_signature(SECRET, '1700000001',
                b'<x/>', headers['X-Egov-Signature']))
        self.assertFalse(transfer.check_signature(SECRET, '1700000000',
                b'<y/>', headers['X-Egov-Signature']))
        self.assertFalse(transfer.check_signature(
                SECRET, '1700000000', b'<x/>', 'sha256=ữ'))
        self.assertFalse(transfer.check_signature(
                SECRET, '1700000000', b'<x/>', None))

    def test_accepted(self):
        "A package from A lands in B's incoming documents as a draft"
        body = package()
        document_id = edxml.parse(body).document_id
        response = self.post(body, sign(body))
        status = self.assertStatus(response, 200, '01', document_id)
        self.assertIn("thành phố Đồng Xoài", status.description)
        (code, direction, state, number, notation, files), = received(
            document_id)
        self.assertEqual((code, direction, state), (B_CODE, 'incoming',
                'draft'))
        self.assertEqual(notation, 'TB-VP')
        self.assertEqual(files, [('thong-bao.pdf', b'%PDF')])

    def test_duplicate(self):
        "The same package delivered twice gives one document"
        body = package()
        document_id = edxml.parse(body).document_id
        first = self.assertStatus(
            self.post(body, sign(body)), 200, '01', document_id)
        again = self.assertStatus(
            self.post(body, sign(body)), 200, '01', document_id)
        self.assertNotEqual(first.description, again.description)
        self.assertEqual(len(received(document_id)), 1)

    def test_malformed(self):
        "A malformed package is refused with status 02, nothing kept"
        for body in [b'<not-edxml/>', package()[:-40], b'',
                package().replace(b'<edXML:DocumentId>', b'<edXML:X>')
                .replace(b'</edXML:DocumentId>', b'</edXML:X>')]:
            with self.subTest(body=body[-30:]):
                response = self.post(body, sign(body))
                status = self.assertStatus(response, 400, '02')
                self.assertTrue(status.response_for_document_id.startswith(
                        'sha256:'))
                self.assertIn('edXML', status.description)

    def test_entity_refused(self):
        "A package with a DTD (XXE) is refused as malformed"
        body = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
            b'"file:///etc/passwd">]><x>&e;</x>')
        response = self.post(body, sign(body))
        status = self.assertStatus(response, 400, '02')
        self.assertNotIn('root:', status.description)

    def test_wrong_recipient(self):
        "A package for another agency is sent back with status 02"
        body = package(to=OTHER_CODE)
        document_id = edxml.parse(body).document_id
        response = self.post(body, sign(body))
        status = self.assertStatus(response, 400, '02', document_id)
        self.assertIn(OTHER_CODE, status.description)
        self.assertEqual(received(document_id), [])
        self.assertLogged('%s from %s refused' % (document_id, A_CODE))

    def test_sender_mismatch(self):
        "A partner sends only its own documents"
        body = package(sender=OTHER_CODE)
        document_id = edxml.parse(body).document_id
        response = self.post(body, sign(body))
        self.assertStatus(response, 400, '02', document_id)
        self.assertEqual(received(document_id), [])

    def test_bad_signature(self):
        "An unknown agency or a bad signature is refused (403)"
        body = package()
        document_id = edxml.parse(body).document_id
        for headers in [
                sign(body, secret='Một bí mật khác hẳn 2026'),
                sign(body, organ='000.99.99.H99'),
                sign(body + b' '),
                {**sign(body), 'X-Egov-Signature': 'sha256=00'},
                {k: v for k, v in sign(body).items()
                    if k != 'X-Egov-Signature'},
                {k: v for k, v in sign(body).items()
                    if k != 'X-Egov-Organ'},
                {}]:
            with self.subTest(headers=headers):
                response = self.post(body, headers)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(response.mimetype, 'text/plain')
        self.assertEqual(received(document_id), [])
        self.assertLogged('unknown agency or bad signature')

    def test_stale_timestamp(self):
        "A request signed more than five minutes away is refused (403)"
        body = package()
        document_id = edxml.parse(body).document_id
        now = int(time.time())
        for timestamp in [now - 400, now + 400, 'hier', '-%s' % now,
                '١٧٠٠٠٠٠٠٠٠', '9' * 400, ' ']:
            with self.subTest(timestamp=timestamp):
                headers = sign(body, timestamp=timestamp
                    if isinstance(timestamp, int) else 0)
                headers['X-Egov-Timestamp'] = str(timestamp)
                self.assertEqual(self.post(body, headers).status_code, 403)
        self.assertEqual(received(document_id), [])
        self.assertLogged('s off')
        # A few seconds off is fine
        response = self.post(body, sign(body, timestamp=now - 30))
        self.assertStatus(response, 200, '01', document_id)

    def test_inactive_partner(self):
        "A partner set inactive is no longer heard"
        def active(value):
            Partner = Pool().get('egov.document.exchange.partner')
            with Transaction().set_context(active_test=False):
                Partner.write([partner(B_CODE, A_CODE)], {'active': value})
        body = package()
        in_transaction(lambda: active(False))
        try:
            self.assertEqual(self.post(body, sign(body)).status_code, 403)
        finally:
            in_transaction(lambda: active(True))
        self.assertEqual(self.post(body, sign(body)).status_code, 200)

    def test_too_large(self):
        "A package over the size limit is refused"
        body = package()
        with patch.object(edxml, 'MAX_SIZE', len(body) - 1):
            response = self.post(body, sign(body))
        self.assertEqual(response.status_code, 413)
        self.assertEqual(received(edxml.parse(body).document_id), [])

    def test_get_refused(self):
        "Only POST is served"
        self.assertEqual(self.client().get(PATH).status_code, 405)

    # The outbox
    def issue(self, partners, **values):
        "An outgoing document of A issued to the partners of the codes"
        pool = Pool()
        Document = pool.get('egov.document')
        Type = pool.get('egov.document.type')
        User = pool.get('res.user')
        Company = pool.get('company.company')
        admin, = User.search([('login', '=', 'admin')])
        company, = Company.search([('agency_code', '=', A_CODE)])
        type_, = Type.search([('code', '=', 'TB')])
        document = Document(direction='outgoing', company=company,
            type=type_, abstract="Thông báo kết luận của Chủ tịch",
            signer_name="Võ Minh Tâm", approver=admin,
            external_partners=[partner(A_CODE, c) for c in partners],
            files=[pool.get('egov.document.file')(
                    name='ket-luan.pdf', data=pdf_bytes())], **values)
        document.save()
        Document.submit_approval([document])
        Document.pass_form_check([document])
        Document.approve([document])
        Document.issue([document])
        return document

    @with_transaction()
    def test_issue_queues(self):
        "Issuing queues one package per partner, addressed to it"
        Outbox = Pool().get('egov.document.exchange.outbox')
        document = self.issue([B_CODE, OTHER_CODE])
        lines = Outbox.search([('document', '=', document.id)],
            order=[('id', 'ASC')])
        self.assertEqual(sorted(l.partner.organ_id for l in lines),
            [B_CODE, OTHER_CODE])
        for line in lines:
            self.assertEqual(line.state, 'pending')
            self.assertEqual(line.attempts, 0)
            message = edxml.parse(bytes(line.package))
            self.assertEqual([o.organ_id for o in message.to],
                [line.partner.organ_id])
            self.assertEqual(message.sender.organ_id, A_CODE)
            self.assertEqual(message.document_id, line.document_id)
            self.assertEqual(message.code_number, '%02d' % document.number)
            self.assertEqual(message.attachments[0].name, 'ket-luan.pdf')
        self.assertEqual(document.exchange_outbox, tuple(reversed(lines)))
        # A copy is a new draft, without the deliveries
        copy, = type(document).copy([document])
        self.assertEqual(copy.exchange_outbox, ())
        self.assertEqual(len(copy.external_partners), 2)

    @with_transaction()
    def test_classified_not_sent(self):
        "A classified document has no recipients on other systems"
        with self.assertRaises(DocumentValidationError):
            self.issue([B_CODE], classification='confidential',
                readers=[Transaction().user or 1])

    @with_transaction()
    def test_partners_of_agency(self):
        "Only the partners of the document's agency are its recipients"
        pool = Pool()
        Document = pool.get('egov.document')
        Type = pool.get('egov.document.type')
        Company = pool.get('company.company')
        company, = Company.search([('agency_code', '=', A_CODE)])
        type_, = Type.search([('code', '=', 'TB')])
        with self.assertRaises(DomainValidationError):
            Document(direction='outgoing', company=company, type=type_,
                abstract="Thông báo",
                external_partners=[partner(B_CODE, A_CODE)]).save()

    def test_outbox_delivered(self):
        "The outbox delivers the package: sent, B has the draft"
        Outbox = Pool(DB_NAME).get('egov.document.exchange.outbox')

        def setup():
            line, = self.issue([B_CODE]).exchange_outbox
            return line.document_id, line.id
        document_id, line_id = in_transaction(setup)
        opener = AppOpener()
        with patch.object(transfer, '_opener', return_value=opener):
            lines = in_transaction(lambda: Outbox.deliver_outbox())
        self.assertIn(line_id, [l.id for l in lines])
        headers = opener.requests[-1]
        self.assertEqual(headers['X-egov-organ'], A_CODE)
        self.assertTrue(headers['X-egov-signature'].startswith('sha256='))

        def check():
            line = Outbox(line_id)
            self.assertEqual(line.state, 'sent')
            self.assertEqual(line.attempts, 1)
            self.assertEqual(line.status_code, '01')
            self.assertIsNone(line.next_attempt)
            self.assertIsNone(line.last_error)
        in_transaction(check)
        (code, direction, state, number, notation, files), = received(
            document_id)
        self.assertEqual((code, direction, state), (B_CODE, 'incoming',
                'draft'))
        self.assertEqual(files, [('ket-luan.pdf', b'%PDF')])
        self.assertLogged('received by')
        self.assertLogged('sent to %s (status 01)' % B_CODE)
        # Sent lines are not delivered again
        with patch.object(transfer, '_opener', return_value=opener):
            in_transaction(lambda: Outbox.deliver([Outbox(line_id)]))
        self.assertEqual(len(opener.requests), 1)

    def test_outbox_sent_back(self):
        "A package refused by the partner (400) is sent back, not retried"
        Outbox = Pool(DB_NAME).get('egov.document.exchange.outbox')
        line_id = in_transaction(
            lambda: self.issue([OTHER_CODE]).exchange_outbox[0].id)
        opener = AppOpener()
        with patch.object(transfer, '_opener', return_value=opener):
            in_transaction(lambda: Outbox.deliver([Outbox(line_id)]))

        def check():
            line = Outbox(line_id)
            self.assertEqual(line.state, 'rejected')
            self.assertEqual(line.attempts, 1)
            self.assertEqual(line.status_code, '02')
            self.assertIn(OTHER_CODE, line.status_description)
            self.assertIn('400', line.last_error)
            self.assertIsNone(line.next_attempt)
            self.assertNotIn(line, Outbox.deliver_outbox())
        in_transaction(check)
        self.assertEqual(len(opener.requests), 1)
        self.assertLogged('sent back by %s' % OTHER_CODE)

    def test_outbox_retries(self):
        "Unreachable: tried again later, twice as late each time, failed"
        pool = Pool(DB_NAME)
        Outbox = pool.get('egov.document.exchange.outbox')
        Partner = pool.get('egov.document.exchange.partner')
        url = 'http://127.0.0.1:%s%s' % (closed_port(), PATH)

        def setup():
            Partner.write([partner(A_CODE, OTHER_CODE)], {'url': url})
            return self.issue([OTHER_CODE]).exchange_outbox[0].id
        line_id = in_transaction(setup)
        try:
            def attempt(number):
                start = transfer.now().replace(microsecond=0)
                line = Outbox(line_id)
                Outbox.deliver([line])
                line = Outbox(line_id)
                self.assertEqual(line.attempts, number)
                self.assertIn(url, line.last_error)
                if number < transfer.MAX_ATTEMPTS:
                    self.assertEqual(line.state, 'pending')
                    delay = line.next_attempt - start
                    self.assertGreaterEqual(
                        delay, dt.timedelta(minutes=2 ** number))
                    self.assertLess(delay,
                        dt.timedelta(minutes=2 ** number, seconds=30))
                    # Not due yet: the cron leaves it
                    self.assertNotIn(line, Outbox.deliver_outbox())
                    Outbox.write([line], {
                            'next_attempt': start - dt.timedelta(seconds=1)})
                else:
                    self.assertEqual(line.state, 'failed')
                    self.assertIsNone(line.next_attempt)
            for number in range(1, transfer.MAX_ATTEMPTS + 1):
                in_transaction(lambda: attempt(number))

            def retry():
                line = Outbox(line_id)
                Outbox.retry([line])
                line = Outbox(line_id)
                self.assertEqual((line.state, line.attempts),
                    ('pending', 0))
                self.assertIn(line, Outbox.deliver_outbox())
                self.assertEqual(Outbox(line_id).attempts, 1)
            in_transaction(retry)
            self.assertLogged('attempt 1 failed')
            self.assertLogged('failed after 8 attempts')
        finally:
            in_transaction(lambda: Partner.write(
                    [partner(A_CODE, OTHER_CODE)], {'url': URL}))

    @with_transaction()
    def test_outbox_answers(self):
        "Server errors are tried again, other refusals sent back"
        Outbox = Pool().get('egov.document.exchange.outbox')
        document = self.issue([B_CODE])
        line, = document.exchange_outbox
        ok = edxml.build_status(edxml.Status(line.document_id,
                edxml.Organ(B_CODE, "Đồng Xoài"), '01', "Đã nhận",
                dt.datetime.now()))
        refused = edxml.build_status(edxml.Status(line.document_id,
                edxml.Organ(B_CODE, "Đồng Xoài"), '02', "Không nhận",
                dt.datetime.now()))
        for status, data, state, code in [
                (503, b'Service Unavailable', 'pending', None),
                (429, b'', 'pending', None),
                (200, b'<html>OK</html>', 'pending', None),
                (200, refused, 'rejected', '02'),
                (403, b'Forbidden', 'rejected', None),
                (302, b'', 'rejected', None),
                (202, ok, 'sent', '01'),
                ]:
            with self.subTest(status=status, data=data[:20]):
                Outbox.write([line], {'state': 'pending', 'attempts': 0,
                        'status_code': None})
                with patch.object(transfer, '_opener',
                        return_value=CannedOpener(status, data)):
                    Outbox.deliver([Outbox(line.id)])
                line = Outbox(line.id)
                self.assertEqual(line.state, state)
                self.assertEqual(line.status_code, code)
                if state != 'sent':
                    self.assertIn(str(status), line.last_error)

    @with_transaction()
    def test_secret_for_province_admin(self):
        "Only the province's administrator reads the shared secret"
        Partner = Pool().get('egov.document.exchange.partner')
        with as_user(CLERK):
            partners = Partner.search([])
            self.assertTrue(partners)
            self.assertEqual({p.company.agency_code for p in partners},
                {A_CODE})
            with self.assertRaises(AccessError):
                Partner.read([partners[0].id], ['secret'])
        with as_user('admin'):
            secrets = Partner.read(
                [p.id for p in Partner.search([])], ['secret'])
            self.assertEqual({s['secret'] for s in secrets}, {SECRET})

    @with_transaction()
    def test_partner_checks(self):
        "A short secret or an address that is not a web one is refused"
        pool = Pool()
        Partner = pool.get('egov.document.exchange.partner')
        Company = pool.get('company.company')
        company, = Company.search([('agency_code', '=', A_CODE)])
        for i, values in enumerate([
                    {'secret': 'ngắn'},
                    {'url': 'ftp://example.com/x'},
                    {'url': 'ví dụ'}]):
            with self.subTest(values=values):
                with self.assertRaises(DocumentValidationError):
                    Partner.create([{'company': company.id,
                                'name': "Sở Y tế",
                                'organ_id': '000.00.9%s.H10' % i,
                                'url': URL, 'secret': SECRET, **values}])
        partner, = Partner.create([{'company': company.id,
                    'name': "Sở Y tế", 'organ_id': ' 000.00.20.H10 ',
                    'url': URL + ' ', 'secret': SECRET}])
        self.assertEqual(partner.organ_id, '000.00.20.H10')
        self.assertEqual(partner.rec_name, "Sở Y tế (000.00.20.H10)")
        self.assertEqual(Partner.search([('rec_name', 'ilike', '%20.H10')]),
            [partner])
