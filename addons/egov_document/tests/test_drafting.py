# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The drafting circuit of an outgoing document: versions of the draft,
requests for opinions, the office's check of form, then the signer and the
issue; who sees what, and what is refused."""
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.egov_base.tests.tools import as_user
from trytond.modules.egov_document.assignment import today
from trytond.modules.egov_document.exceptions import (
    DocumentAccessError, DocumentStateError, DocumentValidationError,
    DocumentWarning)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from . import test_document
from .test_document import pdf_bytes
from .tools import DemoTestCase

DRAFTER = 'chuyenvien.dongxoai'
CLERK = 'vanthu.dongxoai'
LEADER = 'lanhdao.dongxoai'
# The chairman of the province, in another agency
OUTSIDER = 'lanhdao.ubndtinh'
OTHER_CLERK = 'vanthu.tanphu'
PASSWORD = 'Demo#Egov2026'


def user(login):
    User = Pool().get('res.user')
    user, = User.search([('login', '=', login)])
    return user


def notifications(login):
    Notification = Pool().get('res.notification')
    Transaction()._store_user_notifications()
    with Transaction().set_context(_check_access=False):
        return Notification.search([('user', '=', user(login).id)])


class DraftingTestCase(DemoTestCase):
    "Drafting an outgoing document up to its issue"

    add_users = staticmethod(test_document.DocumentTestCase._add_clerk)

    def draft(self, **values):
        "A decision of the city drafted by its specialist, with its PDF"
        pool = Pool()
        Document = pool.get('egov.document')
        File = pool.get('egov.document.file')
        Type = pool.get('egov.document.type')
        type_, = Type.search([('code', '=', 'QĐ')])
        drafter = user(DRAFTER)
        document = Document(direction='outgoing', company=drafter.company,
            type=type_, abstract=values.pop('abstract',
                "Về việc ban hành quy chế làm việc"),
            signer_authority='TM.', signer_position="Chủ tịch",
            signer_name=user(LEADER).name, approver=user(LEADER), **values)
        document.save()
        File.create([{'document': document.id, 'kind': 'main',
                    'name': 'du-thao.pdf',
                    'data': pdf_bytes("Dự thảo 1 [CHU_KY_LANH_DAO]")}])
        return Document(document.id)

    @with_transaction()
    def test_scenario(self):
        "Draft, version 2, opinions, form check sent back and passed, issue"
        pool = Pool()
        Document = pool.get('egov.document')
        Opinion = pool.get('egov.document.opinion')
        Version = pool.get('egov.document.version')
        File = pool.get('egov.document.file')
        Identity = pool.get('egov.signature.identity')
        from trytond.modules.egov_signature import demo as signature_demo
        signature_demo.load_demo()
        date = today()

        with as_user(DRAFTER) as drafter:
            document = self.draft()
            self.assertEqual(document.drafter, drafter)
            # The first file is version 1
            self.assertEqual([v.number for v in document.versions], [1])
            first = document.versions[0]
            # Replacing the draft's file keeps the previous one
            version = document.add_version(
                pdf_bytes("Dự thảo 2 [CHU_KY_LANH_DAO]"), 'du-thao-2.pdf',
                "Sửa Điều 3 theo ý kiến phòng Nội vụ")
            document = Document(document.id)
            self.assertEqual(version.number, 2)
            self.assertEqual(document.version, version)
            self.assertEqual([v.number for v in document.versions], [1, 2])
            self.assertEqual(version.note,
                "Sửa Điều 3 theo ý kiến phòng Nội vụ")
            self.assertEqual(version.author, drafter)
            self.assertIn(b'%PDF', bytes(Version(first.id).data)[:8])
            self.assertNotEqual(Version(first.id).checksum, version.checksum)
            # The same file again is no new version
            main, = [f for f in document.files if f.kind == 'main']
            File.write([main], {'data': bytes(main.data)})
            self.assertEqual(len(Document(document.id).versions), 2)
            # Versions are kept as they were
            with self.assertRaises(DocumentAccessError):
                Version.write([version], {'note': "khác"})
            with self.assertRaises(DocumentAccessError):
                Version.delete([version])

            # Bad input: a past deadline, nobody asked
            with self.assertRaises(DocumentValidationError):
                Document.request_opinions([document], users=[user(CLERK)],
                    deadline=date - dt.timedelta(days=1))
            with self.assertRaises(DocumentValidationError):
                Document.request_opinions([document],
                    deadline=date + dt.timedelta(days=2))
            # The clerk of the city, and the province's People's Committee
            # (its leader answers)
            requests = Document.request_opinions([document],
                users=[user(CLERK)], agencies=[user(OUTSIDER).company],
                deadline=date + dt.timedelta(days=2),
                question="Đề nghị góp ý dự thảo quy chế")
            self.assertEqual({r.user.login for r in requests},
                {CLERK, OUTSIDER})
            self.assertTrue(all(r.version == version for r in requests))
            asked = {r.user.login: r.id for r in requests}
            # Nobody creates a request by hand
            with self.assertRaises(DocumentAccessError):
                Opinion.create([{'document': document.id,
                            'user': user(CLERK).id, 'deadline': date}])
        self.assertEqual(len(notifications(OUTSIDER)), 1)

        # The chairman of the province sees the draft he is asked about,
        # nothing else of the city
        with as_user(DRAFTER):
            other = Document.create([{'direction': 'outgoing',
                        'company': user(DRAFTER).company.id,
                        'type': document.type.id,
                        'abstract': "Một văn bản khác"}])[0]
        with as_user(OUTSIDER):
            self.assertIn(document, Document.search([]))
            self.assertNotIn(other, Document.search([]))
            with self.assertRaises(AccessError):
                Document.read([other.id], ['abstract'])
            seen = Document(document.id)
            self.assertEqual(seen.abstract, document.abstract)
            self.assertEqual(len(seen.versions), 2)
            self.assertTrue(bytes(seen.files[0].data))
            # his own request only
            self.assertEqual(Opinion.search([]), [Opinion(asked[OUTSIDER])])
            # he answers, with his comments and a file
            request = Opinion(asked[OUTSIDER])
            Opinion.give_answer([request], opinion='agree_comments',
                answer="Bổ sung trách nhiệm của Văn phòng tại Điều 5",
                file=pdf_bytes("Góp ý"), file_name='gop-y.pdf')
            request = Opinion(request.id)
            self.assertEqual(request.state, 'answered')
            self.assertFalse(request.late)
            # once
            with self.assertRaises(DocumentStateError):
                Opinion.give_answer([request], opinion='disagree',
                    answer="Không")
            with self.assertRaises(DocumentStateError):
                Opinion.write([request], {'answer': "Sửa lại"})
            with self.assertRaises(DocumentStateError):
                Opinion.answer_button([request])
            # nor the other's request
            with self.assertRaises(AccessError):
                Opinion.give_answer([Opinion(asked[CLERK])], opinion='agree')
        # Somebody not asked sees nothing; the clerk of another agency
        # neither
        for login in [OTHER_CLERK, 'motcua.tanphu']:
            with as_user(login):
                self.assertEqual(Document.search([]), [], msg=login)
                with self.assertRaises(AccessError):
                    Document.read([document.id], ['abstract'])

        # The clerk lets the deadline pass: the drafter and he are told
        Opinion.write([Opinion(asked[CLERK])],
            {'deadline': date - dt.timedelta(days=1)})
        before = len(notifications(DRAFTER)), len(notifications(CLERK))
        late = Opinion.check_overdue()
        self.assertEqual(late, [Opinion(asked[CLERK])])
        self.assertEqual(Opinion.check_overdue(), [])
        self.assertEqual(
            (len(notifications(DRAFTER)), len(notifications(CLERK))),
            (before[0] + 1, before[1] + 1))
        with as_user(CLERK):
            self.assertEqual(
                Opinion.search([('overdue', '=', True)]),
                [Opinion(asked[CLERK])])
            with self.assertRaises(DocumentValidationError):
                Opinion.give_answer([Opinion(asked[CLERK])],
                    opinion='disagree')
            # Answered late: accepted, flagged
            request = Opinion(asked[CLERK])
            request.opinion = 'agree'
            request.save()
            Opinion.answer_button([request])
            request = Opinion(request.id)
            self.assertEqual(request.state, 'answered')
            self.assertTrue(request.late)

        # The drafter sees who answered what, and sends it on: to the
        # office first
        with as_user(DRAFTER):
            document = Document(document.id)
            self.assertEqual(
                sorted((r.user.login, r.opinion, r.late)
                    for r in document.opinion_requests),
                [(OUTSIDER, 'agree_comments', False), (CLERK, 'agree', True)])
            Document.submit_approval([document])
            self.assertEqual(Document(document.id).state, 'form_check')
            # The drafter does not check the form
            with self.assertRaises(AccessButtonError):
                Document.pass_form_check([document])
            # nor changes the draft on its way
            with self.assertRaises(DocumentStateError):
                Document(document.id).add_version(
                    pdf_bytes("Dự thảo 3"), 'du-thao-3.pdf')
        with as_user(OTHER_CLERK):
            with self.assertRaises(AccessError):
                Document.pass_form_check([Document(document.id)])
        with as_user(CLERK) as clerk:
            document = Document(document.id)
            # The faults are written before sending it back
            with self.assertRaises(DocumentValidationError):
                Document.return_form_check([document])
            document.form_faults = "Thiếu nơi nhận; trích yếu chưa in đậm"
            document.save()
            Document.return_form_check([document])
            document = Document(document.id)
            self.assertEqual(document.state, 'draft')
            check, = document.form_checks
            self.assertEqual((check.result, check.checker, check.faults),
                ('returned', clerk, "Thiếu nơi nhận; trích yếu chưa in đậm"))
        self.assertTrue(any(n.model == 'egov.document.form_check'
                for n in notifications(DRAFTER)))

        with as_user(DRAFTER):
            document = Document(document.id)
            document.recipients = "- Như trên;\n- Lưu: VT, NV."
            document.save()
            version = document.add_version(
                pdf_bytes("Dự thảo 3 [CHU_KY_LANH_DAO]"), 'du-thao-3.pdf',
                "Sửa thể thức")
            self.assertEqual(version.number, 3)
            Document.submit_approval([Document(document.id)])
        with as_user(CLERK) as clerk:
            Document.pass_form_check([Document(document.id)])
            document = Document(document.id)
            self.assertEqual(document.state, 'pending')
            self.assertEqual(document.form_checked_by, clerk)
            self.assertTrue(document.form_checked_date)
            self.assertIsNone(document.form_faults)
            self.assertEqual([c.result for c in document.form_checks],
                ['returned', 'passed'])

        identity, = Identity.search([('user', '=', user(LEADER).id)])
        with as_user(LEADER):
            Document(document.id).sign_with(identity, PASSWORD)
            document = Document(document.id)
            self.assertEqual(document.state, 'approved')
            self.assertTrue(document.signed)
            # The signed PDF is no version of the draft
            self.assertEqual(len(document.versions), 3)
        with as_user(DRAFTER):
            # A signed document gets no new version
            with self.assertRaises(DocumentStateError):
                Document(document.id).add_version(
                    pdf_bytes("Dự thảo 4"), 'du-thao-4.pdf')
            main, = [f for f in Document(document.id).files
                if f.kind == 'main']
            with self.assertRaises(DocumentStateError):
                File.write([main], {'data': pdf_bytes("Khác")})
        with as_user(CLERK):
            seal, = Identity.search([('kind', '=', 'agency')])
            Document.issue_with([Document(document.id)], seal, PASSWORD)
            document = Document(document.id)
            self.assertEqual(document.state, 'issued')
            self.assertTrue(document.code.endswith('/QĐ-UBND'))
        # Every version and every opinion is still there
        self.assertEqual(len(Document(document.id).versions), 3)
        self.assertEqual(len(Document(document.id).opinion_requests), 2)

    @with_transaction()
    def test_classified_readers_only(self):
        "A classified draft is asked of its readers only"
        Document = Pool().get('egov.document')
        with as_user(DRAFTER):
            document = self.draft(classification='confidential')
            with self.assertRaises(DocumentAccessError):
                Document.request_opinions([document], users=[user(CLERK)],
                    deadline=today())
            document.readers = list(document.readers) + [user(CLERK)]
            document.save()
            request, = Document.request_opinions([document],
                users=[user(CLERK)], deadline=today())
            self.assertEqual(request.user, user(CLERK))
            # An agency's leaders are not its readers
            with self.assertRaises(DocumentAccessError):
                Document.request_opinions([document],
                    agencies=[user(OUTSIDER).company],
                    deadline=today())

    @with_transaction()
    def test_opinions_awaited_warning(self):
        "Sending a draft on while opinions are awaited asks to confirm"
        Document = Pool().get('egov.document')
        with as_user(DRAFTER):
            document = self.draft()
            Document.request_opinions([document], users=[user(CLERK)],
                deadline=today() + dt.timedelta(days=3))
            with self.assertRaises(DocumentWarning):
                Document.submit_approval([document])
            with Transaction().set_context(_skip_warnings=True):
                Document.submit_approval([document])
            self.assertEqual(Document(document.id).state, 'form_check')
            # Versions and opinions are kept: the draft is not deleted
            with self.assertRaises(DocumentAccessError):
                Document.delete([document])

    @with_transaction()
    def test_agency_without_form_check(self):
        "An agency may send its drafts to the signer directly"
        pool = Pool()
        Document = pool.get('egov.document')
        Company = pool.get('company.company')
        Company.write([user(DRAFTER).company],
            {'document_form_check': False})
        with as_user(DRAFTER):
            document = self.draft()
            Document.submit_approval([document])
            self.assertEqual(Document(document.id).state, 'pending')
        with as_user(LEADER):
            Document.approve([Document(document.id)])
            self.assertEqual(Document(document.id).state, 'approved')

    @with_transaction()
    def test_demo(self):
        "The demo shows a draft asked for opinions, one at the office"
        from trytond.modules.egov_document import demo
        pool = Pool()
        Document = pool.get('egov.document')
        Opinion = pool.get('egov.document.opinion')
        demo.load_demo()
        self.assertTrue(Document.search([('state', '=', 'form_check')]))
        self.assertTrue(Opinion.search([]))
        self.assertTrue(all(d.form_checked_by for d in Document.search([
                        ('direction', '=', 'outgoing'),
                        ('state', '=', 'issued')])))

    @with_transaction()
    def test_wizards(self):
        "New Version and Ask for Opinions as the drafter runs them"
        pool = Pool()
        Document = pool.get('egov.document')
        NewVersion = pool.get('egov.document.version.new', type='wizard')
        AskOpinions = pool.get('egov.document.opinion.ask', type='wizard')
        with as_user(DRAFTER):
            document = self.draft()
            context = {'active_model': 'egov.document',
                'active_id': document.id, 'active_ids': [document.id]}
            with Transaction().set_context(context):
                session_id, _, _ = NewVersion.create()
                wizard = NewVersion(session_id)
                wizard.start.document = document
                wizard.start.data = pdf_bytes("Dự thảo 2")
                wizard.start.name = 'du-thao-2.pdf'
                wizard.start.note = "Sửa lỗi chính tả"
                wizard.transition_add()
                NewVersion.delete(session_id)
                document = Document(document.id)
                self.assertEqual(document.version.number, 2)
                self.assertEqual(document.version.note, "Sửa lỗi chính tả")

                session_id, _, _ = AskOpinions.create()
                wizard = AskOpinions(session_id)
                defaults = wizard.default_start(None)
                self.assertEqual(defaults['version'], document.version.id)
                wizard.start.users = [user(CLERK)]
                wizard.start.agencies = []
                wizard.start.deadline = today()
                wizard.start.question = "Góp ý"
                wizard.transition_ask()
                AskOpinions.delete(session_id)
            request, = Document(document.id).opinion_requests
            self.assertEqual((request.user, request.version, request.state),
                (user(CLERK), document.version, 'open'))
