# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Routing and processing of the incoming documents (Decree 30/2020,
art. 22 and 24).

The clerk registers an incoming document and passes it on the same day or
the next working day, an urgent one at once (read here as: before the end
of the working day of its arrival).  The leader writes the instructions
(bút phê) and names who leads (xử lý chính, one at a time), who cooperates
(phối hợp) and who is informed (để biết), with a deadline; the assignees
see the document, comment, answer and link the reply document.  A daily
task flags the overdue work and notifies the assignee and the leaders of
the agency, and the clerks of the documents not passed on in time.

Every opinion is kept: an assignment is withdrawn, never deleted, and a
comment is never changed.  Assignments are read with the access rules of
their document (agency, classified documents to their readers): assigning
a classified document adds the assignees to its readers."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.egov_base.audit import AuditMixin
from trytond.modules.egov_base.calendar import to_local, to_utc
from trytond.modules.egov_base.exceptions import CalendarError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .document import URGENCIES, now
from .exceptions import (
    DocumentAccessError, DocumentStateError, DocumentValidationError)

ROLES = [
    ('lead', "Lead"),
    ('cooperate', "Cooperating"),
    ('inform', "For Information"),
    ]
# The informed ones read the document; the others act on it by a deadline
ACTING_ROLES = ['lead', 'cooperate']
ASSIGNMENT_STATES = [
    ('open', "Open"),
    ('done', "Done"),
    ('withdrawn', "Withdrawn"),
    ]
PROCESSING_STATES = [
    (None, ""),
    ('unassigned', "Unassigned"),
    ('in_progress', "In Progress"),
    ('overdue', "Overdue"),
    ('done', "Done"),
    ]


def today():
    "The local date of the agencies"
    return to_local(now()).date()


def format_date(value):
    return value.strftime('%d/%m/%Y') if value else ''


def is_leader():
    "Whether the user acts as a leader (always when access is not checked)"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    transaction = Transaction()
    if not transaction.user or not transaction.check_access:
        return True
    return ModelData.get_id('egov_base', 'group_egov_leader') in (
        User.get_groups())


def leaders_of(company):
    "The leaders of the agency"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    with without_check_access():
        return User.search([
                ('companies', '=', company.id),
                ('groups', '=', ModelData.get_id(
                        'egov_base', 'group_egov_leader')),
                ])


def notify(Model, records, users, icon, label_message, description_message,
        **values):
    """Notify each user in their language with the messages formatted with
    values (callables are called with the record in that language)"""
    for user in users:
        with Transaction().set_context(
                language=user.language.code if user.language else None):
            for record in records:
                record = Model(record.id)
                kwargs = {k: v(record) if callable(v) else v
                    for k, v in values.items()}
                Model.notify_user([record], icon,
                    gettext(label_message, **kwargs),
                    gettext(description_message, **kwargs), user=user.id)


class Document(metaclass=PoolMeta):
    __name__ = 'egov.document'

    _incoming = {'invisible': Eval('direction') != 'incoming'}

    instruction = fields.Text("Instructions", readonly=True, states=_incoming,
        help="Bút phê: the leader's instructions for processing the "
        "document.")
    instructed_by = fields.Many2One('res.user', "Instructed By",
        readonly=True, ondelete='RESTRICT', states=_incoming)
    instruction_date = fields.DateTime("Instructed On", readonly=True,
        states=_incoming)
    deadline = fields.Date("Deadline", readonly=True, states=_incoming,
        help="The date by which the document is to be processed.")
    assignments = fields.One2Many('egov.document.assignment', 'document',
        "Assignments", readonly=True, states=_incoming)
    reply = fields.Many2One('egov.document', "Reply", readonly=True,
        ondelete='SET NULL', states=_incoming,
        domain=[('direction', '=', 'outgoing')],
        help="The outgoing document that answers it.")
    processing_state = fields.Function(fields.Selection(
            PROCESSING_STATES, "Processing", sort=False),
        'get_processing_state')
    pass_on_due = fields.Function(fields.DateTime("Pass On By",
            states=_incoming,
            help="Registered and passed on the same day or the next working "
            "day, an urgent document on the day it arrives."),
        'get_pass_on')
    pass_on_late = fields.Function(fields.Boolean("Passed On Late",
            states=_incoming), 'get_pass_on')
    pass_on_alert = fields.Boolean("Pass On Alert", readonly=True,
        help="The clerks were told that the document was not passed on in "
        "time.")

    del _incoming

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'assign': {
                    'invisible': (Eval('state') != 'registered')
                    | (Eval('direction') != 'incoming'),
                    'icon': 'tryton-launch',
                    'depends': ['state', 'direction'],
                    },
                'pass_on': {
                    'invisible': (Eval('state') != 'registered')
                    | (Eval('direction') != 'incoming')
                    | Bool(Eval('passed_on')),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'direction', 'passed_on'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//page[@id="processing"]', 'states', {
                    'invisible': Eval('direction') != 'incoming',
                    }),
            ]

    @staticmethod
    def default_pass_on_alert():
        return False

    @classmethod
    def copy(cls, documents, default=None):
        default = dict(default or {})
        for name in ['assignments', 'instruction', 'instructed_by',
                'instruction_date', 'deadline', 'reply']:
            default.setdefault(name, None)
        default.setdefault('pass_on_alert', False)
        return super().copy(documents, default=default)

    @classmethod
    def get_processing_state(cls, documents, name):
        date = today()
        result = {}
        for document in documents:
            result[document.id] = document._processing_state(date)
        return result

    def _processing_state(self, date):
        if self.direction != 'incoming' or self.state != 'registered':
            return None
        current = [a for a in self.assignments if a.state != 'withdrawn']
        if not current:
            return 'unassigned'
        acting = [a for a in current if a.role in ACTING_ROLES]
        lead = [a for a in acting if a.role == 'lead']
        # The lead's answer closes the processing; without a lead, the
        # answers of all who cooperate
        if all(a.state == 'done' for a in (lead or acting)):
            return 'done'
        if any(a._is_overdue(date) for a in acting):
            return 'overdue'
        return 'in_progress'

    @classmethod
    def _schedule(cls):
        Calendar = Pool().get('egov.calendar')
        try:
            return Calendar.get_default().schedule()
        except CalendarError:
            return None

    def _pass_on_due(self, schedule):
        """The end of the working day on which the document is to be passed
        on: the day after its arrival, the day of its arrival when urgent
        (the next working day when it arrives after work)"""
        if (self.direction != 'incoming' or not self.arrival_date
                or schedule is None):
            return None
        arrival = to_local(self.arrival_date)
        try:
            if self.urgency:
                day = schedule.start_day(arrival)
            else:
                day = schedule.next_working_day(arrival.date())
        except CalendarError:
            return None
        return to_utc(schedule.working_periods(day)[-1][1])

    @classmethod
    def get_pass_on(cls, documents, names):
        result = {n: {d.id: None for d in documents} for n in names}
        schedule = cls._schedule()
        moment = now()
        for document in documents:
            due = document._pass_on_due(schedule)
            if 'pass_on_due' in names:
                result['pass_on_due'][document.id] = due
            if 'pass_on_late' in names:
                result['pass_on_late'][document.id] = bool(
                    due and (document.passed_on or moment) > due)
        return result

    @classmethod
    def check_pass_on(cls, moment=None):
        """Tell the clerks of the agency, once, of the registered incoming
        documents not passed on by their due time"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        moment = moment or now()
        documents = cls.search([
                ('direction', '=', 'incoming'),
                ('state', '=', 'registered'),
                ('passed_on', '=', None),
                ('pass_on_alert', '=', False),
                ], order=[('id', 'ASC')])
        schedule = cls._schedule()
        late = [d for d in documents
            if (d._pass_on_due(schedule) or moment) < moment]
        cls.write(late, {'pass_on_alert': True})
        clerk_group = ModelData.get_id('egov_base', 'group_egov_clerk')
        clerks = {}
        for document in late:
            if document.company not in clerks:
                clerks[document.company] = User.search([
                        ('companies', '=', document.company.id),
                        ('groups', '=', clerk_group),
                        ], order=[('id', 'ASC')])
            due = document._pass_on_due(schedule)
            notify(cls, [document], clerks[document.company], 'tryton-date',
                'egov_document.msg_assignment_notify_pass_on',
                'egov_document.msg_assignment_notify_pass_on_description',
                document=document.rec_name,
                abstract=document.abstract,
                due=to_local(due).strftime('%H:%M %d/%m/%Y'))
        return late

    @classmethod
    @ModelView.button_action('egov_document.wizard_assign')
    def assign(cls, documents):
        pass

    @classmethod
    @ModelView.button
    def pass_on(cls, documents):
        "The clerk passes the registered documents on to their handler"
        for document in documents:
            if (document.direction != 'incoming'
                    or document.state != 'registered'):
                raise DocumentStateError(gettext(
                        'egov_document.msg_assignment_pass_on_state',
                        document=document.rec_name))
            if not document.handler:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_assignment_pass_on_handler',
                        document=document.rec_name))
        cls.write([d for d in documents if not d.passed_on],
            {'passed_on': now()})

    @classmethod
    def distribute(cls, documents, lead=None, cooperate=(), inform=(),
            deadline=None, instruction=None):
        """The leader's instructions: who leads, who cooperates and who is
        informed, with the deadline.  Called again, it gives the new
        distribution: the open assignments of those no longer named (or
        named with another role) are withdrawn, the others kept."""
        pool = Pool()
        Assignment = pool.get('egov.document.assignment')
        User = pool.get('res.user')
        transaction = Transaction()
        for document in documents:
            if not is_leader():
                raise DocumentAccessError(gettext(
                        'egov_document.msg_assignment_leader',
                        document=document.rec_name))
            if (document.direction != 'incoming'
                    or document.state != 'registered'):
                raise DocumentStateError(gettext(
                        'egov_document.msg_assignment_state',
                        document=document.rec_name))
        cooperate = [u for u in cooperate if u != lead]
        inform = [u for u in inform if u != lead and u not in cooperate]
        wanted = {}
        for role, users in [
                ('lead', [lead] if lead else []),
                ('cooperate', cooperate),
                ('inform', inform)]:
            for user in users:
                wanted.setdefault(User(int(user)), role)
        instruction = (instruction or '').strip() or None
        date = today()

        to_create, to_withdraw, to_notify = [], [], []
        with without_check_access():
            # Two leaders assigning at once: the second waits and sees the
            # lead named by the first
            cls.lock(documents)
            documents = cls.browse(documents)
            for document in documents:
                if not wanted:
                    raise DocumentValidationError(gettext(
                            'egov_document.msg_assignment_nobody',
                            document=document.rec_name))
                if not deadline and set(wanted.values()) - {'inform'}:
                    raise DocumentValidationError(gettext(
                            'egov_document.msg_assignment_deadline',
                            document=document.rec_name))
                if deadline and deadline < date:
                    raise DocumentValidationError(gettext(
                            'egov_document.msg_assignment_deadline_past',
                            document=document.rec_name,
                            deadline=format_date(deadline)))
                for user in wanted:
                    if document.company not in user.companies:
                        raise DocumentValidationError(gettext(
                                'egov_document.msg_assignment_agency',
                                user=user.rec_name,
                                document=document.rec_name,
                                agency=document.company.rec_name))
                kept = set()
                to_extend = []
                for assignment in document.assignments:
                    if assignment.state == 'withdrawn':
                        continue
                    key = (assignment.user, assignment.role)
                    if assignment.state == 'done':
                        kept.add(key)
                    elif wanted.get(assignment.user) == assignment.role:
                        kept.add(key)
                        if (assignment.role in ACTING_ROLES
                                and assignment.deadline != deadline):
                            to_extend.append(assignment)
                    else:
                        to_withdraw.append(assignment)
                if to_extend:
                    Assignment.write(to_extend,
                        {'deadline': deadline, 'late': False})
                for user, role in wanted.items():
                    if (user, role) in kept:
                        continue
                    to_create.append(Assignment(document=document,
                            user=user, role=role, state='open',
                            deadline=deadline if role in ACTING_ROLES
                            else None,
                            instruction=instruction))
            Assignment.withdraw(to_withdraw)
            Assignment.save(to_create)
            to_notify.extend(to_create)

            for document in documents:
                values = {
                    'deadline': deadline,
                    'instructed_by': transaction.user or None,
                    'instruction_date': now(),
                    }
                if instruction:
                    values['instruction'] = instruction
                if document.classification:
                    values['readers'] = [('add', [u.id for u in wanted])]
                if not document.handler and lead:
                    values['handler'] = User(int(lead)).rec_name
                # The assignees receive it now, in their lists
                if not document.passed_on:
                    values['passed_on'] = now()
                cls.write([document], values)
            Assignment.notify_assigned(to_notify)
        return to_create


class Assignment(AuditMixin, Workflow, ModelSQL, ModelView):
    "An official named by the leader to process an incoming document"
    __string__ = "Document Assignment"
    __name__ = 'egov.document.assignment'

    _open = {'readonly': Eval('state') != 'open'}

    document = fields.Many2One('egov.document', "Document", required=True,
        ondelete='CASCADE', readonly=True,
        domain=[('direction', '=', 'incoming')])
    company = fields.Function(fields.Many2One('company.company', "Agency"),
        'on_change_with_company', searcher='search_company')
    abstract = fields.Function(fields.Text("Abstract"), 'get_document_field')
    urgency = fields.Function(fields.Selection(URGENCIES, "Urgency"),
        'get_document_field')
    role = fields.Selection(ROLES, "Role", required=True, readonly=True,
        sort=False)
    role_string = role.translated('role')
    user = fields.Many2One('res.user', "Assignee", required=True,
        readonly=True, ondelete='RESTRICT',
        domain=[('companies', '=', Eval('company', -1))])
    deadline = fields.Date("Deadline", readonly=True)
    instruction = fields.Text("Instructions", readonly=True)
    state = fields.Selection(ASSIGNMENT_STATES, "State", required=True,
        readonly=True, sort=False)
    done_date = fields.Date("Done On", readonly=True)
    answer = fields.Text("Answer", states=_open,
        help="What was done; required to mark the work done, unless only "
        "informed.")
    reply = fields.Many2One('egov.document', "Reply Document",
        ondelete='RESTRICT', states=_open,
        domain=[
            ('direction', '=', 'outgoing'),
            ('company', '=', Eval('company', -1)),
            ('state', 'in', ['draft', 'issued']),
            ],
        help="The outgoing document of the agency that answers it.")
    comments = fields.One2Many('egov.document.assignment.comment',
        'assignment', "Comments",
        states={'readonly': Eval('state') == 'withdrawn'})
    overdue = fields.Function(fields.Boolean("Overdue"),
        'get_overdue', searcher='search_overdue')
    late = fields.Boolean("Late", readonly=True,
        help="The deadline passed before the work was done.")

    del _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Read with the access rules of the document
        cls.__access__.add('document')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.user, Index.Equality()),
                    (t.state, Index.Equality())),
                Index(t, (t.document, Index.Equality())),
                })
        cls._order = [('deadline', 'ASC NULLS LAST'), ('id', 'ASC')]
        cls._transitions |= {
            ('open', 'done'),
            ('open', 'withdrawn'),
            }
        cls._buttons.update({
                'done': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        # The overdue work in red
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('overdue'), 'danger', ''),
                ['overdue']),
            ]

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_late():
        return False

    @fields.depends('document', '_parent_document.company')
    def on_change_with_company(self, name=None):
        return self.document.company.id if self.document else None

    @classmethod
    def search_company(cls, name, clause):
        return [('document.' + clause[0], *clause[1:])]

    @classmethod
    def get_document_field(cls, assignments, name):
        return {a.id: getattr(a.document, name) for a in assignments}

    def get_rec_name(self, name):
        return '%s: %s' % (self.document.rec_name, self.user.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('document.rec_name', operator, operand, *extra),
            ('user.rec_name', operator, operand, *extra),
            ]

    def _is_overdue(self, date):
        return bool(self.state == 'open' and self.role in ACTING_ROLES
            and self.deadline and self.deadline < date)

    @classmethod
    def get_overdue(cls, assignments, name):
        date = today()
        return {a.id: a._is_overdue(date) for a in assignments}

    @classmethod
    def _overdue_domain(cls, date):
        return [
            ('state', '=', 'open'),
            ('role', 'in', ACTING_ROLES),
            ('deadline', '<', date),
            ]

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        if operator not in {'=', '!='}:
            return []
        date = today()
        if (operator == '=') == bool(value):
            return cls._overdue_domain(date)
        return ['OR',
            ('state', '!=', 'open'),
            ('role', 'not in', ACTING_ROLES),
            ('deadline', '=', None),
            ('deadline', '>=', date),
            ]

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Document = pool.get('egov.document')
        # Assignments are given by a leader with the Assign action
        if Transaction().check_access and Transaction().user:
            raise DocumentAccessError(gettext(
                    'egov_document.msg_assignment_create'))
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            # The deadline of the document unless told otherwise
            if ('deadline' not in values and values.get('document')
                    and values.get('role') in ACTING_ROLES):
                values['deadline'] = Document(values['document']).deadline
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        transaction = Transaction()
        if transaction.check_access and transaction.user:
            actions = iter(args)
            for assignments, values in zip(actions, actions):
                names = set(values) - {'comments'}
                if names - {'answer', 'reply'}:
                    raise DocumentAccessError(gettext(
                            'egov_document.msg_assignment_fields',
                            assignment=assignments[0].rec_name
                            if assignments else ''))
                if not names:
                    continue
                for assignment in assignments:
                    if (assignment.user.id != transaction.user
                            or assignment.state != 'open'):
                        raise DocumentAccessError(gettext(
                                'egov_document.msg_assignment_write',
                                assignment=assignment.rec_name))
        super().write(*args)

    @classmethod
    def delete(cls, assignments):
        for assignment in assignments:
            raise DocumentAccessError(gettext(
                    'egov_document.msg_assignment_delete',
                    assignment=assignment.rec_name))
        super().delete(assignments)

    @classmethod
    def validate(cls, assignments):
        super().validate(assignments)
        documents = {a.document for a in assignments if a.role == 'lead'}
        for document in documents:
            with without_check_access():
                leads = cls.search([
                        ('document', '=', document.id),
                        ('role', '=', 'lead'),
                        ('state', '!=', 'withdrawn'),
                        ])
            if len(leads) > 1:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_assignment_one_lead',
                        document=document.rec_name,
                        users=', '.join(a.user.rec_name for a in leads)))

    @classmethod
    @Workflow.transition('withdrawn')
    def withdraw(cls, assignments):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, assignments):
        """The assignee marks the work done with the answer; the lead's
        reply document answers the document"""
        pool = Pool()
        Document = pool.get('egov.document')
        user = Transaction().user
        date = today()
        replies = {}
        for assignment in assignments:
            if user and assignment.user.id != user:
                raise DocumentAccessError(gettext(
                        'egov_document.msg_assignment_done_user',
                        assignment=assignment.rec_name,
                        user=assignment.user.rec_name))
            if assignment.role in ACTING_ROLES and not (
                    assignment.answer or '').strip():
                raise DocumentValidationError(gettext(
                        'egov_document.msg_assignment_answer',
                        assignment=assignment.rec_name))
            assignment.done_date = date
            if assignment.deadline and date > assignment.deadline:
                assignment.late = True
            if assignment.role == 'lead' and assignment.reply:
                replies.setdefault(assignment.reply, []).append(
                    assignment.document)
        cls.save(assignments)
        for reply, documents in replies.items():
            Document.write(documents, {'reply': reply.id})

    @classmethod
    def notify_assigned(cls, assignments):
        "Tell the assignees of the documents they are given"
        for assignment in assignments:
            cls._notify(assignment, [assignment.user], 'tryton-forward',
                'msg_assignment_notify_new')

    @classmethod
    def _notify(cls, assignment, users, icon, message):
        notify(cls, [assignment], users, icon,
            'egov_document.' + message,
            'egov_document.' + message + '_description',
            document=lambda a: a.document.rec_name,
            role=lambda a: a.role_string,
            user=lambda a: a.user.rec_name,
            deadline=lambda a: format_date(a.deadline) or '-',
            abstract=lambda a: a.document.abstract)

    @classmethod
    def check_overdue(cls, moment=None):
        """Flag the open work past its deadline and notify the assignee and
        the leaders of the agency (once); tell the clerks of the documents
        not passed on in time"""
        pool = Pool()
        Document = pool.get('egov.document')
        moment = moment or now()
        date = to_local(moment).date()
        with without_check_access():
            assignments = cls.search(cls._overdue_domain(date) + [
                    ('late', '=', False),
                    ('document.state', '=', 'registered'),
                    ], order=[('id', 'ASC')])
        cls.write(assignments, {'late': True})
        leaders = {}
        for assignment in assignments:
            company = assignment.document.company
            if company not in leaders:
                leaders[company] = leaders_of(company)
            users = set(leaders[company]) | {assignment.user}
            if assignment.document.instructed_by:
                users.add(assignment.document.instructed_by)
            cls._notify(assignment, sorted(users, key=lambda u: u.id),
                'tryton-error', 'msg_assignment_notify_overdue')
        Document.check_pass_on(moment)
        return assignments


class AssignmentComment(ModelSQL, ModelView):
    "An opinion on the processing of a document, kept as written"
    __string__ = "Document Assignment Comment"
    __name__ = 'egov.document.assignment.comment'

    assignment = fields.Many2One('egov.document.assignment', "Assignment",
        required=True, ondelete='CASCADE')
    author = fields.Many2One('res.user', "Author", readonly=True,
        ondelete='RESTRICT')
    date = fields.DateTime("Date", readonly=True)
    text = fields.Text("Comment", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('assignment')
        cls._order = [('date', 'ASC'), ('id', 'ASC')]
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.assignment, Index.Equality())))

    @staticmethod
    def default_author():
        return Transaction().user or None

    @staticmethod
    def default_date():
        return now()

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Assignment = pool.get('egov.document.assignment')
        transaction = Transaction()
        user = transaction.user
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            # Who writes and when is not chosen
            values['author'] = user or None
            values['date'] = now()
            if transaction.check_access and user:
                with without_check_access():
                    assignment = Assignment(values['assignment'])
                    assignees = {a.user.id
                        for a in assignment.document.assignments
                        if a.state != 'withdrawn'}
                if user not in assignees and not is_leader():
                    raise DocumentAccessError(gettext(
                            'egov_document.msg_assignment_comment_author',
                            assignment=assignment.rec_name))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        raise DocumentAccessError(gettext(
                'egov_document.msg_assignment_comment_kept'))

    @classmethod
    def delete(cls, comments):
        if comments:
            raise DocumentAccessError(gettext(
                    'egov_document.msg_assignment_comment_kept'))
        super().delete(comments)


class AssignStart(ModelView):
    "The leader's instructions and the officials named"
    __string__ = "Assign Document"
    __name__ = 'egov.document.assign.start'

    document = fields.Many2One('egov.document', "Document", readonly=True)
    company = fields.Many2One('company.company', "Agency", readonly=True)
    instruction = fields.Text("Instructions",
        help="Bút phê: the leader's instructions.")
    deadline = fields.Date("Deadline",
        states={
            'required': Bool(Eval('lead')) | Bool(Eval('cooperate')),
            })
    lead = fields.Many2One('res.user', "Lead",
        domain=[('companies', '=', Eval('company', -1))],
        help="Who processes the document (xử lý chính).")
    cooperate = fields.Many2Many('res.user', None, None, "Cooperating",
        domain=[
            ('companies', '=', Eval('company', -1)),
            ('id', '!=', Eval('lead', -1)),
            ],
        help="Who help the lead (phối hợp).")
    inform = fields.Many2Many('res.user', None, None, "For Information",
        domain=[
            ('companies', '=', Eval('company', -1)),
            ('id', '!=', Eval('lead', -1)),
            ('id', 'not in', Eval('cooperate', [])),
            ],
        help="Who are informed of it (để biết).")


class Assign(Wizard):
    "The leader assigns a registered incoming document"
    __string__ = "Assign Document"
    __name__ = 'egov.document.assign'

    start = StateView('egov.document.assign.start',
        'egov_document.document_assign_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Assign", 'assign', 'tryton-ok', default=True),
            ])
    assign = StateTransition()

    def default_start(self, fields):
        document = self.record
        current = [a for a in document.assignments
            if a.state != 'withdrawn']
        lead = [a.user.id for a in current if a.role == 'lead']
        return {
            'document': document.id,
            'company': document.company.id,
            'instruction': document.instruction,
            'deadline': document.deadline,
            'lead': lead[0] if lead else None,
            'cooperate': [a.user.id for a in current
                if a.role == 'cooperate'],
            'inform': [a.user.id for a in current if a.role == 'inform'],
            }

    def transition_assign(self):
        self.model.distribute([self.record],
            lead=self.start.lead,
            cooperate=list(self.start.cooperate),
            inform=list(self.start.inform),
            deadline=self.start.deadline,
            instruction=self.start.instruction)
        return 'end'


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('egov.document.assignment|check_overdue',
                "Check Document Processing Deadlines"))
