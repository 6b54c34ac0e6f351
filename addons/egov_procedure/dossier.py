# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Dossiers (hồ sơ) of the one-stop desk and their processing across
agencies, as Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP lay it out.

Times are stored in UTC like every Tryton timestamp; deadlines are computed
on the receiving (or acting) agency's working calendar in Vietnam's local
time (``egov_base.calendar.to_local`` / ``to_utc``)."""
import datetime as dt
import functools
import json
import logging
import urllib.parse
from decimal import Decimal

import filetype
from sql import For, Literal

from trytond import backend
from trytond.config import config
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.modules.egov_base.audit import AuditMixin
from trytond.modules.egov_base.calendar import to_local, to_utc
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import eform
from .exceptions import (
    DossierAccessError, DossierFileError, DossierStateError,
    DossierValidationError)
from .procedure import ROLE_GROUPS, compute_due

logger = logging.getLogger(__name__)

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('supplement', "Supplement Requested"),
    ('refused', "Refused"),
    ('received', "Received"),
    ('processing', "In Processing"),
    ('awaiting_signature', "Awaiting Signature"),
    ('result_issued', "Result Issued"),
    ('ready', "Ready to Return"),
    ('returned', "Returned"),
    ('stopped', "Stopped"),
    ('ineligible', "Not Eligible"),
    ('withdrawn', "Withdrawn"),
    ]
# States in which the legal clock runs (or is paused by a supplement)
OPEN_STATES = {'received', 'processing', 'awaiting_signature',
    'result_issued', 'supplement'}
FINISHED_STATES = {'ready', 'returned', 'stopped', 'ineligible'}
# Fields that only the transitions set
WORKFLOW_FIELDS = {'code', 'state', 'current_agency', 'participants', 'step',
    'assignee', 'submitted_date', 'received_date', 'due_date',
    'finished_date', 'returned_date', 'timing', 'alert', 'result_signed',
    'rating', 'rating_comment', 'rating_date', 'search_text', 'web_user',
    'processes', 'pauses', 'extensions'}
# Fields whose changes move the counters of the statistics
# (egov.dossier.statistic.line)
LINE_FIELDS = {'company', 'procedure', 'received_date', 'timing', 'channel',
    'rating'}
# States of the dossiers on an official's desk ("My Work")
MY_WORK_STATES = OPEN_STATES | {'submitted', 'ready'}
TIMINGS = [
    (None, ""),
    ('early', "Early"),
    ('on_time', "On Time"),
    ('late', "Late"),
    ]
RATINGS = [
    (None, ""),
    ('satisfied', "Satisfied"),
    ('normal', "Normal"),
    ('unsatisfied', "Not Satisfied"),
    ]
# What the desk accepts as a dossier component, checked on the content
ALLOWED_MIMETYPES = {
    'application/pdf',
    'image/jpeg',
    'image/png',
    'image/tiff',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/msword',
    'application/vnd.ms-excel',
    }


# Text of a result's template where the leader's signature image goes
SIGNATURE_PLACEHOLDER = '[CHU_KY_LANH_DAO]'


def max_upload_size():
    return config.getint(
        'egov_procedure', 'max_upload_size', default=10 * 1024 * 1024)


def search_text(values):
    "The unaccented text searched for a dossier's code, applicant, phone…"
    return eform.unaccent(' '.join(filter(None, values)))


def now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def classify(finished, due):
    "Return early, on_time or late for a moment against a due moment"
    if not finished or not due:
        return None
    if finished > due:
        return 'late'
    if to_local(finished).date() < to_local(due).date():
        return 'early'
    return 'on_time'


def official_action(func):
    """Keep, for the checks of role and agency, whether an official calls
    the transition with their access checked: ModelView.button runs the
    method itself without access check"""
    @functools.wraps(func)
    def wrapper(cls, *args, **kwargs):
        transaction = Transaction()
        with transaction.set_context(_egov_official=(
                    transaction.check_access
                    or transaction.context.get('_egov_official', False))):
            return func(cls, *args, **kwargs)
    return wrapper


def check_file(data, filename):
    """Refuse a file over the size limit or whose content is not of an
    allowed type; return its MIME type"""
    data = bytes(data or b'')
    if not data:
        raise DossierFileError(gettext(
                'egov_procedure.msg_file_empty', filename=filename))
    limit = max_upload_size()
    if len(data) > limit:
        raise DossierFileError(gettext(
                'egov_procedure.msg_file_too_large', filename=filename,
                size=round(len(data) / 1024 / 1024, 1),
                limit=round(limit / 1024 / 1024, 1)))
    kind = filetype.guess(data)
    mimetype = kind.mime if kind else None
    if mimetype == 'application/x-ole-storage' or (
            mimetype is None and data[:8] == b'\xd0\xcf\x11\xe0\xa1\xb1\x1a'
            b'\xe1'):
        # Legacy Word or Excel: an OLE container
        mimetype = ('application/vnd.ms-excel'
            if (filename or '').lower().endswith('.xls')
            else 'application/msword')
    if mimetype not in ALLOWED_MIMETYPES:
        raise DossierFileError(gettext(
                'egov_procedure.msg_file_type', filename=filename,
                type=mimetype or '?'))
    return mimetype


class Dossier(AuditMixin, ModelSQL, ModelView):
    __string__ = "Dossier"
    __name__ = 'egov.dossier'
    _rec_name = 'code'
    # The dossier's trail is egov.audit.log (who, which transition, for a
    # citizen the portal account): Tryton's ir.model.log would be a second
    # copy written (and validated) on every click of the desks
    _log = False

    _readonly = {'readonly': Eval('state') != 'draft'}

    code = fields.Char("Code", readonly=True)
    procedure = fields.Many2One(
        'egov.procedure', "Procedure", required=True, ondelete='RESTRICT',
        states=_readonly)
    field = fields.Function(
        fields.Many2One('egov.procedure.field', "Field"), 'get_field',
        searcher='search_field')
    form = fields.Many2One(
        'egov.procedure.form', "E-Form Version", ondelete='RESTRICT',
        domain=[('procedure', '=', Eval('procedure', -1))], readonly=True)
    form_data = fields.Text("Form Data", states=_readonly,
        help="The values of the e-form, as JSON.")
    form_display = fields.Function(
        fields.Text("Declaration"), 'get_form_display')
    applicant = fields.Many2One(
        'party.party', "Applicant", required=True, ondelete='RESTRICT',
        states=_readonly)
    applicant_kind = fields.Selection([
            ('citizen', "Citizen"),
            ('business', "Business"),
            ], "Applicant Kind", required=True, states=_readonly)
    applicant_id_number = fields.Char(
        "ID Number / Tax Code", required=True, states=_readonly,
        help="The citizen's identity number (CCCD, 12 digits) or the "
        "business's tax code.")
    submitter_name = fields.Char("Submitted By", states=_readonly,
        help="The person who submits, when not the applicant.")
    phone = fields.Char("Phone", states=_readonly)
    email = fields.Char("E-Mail", states=_readonly)
    address = fields.Char("Address", states=_readonly)
    channel = fields.Selection([
            ('online', "Online"),
            ('direct', "At the Desk"),
            ('post', "By Post"),
            ], "Channel", required=True, states=_readonly)
    web_user = fields.Many2One(
        'web.user', "Portal Account", ondelete='RESTRICT', readonly=True)
    company = fields.Many2One(
        'company.company', "Receiving Agency", required=True,
        ondelete='RESTRICT', states=_readonly)
    current_agency = fields.Many2One(
        'company.company', "Current Agency", readonly=True,
        ondelete='RESTRICT')
    participants = fields.Many2Many(
        'egov.dossier-company.company', 'dossier', 'company',
        "Agencies Involved", readonly=True)
    step = fields.Many2One(
        'egov.procedure.step', "Step", readonly=True, ondelete='RESTRICT')
    assignee = fields.Many2One(
        'res.user', "Assigned To", readonly=True, ondelete='RESTRICT')
    next_assignee = fields.Many2One(
        'res.user', "Hand Over To",
        states={
            'invisible': ~Eval('state').in_(
                ['received', 'processing', 'result_issued']),
            },
        help="The official of the next step who receives the dossier; "
        "leave empty to let the officials of the agency take it.")
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    components = fields.One2Many(
        'egov.dossier.component', 'dossier', "Components",
        states={'readonly': ~Eval('state').in_(['draft', 'supplement'])})
    fees = fields.One2Many('egov.dossier.fee', 'dossier', "Fees",
        states={'readonly': ~Eval('state').in_(['draft', 'submitted'])})
    submitted_date = fields.DateTime("Submitted On", readonly=True)
    received_date = fields.DateTime("Received On", readonly=True)
    due_date = fields.DateTime("Due On", readonly=True)
    finished_date = fields.DateTime("Finished On", readonly=True)
    returned_date = fields.DateTime("Returned On", readonly=True)
    timing = fields.Selection(TIMINGS, "Timing", readonly=True, sort=False)
    alert = fields.Selection([
            (None, ""),
            ('due_soon', "Due Soon"),
            ('overdue', "Overdue"),
            ], "Alert", readonly=True, sort=False)
    processes = fields.One2Many(
        'egov.dossier.process', 'dossier', "Control Sheet", readonly=True)
    pauses = fields.One2Many(
        'egov.dossier.pause', 'dossier', "Supplements", readonly=True)
    extensions = fields.One2Many(
        'egov.dossier.extension', 'dossier', "Extensions", readonly=True)
    supplement_request = fields.Text("Documents to Supplement",
        states={
            'readonly': ~Eval('state').in_(
                ['submitted', 'received', 'processing']),
            },
        help="What the applicant must supplement or complete (form 02).")
    refusal_reason = fields.Text("Reason for Refusal",
        states={'readonly': Eval('state') != 'submitted'})
    stop_reason = fields.Text("Reason for Stopping",
        states={
            'readonly': ~Eval('state').in_(
                ['received', 'processing', 'supplement']),
            })
    ineligible_reason = fields.Text("Reason Not Eligible",
        states={'readonly': Eval('state') != 'processing'})
    extension_due = fields.Date("New Due Date",
        states={
            'readonly': ~Eval('state').in_(['received', 'processing']),
            })
    extension_reason = fields.Text("Reason for Delay",
        states={
            'readonly': ~Eval('state').in_(['received', 'processing']),
            })
    result_file = fields.Binary("Result", filename='result_filename',
        file_id='result_file_id',
        states={
            'readonly': ~Eval('state').in_(
                ['processing', 'awaiting_signature']),
            })
    result_filename = fields.Char("Result File Name",
        states={
            'readonly': ~Eval('state').in_(
                ['processing', 'awaiting_signature']),
            })
    result_file_id = fields.Char("Result File ID", readonly=True)
    result_signed = fields.Boolean("Result Signed", readonly=True)
    rating = fields.Selection(RATINGS, "Rating", readonly=True, sort=False)
    rating_comment = fields.Text("Rating Comment", readonly=True)
    rating_date = fields.DateTime("Rated On", readonly=True)
    search_text = fields.Char("Search Text", readonly=True)
    lookup_url = fields.Function(fields.Char("Lookup Address"),
        'get_lookup_url')

    del _readonly

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'egov_procedure.msg_dossier_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.company, Index.Equality())),
                Index(t, (t.assignee, Index.Equality()),
                    (t.due_date, Index.Range()),
                    where=t.state.in_(sorted(MY_WORK_STATES))),
                Index(t, (t.current_agency, Index.Equality()),
                    (t.due_date, Index.Range()),
                    where=t.state.in_(sorted(OPEN_STATES))),
                Index(t, (t.received_date, Index.Range())),
                # The dossiers in processing of the statistics
                Index(t, (t.received_date, Index.Range()),
                    where=t.state.in_(sorted(OPEN_STATES))),
                Index(t, (t.search_text, Index.Similarity())),
                Index(t, (t.applicant, Index.Equality())),
                })
        cls._order = [('submitted_date', 'DESC NULLS FIRST'),
            ('id', 'DESC')]
        open_ = ['received', 'processing']
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'receive': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'request_supplement': {
                    'invisible': ~Eval('state').in_(['submitted'] + open_),
                    'readonly': ~Eval('supplement_request'),
                    'depends': ['state', 'supplement_request'],
                    },
                'answer_supplement': {
                    'invisible': Eval('state') != 'supplement',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'submitted',
                    'readonly': ~Eval('refusal_reason'),
                    'icon': 'tryton-cancel',
                    'depends': ['state', 'refusal_reason'],
                    },
                'withdraw': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'submitted', 'supplement'])
                    | Bool(Eval('received_date')),
                    'depends': ['state', 'received_date'],
                    },
                'take': {
                    'invisible': (~Eval('state').in_(
                            open_ + ['awaiting_signature', 'result_issued',
                                'ready'])
                        | (Eval('assignee', -1) == Eval('_user', 0))),
                    'depends': ['state', 'assignee'],
                    },
                'forward': {
                    'invisible': ~Eval('state').in_(
                        open_ + ['result_issued']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'extend': {
                    'invisible': ~Eval('state').in_(open_),
                    'readonly': (~Eval('extension_due')
                        | ~Eval('extension_reason')),
                    'depends': ['state', 'extension_due',
                        'extension_reason'],
                    },
                'stop': {
                    'invisible': ~Eval('state').in_(open_ + ['supplement'])
                    | ((Eval('state') == 'supplement')
                        & ~Eval('received_date')),
                    'readonly': ~Eval('stop_reason'),
                    'depends': ['state', 'stop_reason', 'received_date'],
                    },
                'declare_ineligible': {
                    'invisible': Eval('state') != 'processing',
                    'readonly': ~Eval('ineligible_reason'),
                    'depends': ['state', 'ineligible_reason'],
                    },
                'send_back': {
                    'invisible': Eval('state') != 'awaiting_signature',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'sign_result': {
                    'invisible': Eval('state') != 'awaiting_signature',
                    'readonly': ~Eval('result_filename'),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'result_filename'],
                    },
                'return_': {
                    'invisible': Eval('state') != 'ready',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def view_attributes(cls):
        # Lists show the overdue dossiers in red and those due soon in amber
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('alert') == 'overdue', 'danger',
                    If(Eval('alert') == 'due_soon', 'warning', '')),
                ['alert']),
            ]

    @staticmethod
    def default_channel():
        return 'direct'

    @staticmethod
    def default_applicant_kind():
        return 'citizen'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @fields.depends('applicant', 'phone', 'email', 'address')
    def on_change_applicant(self):
        if self.applicant:
            self.phone = self.phone or self.applicant.phone
            self.email = self.email or self.applicant.email
            if not self.address and self.applicant.addresses:
                self.address = self.applicant.addresses[0].full_address
            identifiers = [i for i in self.applicant.identifiers
                if i.type in {'vn_cccd', 'vn_mst'}]
            if identifiers:
                self.applicant_id_number = identifiers[0].code
                if identifiers[0].type == 'vn_mst':
                    self.applicant_kind = 'business'

    @fields.depends('procedure', 'components', 'fees')
    def on_change_procedure(self):
        pool = Pool()
        Component = pool.get('egov.dossier.component')
        Fee = pool.get('egov.dossier.fee')
        if self.procedure and not self.components:
            self.components = [Component(
                    component=c, name=c.name,
                    quantity=(c.originals or 0) + (c.copies or 0) or 1,
                    kind='original' if c.originals else 'copy')
                for c in self.procedure.components]
        if self.procedure and not self.fees:
            self.fees = [Fee(name=f.name, amount=f.amount, state='unpaid')
                for f in self.procedure.fees]

    def get_field(self, name):
        return self.procedure.field.id if self.procedure else None

    @classmethod
    def search_field(cls, name, clause):
        return [('procedure.field' + clause[0][len(name):],
                *clause[1:])]

    def get_form_display(self, name):
        if not self.form or not self.form_data:
            return self.form_data
        try:
            data = json.loads(self.form_data)
        except ValueError:
            return self.form_data
        yes_no = (gettext('egov_procedure.msg_yes'),
            gettext('egov_procedure.msg_no'))
        return '\n'.join('%s: %s' % (label, text) for label, text in
            eform.display(self.form.definition, data, yes_no=yes_no))

    def get_lookup_url(self, name):
        base = config.get('egov_procedure', 'portal_url',
            default='http://127.0.0.1:8000/portal')
        # The portal's public lookup page (egov_portal)
        return '%s/tra-cuu?%s' % (base.rstrip('/'),
            urllib.parse.urlencode({'ma': self.code or ''}))

    def get_rec_name(self, name):
        return self.code or '(%s)' % self.id

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if isinstance(operand, str) and operator in {
                'ilike', 'like', 'not ilike', 'not like', '=', '!='}:
            value = eform.unaccent(operand)
            if operator in {'=', '!='}:
                operator = 'ilike' if operator == '=' else 'not ilike'
                value = '%' + value + '%'
            return [('search_text', operator, value, *extra)]
        return [('code', operator, operand, *extra)]

    def _search_text(self):
        return search_text([self.code,
                self.applicant.name if self.applicant else None,
                self.applicant_id_number, self.submitter_name, self.phone])

    @classmethod
    def create(cls, vlist):
        cls._check_workflow_fields(vlist)
        # The receiving agency takes part from the start: the record rule
        # that shows dossiers to their agencies reads the participants only
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            company = values.get('company') or cls.default_company()
            if company:
                values['company'] = company
                values.setdefault('participants', [])
                values['participants'] = list(values['participants']) + [
                    ('add', [company])]
        cls._set_search_text(vlist)
        dossiers = super().create(vlist)
        if any(v.get('received_date') for v in vlist):
            # Received already (a dossier brought in from another system)
            Line = Pool().get('egov.dossier.statistic.line')
            Line.record({}, Line.contributions([d.id for d in dossiers]))
        return dossiers

    @classmethod
    def write(cls, *args):
        Line = Pool().get('egov.dossier.statistic.line')
        actions = iter(args)
        counted = []
        for dossiers, values in zip(actions, actions):
            cls._check_workflow_fields([values])
            if LINE_FIELDS & set(values):
                counted.extend(d.id for d in dossiers)
        # The statistics follow the changes of their counters
        if counted:
            before = Line.contributions(counted)
        super().write(*args)
        if counted:
            Line.record(before, Line.contributions(counted))
        names = {'code', 'applicant', 'applicant_id_number',
            'submitter_name', 'phone'}
        actions = iter(args)
        to_update, moved = [], []
        for dossiers, values in zip(actions, actions):
            if names & set(values) and 'search_text' not in values:
                to_update.extend(dossiers)
            if 'company' in values:
                moved.extend(dossiers)
        cls._update_search_text(to_update)
        # A draft given to another receiving agency: that agency sees it
        cls._add_participants(moved)

    @classmethod
    def _check_workflow_fields(cls, vlist):
        """Refuse, from a client, a value of the fields that only the
        transitions set (state, dates, agencies, rating...): without it an
        official with write access could skip the workflow by writing
        them.  The transitions write them without access check."""
        if not Transaction().check_access:
            return
        for values in vlist:
            for name in WORKFLOW_FIELDS & set(values):
                value = values[name]
                if value in (None, [], False, '') or (
                        name == 'state' and value == 'draft'):
                    continue
                raise DossierAccessError(gettext(
                        'egov_procedure.msg_dossier_workflow_field',
                        field=getattr(cls, name).string))

    @classmethod
    def _set_search_text(cls, vlist):
        """Put the search text in the values of new dossiers (none of its
        fields has a default): written with the row, not after it"""
        Party = Pool().get('party.party')
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        names = {}
        applicants = {v['applicant'] for v in vlist if v.get('applicant')}
        for sub_ids in grouped_slice(applicants):
            cursor.execute(*party.select(party.id, party.name,
                    where=reduce_ids(party.id, sub_ids)))
            names.update(cursor)
        for values in vlist:
            values['search_text'] = search_text([values.get('code'),
                    names.get(values.get('applicant')),
                    values.get('applicant_id_number'),
                    values.get('submitter_name'), values.get('phone')])

    @classmethod
    def _update_search_text(cls, dossiers):
        """Write the unaccented text of the search from the columns (one
        query to read them, without loading the records)"""
        Party = Pool().get('party.party')
        table = cls.__table__()
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        for sub_ids in grouped_slice([d.id for d in dossiers]):
            cursor.execute(*table.join(party, 'LEFT',
                    condition=table.applicant == party.id
                    ).select(table.id, table.code, party.name,
                    table.applicant_id_number, table.submitter_name,
                    table.phone, where=reduce_ids(table.id, sub_ids)))
            for id_, *values in cursor.fetchall():
                cursor.execute(*table.update(
                        [table.search_text], [search_text(values)],
                        where=table.id == id_))

    @classmethod
    def copy(cls, dossiers, default=None):
        if dossiers:
            raise DossierAccessError(
                gettext('egov_procedure.msg_dossier_copy'))
        return []

    @classmethod
    def delete(cls, dossiers):
        for dossier in dossiers:
            if dossier.state != 'draft' or dossier.code:
                raise DossierAccessError(gettext(
                        'egov_procedure.msg_dossier_delete',
                        dossier=dossier.rec_name))
        super().delete(dossiers)

    @classmethod
    def validate_fields(cls, dossiers, field_names):
        super().validate_fields(dossiers, field_names)
        if not field_names or field_names & {
                'applicant_id_number', 'applicant_kind'}:
            for dossier in dossiers:
                dossier.check_id_number()
        if not field_names or 'phone' in field_names:
            for dossier in dossiers:
                if dossier.phone and not eform.normalize_phone(
                        dossier.phone):
                    raise DossierValidationError(gettext(
                            'egov_procedure.msg_dossier_phone_invalid',
                            phone=dossier.phone))

    def check_id_number(self):
        number = (self.applicant_id_number or '').strip()
        if self.applicant_kind == 'citizen':
            if not eform.is_valid_cccd(number):
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_cccd_invalid',
                        number=number))
        elif not eform.is_valid_tax_code(number):
            raise DossierValidationError(gettext(
                    'egov_procedure.msg_dossier_tax_code_invalid',
                    number=number))

    # Workflow helpers
    @classmethod
    def _check_state(cls, dossiers, states, action):
        """Refuse, with a message naming the dossier and its state, a
        transition from a state that does not allow it (instead of
        Workflow's silent skip)"""
        for dossier in dossiers:
            if dossier.state not in states:
                labels = dict(
                    cls.fields_get(['state'])['state']['selection'])
                raise DossierStateError(gettext(
                        'egov_procedure.msg_dossier_wrong_state',
                        dossier=dossier.rec_name,
                        state=labels.get(dossier.state, dossier.state),
                        action=gettext('egov_procedure.msg_action_' + action)))

    @classmethod
    def _lock_and_check(cls, dossiers, states, action):
        """Lock the dossiers for the rest of the transaction and check their
        state: of two officers acting at once on the same dossier, the
        second waits for the first, then is told the dossier moved on.

        On PostgreSQL the rows are locked where the transition starts
        (``SELECT … FOR UPDATE``) instead of through ``ModelSQL.lock``,
        which restarts every request to take its locks first: the second
        officer waits for the first to commit, then, the row having changed
        after the start of his transaction, fails with a serialization
        error, and the request is run again (``[database] retry``), reads
        the new state and is refused.  SQLite serializes the writers."""
        transaction = Transaction()
        ids = [d.id for d in dossiers]
        if backend.name == 'postgresql':
            created = set(transaction.create_records[cls.__name__])
            to_lock = [i for i in ids if i not in created]
            if to_lock:
                table = cls.__table__()
                cursor = transaction.connection.cursor()
                cursor.execute(*table.select(Literal(1),
                        where=reduce_ids(table.id, to_lock),
                        for_=For('UPDATE')))
        # Read the state again, after the lock
        dossiers = cls.browse(ids)
        cls._check_state(dossiers, states, action)
        return dossiers

    @classmethod
    def _log_transition(cls, dossiers, description=None):
        Log = Pool().get('egov.audit.log')
        labels = dict(cls.fields_get(['state'])['state']['selection'])
        for dossier in dossiers:
            text = labels.get(dossier.state, dossier.state)
            if description:
                text = '%s: %s' % (text, description)
            Log.log([dossier], 'transition', ['state'], text)

    @staticmethod
    def _official_acting():
        "Tell whether an official acts, through a button or the wizard"
        transaction = Transaction()
        return transaction.user != 0 and (transaction.check_access
            or transaction.context.get('_egov_official', False))

    def _user_has_role(self, role):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if not self._official_acting():
            return True
        group = ModelData.get_id('egov_base', ROLE_GROUPS[role])
        return group in User.get_groups()

    def _check_agency(self, agency):
        "The acting user must work at the agency that holds the dossier"
        User = Pool().get('res.user')
        if not self._official_acting():
            return
        # The agencies whose records the user sees (not in the context of
        # the clients)
        if agency.id not in User.get_companies():
            raise DossierAccessError(gettext(
                    'egov_procedure.msg_dossier_not_your_agency',
                    dossier=self.rec_name, agency=agency.rec_name))

    def _schedule(self, agency=None):
        return (agency or self.company).get_calendar().schedule()

    def _pauses_local(self):
        return [(to_local(p.start), to_local(p.end) if p.end else None)
            for p in self.pauses if p.during_processing]

    def compute_due_date(self):
        "Return the due date (UTC) from receipt, pauses and extensions"
        if not self.received_date:
            return None
        procedure = self.procedure
        schedule = self._schedule()
        due = compute_due(
            schedule, procedure.deadline_unit, procedure.deadline,
            to_local(self.received_date), procedure.cutoff,
            self._pauses_local())
        extra = sum(e.days or 0 for e in self.extensions)
        if extra:
            due = schedule.add_working_days(due, extra)
        return to_utc(due)

    @classmethod
    def _new_code(cls, agency, moment):
        """Return the next code of the agency for the local day of moment:
        {agency code}-{yymmdd}-{4 digits}.

        The counter is kept per agency and day in egov.dossier.sequence.  On
        PostgreSQL it is incremented in its own short transaction, where the
        row lock makes concurrent submissions wait for each other instead of
        failing, so codes are never duplicated (a submission that fails
        afterwards leaves a gap, as the national portal allows).  An agency
        created in the same transaction (demo loading) is not visible to
        another transaction yet: its counter is kept in this one."""
        pool = Pool()
        Sequence = pool.get('egov.dossier.sequence')
        Company = pool.get('company.company')
        day = to_local(moment).date()
        if not agency.agency_code:
            raise DossierValidationError(gettext(
                    'egov_procedure.msg_agency_without_code',
                    agency=agency.rec_name))
        transaction = Transaction()
        if (backend.name == 'postgresql' and agency.id
                not in transaction.create_records[Company.__name__]):
            with transaction.new_transaction(autocommit=True) as t:
                number = Sequence.next_number(agency.id, day, t)
        else:
            number = Sequence.next_number(agency.id, day, transaction)
        if number > 9999:
            raise DossierValidationError(gettext(
                    'egov_procedure.msg_dossier_sequence_full',
                    agency=agency.rec_name))
        return '%s-%s-%04d' % (agency.agency_code, day.strftime('%y%m%d'),
            number)

    def _open_process(self, agency, step=None, note=None, to_user=None,
            start=None):
        pool = Pool()
        Process = pool.get('egov.dossier.process')
        User = pool.get('res.user')
        start = start or now()
        due = None
        if step and step.duration:
            schedule = self._schedule(agency)
            due = to_utc(compute_due(
                    schedule, self.procedure.deadline_unit, step.duration,
                    to_local(start)))
        user = Transaction().user
        return Process(
            dossier=self, agency=agency, step=step,
            from_user=User(user) if user else None,
            to_user=to_user, start=start, due=due, note=note)

    @classmethod
    def _close_processes(cls, dossiers, when=None):
        pool = Pool()
        Process = pool.get('egov.dossier.process')
        when = when or now()
        to_close = Process.search([
                ('dossier', 'in', [d.id for d in dossiers]),
                ('end', '=', None),
                ])
        for process in to_close:
            process.end = when
            process.timing = classify(when, process.due)
        Process.save(to_close)

    @classmethod
    def _add_participants(cls, dossiers):
        pool = Pool()
        Rel = pool.get('egov.dossier-company.company')
        if not dossiers:
            return
        with without_check_access():
            existing = {(r.dossier.id, r.company.id) for r in Rel.search([
                        ('dossier', 'in', [d.id for d in dossiers]),
                        ])}
        to_create = []
        for dossier in dossiers:
            for agency in filter(None, [
                        dossier.company, dossier.current_agency]):
                key = (dossier.id, agency.id)
                if key not in existing:
                    existing.add(key)
                    to_create.append(
                        Rel(dossier=dossier, company=agency))
        Rel.save(to_create)

    # Transitions
    @classmethod
    @ModelView.button
    def submit(cls, dossiers):
        pool = Pool()
        Fee = pool.get('egov.dossier.fee')
        dossiers = cls._lock_and_check(dossiers, {'draft'}, 'submit')
        when = now()
        for dossier in dossiers:
            dossier.check_id_number()
            dossier.check_form()
            dossier.check_components()
            if not dossier.procedure.receives(dossier.company):
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_wrong_agency',
                        procedure=dossier.procedure.rec_name,
                        agency=dossier.company.rec_name))
            dossier.code = cls._new_code(dossier.company, when)
            # The code joins the search text in the same write
            if dossier.search_text is not None:
                dossier.search_text = search_text(
                    [dossier.code, dossier.search_text])
            else:
                dossier.search_text = dossier._search_text()
            dossier.state = 'submitted'
            dossier.submitted_date = when
            dossier.current_agency = dossier.company
            if not dossier.fees:
                dossier.fees = [Fee(name=name, amount=amount,
                        state='unpaid' if amount else 'exempt')
                    for name, amount in (
                        dossier.procedure.submission_rules()['fees'])]
        cls.save(dossiers)
        # The receiving agency, now the current one, takes part since the
        # dossier was created (create and write add it)
        cls._log_transition(dossiers)

    def check_form(self):
        "Validate the e-form data against the published version"
        Form = Pool().get('egov.procedure.form')
        form = self.form
        if not form:
            form_id = self.procedure.submission_rules()['form']
            if not form_id:
                return
            form = Form(form_id)
        try:
            data = json.loads(self.form_data or '{}')
        except ValueError:
            raise DossierValidationError(gettext(
                    'egov_procedure.msg_dossier_form_json'))
        cleaned = form.validate_data(data)
        self.form = form
        self.form_data = json.dumps(cleaned, ensure_ascii=False)

    def check_components(self):
        provided = {c.component.id for c in self.components if c.component}
        rules = self.procedure.submission_rules()
        for id_, name, required, case in rules['components']:
            if required and not case and id_ not in provided:
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_component_missing',
                        component=name))
        if self.channel == 'online':
            for component in self.components:
                if not component.file_id and not component.file:
                    raise DossierValidationError(gettext(
                            'egov_procedure.msg_dossier_component_file',
                            component=component.name))

    @classmethod
    @official_action
    @ModelView.button
    def receive(cls, dossiers):
        "Accept a complete dossier: the legal clock starts (form 01)"
        pool = Pool()
        Process = pool.get('egov.dossier.process')
        User = pool.get('res.user')
        dossiers = cls._lock_and_check(dossiers, {'submitted'}, 'receive')
        when = now()
        processes = []
        for dossier in dossiers:
            dossier._check_agency(dossier.company)
            dossier.received_date = when
            dossier.state = 'received'
            dossier.current_agency = dossier.company
            user = Transaction().user
            dossier.assignee = User(user) if user else None
            dossier.due_date = dossier.compute_due_date()
            process = dossier._open_process(dossier.company,
                note=gettext('egov_procedure.msg_process_received'),
                to_user=dossier.assignee, start=when)
            process.from_user = None
            processes.append(process)
        cls.save(dossiers)
        Process.save(processes)
        cls._log_transition(dossiers)

    @classmethod
    @official_action
    @ModelView.button
    def request_supplement(cls, dossiers):
        "Ask the applicant to supplement the dossier (form 02)"
        pool = Pool()
        Pause = pool.get('egov.dossier.pause')
        dossiers = cls._lock_and_check(
            dossiers, {'submitted', 'received', 'processing'},
            'request_supplement')
        pauses = []
        when = now()
        for dossier in dossiers:
            dossier._check_agency(dossier.current_agency or dossier.company)
            if not (dossier.supplement_request or '').strip():
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_reason_required',
                        field=cls.supplement_request.string))
            pauses.append(Pause(
                    dossier=dossier, start=when, request=(
                        dossier.supplement_request),
                    during_processing=bool(dossier.received_date),
                    state_before=dossier.state))
        Pause.save(pauses)
        cls.write(dossiers, {'state': 'supplement'})
        cls._log_transition(dossiers, '; '.join(
                d.supplement_request for d in dossiers))

    @classmethod
    @ModelView.button
    def answer_supplement(cls, dossiers):
        """The applicant supplemented the dossier: before receipt it is
        submitted again; during processing the clock runs again and the due
        date moves by the pause"""
        pool = Pool()
        Pause = pool.get('egov.dossier.pause')
        dossiers = cls._lock_and_check(
            dossiers, {'supplement'}, 'answer_supplement')
        when = now()
        open_pauses = Pause.search([
                ('dossier', 'in', [d.id for d in dossiers]),
                ('end', '=', None),
                ])
        before = {}
        for pause in open_pauses:
            pause.end = when
            before[pause.dossier.id] = pause.state_before
        Pause.save(open_pauses)
        for dossier in cls.browse([d.id for d in dossiers]):
            if dossier.received_date:
                state = before.get(dossier.id) or 'processing'
                if state == 'received':
                    state = 'processing'
                dossier.state = state
                dossier.due_date = dossier.compute_due_date()
                dossier.alert = None
            else:
                dossier.state = 'submitted'
            dossier.supplement_request = None
            dossier.save()
            cls._log_transition([dossier])

    @classmethod
    @official_action
    @ModelView.button
    def refuse(cls, dossiers):
        "Refuse to receive the dossier, with the reason (form 03)"
        dossiers = cls._lock_and_check(dossiers, {'submitted'}, 'refuse')
        when = now()
        for dossier in dossiers:
            dossier._check_agency(dossier.company)
            if not (dossier.refusal_reason or '').strip():
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_reason_required',
                        field=cls.refusal_reason.string))
            dossier.finished_date = when
            dossier.state = 'refused'
        cls.save(dossiers)
        cls._log_transition(dossiers, '; '.join(
                d.refusal_reason for d in dossiers))

    @classmethod
    @ModelView.button
    def withdraw(cls, dossiers):
        "The applicant withdraws the dossier before it is received"
        dossiers = cls._lock_and_check(
            dossiers, {'draft', 'submitted', 'supplement'}, 'withdraw')
        for dossier in dossiers:
            if dossier.received_date:
                raise DossierStateError(gettext(
                        'egov_procedure.msg_dossier_withdraw_received',
                        dossier=dossier.rec_name))
        cls.write(dossiers, {'finished_date': now(), 'state': 'withdrawn'})
        cls._log_transition(dossiers)

    @classmethod
    @official_action
    @ModelView.button
    def take(cls, dossiers):
        "The official takes the dossier of the current step"
        pool = Pool()
        User = pool.get('res.user')
        Process = pool.get('egov.dossier.process')
        dossiers = cls._lock_and_check(dossiers, OPEN_STATES | {
                'awaiting_signature', 'result_issued', 'ready'}, 'take')
        user = User(Transaction().user)
        for dossier in dossiers:
            dossier._check_agency(dossier.current_agency)
            role = dossier.step.role if dossier.step else 'one_stop'
            if dossier.state == 'ready':
                role = 'one_stop'
            if not dossier._user_has_role(role):
                raise DossierAccessError(gettext(
                        'egov_procedure.msg_dossier_wrong_role',
                        dossier=dossier.rec_name))
            if dossier.assignee and dossier.assignee != user:
                logger.info("%s takes %s from %s", user.login,
                    dossier.code, dossier.assignee.login)
            dossier.assignee = user
            processes = Process.search([
                    ('dossier', '=', dossier.id), ('end', '=', None)])
            for process in processes:
                process.to_user = user
            Process.save(processes)
        cls.save(dossiers)

    @classmethod
    @official_action
    @ModelView.button
    def forward(cls, dossiers):
        """Hand the dossier over to the next step of its flow (possibly at
        another agency), or back to the desk when the flow is done"""
        pool = Pool()
        Process = pool.get('egov.dossier.process')
        dossiers = cls._lock_and_check(
            dossiers, {'received', 'processing', 'result_issued'}, 'forward')
        when = now()
        processes = []
        for dossier in dossiers:
            dossier._check_agency(dossier.current_agency)
            if dossier.step:
                next_step = dossier.step.next_step()
            else:
                flow = dossier.procedure.get_flow(dossier.company)
                next_step = flow.steps[0] if flow and flow.steps else None
            if dossier.state == 'result_issued':
                # The signing step is done; skip further signing steps
                while next_step and next_step.sign:
                    next_step = next_step.next_step()
            if next_step:
                agency = next_step.target_agency(dossier.company)
                state = ('awaiting_signature' if next_step.sign
                    else 'processing')
            else:
                agency, state = dossier.company, 'ready'
            assignee = dossier.next_assignee
            if assignee and agency not in assignee.companies:
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_assignee_agency',
                        user=assignee.rec_name, agency=agency.rec_name))
            dossier.step = next_step
            dossier.current_agency = agency
            dossier.assignee = assignee
            dossier.next_assignee = None
            dossier.state = state
            if state == 'ready':
                dossier.finished_date = when
                dossier.timing = classify(when, dossier.due_date)
                dossier.alert = None
            processes.append((dossier, agency, next_step, assignee))
        cls._close_processes(dossiers, when)
        Process.save([d._open_process(a, s, to_user=u, start=when)
                for d, a, s, u in processes])
        cls.save(dossiers)
        cls._add_participants(dossiers)
        cls._log_transition(dossiers)

    @classmethod
    @official_action
    @ModelView.button
    def extend(cls, dossiers):
        "Apologise and set a new due date (form 04)"
        pool = Pool()
        Extension = pool.get('egov.dossier.extension')
        dossiers = cls._lock_and_check(
            dossiers, {'received', 'processing'}, 'extend')
        extensions = []
        for dossier in dossiers:
            dossier._check_agency(dossier.current_agency)
            if not dossier.extension_due or not (
                    dossier.extension_reason or '').strip():
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_extension_required'))
            schedule = dossier._schedule()
            old_due = to_local(dossier.due_date)
            if dossier.extension_due <= old_due.date():
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_extension_before',
                        date=old_due.strftime('%d/%m/%Y')))
            if not schedule.is_working_day(dossier.extension_due):
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_extension_holiday',
                        date=dossier.extension_due.strftime('%d/%m/%Y')))
            new_due = schedule.working_periods(dossier.extension_due)[-1][1]
            days = schedule.working_days_between(old_due, new_due)
            extensions.append(Extension(
                    dossier=dossier, previous_due=dossier.due_date,
                    new_due=to_utc(new_due), days=days,
                    reason=dossier.extension_reason))
            dossier.due_date = to_utc(new_due)
            dossier.alert = None
            reason = dossier.extension_reason
            dossier.extension_due = None
            dossier.extension_reason = None
            cls._log_transition([dossier], reason)
        Extension.save(extensions)
        cls.save(dossiers)

    @classmethod
    @official_action
    @ModelView.button
    def stop(cls, dossiers):
        "Stop processing at the applicant's request (form 05)"
        pool = Pool()
        Pause = pool.get('egov.dossier.pause')
        dossiers = cls._lock_and_check(
            dossiers, {'received', 'processing', 'supplement'}, 'stop')
        when = now()
        for dossier in dossiers:
            dossier._check_agency(dossier.current_agency)
            if not dossier.received_date:
                raise DossierStateError(gettext(
                        'egov_procedure.msg_dossier_wrong_state_stop',
                        dossier=dossier.rec_name))
            if not (dossier.stop_reason or '').strip():
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_reason_required',
                        field=cls.stop_reason.string))
            dossier.finished_date = when
            dossier.state = 'stopped'
            dossier.alert = None
        pauses = Pause.search([
                ('dossier', 'in', [d.id for d in dossiers]),
                ('end', '=', None)])
        Pause.write(pauses, {'end': when})
        cls._close_processes(dossiers, when)
        cls.save(dossiers)
        cls._log_transition(dossiers, '; '.join(
                d.stop_reason for d in dossiers))

    @classmethod
    @official_action
    @ModelView.button
    def declare_ineligible(cls, dossiers):
        "The dossier does not meet the conditions: a written reason"
        dossiers = cls._lock_and_check(
            dossiers, {'processing'}, 'declare_ineligible')
        when = now()
        for dossier in dossiers:
            dossier._check_agency(dossier.current_agency)
            if not (dossier.ineligible_reason or '').strip():
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_reason_required',
                        field=cls.ineligible_reason.string))
            dossier.finished_date = when
            dossier.state = 'ineligible'
            dossier.timing = classify(when, dossier.due_date)
            dossier.alert = None
        cls._close_processes(dossiers, when)
        cls.save(dossiers)
        cls._log_transition(dossiers, '; '.join(
                d.ineligible_reason for d in dossiers))

    @classmethod
    @official_action
    @ModelView.button
    def send_back(cls, dossiers):
        "The leader sends the dossier back to the previous step"
        pool = Pool()
        Process = pool.get('egov.dossier.process')
        dossiers = cls._lock_and_check(
            dossiers, {'awaiting_signature'}, 'send_back')
        when = now()
        to_open = []
        for dossier in dossiers:
            dossier._check_agency(dossier.current_agency)
            steps = list(dossier.step.flow.steps) if dossier.step else []
            index = steps.index(dossier.step) if dossier.step else 0
            previous = steps[index - 1] if index > 0 else None
            agency = (previous.target_agency(dossier.company) if previous
                else dossier.company)
            dossier.step = previous
            dossier.current_agency = agency
            dossier.state = 'processing'
            dossier.assignee = None
            to_open.append((dossier, agency, previous))
        cls._close_processes(dossiers, when)
        Process.save([d._open_process(a, s, start=when)
                for d, a, s in to_open])
        cls.save(dossiers)
        cls._log_transition(dossiers)

    def sign_with(self, identity, secret=None):
        """Sign the result PDF with the identity (the leader's) and issue
        it"""
        pool = Pool()
        Log = pool.get('egov.audit.log')
        from trytond.modules.egov_signature import pades
        dossier, = self._lock_and_check(
            [self], {'awaiting_signature'}, 'sign_result')
        dossier._check_agency(dossier.current_agency)
        user = Transaction().user
        if user and identity.user and identity.user.id != user:
            raise DossierAccessError(gettext(
                    'egov_procedure.msg_dossier_identity_not_yours',
                    identity=identity.rec_name))
        if not dossier.result_file:
            raise DossierValidationError(gettext(
                    'egov_procedure.msg_dossier_result_missing',
                    dossier=dossier.rec_name))
        data = bytes(dossier.result_file)
        appearance = None
        if identity.image:
            # The result's template marks where the leader signs
            found = pades.find_placeholder(
                data, SIGNATURE_PLACEHOLDER, width=150, height=60)
            if found:
                page, box = found
                appearance = pades.Appearance(
                    box=box, page=page, image=bytes(identity.image))
        signed = identity.sign(
            data, dossier.result_filename or dossier.code, secret=secret,
            appearance=appearance)
        dossier.result_file = signed
        dossier.result_signed = True
        dossier.state = 'result_issued'
        dossier.save()
        Log.log([dossier], 'transition', ['state', 'result_file'],
            gettext('egov_procedure.msg_result_signed',
                identity=identity.rec_name))
        return dossier

    @classmethod
    @ModelView.button_action('egov_procedure.wizard_sign_result')
    def sign_result(cls, dossiers):
        pass

    @classmethod
    @official_action
    @ModelView.button
    def return_(cls, dossiers):
        "The result is handed to the applicant"
        dossiers = cls._lock_and_check(dossiers, {'ready'}, 'return')
        when = now()
        for dossier in dossiers:
            dossier._check_agency(dossier.company)
            unpaid = [f for f in dossier.fees if f.state == 'unpaid']
            if unpaid:
                raise DossierValidationError(gettext(
                        'egov_procedure.msg_dossier_unpaid',
                        dossier=dossier.rec_name,
                        fee=unpaid[0].name))
            dossier.returned_date = when
            dossier.state = 'returned'
        cls._close_processes(dossiers, when)
        cls.save(dossiers)
        cls._log_transition(dossiers)

    def rate(self, rating, comment=None):
        "Record the applicant's rating of the service, once"
        if self.state != 'returned':
            raise DossierStateError(gettext(
                    'egov_procedure.msg_dossier_rate_state',
                    dossier=self.rec_name))
        if self.rating:
            raise DossierStateError(gettext(
                    'egov_procedure.msg_dossier_rated',
                    dossier=self.rec_name))
        if rating not in {'satisfied', 'normal', 'unsatisfied'}:
            raise DossierValidationError(gettext(
                    'egov_procedure.msg_dossier_rating_invalid'))
        self.rating = rating
        self.rating_comment = (comment or '').strip()[:2000] or None
        self.rating_date = now()
        self.save()

    # Deadlines
    @classmethod
    def check_deadlines(cls, moment=None):
        """Flag the open dossiers that fall due within two working days or
        are late, and notify their assignee and the leaders of the agency
        that holds them (once per change of flag)"""
        pool = Pool()
        Calendar = pool.get('egov.calendar')
        moment = moment or now()
        local = to_local(moment)
        schedule = Calendar.get_default().schedule()
        soon_day = schedule.next_working_day(
            schedule.next_working_day(local.date()))
        soon = to_utc(dt.datetime.combine(soon_day, dt.time.max))
        dossiers = cls.search([
                ('state', 'in', ['received', 'processing',
                        'awaiting_signature', 'result_issued']),
                ('due_date', '!=', None),
                ('due_date', '<=', soon),
                ], order=[('id', 'ASC')])
        to_notify = {'overdue': [], 'due_soon': []}
        for dossier in dossiers:
            alert = 'overdue' if dossier.due_date < moment else 'due_soon'
            if dossier.alert != alert:
                dossier.alert = alert
                to_notify[alert].append(dossier)
        cls.save(dossiers)
        for alert, records in to_notify.items():
            cls._notify_deadline(records, alert)
        return to_notify

    @classmethod
    def _notify_deadline(cls, dossiers, alert):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        leader_group = ModelData.get_id('egov_base', 'group_egov_leader')
        leaders = {}
        for dossier in dossiers:
            agency = dossier.current_agency or dossier.company
            if agency.id not in leaders:
                leaders[agency.id] = User.search([
                        ('companies', '=', agency.id),
                        ('groups', '=', leader_group),
                        ])
            users = set(leaders[agency.id])
            if dossier.assignee:
                users.add(dossier.assignee)
            for user in users:
                with Transaction().set_context(
                        language=user.language.code
                        if user.language else None):
                    label = gettext('egov_procedure.msg_notify_' + alert,
                        dossier=dossier.code)
                    description = gettext(
                        'egov_procedure.msg_notify_description',
                        procedure=dossier.procedure.name,
                        due=to_local(dossier.due_date).strftime(
                            '%H:%M %d/%m/%Y'))
                cls.notify_user([dossier],
                    'tryton-error' if alert == 'overdue' else 'tryton-date',
                    label,
                    description, user=user.id)


class DossierCompany(ModelSQL):
    __string__ = "Dossier - Agency"
    __name__ = 'egov.dossier-company.company'

    dossier = fields.Many2One(
        'egov.dossier', "Dossier", required=True, ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Agency", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('dossier_company_unique', Unique(t, t.dossier, t.company),
                'egov_procedure.msg_dossier_company_unique'),
            ]
        cls._sql_indexes.add(Index(
                t, (t.company, Index.Equality()),
                (t.dossier, Index.Equality())))


class DossierSequence(ModelSQL):
    "The last dossier number of an agency on a day"
    __string__ = "Dossier Sequence"
    __name__ = 'egov.dossier.sequence'

    company = fields.Many2One(
        'company.company', "Agency", required=True, ondelete='CASCADE')
    day = fields.Date("Day", required=True)
    number = fields.Integer("Number", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('company_day_unique', Unique(t, t.company, t.day),
                'egov_procedure.msg_dossier_sequence_unique'),
            ]

    @classmethod
    def next_number(cls, company_id, day, transaction):
        "Increment and return the counter of the agency for the day"
        table = cls.__table__()
        cursor = transaction.connection.cursor()
        where = (table.company == company_id) & (table.day == day)
        # In autocommit each statement is its own transaction: a failed
        # insert needs no savepoint (and none can be made)
        savepoint = (backend.name == 'postgresql'
            and not transaction.connection.autocommit)
        for attempt in range(20):
            if backend.name == 'postgresql':
                cursor.execute(*table.update(
                        [table.number], [table.number + 1], where=where,
                        returning=[table.number]))
            else:
                # SQLite serialises writers: the update and the read that
                # follows it see the same row
                cursor.execute(*table.update(
                        [table.number], [table.number + 1], where=where))
                cursor.execute(*table.select(table.number, where=where))
            row = cursor.fetchone()
            if row:
                return row[0]
            try:
                if savepoint:
                    cursor.execute('SAVEPOINT egov_dossier_sequence')
                cursor.execute(*table.insert(
                        [table.company, table.day, table.number,
                            table.create_uid, table.create_date],
                        [[company_id, day, 1, transaction.user or 0, now()]]))
                return 1
            except backend.DatabaseIntegrityError:
                # Another submission created the day's counter first
                if savepoint:
                    cursor.execute(
                        'ROLLBACK TO SAVEPOINT egov_dossier_sequence')
        raise DossierValidationError(gettext(
                'egov_procedure.msg_dossier_sequence_busy'))


class DossierComponent(sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Dossier Component"
    __name__ = 'egov.dossier.component'

    dossier = fields.Many2One(
        'egov.dossier', "Dossier", required=True, ondelete='CASCADE')
    component = fields.Many2One(
        'egov.procedure.component', "Required Component",
        ondelete='SET NULL',
        domain=[('procedure', '=', Eval('_parent_dossier', {}).get(
                    'procedure', -1))])
    name = fields.Char("Name", required=True)
    kind = fields.Selection([
            ('original', "Original"),
            ('copy', "Copy"),
            ('certified_copy', "Certified Copy"),
            ('electronic', "Electronic Copy"),
            ], "Kind", required=True, sort=False)
    quantity = fields.Integer("Quantity", required=True,
        domain=[('quantity', '>', 0)])
    file = fields.Binary("File", filename='filename', file_id='file_id')
    filename = fields.Char("File Name")
    file_id = fields.Char("File ID", readonly=True)
    mimetype = fields.Char("Type", readonly=True)
    size = fields.Integer("Size", readonly=True)

    @staticmethod
    def default_kind():
        return 'original'

    @staticmethod
    def default_quantity():
        return 1

    @fields.depends('component', 'name')
    def on_change_component(self):
        if self.component and not self.name:
            self.name = self.component.name

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('file') is not None:
            data = values['file']
            values['mimetype'] = check_file(
                data, values.get('filename') or '')
            values['size'] = len(data)
        return values


class DossierFee(ModelSQL, ModelView):
    __string__ = "Dossier Fee"
    __name__ = 'egov.dossier.fee'

    dossier = fields.Many2One(
        'egov.dossier', "Dossier", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    amount = fields.Numeric("Amount (VND)", digits=(16, 0), required=True,
        domain=[('amount', '>=', 0)])
    state = fields.Selection([
            ('unpaid', "Unpaid"),
            ('paid', "Paid"),
            ('exempt', "Exempt"),
            ], "Payment", required=True, sort=False)
    paid_date = fields.DateTime("Paid On", readonly=True)
    reference = fields.Char("Payment Reference")

    @staticmethod
    def default_state():
        return 'unpaid'

    @staticmethod
    def default_amount():
        return Decimal(0)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'pay': {
                    'invisible': Eval('state') != 'unpaid',
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button
    def pay(cls, fees):
        "Record the payment of the fees at the desk"
        cls.write([f for f in fees if f.state == 'unpaid'], {
                'state': 'paid', 'paid_date': now()})


class DossierProcess(ModelSQL, ModelView):
    "A line of the control sheet (form 06): who held the dossier when"
    __string__ = "Dossier Hand-Over"
    __name__ = 'egov.dossier.process'

    dossier = fields.Many2One(
        'egov.dossier', "Dossier", required=True, ondelete='CASCADE')
    agency = fields.Many2One(
        'company.company', "Agency", required=True, ondelete='RESTRICT')
    step = fields.Many2One(
        'egov.procedure.step', "Step", ondelete='RESTRICT')
    from_user = fields.Many2One('res.user', "Handed Over By",
        ondelete='RESTRICT')
    to_user = fields.Many2One('res.user', "Received By", ondelete='RESTRICT')
    start = fields.DateTime("Handed Over On", required=True)
    due = fields.DateTime("Due On")
    end = fields.DateTime("Done On")
    timing = fields.Selection(TIMINGS, "Result", sort=False)
    note = fields.Char("Note")
    duration = fields.Function(fields.Numeric(
            "Working Days", digits=(16, 1)), 'get_duration')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start', 'ASC'), ('id', 'ASC')]
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.dossier, Index.Equality())))

    def get_duration(self, name):
        if not self.end:
            return None
        schedule = self.agency.get_calendar().schedule()
        return Decimal(schedule.working_days_between(
                to_local(self.start), to_local(self.end)))


class DossierPause(ModelSQL, ModelView):
    "A request to supplement the dossier; during processing the clock stops"
    __string__ = "Dossier Supplement"
    __name__ = 'egov.dossier.pause'

    dossier = fields.Many2One(
        'egov.dossier', "Dossier", required=True, ondelete='CASCADE')
    start = fields.DateTime("Requested On", required=True)
    end = fields.DateTime("Supplemented On")
    request = fields.Text("Documents to Supplement")
    during_processing = fields.Boolean("Clock Paused")
    state_before = fields.Char("State Before")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start', 'ASC'), ('id', 'ASC')]


class DossierExtension(ModelSQL, ModelView):
    "A new due date with the apology letter (form 04)"
    __string__ = "Dossier Extension"
    __name__ = 'egov.dossier.extension'

    dossier = fields.Many2One(
        'egov.dossier', "Dossier", required=True, ondelete='CASCADE')
    previous_due = fields.DateTime("Previous Due Date", required=True)
    new_due = fields.DateTime("New Due Date", required=True)
    days = fields.Integer("Working Days Added")
    reason = fields.Text("Reason", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'ASC'), ('id', 'ASC')]


class SignResultStart(ModelView):
    __string__ = "Sign Result"
    __name__ = 'egov.dossier.sign_result.start'

    dossier = fields.Many2One('egov.dossier', "Dossier", readonly=True)
    identities = fields.Many2Many(
        'egov.signature.identity', None, None, "Identities", readonly=True)
    identity = fields.Many2One(
        'egov.signature.identity', "Signing Identity", required=True,
        domain=[('id', 'in', Eval('identities', []))])
    secret = fields.Char("PIN or Password", strip=False)


class SignResult(Wizard):
    __string__ = "Sign Result"
    __name__ = 'egov.dossier.sign_result'

    start = StateView('egov.dossier.sign_result.start',
        'egov_procedure.dossier_sign_result_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Sign", 'sign', 'tryton-ok', default=True),
            ])
    sign = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Identity = pool.get('egov.signature.identity')
        identities = Identity.server_identities(Transaction().user)
        return {
            'dossier': self.record.id,
            'identities': [i.id for i in identities],
            'identity': identities[0].id if identities else None,
            }

    def transition_sign(self):
        # The wizard runs without access check, the leader signs
        with Transaction().set_context(_egov_official=True):
            self.record.sign_with(self.start.identity, self.start.secret)
        self.start.secret = None
        return 'end'


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('egov.dossier|check_deadlines', "Check Dossier Deadlines"),
                ('egov.dossier.statistic.line|rebuild',
                    "Fold the Dossier Statistics Lines"),
                ])
