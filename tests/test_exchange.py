# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The edXML exchange for real between two instances of the platform: two
trytond servers on their own SQLite databases with the demo data.

The provincial People's Committee on instance 1 sends a notice to the city
of Đồng Xoài on instance 2 through the outbox: it arrives as a draft in the
city's incoming documents.  Then what must be refused is: a malformed
package, a package for another agency (sent back to instance 1's outbox),
and the same package delivered twice gives one document.  Đồng Xoài then
registers, assigns and processes the notice: the province receives each
status (accepted, assigned, in processing, done); and the province's
recall reaches Đồng Xoài's copy with its reason.

The test configures the instances and runs their outbox with this file
run as a script in the instance's environment (``python test_exchange.py
ACTION JSON``)."""
import base64
import concurrent.futures
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATABASE = 'egov_exchange'
SECRET = 'bi-mat-chung-lien-thong-2026-H10'
A_CODE = '000.00.00.H10'  # UBND tỉnh Bình Phước, on instance 1
B_CODE = '000.00.31.H10'  # UBND thành phố Đồng Xoài, on instance 2
OTHER_CODE = '000.02.31.H10'  # UBND phường Tân Bình (not a partner)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def sign(body, organ=A_CODE, secret=SECRET):
    "The headers of a POST of body by organ (as the module's doc says)"
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode('utf-8'),
        timestamp.encode('ascii') + b'.' + body, hashlib.sha256).hexdigest()
    return {
        'Content-Type': 'application/xml',
        'X-Egov-Organ': organ,
        'X-Egov-Timestamp': timestamp,
        'X-Egov-Signature': 'sha256=' + digest,
        }


def post(url, body, headers):
    "The HTTP status and body of the answer"
    request = urllib.request.Request(
        url, data=body, headers=headers, method='POST')
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Instance:
    "A platform served by trytond on its own SQLite database"

    def __init__(self, name, folder):
        self.name = name
        self.folder = folder
        self.port = free_port()
        self.env = dict(os.environ)
        for key in list(self.env):
            if key.startswith('TRYTOND_') or key in {
                    'EGOV_DATABASE_URI', 'DB_NAME', 'DB_CACHE'}:
                del self.env[key]
        self.env['TRYTOND_DATABASE__PATH'] = os.path.join(folder, 'db')
        self.url = 'http://127.0.0.1:%s/' % self.port
        self.endpoint = '%s%s/egov/edxml' % (self.url, DATABASE)
        self.process = None
        self.log = open(os.path.join(folder, 'server.log'), 'a')

    def setup(self):
        "Create the database with the demo data"
        subprocess.run([sys.executable,
                os.path.join(ROOT, 'scripts', 'setup_db.py'),
                '--database', DATABASE], env=self.env, check=True,
            stdout=self.log, stderr=subprocess.STDOUT)

    def start(self):
        self.process = subprocess.Popen([sys.executable,
                os.path.join(ROOT, 'scripts', 'serve.py'),
                '--port', str(self.port), '--database', DATABASE],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            # The endpoint answers a GET with 405 once the pool is loaded
            try:
                urllib.request.urlopen(self.endpoint, timeout=5)
            except urllib.error.HTTPError as error:
                if error.code == 405:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("%s did not answer on %s: see %s" % (
                self.name, self.url, self.log.name))

    def run(self, action, **params):
        """Run the action of this file in a transaction of the instance's
        database and return its result"""
        env = dict(self.env,
            TRYTOND_CONFIG=os.path.join(ROOT, 'trytond.conf'),
            TRYTOND_DATABASE__URI='sqlite://')
        process = subprocess.run([sys.executable, os.path.abspath(__file__),
                action, json.dumps(params)], env=env, cwd=ROOT,
            capture_output=True, text=True, timeout=300)
        self.log.write(process.stderr)
        self.log.flush()
        if process.returncode:
            raise RuntimeError("%s on %s failed:\n%s" % (
                    action, self.name, process.stderr[-3000:]))
        return json.loads(process.stdout.strip().splitlines()[-1])

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()


class ExchangeTestCase(unittest.TestCase):
    "Two agencies on two instances exchange documents over HTTP"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        started = time.monotonic()
        cls.folder = tempfile.mkdtemp(prefix='egov-exchange-')
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        first, second = (os.path.join(cls.folder, n) for n in ['1', '2'])
        os.makedirs(first)
        cls.one = Instance('instance 1', first)
        cls.addClassCleanup(cls.one.stop)
        # The demo data is loaded once; instance 2 starts from a copy of
        # the database (its own file and filestore)
        cls.one.setup()
        shutil.copytree(first, second,
            ignore=shutil.ignore_patterns('server.log'))
        cls.two = Instance('instance 2', second)
        cls.addClassCleanup(cls.two.stop)
        with concurrent.futures.ThreadPoolExecutor(2) as executor:
            for future in [executor.submit(cls.one.start),
                    executor.submit(cls.two.start)]:
                future.result()

        # Each side configures the other as its partner, with the secret
        # both agreed on; instance 1 also believes Tân Bình is reached
        # through instance 2
        cls.two.run('partners', partners=[{
                    'company': B_CODE, 'organ_id': A_CODE,
                    'name': "UBND tỉnh Bình Phước",
                    'url': cls.one.endpoint, 'secret': SECRET}])
        cls.one.run('partners', partners=[{
                    'company': A_CODE, 'organ_id': B_CODE,
                    'name': "UBND thành phố Đồng Xoài",
                    'url': cls.two.endpoint, 'secret': SECRET,
                    }, {
                    'company': A_CODE, 'organ_id': OTHER_CODE,
                    'name': "UBND phường Tân Bình",
                    'url': cls.two.endpoint, 'secret': SECRET,
                    }])

        # Instance 1 issues a notice to Đồng Xoài and another to Tân Bình,
        # then its outbox (the cron's method) delivers them
        cls.sent = cls.one.run('issue_and_deliver', company=A_CODE,
            documents=[[B_CODE], [OTHER_CODE]])

        # What is sent directly to instance 2, signed by instance 1's
        # agency with the right secret
        from trytond.modules.egov_document import edxml
        package = base64.b64decode(cls.sent[0]['lines'][0]['package'])
        cls.again = post(cls.two.endpoint, package, sign(package))
        cls.malformed = post(cls.two.endpoint, package[:-100],
            sign(package[:-100]))
        message = edxml.parse(package)
        message.to = [edxml.Organ(OTHER_CODE, "UBND phường Tân Bình")]
        message.document_id = message.document_id.replace(
            ',%s/' % message.code_number, ',9%s/' % message.code_number)
        cls.wrong = edxml.build(message)
        cls.wrong_answer = post(cls.two.endpoint, cls.wrong,
            sign(cls.wrong))
        cls.forged = post(cls.two.endpoint, package,
            sign(package, secret='not-the-secret-of-the-partners'))

        cls.received = cls.two.run('received', company=B_CODE)

        # Đồng Xoài registers, assigns and processes the notice: each step
        # goes back to the province as a status; then the province recalls
        # it and the recall reaches Đồng Xoài
        cls.processed = cls.two.run('process_received', company=B_CODE)
        cls.statuses = cls.one.run('statuses', company=A_CODE)
        cls.recall = cls.one.run('recall_and_deliver', company=A_CODE,
            reason="Ban hành nhầm thời gian tiếp công dân")
        cls.after_recall = cls.two.run('received', company=B_CODE)
        cls.duration = time.monotonic() - started

    def status(self, data):
        from trytond.modules.egov_document import edxml
        return edxml.parse_status(data)

    def test_delivered(self):
        "The notice arrives at instance 2 as a draft with its file"
        document = self.sent[0]
        line, = document['lines']
        self.assertEqual(line['state'], 'sent', line)
        self.assertEqual((line['attempts'], line['status_code']), (1, '01'))
        self.assertIn("Đồng Xoài", line['status_description'])
        received, = self.received
        self.assertEqual(received['edxml_document_id'], line['document_id'])
        self.assertEqual(received['direction'], 'incoming')
        self.assertEqual(received['state'], 'draft')
        self.assertEqual(received['company'], B_CODE)
        self.assertEqual(
            (received['number'], received['notation']),
            (document['number'], document['notation']))
        self.assertEqual(received['abstract'], document['abstract'])
        self.assertEqual(received['files'], document['files'])

    def test_sent_back(self):
        "A package for an agency instance 2 does not serve is sent back"
        line, = self.sent[1]['lines']
        self.assertEqual(line['state'], 'rejected', line)
        self.assertEqual(line['status_code'], '02')
        self.assertIn(OTHER_CODE, line['status_description'])
        self.assertIn('400', line['last_error'])
        self.assertNotIn(line['document_id'],
            [r['edxml_document_id'] for r in self.received])

    def test_duplicate(self):
        "The same package delivered again gives no second document"
        status, data = self.again
        self.assertEqual(status, 200, data)
        answer = self.status(data)
        self.assertEqual(answer.code, '01')
        self.assertEqual(answer.response_for_document_id,
            self.sent[0]['lines'][0]['document_id'])
        self.assertEqual(len(self.received), 1)

    def test_malformed(self):
        "A malformed package is refused with status 02"
        status, data = self.malformed
        self.assertEqual(status, 400, data)
        self.assertEqual(self.status(data).code, '02')
        self.assertEqual(len(self.received), 1)

    def test_wrong_recipient(self):
        "A package for another agency is refused with status 02"
        from trytond.modules.egov_document import edxml
        status, data = self.wrong_answer
        self.assertEqual(status, 400, data)
        answer = self.status(data)
        self.assertEqual(answer.code, '02')
        self.assertEqual(answer.response_for_document_id,
            edxml.parse(self.wrong).document_id)
        self.assertEqual(answer.sender.organ_id, B_CODE)
        self.assertEqual(len(self.received), 1)

    def test_statuses(self):
        "The province sees how Đồng Xoài processes its notice"
        document_id = self.sent[0]['lines'][0]['document_id']
        self.assertEqual(self.processed['statuses'],
            ['03', '04', '05', '06'])
        self.assertEqual(self.processed['lines'],
            [['sent', '01']] * 4)
        statuses = self.statuses[document_id]
        self.assertEqual([(s['partner'], s['code']) for s in statuses],
            [(B_CODE, c) for c in ['03', '04', '05', '06']])
        self.assertIn("Đồng Xoài", statuses[0]['description'])
        # The notice sent back by instance 2 has no status
        self.assertNotIn(self.sent[1]['lines'][0]['document_id'],
            self.statuses)

    def test_recall(self):
        "The province's recall reaches Đồng Xoài's copy with its reason"
        line, = self.recall
        self.assertEqual((line['state'], line['status_code']),
            ('sent', '01'))
        received, = self.after_recall
        self.assertEqual(received['edxml_document_id'], line['document_id'])
        self.assertEqual(received['state'], 'recalled')
        self.assertEqual(received['recall_reason'],
            "Ban hành nhầm thời gian tiếp công dân")

    def test_forged(self):
        "A package signed with another secret is refused (403)"
        status, data = self.forged
        self.assertEqual(status, 403, data)


# What the test runs inside an instance (this file run as a script)

def _agency(code):
    from trytond.pool import Pool
    Company = Pool().get('company.company')
    company, = Company.search([('agency_code', '=', code)])
    return company


def partners(partners):
    "Create the exchange partners"
    from trytond.pool import Pool
    Partner = Pool().get('egov.document.exchange.partner')
    created = Partner.create([dict(values, company=_agency(
                    values['company']).id) for values in partners])
    return [p.id for p in created]


def _pdf(text):
    import io

    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _files(document):
    return [[f.name, hashlib.sha256(bytes(f.data)).hexdigest()]
        for f in document.files]


def issue_and_deliver(company, documents):
    """Issue a notice of the agency to each list of partners, then deliver
    the outbox as the cron does"""
    from trytond.pool import Pool
    pool = Pool()
    Document = pool.get('egov.document')
    File = pool.get('egov.document.file')
    Type = pool.get('egov.document.type')
    User = pool.get('res.user')
    Partner = pool.get('egov.document.exchange.partner')
    Outbox = pool.get('egov.document.exchange.outbox')
    agency = _agency(company)
    leader, = User.search([('login', '=', 'lanhdao.ubndtinh')])
    type_, = Type.search([('code', '=', 'TB')])
    issued = []
    for i, codes in enumerate(documents):
        document = Document(direction='outgoing', company=agency,
            type=type_, abstract="Thông báo lịch tiếp công dân tháng %s "
            "của Chủ tịch UBND tỉnh" % (i + 1),
            signer_authority='TM.', signer_position="Chủ tịch",
            signer_name="Võ Minh Tâm", approver=leader,
            external_partners=Partner.search([
                    ('company', '=', agency.id),
                    ('organ_id', 'in', codes)]),
            files=[File(name='thong-bao-%s.pdf' % (i + 1),
                    data=_pdf("Thông báo số %s" % (i + 1)))])
        document.save()
        Document.submit_approval([document])
        Document.pass_form_check([document])
        Document.approve([document])
        Document.issue([document])
        issued.append(document)
    Outbox.deliver_outbox()
    result = []
    for document in Document.browse(issued):
        result.append({
                'number': document.number,
                'notation': document.notation,
                'abstract': document.abstract,
                'files': _files(document),
                'lines': [{
                        'document_id': l.document_id,
                        'state': l.state,
                        'attempts': l.attempts,
                        'status_code': l.status_code,
                        'status_description': l.status_description,
                        'last_error': l.last_error,
                        'package': base64.b64encode(
                            bytes(l.package)).decode('ascii'),
                        } for l in document.exchange_outbox],
                })
    return result


def process_received(company):
    """Register the received notice, assign it to the leader, answer and
    close it, then deliver the outbox (the statuses back to the sender)"""
    import datetime as dt

    from trytond.pool import Pool
    pool = Pool()
    Document = pool.get('egov.document')
    Assignment = pool.get('egov.document.assignment')
    Outbox = pool.get('egov.document.exchange.outbox')
    User = pool.get('res.user')
    document, = Document.search([
            ('company', '=', _agency(company).id),
            ('edxml_document_id', '!=', None),
            ])
    leader, = User.search([('login', '=', 'lanhdao.dongxoai')])
    statuses = []
    Document.register_arrival([document])
    statuses.append(Document(document.id).exchange_status)
    Document.distribute([document], lead=leader.id,
        deadline=dt.date.today() + dt.timedelta(days=10),
        instruction="Phòng Nội vụ tham mưu")
    statuses.append(Document(document.id).exchange_status)
    assignment, = Document(document.id).assignments
    Assignment.write([assignment], {'answer': "Đã bố trí lịch"})
    statuses.append(Document(document.id).exchange_status)
    Assignment.done([assignment])
    statuses.append(Document(document.id).exchange_status)
    lines = Outbox.search([('kind', '=', 'status')], order=[('id', 'ASC')])
    Outbox.deliver(lines)
    return {
        'statuses': statuses,
        'lines': [[l.state, l.status_code] for l in Outbox.browse(lines)],
        }


def statuses(company):
    "The statuses the agency received, per edXML document id"
    from trytond.pool import Pool
    pool = Pool()
    Outbox = pool.get('egov.document.exchange.outbox')
    result = {}
    for line in Outbox.search([
                ('document.company', '=', _agency(company).id),
                ('kind', '=', 'document'),
                ], order=[('id', 'ASC')]):
        found = [{
                'partner': s.partner.organ_id,
                'code': s.code,
                'description': s.description,
                } for s in reversed(line.document.exchange_statuses)
            if s.partner == line.partner]
        if found:
            result[line.document_id] = found
    return result


def recall_and_deliver(company, reason):
    "Recall the first notice of the agency, then deliver the outbox"
    from trytond.pool import Pool
    pool = Pool()
    Document = pool.get('egov.document')
    Outbox = pool.get('egov.document.exchange.outbox')
    document, = Document.search([
            ('company', '=', _agency(company).id),
            ('direction', '=', 'outgoing'),
            ('state', '=', 'issued'),
            ('exchange_outbox.state', '=', 'sent'),
            ])
    document.recall_reason = reason
    document.save()
    Document.recall([document])
    Outbox.deliver_outbox()
    return [{
            'document_id': l.document_id,
            'state': l.state,
            'status_code': l.status_code,
            } for l in Outbox.search([('kind', '=', 'revoke')])]


def received(company):
    "The documents the agency received as edXML packages"
    from trytond.pool import Pool
    Document = Pool().get('egov.document')
    return [{
            'edxml_document_id': d.edxml_document_id,
            'company': d.company.agency_code,
            'direction': d.direction,
            'state': d.state,
            'number': d.number,
            'notation': d.notation,
            'abstract': d.abstract,
            'recall_reason': d.recall_reason,
            'files': _files(d),
            } for d in Document.search([
                ('company', '=', _agency(company).id),
                ('edxml_document_id', '!=', None),
                ])]


def main(action, params):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(DATABASE).init()
    actions = {f.__name__: f for f in [partners, issue_and_deliver, received,
            process_received, statuses, recall_and_deliver]}
    from trytond.transaction import TransactionError
    extras = {}
    while True:
        # Started again when it must lock records, as requests are
        with Transaction().start(DATABASE, 0, **extras) as transaction:
            try:
                with transaction.set_context(language='vi'):
                    result = actions[action](**json.loads(params))
            except TransactionError as exception:
                transaction.rollback()
                exception.fix(extras)
                continue
            transaction.commit()
            break
    print(json.dumps(result))


if __name__ == '__main__':
    main(*sys.argv[1:3])
