# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The drafting circuit of the outgoing documents (Decree 30/2020, art. 10
to 13): versions of the draft, requests for opinions, and the office's
check of form (thể thức) before the signer's approval.

Versions
    Every file the drafter gives as the draft's main file is kept as a
    numbered version (who, when, note): replacing the file in the draft or
    *New Version* adds one; the current file is the last version.  Versions
    are never changed nor deleted, and a document no longer in draft (sent
    on, signed, issued) gets none.

Opinions (xin ý kiến, góp ý dự thảo)
    The drafter asks officials, or agencies of the platform (their
    leaders), for their opinion on the current version by a deadline.  Each
    asked official answers once (agree, agree with comments, disagree; text
    and an optional file), late answers being accepted and flagged.  An
    asked official of another agency sees the draft he was asked about and
    nothing else of the agency; a classified draft is asked of its readers
    only.  The daily scheduled action notifies the requests past their
    deadline, to the asked official and to the drafter.

Check of form
    Where the agency requires it (the default), *Send for Approval* passes
    the draft to the office (the clerks) first: a clerk passes it on to the
    signer (recorded: who, when) or sends it back to the drafter with the
    faults.  Every check is kept."""
import hashlib

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.egov_base.audit import AuditMixin
from trytond.modules.egov_base.calendar import to_local
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .assignment import format_date, leaders_of, notify, today
from .document import check_file, now
from .exceptions import (
    DocumentAccessError, DocumentStateError, DocumentValidationError,
    DocumentWarning)

OPINIONS = [
    (None, ""),
    ('agree', "Agree"),
    ('agree_comments', "Agree with Comments"),
    ('disagree', "Disagree"),
    ]
OPINION_STATES = [
    ('open', "Awaiting Answer"),
    ('answered', "Answered"),
    ]
FORM_CHECK_RESULTS = [
    ('passed', "Passed"),
    ('returned', "Sent Back"),
    ]
# What the asked official writes in his answer
ANSWER_FIELDS = {'opinion', 'answer', 'answer_file', 'answer_file_name'}


def in_group(xml_id):
    "Whether the user is in the group (always when access is not checked)"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    transaction = Transaction()
    if not transaction.user or not transaction.check_access:
        return True
    return ModelData.get_id('egov_base', xml_id) in User.get_groups()


def checksum(data):
    return hashlib.sha256(bytes(data)).hexdigest()


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    document_form_check = fields.Boolean("Check of Form by the Office",
        help="The outgoing documents go through the office's check of form "
        "(thể thức) before the signer approves them.")

    @staticmethod
    def default_document_form_check():
        return True


class Document(metaclass=PoolMeta):
    __name__ = 'egov.document'

    _outgoing = {'invisible': Eval('direction') != 'outgoing'}

    drafter = fields.Many2One('res.user', "Drafter", readonly=True,
        ondelete='RESTRICT', states=_outgoing,
        help="Who drafted the outgoing document.")
    versions = fields.One2Many('egov.document.version', 'document',
        "Versions", readonly=True, states=_outgoing)
    version = fields.Function(fields.Many2One(
            'egov.document.version', "Current Version", states=_outgoing),
        'get_version')
    opinion_requests = fields.One2Many('egov.document.opinion', 'document',
        "Requests for Opinions", readonly=True, states=_outgoing)
    form_faults = fields.Text("Faults of Form",
        states={
            'readonly': Eval('state') != 'form_check',
            'invisible': Eval('direction') != 'outgoing',
            },
        help="What the office finds wrong in the form of the draft (Decree "
        "30, appendix I), when sending it back to the drafter.")
    form_checked_by = fields.Many2One('res.user', "Form Checked By",
        readonly=True, ondelete='RESTRICT', states=_outgoing)
    form_checked_date = fields.DateTime("Form Checked On", readonly=True,
        states=_outgoing)
    form_checks = fields.One2Many('egov.document.form_check', 'document',
        "Checks of Form", readonly=True, states=_outgoing)

    del _outgoing

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'new_version': {
                    'invisible': (Eval('state') != 'draft')
                    | (Eval('direction') != 'outgoing')
                    | Eval('signed', False),
                    'icon': 'tryton-attach',
                    'depends': ['state', 'direction', 'signed'],
                    },
                'ask_opinions': {
                    'invisible': (Eval('state') != 'draft')
                    | (Eval('direction') != 'outgoing'),
                    'icon': 'tryton-launch',
                    'depends': ['state', 'direction'],
                    },
                'pass_form_check': {
                    'invisible': Eval('state') != 'form_check',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'return_form_check': {
                    'invisible': Eval('state') != 'form_check',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//page[@id="drafting"]', 'states', {
                    'invisible': Eval('direction') != 'outgoing',
                    }),
            ]

    @staticmethod
    def default_drafter():
        return Transaction().user or None

    @classmethod
    def get_version(cls, documents, name):
        return {d.id: d.versions[-1].id if d.versions else None
            for d in documents}

    @classmethod
    def create(cls, vlist):
        # Who drafts is not chosen
        user = Transaction().user
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('direction', cls.default_direction()) == (
                    'outgoing') and user:
                values['drafter'] = user
        return super().create(vlist)

    @classmethod
    def copy(cls, documents, default=None):
        default = dict(default or {})
        for name in ['versions', 'opinion_requests', 'form_checks',
                'form_faults', 'form_checked_by', 'form_checked_date']:
            default.setdefault(name, None)
        default.setdefault('drafter', Transaction().user or None)
        return super().copy(documents, default=default)

    @classmethod
    def delete(cls, documents):
        # The versions and the opinions given are kept: cancel instead
        for document in documents:
            if document.versions or document.opinion_requests:
                raise DocumentAccessError(gettext(
                        'egov_document.msg_document_delete_drafting',
                        document=document.rec_name))
        super().delete(documents)

    def check_new_version(self):
        "Only a draft that nobody signed gets a new version"
        if (self.direction != 'outgoing' or self.state != 'draft'
                or self.signed or self.sealed):
            raise DocumentStateError(gettext(
                    'egov_document.msg_version_state',
                    document=self.rec_name, state=self.state_string))

    @classmethod
    @ModelView.button_action('egov_document.wizard_new_version')
    def new_version(cls, documents):
        pass

    def add_version(self, data, name, note=None):
        """Make data the draft's main file: the previous file stays as a
        version, the new one is the last version"""
        pool = Pool()
        File = pool.get('egov.document.file')
        self.check_new_version()
        mains = [f for f in self.files if f.kind == 'main']
        with Transaction().set_context(egov_version_note=note):
            if mains:
                File.write([mains[0]], {'data': data, 'name': name})
            else:
                File.create([{'document': self.id, 'kind': 'main',
                            'name': name, 'data': data}])
        return self.__class__(self.id).version

    @classmethod
    @ModelView.button_action('egov_document.wizard_ask_opinions')
    def ask_opinions(cls, documents):
        pass

    @classmethod
    def request_opinions(cls, documents, users=(), agencies=(),
            deadline=None, question=None):
        """Ask the users, and the leaders of the agencies, for their
        opinion on the current version of the drafts by the deadline"""
        pool = Pool()
        Opinion = pool.get('egov.document.opinion')
        User = pool.get('res.user')
        ModelAccess = pool.get('ir.model.access')
        transaction = Transaction()
        if transaction.check_access and transaction.user:
            ModelAccess.check(cls.__name__, 'write')
        users = [User(int(u)) for u in users]
        date = today()
        to_create = []
        for document in documents:
            if document.direction != 'outgoing' or document.state != 'draft':
                raise DocumentStateError(gettext(
                        'egov_document.msg_opinion_state',
                        document=document.rec_name))
            if not document.version:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_opinion_no_version',
                        document=document.rec_name))
            if not deadline:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_opinion_deadline',
                        document=document.rec_name))
            if deadline < date:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_opinion_deadline_past',
                        document=document.rec_name,
                        deadline=format_date(deadline)))
            asked = [(u, None) for u in users]
            for agency in agencies:
                leaders = leaders_of(agency)
                if not leaders:
                    raise DocumentValidationError(gettext(
                            'egov_document.msg_opinion_agency_nobody',
                            agency=agency.rec_name,
                            document=document.rec_name))
                asked.extend((u, agency) for u in leaders)
            if not asked:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_opinion_nobody',
                        document=document.rec_name))
            with without_check_access():
                readers = set(cls(document.id).readers)
                already = {(o.user, o.version) for o in
                    cls(document.id).opinion_requests if o.state == 'open'}
            seen = set()
            for user, agency in asked:
                if document.classification and user not in readers:
                    raise DocumentAccessError(gettext(
                            'egov_document.msg_opinion_classified',
                            user=user.rec_name,
                            document=document.rec_name))
                if (user in seen or (user, document.version) in already
                        or user.id == transaction.user):
                    continue
                seen.add(user)
                to_create.append(Opinion(document=document,
                        version=document.version, user=user,
                        agency=agency, deadline=deadline,
                        question=(question or '').strip() or None,
                        asked_by=transaction.user or None,
                        asked_date=now()))
        # Asked of officials who may work elsewhere: written on the
        # drafter's behalf once his own rights were checked
        with without_check_access():
            Opinion.save(to_create)
        Opinion.notify_asked(to_create)
        return to_create

    @classmethod
    @ModelView.button
    def submit_approval(cls, documents):
        pool = Pool()
        Warning = pool.get('res.user.warning')
        # Opinions still awaited: the drafter confirms he goes on
        awaited = [d for d in documents
            if any(o.state == 'open' and not o.overdue
                for o in d.opinion_requests)]
        if awaited:
            key = Warning.format('egov_document_opinions_open', awaited)
            if Warning.check(key):
                raise DocumentWarning(key, gettext(
                        'egov_document.msg_opinion_awaited',
                        documents=', '.join(d.rec_name for d in awaited)))
        super().submit_approval(documents)

    @classmethod
    def _check_office(cls, documents):
        "The check of form is the office's: the clerks of the agency"
        user = Transaction().user
        for document in documents:
            if not in_group('group_egov_clerk') or (
                    Transaction().check_access and user
                    and document.company not in Pool().get('res.user')(
                        user).companies):
                raise DocumentAccessError(gettext(
                        'egov_document.msg_form_check_office',
                        document=document.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('pending')
    def pass_form_check(cls, documents):
        "The office finds the form right: the draft goes to its signer"
        pool = Pool()
        FormCheck = pool.get('egov.document.form_check')
        cls._check_office(documents)
        user = Transaction().user or None
        moment = now()
        with without_check_access():
            FormCheck.create([{
                        'document': d.id, 'checker': user, 'date': moment,
                        'result': 'passed', 'faults': d.form_faults,
                        } for d in documents])
            cls.write(documents, {
                    'form_checked_by': user,
                    'form_checked_date': moment,
                    'form_faults': None,
                    })

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def return_form_check(cls, documents):
        "The office sends the draft back to the drafter with its faults"
        pool = Pool()
        FormCheck = pool.get('egov.document.form_check')
        cls._check_office(documents)
        for document in documents:
            if not (document.form_faults or '').strip():
                raise DocumentValidationError(gettext(
                        'egov_document.msg_form_check_faults',
                        document=document.rec_name))
        user = Transaction().user or None
        with without_check_access():
            checks = FormCheck.create([{
                        'document': d.id, 'checker': user, 'date': now(),
                        'result': 'returned', 'faults': d.form_faults,
                        } for d in documents])
        FormCheck.notify_returned(checks)


class DocumentFile(metaclass=PoolMeta):
    __name__ = 'egov.document.file'

    @classmethod
    def _drafting(cls, documents):
        """The outgoing documents whose main file the user changes: only a
        draft's, that nobody signed"""
        transaction = Transaction()
        if not (transaction.check_access and transaction.user):
            return
        for document in documents:
            if document.direction == 'outgoing':
                document.check_new_version()

    @classmethod
    def create(cls, vlist):
        Document = Pool().get('egov.document')
        cls._drafting(Document.browse(list({v['document'] for v in vlist
                        if v.get('document') and v.get('kind', 'main')
                        == 'main'})))
        files = super().create(vlist)
        cls._add_versions(files)
        return files

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        changed = []
        for files, values in zip(actions, actions):
            if {'data', 'kind', 'document'} & set(values):
                changed.extend(files)
                cls._drafting({f.document for f in files
                        if f.kind == 'main' or values.get('kind') == 'main'})
        super().write(*args)
        cls._add_versions(cls.browse([f.id for f in changed]))

    @classmethod
    def delete(cls, files):
        cls._drafting({f.document for f in files if f.kind == 'main'})
        super().delete(files)

    @classmethod
    def _add_versions(cls, files):
        Version = Pool().get('egov.document.version')
        Version.record([f for f in files if f.kind == 'main'
                and f.document.direction == 'outgoing'
                and f.document.state == 'draft'])


class Version(AuditMixin, ModelSQL, ModelView):
    "A version of the draft of an outgoing document, kept as it was"
    __string__ = "Document Version"
    __name__ = 'egov.document.version'

    document = fields.Many2One('egov.document', "Document", required=True,
        readonly=True, ondelete='RESTRICT')
    company = fields.Function(fields.Many2One('company.company', "Agency"),
        'get_company')
    number = fields.Integer("Version", required=True, readonly=True)
    name = fields.Char("File Name", required=True, readonly=True)
    data = fields.Binary("File", filename='name', file_id='data_id',
        required=True, readonly=True)
    data_id = fields.Char("File ID", readonly=True)
    mimetype = fields.Char("Type", readonly=True)
    size = fields.Integer("Size", readonly=True)
    checksum = fields.Char("Checksum", readonly=True)
    author = fields.Many2One('res.user', "Author", readonly=True,
        ondelete='RESTRICT')
    date = fields.DateTime("Date", readonly=True)
    note = fields.Text("Note", readonly=True)
    current = fields.Function(fields.Boolean("Current"), 'get_current')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.document, Index.Equality())))
        cls._order = [('document', 'ASC'), ('number', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return '%s v%s' % (self.document.rec_name, self.number)

    def get_company(self, name):
        return self.document.company.id

    @classmethod
    def get_current(cls, versions, name):
        return {v.id: v.document.version == v for v in versions}

    @classmethod
    def record(cls, files):
        """Keep the main file of each draft as its next version (not when
        it is the same as the last one)"""
        transaction = Transaction()
        note = transaction.context.get('egov_version_note')
        note = (note or '').strip() or None
        to_create = []
        with without_check_access():
            for file in files:
                data = bytes(file.data)
                digest = checksum(data)
                versions = cls.search([('document', '=', file.document.id)],
                    order=[('number', 'DESC')], limit=1)
                if versions and versions[0].checksum == digest:
                    continue
                number = versions[0].number + 1 if versions else 1
                to_create.append({
                        'document': file.document.id, 'number': number,
                        'name': file.name, 'data': data,
                        'mimetype': file.mimetype, 'size': len(data),
                        'checksum': digest,
                        'author': transaction.user or None,
                        'date': now(), 'note': note,
                        })
            return cls.create(to_create)

    @classmethod
    def create(cls, vlist):
        transaction = Transaction()
        if transaction.check_access and transaction.user:
            raise DocumentAccessError(gettext(
                    'egov_document.msg_version_kept'))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        raise DocumentAccessError(gettext('egov_document.msg_version_kept'))

    @classmethod
    def delete(cls, versions):
        if versions:
            raise DocumentAccessError(gettext(
                    'egov_document.msg_version_kept'))
        super().delete(versions)


class Opinion(AuditMixin, Workflow, ModelSQL, ModelView):
    "A request for an official's opinion on a draft, and his answer"
    __string__ = "Request for Opinion"
    __name__ = 'egov.document.opinion'

    _open = {'readonly': Eval('state') != 'open'}

    document = fields.Many2One('egov.document', "Document", required=True,
        readonly=True, ondelete='RESTRICT')
    company = fields.Function(fields.Many2One('company.company', "Agency"),
        'get_company', searcher='search_company')
    abstract = fields.Function(fields.Text("Abstract"), 'get_abstract')
    version = fields.Many2One('egov.document.version', "Version",
        readonly=True, ondelete='RESTRICT',
        help="The version of the draft the opinion is asked on.")
    user = fields.Many2One('res.user', "Asked", required=True,
        readonly=True, ondelete='RESTRICT')
    agency = fields.Many2One('company.company', "Asked Agency",
        readonly=True, ondelete='RESTRICT',
        help="The agency asked, whose leader answers.")
    asked_by = fields.Many2One('res.user', "Asked By", readonly=True,
        ondelete='RESTRICT')
    asked_date = fields.DateTime("Asked On", readonly=True)
    question = fields.Text("Question", readonly=True)
    deadline = fields.Date("Deadline", required=True, readonly=True)
    opinion = fields.Selection(OPINIONS, "Opinion", sort=False,
        states=_open)
    opinion_string = opinion.translated('opinion')
    answer = fields.Text("Answer", states=_open,
        help="The comments: required unless agreeing.")
    answer_file = fields.Binary("Answer File", filename='answer_file_name',
        file_id='answer_file_id', states=_open)
    answer_file_name = fields.Char("Answer File Name", states=_open)
    answer_file_id = fields.Char("Answer File ID", readonly=True)
    answered_date = fields.DateTime("Answered On", readonly=True)
    late = fields.Boolean("Late", readonly=True,
        help="Answered after the deadline.")
    overdue = fields.Function(fields.Boolean("Overdue",
            help="Not answered and past the deadline."),
        'get_overdue', searcher='search_overdue')
    overdue_alert = fields.Boolean("Overdue Notified", readonly=True)
    state = fields.Selection(OPINION_STATES, "State", required=True,
        readonly=True, sort=False)

    del _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.user, Index.Equality()),
                    (t.state, Index.Equality())),
                Index(t, (t.document, Index.Equality())),
                })
        cls._order = [('asked_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('open', 'answered')}
        # Shown while open by the form; an answered request gives its own
        # message (answered once)
        cls._buttons.update({
                'answer_button': {
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('overdue') | Eval('late'), 'danger', ''),
                ['overdue', 'late']),
            ('//group[@id="answer"]', 'states', {
                    'invisible': Eval('state') != 'open',
                    }),
            ]

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_late():
        return False

    @staticmethod
    def default_overdue_alert():
        return False

    def get_rec_name(self, name):
        return '%s: %s' % (self.document.rec_name, self.user.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if (operator.startswith('!')
            or operator.startswith('not ')) else 'OR'
        return [bool_op,
            ('document.rec_name', operator, operand, *extra),
            ('user.rec_name', operator, operand, *extra),
            ]

    def get_company(self, name):
        return self.document.company.id

    @classmethod
    def search_company(cls, name, clause):
        return [('document.' + clause[0], *clause[1:])]

    def get_abstract(self, name):
        return self.document.abstract

    def _is_overdue(self, date):
        return bool(self.state == 'open' and self.deadline < date)

    @classmethod
    def get_overdue(cls, opinions, name):
        date = today()
        return {o.id: o._is_overdue(date) for o in opinions}

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        if operator not in {'=', '!='}:
            return []
        date = today()
        if (operator == '=') == bool(value):
            return [('state', '=', 'open'), ('deadline', '<', date)]
        return ['OR', ('state', '!=', 'open'), ('deadline', '>=', date)]

    @classmethod
    def create(cls, vlist):
        transaction = Transaction()
        if transaction.check_access and transaction.user:
            raise DocumentAccessError(gettext(
                    'egov_document.msg_opinion_create'))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        transaction = Transaction()
        if transaction.check_access and transaction.user:
            actions = iter(args)
            for opinions, values in zip(actions, actions):
                if set(values) - ANSWER_FIELDS:
                    raise DocumentAccessError(gettext(
                            'egov_document.msg_opinion_fields'))
                for opinion in opinions:
                    opinion._check_answerer()
        super().write(*args)

    @classmethod
    def delete(cls, opinions):
        if opinions:
            raise DocumentAccessError(gettext(
                    'egov_document.msg_opinion_kept'))
        super().delete(opinions)

    def _check_answerer(self):
        "Only the asked official answers, once"
        user = Transaction().user
        if self.state != 'open':
            raise DocumentStateError(gettext(
                    'egov_document.msg_opinion_answered',
                    opinion=self.rec_name,
                    date=self.answered_date.strftime('%d/%m/%Y')
                    if self.answered_date else ''))
        if user and Transaction().check_access and self.user.id != user:
            raise DocumentAccessError(gettext(
                    'egov_document.msg_opinion_not_asked',
                    opinion=self.rec_name, user=self.user.rec_name))

    @classmethod
    @ModelView.button
    def answer_button(cls, opinions):
        cls.give_answer(opinions)

    @classmethod
    def give_answer(cls, opinions, opinion=None, answer=None, file=None,
            file_name=None):
        """The asked official gives his opinion (with the values given, or
        those written on the request); once, late answers flagged"""
        date = today()
        for request in opinions:
            request._check_answerer()
        with without_check_access():
            opinions = cls.browse(opinions)
            for request in opinions:
                if opinion is not None:
                    request.opinion = opinion
                if answer is not None:
                    request.answer = answer
                if file is not None:
                    request.answer_file = file
                    request.answer_file_name = file_name or 'y-kien'
                if not request.opinion:
                    raise DocumentValidationError(gettext(
                            'egov_document.msg_opinion_choose',
                            opinion=request.rec_name))
                if request.opinion != 'agree' and not (
                        request.answer or '').strip():
                    raise DocumentValidationError(gettext(
                            'egov_document.msg_opinion_text',
                            opinion=request.rec_name))
                if request.answer_file:
                    check_file(request.answer_file,
                        request.answer_file_name or '')
                request.answered_date = now()
                request.late = date > request.deadline
            cls.save(opinions)
            cls._answered(opinions)
        cls.notify_answered(opinions)

    @classmethod
    @Workflow.transition('answered')
    def _answered(cls, opinions):
        pass

    @classmethod
    def _notify(cls, opinions, users_of, icon, message):
        for opinion in opinions:
            notify(cls, [opinion], users_of(opinion), icon,
                'egov_document.' + message,
                'egov_document.' + message + '_description',
                document=lambda o: o.document.rec_name,
                user=lambda o: o.user.rec_name,
                opinion=lambda o: o.opinion_string or '',
                deadline=lambda o: format_date(o.deadline),
                abstract=lambda o: o.document.abstract)

    @classmethod
    def notify_asked(cls, opinions):
        cls._notify(opinions, lambda o: [o.user], 'tryton-launch',
            'msg_opinion_notify_asked')

    @classmethod
    def _drafters(cls, opinion):
        users = {u for u in [opinion.asked_by, opinion.document.drafter] if u}
        return sorted(users, key=lambda u: u.id)

    @classmethod
    def notify_answered(cls, opinions):
        cls._notify(opinions, cls._drafters, 'tryton-ok',
            'msg_opinion_notify_answered')

    @classmethod
    def check_overdue(cls, moment=None):
        """Flag the requests past their deadline and not answered, and
        notify the asked official and the drafter (once)"""
        moment = moment or now()
        date = to_local(moment).date()
        with without_check_access():
            opinions = cls.search([
                    ('state', '=', 'open'),
                    ('deadline', '<', date),
                    ('overdue_alert', '=', False),
                    ], order=[('id', 'ASC')])
            cls.write(opinions, {'overdue_alert': True})
        cls._notify(opinions,
            lambda o: sorted({o.user, *cls._drafters(o)}, key=lambda u: u.id),
            'tryton-error', 'msg_opinion_notify_overdue')
        return opinions


class FormCheck(ModelSQL, ModelView):
    "One check of form of a draft by the office, kept as it was"
    __string__ = "Check of Form"
    __name__ = 'egov.document.form_check'

    document = fields.Many2One('egov.document', "Document", required=True,
        readonly=True, ondelete='RESTRICT')
    checker = fields.Many2One('res.user', "Checked By", readonly=True,
        ondelete='RESTRICT')
    date = fields.DateTime("Date", readonly=True)
    result = fields.Selection(FORM_CHECK_RESULTS, "Result", readonly=True,
        required=True)
    faults = fields.Text("Faults", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.document, Index.Equality())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def create(cls, vlist):
        transaction = Transaction()
        if transaction.check_access and transaction.user:
            raise DocumentAccessError(gettext(
                    'egov_document.msg_form_check_kept'))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        raise DocumentAccessError(gettext(
                'egov_document.msg_form_check_kept'))

    @classmethod
    def delete(cls, checks):
        if checks:
            raise DocumentAccessError(gettext(
                    'egov_document.msg_form_check_kept'))
        super().delete(checks)

    @classmethod
    def notify_returned(cls, checks):
        "Tell the drafter of the faults found"
        for check in checks:
            drafter = check.document.drafter
            if not drafter:
                continue
            notify(cls, [check], [drafter], 'tryton-back',
                'egov_document.msg_form_check_notify_returned',
                'egov_document.msg_form_check_notify_returned_description',
                document=lambda c: c.document.rec_name,
                faults=lambda c: c.faults or '')


class NewVersionStart(ModelView):
    __string__ = "New Version"
    __name__ = 'egov.document.version.new.start'

    document = fields.Many2One('egov.document', "Document", readonly=True)
    data = fields.Binary("File", filename='name', required=True)
    name = fields.Char("File Name", required=True)
    note = fields.Text("Note", help="What changed in this version.")


class NewVersion(Wizard):
    "The drafter gives the next version of the draft"
    __string__ = "New Version"
    __name__ = 'egov.document.version.new'

    start = StateView('egov.document.version.new.start',
        'egov_document.version_new_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Add", 'add', 'tryton-ok', default=True),
            ])
    add = StateTransition()

    def default_start(self, fields):
        return {'document': self.record.id}

    def transition_add(self):
        self.record.add_version(
            self.start.data, self.start.name, self.start.note)
        return 'end'


class AskOpinionsStart(ModelView):
    __string__ = "Ask for Opinions"
    __name__ = 'egov.document.opinion.ask.start'

    document = fields.Many2One('egov.document', "Document", readonly=True)
    company = fields.Many2One('company.company', "Agency", readonly=True)
    version = fields.Many2One('egov.document.version', "Version",
        readonly=True)
    users = fields.Many2Many('res.user', None, None, "Officials",
        help="The officials asked for their opinion.")
    agencies = fields.Many2Many('company.company', None, None, "Agencies",
        domain=[('id', '!=', Eval('company', -1))],
        help="The agencies of the platform asked: their leaders answer.")
    deadline = fields.Date("Deadline", required=True)
    question = fields.Text("Question",
        help="What the opinion is asked on.")


class AskOpinions(Wizard):
    "The drafter asks for opinions on the draft"
    __string__ = "Ask for Opinions"
    __name__ = 'egov.document.opinion.ask'

    start = StateView('egov.document.opinion.ask.start',
        'egov_document.opinion_ask_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Ask", 'ask', 'tryton-ok', default=True),
            ])
    ask = StateTransition()

    def default_start(self, fields):
        return {
            'document': self.record.id,
            'company': self.record.company.id,
            'version': self.record.version.id
            if self.record.version else None,
            }

    def transition_ask(self):
        self.model.request_opinions([self.record],
            users=list(self.start.users), agencies=list(self.start.agencies),
            deadline=self.start.deadline, question=self.start.question)
        return 'end'


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('egov.document.opinion|check_overdue',
                "Check the Deadlines of the Requests for Opinions"))
