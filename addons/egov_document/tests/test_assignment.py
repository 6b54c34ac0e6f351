# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Routing and processing of the incoming documents: the clerk passes
them on, the leader assigns them, the assignees comment and answer, the
overdue work is flagged and notified."""
import datetime as dt
import json

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.egov_base.calendar import to_local, to_utc
from trytond.modules.egov_base.tests.tools import as_user
from trytond.modules.egov_document.assignment import today
from trytond.modules.egov_document.exceptions import (
    DocumentAccessError, DocumentStateError, DocumentValidationError)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import DemoTestCase

CLERK = 'vanthu.ubndtinh'
LEADER = 'lanhdao.vpubnd'
SPECIALIST = 'chuyenvien1.vpubnd'
OTHER = 'chuyenvien2.vpubnd'
# Users of the office of the provincial People's Committee, beside its clerk
OFFICE_USERS = [
    (LEADER, "Trần Văn Phó", 'role_leader'),
    (SPECIALIST, "Nguyễn Thị Lan", 'role_specialist'),
    (OTHER, "Lê Minh Tuấn", 'role_specialist'),
    ]


class AssignmentTestCase(DemoTestCase):
    "The processing of the incoming documents of the demo agencies"

    @staticmethod
    def _add_office_users():
        "A leader and two specialists of the office, with the demo's clerk"
        pool = Pool()
        User = pool.get('res.user')
        UserRole = pool.get('res.user.role')
        Company = pool.get('company.company')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        ModelData = pool.get('ir.model.data')
        office, = Company.search([('agency_code', '=', '000.00.01.H10')])
        for login, name, role in OFFICE_USERS:
            party = Party(name=name)
            party.save()
            employee = Employee(party=party, company=office)
            employee.save()
            User(login=login, name=name, companies=[office],
                company=office, employees=[employee], employee=employee,
                roles=[UserRole(role=ModelData.get_id(
                                'egov_base', role))]).save()

    add_users = _add_office_users

    @staticmethod
    def user(login):
        user, = Pool().get('res.user').search([('login', '=', login)])
        return user

    @staticmethod
    def type_(code):
        type_, = Pool().get('egov.document.type').search(
            [('code', '=', code)])
        return type_

    def registered(self, number=5, **values):
        "An incoming document registered by the clerk"
        Document = Pool().get('egov.document')
        with as_user(CLERK) as clerk:
            document = Document(direction='incoming', company=clerk.company,
                type=self.type_('QĐ'), number=number, notation='QĐ-BNV',
                issuer="Bộ Nội vụ", date=dt.date(2026, 11, 20),
                abstract=values.pop('abstract', "Về công tác cán bộ"),
                **values)
            document.save()
            Document.register_arrival([document])
        return Document(document.id)

    def assign(self, document, lead=None, cooperate=(), inform=(),
            deadline=None, instruction="Đề nghị xử lý"):
        "The leader assigns the document with the wizard"
        pool = Pool()
        Assign = pool.get('egov.document.assign', type='wizard')
        if deadline is None:
            deadline = today() + dt.timedelta(days=7)
        users = {login: self.user(login).id
            for login in [lead, *cooperate, *inform] if login}
        with as_user(LEADER), Transaction().set_context(
                active_model='egov.document', active_id=document.id,
                active_ids=[document.id]):
            session_id, _, _ = Assign.create()
            Assign.execute(session_id, {}, 'start')
            Assign.execute(session_id, {'start': {
                        'instruction': instruction,
                        'deadline': deadline,
                        'lead': users.get(lead),
                        'cooperate': [users[u] for u in cooperate],
                        'inform': [users[u] for u in inform],
                        }}, 'assign')
            Assign.delete(session_id)

    @staticmethod
    def assignment(document, login, role=None):
        Assignment = Pool().get('egov.document.assignment')
        domain = [
            ('document', '=', document.id),
            ('user.login', '=', login),
            ('state', '!=', 'withdrawn'),
            ]
        if role:
            domain.append(('role', '=', role))
        assignment, = Assignment.search(domain)
        return assignment

    def notifications(self, model, record):
        "The users notified of the record since the last call"
        Notification = Pool().get('res.notification')
        Transaction()._store_user_notifications()
        notifications = Notification.search([
                ('model', '=', model),
                ('records', '=', json.dumps([record.id])),
                ])
        result = {(n.user.login, n.icon) for n in notifications}
        if notifications:
            Notification.delete(notifications)
        return result

    @with_transaction()
    def test_only_leader_assigns(self):
        "Only a leader assigns; the others are refused by the button rule"
        pool = Pool()
        Document = pool.get('egov.document')
        Assign = pool.get('egov.document.assign', type='wizard')
        document = self.registered()
        for login in [CLERK, SPECIALIST]:
            with self.subTest(login=login), as_user(login):
                with self.assertRaises(AccessButtonError):
                    Document.assign([Document(document.id)])
                with Transaction().set_context(
                        active_model='egov.document',
                        active_id=document.id, active_ids=[document.id]), \
                        self.assertRaises(AccessError):
                    Assign.create()
                with self.assertRaises(DocumentAccessError):
                    Document.distribute([Document(document.id)],
                        lead=self.user(SPECIALIST),
                        deadline=today() + dt.timedelta(days=3))
        with as_user(LEADER):
            action = Document.assign([Document(document.id)])
            self.assertTrue(action)

        self.assign(document, lead=SPECIALIST, cooperate=[OTHER],
            inform=[CLERK], instruction="Giao Lan chủ trì, Tuấn phối hợp")
        document = Document(document.id)
        self.assertEqual(
            sorted((a.user.login, a.role, a.state)
                for a in document.assignments),
            sorted([(SPECIALIST, 'lead', 'open'),
                    (OTHER, 'cooperate', 'open'),
                    (CLERK, 'inform', 'open')]))
        self.assertEqual(
            document.instruction, "Giao Lan chủ trì, Tuấn phối hợp")
        self.assertEqual(document.instructed_by, self.user(LEADER))
        self.assertEqual(document.deadline, today() + dt.timedelta(days=7))
        self.assertEqual(document.processing_state, 'in_progress')
        self.assertEqual(document.handler, self.user(SPECIALIST).rec_name)
        self.assertTrue(document.passed_on)
        lead = self.assignment(document, SPECIALIST)
        self.assertEqual(lead.deadline, document.deadline)
        self.assertIsNone(self.assignment(document, CLERK).deadline)
        # The assignees are told
        self.assertEqual(
            self.notifications('egov.document.assignment', lead),
            {(SPECIALIST, 'tryton-forward')})

        # Nobody makes an assignment by hand
        Assignment = pool.get('egov.document.assignment')
        with as_user(LEADER), self.assertRaises(DocumentAccessError):
            Assignment.create([{'document': document.id, 'role': 'lead',
                        'user': self.user(OTHER).id}])

    @with_transaction()
    def test_one_lead(self):
        "A document has one lead at a time; a new lead withdraws the former"
        pool = Pool()
        Document = pool.get('egov.document')
        Assignment = pool.get('egov.document.assignment')
        document = self.registered()
        self.assign(document, lead=SPECIALIST, cooperate=[OTHER])
        with self.assertRaises(DocumentValidationError):
            Assignment.create([{'document': document.id, 'role': 'lead',
                        'user': self.user(OTHER).id}])
        # The leader names the other specialist to lead instead
        self.assign(document, lead=OTHER, cooperate=[SPECIALIST])
        document = Document(document.id)
        self.assertEqual(
            sorted((a.user.login, a.role, a.state)
                for a in document.assignments),
            sorted([(SPECIALIST, 'lead', 'withdrawn'),
                    (OTHER, 'cooperate', 'withdrawn'),
                    (OTHER, 'lead', 'open'),
                    (SPECIALIST, 'cooperate', 'open')]))
        # Withdrawn, never deleted
        with self.assertRaises(DocumentAccessError):
            Assignment.delete(list(document.assignments))

    @with_transaction()
    def test_my_documents(self):
        "The assignee finds the document in the list of the documents to do"
        pool = Pool()
        Document = pool.get('egov.document')
        Assignment = pool.get('egov.document.assignment')
        Action = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        action = Action(ModelData.get_id(
                'egov_document', 'act_assignment_mine'))
        later = self.registered(7, abstract="Về kế hoạch năm")
        sooner = self.registered(8, abstract="Về báo cáo tháng")
        self.assign(later, lead=SPECIALIST,
            deadline=today() + dt.timedelta(days=10))
        self.assign(sooner, cooperate=[SPECIALIST], lead=OTHER,
            deadline=today() + dt.timedelta(days=2))
        with as_user(SPECIALIST) as specialist:
            domain = PYSONDecoder({'_user': specialist.id}).decode(
                action.pyson_domain)
            mine = Assignment.search(domain)
            # By deadline
            self.assertEqual([a.document for a in mine], [sooner, later])
            self.assertEqual([a.role for a in mine], ['cooperate', 'lead'])
            self.assertEqual(mine[1].abstract, "Về kế hoạch năm")
            # The document itself is read
            self.assertEqual(
                Document(later.id).processing_state, 'in_progress')
            # Nobody but the assignee answers
        with as_user(OTHER):
            with self.assertRaises(DocumentAccessError):
                Assignment.write([Assignment(mine[1].id)],
                    {'answer': "Không phải việc của tôi"})
            # Nor changes the distribution
            own = self.assignment(sooner, OTHER)
            with self.assertRaises(DocumentAccessError):
                Assignment.write([own], {'deadline': today()})
        with as_user(OTHER):
            domain = PYSONDecoder({'_user': self.user(OTHER).id}).decode(
                action.pyson_domain)
            self.assertEqual(
                [a.document for a in Assignment.search(domain)], [sooner])
        # Another agency sees none of it
        with as_user('chuyenvien.dongxoai'):
            self.assertEqual(Assignment.search([]), [])

    @with_transaction()
    def test_answer_with_reply(self):
        "The lead answers with the reply document, which answers the document"
        pool = Pool()
        Document = pool.get('egov.document')
        Assignment = pool.get('egov.document.assignment')
        document = self.registered()
        self.assign(document, lead=SPECIALIST, cooperate=[OTHER])
        with as_user(CLERK) as clerk:
            # Being drafted, numbered when issued
            reply = Document(direction='outgoing', company=clerk.company,
                type=self.type_('TB'), abstract="Trả lời Bộ Nội vụ",
                signer_name="Trần Văn Phó")
            reply.save()
        with as_user(SPECIALIST):
            lead = self.assignment(document, SPECIALIST)
            # Not without an answer
            with self.assertRaises(DocumentValidationError):
                Assignment.done([lead])
            # Nor somebody else's
            other = self.assignment(document, OTHER)
            with self.assertRaises(DocumentAccessError):
                Assignment.done([other])
            Assignment.write([lead], {
                    'answer': "Đã báo cáo Bộ Nội vụ",
                    'reply': reply.id,
                    })
            Assignment.done([lead])
        lead = Assignment(lead.id)
        self.assertEqual(lead.state, 'done')
        self.assertEqual(lead.done_date, today())
        self.assertFalse(lead.late)
        document = Document(document.id)
        self.assertEqual(document.reply, reply)
        # The lead's answer closes the processing
        self.assertEqual(document.processing_state, 'done')
        # A copy starts afresh
        copy, = Document.copy([document])
        self.assertEqual(
            (copy.assignments, copy.reply, copy.instruction, copy.deadline),
            ((), None, None, None))
        # The answer is kept as given
        with as_user(SPECIALIST), self.assertRaises(DocumentAccessError):
            Assignment.write([lead], {'answer': "Sửa lại"})
        # The informed ones only read: no answer needed
        self.assign(document, lead=SPECIALIST, cooperate=[OTHER],
            inform=[CLERK])
        with as_user(CLERK):
            Assignment.done([self.assignment(document, CLERK)])

    @with_transaction()
    def test_comments_kept(self):
        "Every opinion is kept: comments are neither changed nor deleted"
        pool = Pool()
        Assignment = pool.get('egov.document.assignment')
        Comment = pool.get('egov.document.assignment.comment')
        document = self.registered()
        self.assign(document, lead=SPECIALIST)
        lead = self.assignment(document, SPECIALIST)
        with as_user(SPECIALIST) as specialist:
            Assignment.write([lead], {'comments': [('create', [{
                                'text': "Cần thêm số liệu của Sở Nội vụ",
                                'author': self.user(LEADER).id,
                                }])]})
        with as_user(LEADER) as leader:
            comment, = Comment.create([{'assignment': lead.id,
                        'text': "Đồng ý, liên hệ Sở Nội vụ"}])
        # Neither the clerk, who is not assigned
        with as_user(CLERK), self.assertRaises(DocumentAccessError):
            Comment.create([{'assignment': lead.id, 'text': "Ý kiến"}])
        lead = Assignment(lead.id)
        self.assertEqual(
            [(c.author, c.text) for c in lead.comments],
            [(specialist, "Cần thêm số liệu của Sở Nội vụ"),
                (leader, "Đồng ý, liên hệ Sở Nội vụ")])
        self.assertTrue(all(c.date for c in lead.comments))
        with as_user(LEADER):
            with self.assertRaises(DocumentAccessError):
                Comment.write([comment], {'text': "Sửa"})
            with self.assertRaises(AccessError):
                Comment.delete([comment])
        # Not even without access check
        with self.assertRaises(DocumentAccessError):
            Comment.delete([comment])

    @with_transaction()
    def test_overdue(self):
        "The daily task flags the overdue work and notifies, once"
        pool = Pool()
        Document = pool.get('egov.document')
        Assignment = pool.get('egov.document.assignment')
        document = self.registered()
        self.assign(document, lead=SPECIALIST, cooperate=[OTHER],
            inform=[CLERK], deadline=today() + dt.timedelta(days=1))
        lead = self.assignment(document, SPECIALIST)
        other = self.assignment(document, OTHER)
        self.notifications('egov.document.assignment', lead)
        self.notifications('egov.document.assignment', other)

        # Nothing due yet
        self.assertEqual(Assignment.check_overdue(), [])
        self.assertFalse(Assignment(lead.id).overdue)
        # Three days later
        later = dt.datetime.combine(
            today() + dt.timedelta(days=3), dt.time(9))
        flagged = Assignment.check_overdue(to_utc(later))
        self.assertEqual(sorted(flagged), sorted([lead, other]))
        self.assertTrue(Assignment(lead.id).late)
        self.assertFalse(self.assignment(document, CLERK).late)
        self.assertEqual(
            self.notifications('egov.document.assignment', lead),
            {(SPECIALIST, 'tryton-error'), (LEADER, 'tryton-error')})
        self.assertEqual(
            self.notifications('egov.document.assignment', other),
            {(OTHER, 'tryton-error'), (LEADER, 'tryton-error')})
        # Once
        self.assertEqual(Assignment.check_overdue(to_utc(later)), [])
        self.assertEqual(
            self.notifications('egov.document.assignment', lead), set())

        # Overdue from the day after the deadline, shown in red
        Assignment.write([lead, other],
            {'deadline': today() - dt.timedelta(days=1)})
        self.assertTrue(Assignment(lead.id).overdue)
        self.assertEqual(
            sorted(Assignment.search([('overdue', '=', True)])),
            sorted([lead, other]))
        self.assertNotIn(lead, Assignment.search([('overdue', '=', False)]))
        self.assertEqual(
            Document(document.id).processing_state, 'overdue')
        with as_user(SPECIALIST):
            view = Assignment.fields_view_get(view_type='tree')
            self.assertIn('visual', view['arch'])

    @with_transaction()
    def test_classified_readers(self):
        "The assignee of a classified document becomes one of its readers"
        pool = Pool()
        Document = pool.get('egov.document')
        leader = self.user(LEADER)
        with as_user(CLERK) as clerk:
            document = Document(direction='incoming', company=clerk.company,
                type=self.type_('QĐ'), number=3, notation='QĐ-BCA',
                issuer="Bộ Công an", date=dt.date(2026, 11, 20),
                abstract="Về công tác bảo vệ bí mật nhà nước",
                classification='confidential', readers=[leader, clerk])
            document.save()
            Document.register_arrival([document])
        with as_user(SPECIALIST):
            self.assertEqual(Document.search([('id', '=', document.id)]), [])
        self.assign(document, lead=SPECIALIST)
        document = Document(document.id)
        self.assertIn(self.user(SPECIALIST), document.readers)
        self.assertNotIn(self.user(OTHER), document.readers)
        with as_user(SPECIALIST):
            self.assertEqual(
                Document.search([('id', '=', document.id)]), [document])
            self.assertTrue(self.assignment(document, SPECIALIST))
        with as_user(OTHER):
            Assignment = pool.get('egov.document.assignment')
            self.assertEqual(Assignment.search([]), [])

    @with_transaction()
    def test_draft_refused(self):
        "Only a registered incoming document is assigned"
        pool = Pool()
        Document = pool.get('egov.document')
        with as_user(CLERK) as clerk:
            draft = Document(direction='incoming', company=clerk.company,
                type=self.type_('QĐ'), number=9, notation='QĐ-BNV',
                issuer="Bộ Nội vụ", date=dt.date(2026, 11, 20),
                abstract="Chưa vào sổ")
            draft.save()
        with as_user(LEADER):
            with self.assertRaises(AccessButtonError):
                Document.assign([Document(draft.id)])
            with self.assertRaises(DocumentStateError):
                Document.distribute([Document(draft.id)],
                    lead=self.user(SPECIALIST),
                    deadline=today() + dt.timedelta(days=3))
        document = self.registered()
        with as_user(LEADER):
            # Somebody to act by a deadline in the future, of the agency
            for kwargs in [
                    {},
                    {'lead': self.user(SPECIALIST)},
                    {'lead': self.user(SPECIALIST),
                        'deadline': today() - dt.timedelta(days=1)},
                    {'lead': self.user('chuyenvien.dongxoai'),
                        'deadline': today()},
                    ]:
                with self.subTest(**{k: str(v) for k, v in kwargs.items()}), \
                        self.assertRaises(DocumentValidationError):
                    Document.distribute([Document(document.id)], **kwargs)
        self.assertEqual(Document(document.id).processing_state,
            'unassigned')

    @with_transaction()
    def test_pass_on(self):
        "The clerk passes the document on the next working day at the latest"
        pool = Pool()
        Document = pool.get('egov.document')
        document = self.registered()
        with as_user(LEADER), self.assertRaises(AccessButtonError):
            Document.pass_on([Document(document.id)])
        with as_user(CLERK):
            with self.assertRaises(DocumentValidationError):
                Document.pass_on([Document(document.id)])
            Document.write([document], {'handler': "Phòng Nội chính"})
            Document.pass_on([Document(document.id)])
            document = Document(document.id)
            self.assertTrue(document.passed_on)
            self.assertFalse(document.pass_on_late)
            with self.assertRaises(AccessButtonError):
                Document.pass_on([document])

        # Arrived on Friday 20 November 2026 at 10:00: by Monday's end of
        # work, an urgent one by Friday's
        arrival = to_utc(dt.datetime(2026, 11, 20, 10, 0))
        late = self.registered(11)
        urgent = self.registered(12, urgency='urgent')
        Document.write([late, urgent], {'arrival_date': arrival})
        self.assertEqual(to_local(Document(late.id).pass_on_due).date(),
            dt.date(2026, 11, 23))
        self.assertEqual(to_local(Document(urgent.id).pass_on_due).date(),
            dt.date(2026, 11, 20))
        Assignment = pool.get('egov.document.assignment')
        Assignment.check_overdue(to_utc(dt.datetime(2026, 11, 23, 12, 0)))
        self.assertTrue(Document(urgent.id).pass_on_alert)
        self.assertFalse(Document(late.id).pass_on_alert)
        self.assertEqual(
            self.notifications('egov.document', urgent),
            {(CLERK, 'tryton-date')})
        self.assertTrue(Document(late.id).pass_on_late)
