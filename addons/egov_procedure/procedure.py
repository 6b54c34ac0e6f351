# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The catalog of administrative procedures (thủ tục hành chính) with the
fields of the national catalog, and their processing flows."""
import datetime as dt
import re
from decimal import Decimal

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.modules.egov_base.audit import AuditMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import catalog
from .exceptions import CatalogImportError, ProcedureValidationError

# National catalog code: a digit, a dot and six digits, e.g. 1.001193
PROCEDURE_CODE = re.compile(r'^\d\.\d{6}$')

LEVELS = [
    ('ministry', "Ministry"),
    ('province', "Province"),
    ('district', "District"),
    ('commune', "Commune"),
    ]
SUBJECTS = [
    ('citizen', "Citizens"),
    ('business', "Businesses"),
    ('organisation', "Organisations"),
    ]
CHANNELS = [
    ('direct', "At the Desk"),
    ('online', "Online"),
    ('post', "By Post"),
    ]
DEADLINE_UNITS = [
    ('working_day', "Working Days"),
    ('working_hour', "Working Hours"),
    ('calendar_day', "Calendar Days"),
    ]
ONLINE_LEVELS = [
    ('full', "Full Online"),
    ('partial', "Partly Online"),
    ('none', "Not Online"),
    ]
STEP_ROLES = [
    ('one_stop', "One-Stop Officer"),
    ('specialist', "Specialist"),
    ('leader', "Leader"),
    ('clerk', "Clerk"),
    ]
# The group of egov_base that a step's role needs
ROLE_GROUPS = {
    'one_stop': 'group_egov_one_stop',
    'specialist': 'group_egov_specialist',
    'leader': 'group_egov_leader',
    'clerk': 'group_egov_clerk',
    }


class ProcedureField(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Procedure Field"
    __name__ = 'egov.procedure.field'

    name = fields.Char("Name", required=True)
    code = fields.Char("Code")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]


class SubmissionRulesMixin:
    "A part of a procedure that the rules of submission read"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('egov.procedure')._submission_rules.clear()


class Procedure(AuditMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Administrative Procedure"
    __name__ = 'egov.procedure'
    _rec_name = 'name'
    _submission_rules = Cache(
        'egov.procedure.submission_rules', context=False)

    code = fields.Char("Code", required=True,
        help="The code of the national catalog, e.g. 1.001193.")
    name = fields.Char("Name", required=True)
    deciding_act = fields.Char("Deciding Act",
        help="The decision that published the procedure.")
    levels = fields.MultiSelection(LEVELS, "Levels", sort=False)
    type = fields.Selection([
            ('administrative', "Administrative"),
            ('internal', "Internal"),
            ], "Type", required=True)
    field = fields.Many2One(
        'egov.procedure.field', "Field", required=True, ondelete='RESTRICT')
    subjects = fields.MultiSelection(SUBJECTS, "Subjects", sort=False)
    competent_agency = fields.Char("Competent Agency")
    performing_agency = fields.Char("Performing Agency")
    authorised_agency = fields.Char("Authorised Agency")
    cooperating_agency = fields.Char("Cooperating Agency")
    agencies = fields.Many2Many(
        'egov.procedure-company.company', 'procedure', 'company',
        "Receiving Agencies",
        help="The agencies of the province that receive the procedure's "
        "dossiers. Leave empty for every agency of the procedure's levels.")
    submission_place = fields.Text("Where to Submit")
    steps = fields.Text("Steps")
    channels = fields.MultiSelection(CHANNELS, "Channels", sort=False)
    deadline = fields.Numeric(
        "Legal Deadline", digits=(16, 1), required=True,
        domain=[('deadline', '>=', 0)])
    deadline_unit = fields.Selection(
        DEADLINE_UNITS, "Deadline Unit", required=True, sort=False)
    cutoff = fields.Time("Cut-off Hour",
        help="Dossiers received after this hour count from the next "
        "working day.")
    fees = fields.One2Many('egov.procedure.fee', 'procedure', "Fees")
    components = fields.One2Many(
        'egov.procedure.component', 'procedure', "Dossier Components")
    legal_bases = fields.One2Many(
        'egov.procedure.legal_basis', 'procedure', "Legal Bases")
    conditions = fields.Text("Conditions")
    results = fields.One2Many('egov.procedure.result', 'procedure', "Results")
    online_level = fields.Selection(
        ONLINE_LEVELS, "Online Level", required=True, sort=False)
    keywords = fields.Char("Keywords")
    flows = fields.One2Many('egov.procedure.flow', 'procedure', "Flows")
    forms = fields.One2Many('egov.procedure.form', 'procedure', "E-Forms")
    deadline_text = fields.Function(
        fields.Char("Deadline"), 'get_deadline_text')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'egov_procedure.msg_procedure_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_type():
        return 'administrative'

    @staticmethod
    def default_deadline_unit():
        return 'working_day'

    @staticmethod
    def default_online_level():
        return 'partial'

    @staticmethod
    def default_channels():
        return ['direct', 'online']

    @staticmethod
    def default_subjects():
        return ['citizen']

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ('keywords', operator, operand, *extra),
            ]

    def get_rec_name(self, name):
        return '[%s] %s' % (self.code, self.name)

    def get_deadline_text(self, name):
        units = dict(self.__class__.fields_get(
                ['deadline_unit'])['deadline_unit']['selection'])
        value = self.deadline if self.deadline is not None else Decimal(0)
        value = value.normalize() if value % 1 else int(value)
        return ('%s %s' % (
                value, units.get(self.deadline_unit, ''))).lower()

    @classmethod
    def validate_fields(cls, procedures, field_names):
        super().validate_fields(procedures, field_names)
        if not field_names or 'code' in field_names:
            for procedure in procedures:
                if not PROCEDURE_CODE.match(procedure.code or ''):
                    raise ProcedureValidationError(gettext(
                            'egov_procedure.msg_procedure_code_invalid',
                            code=procedure.code))

    def compute_due(self, agency, moment, pauses=()):
        """Return the due moment (naive local time) of a dossier of the
        procedure received by agency at moment (naive local time)."""
        schedule = agency.get_calendar().schedule()
        return self.compute_due_with(schedule, moment, pauses)

    def compute_due_with(self, schedule, moment, pauses=()):
        return compute_due(
            schedule, self.deadline_unit, self.deadline, moment,
            self.cutoff, pauses)

    def get_flow(self, agency):
        "Return the flow of the procedure for the receiving agency"
        default = None
        for flow in self.flows:
            if flow.agency == agency:
                return flow
            if not flow.agency and default is None:
                default = flow
        return default

    def current_form(self):
        "Return the published version of the e-form, if any"
        published = [f for f in self.forms if f.state == 'published']
        if published:
            return max(published, key=lambda f: f.version)

    def submission_rules(self):
        """Return what a submission checks of the procedure: its receiving
        agencies (ids) or levels, its components (id, name, required, for a
        case), its fees (name, amount) and its published e-form (id).

        The desks submit thousands of dossiers a day against a few hundred
        procedures: the rules are kept in memory until the procedure, its
        agencies, components, fees or forms change (every process is told
        at once: ``[cache] clean_timeout = 0``)."""
        rules = self._submission_rules.get(self.id)
        if rules is None:
            form = self.current_form()
            rules = {
                'agencies': [a.id for a in self.agencies],
                'levels': list(self.levels or ()),
                'components': [(c.id, c.name, bool(c.required), bool(c.case))
                    for c in self.components],
                'fees': [(f.name, f.amount) for f in self.fees],
                'form': form.id if form else None,
                }
            self._submission_rules.set(self.id, rules)
        return rules

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._submission_rules.clear()

    def receives(self, agency):
        "Tell whether agency receives the procedure's dossiers"
        rules = self.submission_rules()
        if rules['agencies']:
            return agency.id in rules['agencies']
        return bool(agency.level and agency.level.code in rules['levels'])

    @classmethod
    def import_catalog(cls, data, filename):
        """Create or update the procedures of a catalog file.

        Every row is checked before anything is written; any error refuses
        the whole file with the rows at fault."""
        pool = Pool()
        Field = pool.get('egov.procedure.field')
        Fee = pool.get('egov.procedure.fee')
        Component = pool.get('egov.procedure.component')
        LegalBasis = pool.get('egov.procedure.legal_basis')
        Result = pool.get('egov.procedure.result')
        try:
            rows = catalog.parse_catalog(data, filename)
        except catalog.CatalogError as exception:
            raise CatalogImportError(_catalog_message(exception.errors))

        fields_by_key = {}
        for field in Field.search([], order=[]):
            fields_by_key[(field.code or '', field.name)] = field
            fields_by_key.setdefault(('', field.name), field)
        existing = {p.code: p for p in cls.search([
                    ('code', 'in', [r['code'] for r in rows]),
                    ('active', 'in', [True, False]),
                    ], order=[])}

        new_fields = []
        for row in rows:
            key = (row.get('field_code') or '', row['field_name'])
            if key not in fields_by_key:
                field = Field(code=row.get('field_code') or None,
                    name=row['field_name'])
                fields_by_key[key] = field
                new_fields.append(field)
        Field.save(new_fields)

        # Children of updated procedures are replaced by the file's, but the
        # components the file still has are kept: dossiers refer to them
        to_delete = {Model: [] for Model in (
                Fee, Component, LegalBasis, Result)}
        procedures = []
        for row in rows:
            procedure = existing.get(row['code']) or cls()
            kept = {}
            if procedure.id:
                to_delete[Fee].extend(procedure.fees)
                for component in procedure.components:
                    kept.setdefault((component.case or '', component.name),
                        []).append(component)
                to_delete[LegalBasis].extend(procedure.legal_bases)
                to_delete[Result].extend(procedure.results)
            procedure.active = True
            for name in ['code', 'name', 'deciding_act', 'type',
                    'competent_agency', 'performing_agency',
                    'authorised_agency', 'cooperating_agency',
                    'submission_place', 'steps', 'conditions',
                    'online_level', 'keywords', 'deadline_unit']:
                setattr(procedure, name, row.get(name) or None)
            procedure.levels = row.get('levels') or []
            procedure.subjects = row.get('subjects') or []
            procedure.channels = row.get('channels') or []
            procedure.deadline = Decimal(str(row['deadline']))
            procedure.cutoff = (
                dt.time.fromisoformat(row['cutoff'])
                if row.get('cutoff') else None)
            procedure.field = fields_by_key[
                (row.get('field_code') or '', row['field_name'])]
            procedure.fees = [Fee(
                    name=f['name'], amount=Decimal(f['amount']),
                    exempt=f.get('exempt') or None)
                for f in row.get('fees') or []]
            components = []
            for i, c in enumerate(row.get('components') or [], 1):
                matches = kept.get((c.get('case') or '', c['name']))
                if matches:
                    component = matches.pop(0)
                    if c.get('template'):
                        component.template_name = c['template']
                else:
                    component = Component(
                        template_name=c.get('template') or None)
                component.sequence = i
                component.case = c.get('case') or None
                component.name = c['name']
                component.originals = c.get('originals') or 0
                component.copies = c.get('copies') or 0
                component.required = bool(c.get('required'))
                components.append(component)
            procedure.components = components
            # The dossiers keep their documents of the components dropped
            for dropped in kept.values():
                to_delete[Component].extend(dropped)
            procedure.legal_bases = [LegalBasis(
                    number=b.get('number') or None,
                    abstract=b.get('abstract') or None,
                    date=(dt.date.fromisoformat(b['date'])
                        if b.get('date') else None),
                    issuer=b.get('issuer') or None)
                for b in row.get('legal_bases') or []]
            procedure.results = [Result(
                    name=r['name'], template_name=r.get('template') or None)
                for r in row.get('results') or []]
            procedures.append(procedure)
        for Model, records in to_delete.items():
            Model.delete(records)
        cls.save(procedures)
        return procedures


def _catalog_message(errors):
    "Return the user message listing the errors of a catalog file"
    lines = []
    for row, column, msg_id, params in errors[:50]:
        text = gettext(msg_id, **(params or {}))
        if row:
            text = gettext('egov_procedure.msg_catalog_row',
                row=row, column=column or '', message=text)
        lines.append(text)
    if len(errors) > 50:
        lines.append(gettext('egov_procedure.msg_catalog_more',
                count=len(errors) - 50))
    return gettext('egov_procedure.msg_catalog_errors',
        count=len(errors), errors='\n'.join(lines))


def compute_due(schedule, unit, deadline, moment, cutoff=None, pauses=()):
    """Return the due moment of a time limit in unit from moment on the
    working schedule.  Calendar days end at the end of work of the last day;
    when that is not a working day the time limit runs to the next one
    (Civil Code, art. 148)."""
    deadline = deadline or 0
    if unit == 'working_hour':
        return schedule.add_working_hours(moment, float(deadline), cutoff,
            pauses)
    elif unit == 'calendar_day':
        day = schedule.start_day(moment, cutoff)
        paused = sum(
            ((end.date() - start.date()).days + 1 for start, end in pauses),
            0)
        day += dt.timedelta(days=int(deadline) + paused)
        if not schedule.is_working_day(day):
            day = schedule.next_working_day(day)
        return schedule.working_periods(day)[-1][1]
    return schedule.add_working_days(moment, int(deadline), cutoff, pauses)


class ProcedureCompany(SubmissionRulesMixin, ModelSQL):
    __string__ = "Procedure - Agency"
    __name__ = 'egov.procedure-company.company'

    procedure = fields.Many2One(
        'egov.procedure', "Procedure", required=True, ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Agency", required=True, ondelete='CASCADE')


class ProcedureFee(SubmissionRulesMixin, ModelSQL, ModelView):
    __string__ = "Procedure Fee"
    __name__ = 'egov.procedure.fee'

    procedure = fields.Many2One(
        'egov.procedure', "Procedure", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    amount = fields.Numeric("Amount (VND)", digits=(16, 0), required=True,
        domain=[('amount', '>=', 0)])
    exempt = fields.Char("Exempt", help="Who is exempt from the fee.")

    @staticmethod
    def default_amount():
        return Decimal(0)


class ProcedureComponent(
        SubmissionRulesMixin, sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Dossier Component"
    __name__ = 'egov.procedure.component'

    procedure = fields.Many2One(
        'egov.procedure', "Procedure", required=True, ondelete='CASCADE')
    case = fields.Char("Case",
        help="The case the component belongs to; empty for every case.")
    name = fields.Char("Name", required=True)
    template = fields.Binary("Template",
        filename='template_name', file_id='template_id')
    template_name = fields.Char("Template Name")
    template_id = fields.Char("Template ID", readonly=True)
    originals = fields.Integer("Originals", required=True,
        domain=[('originals', '>=', 0)])
    copies = fields.Integer("Copies", required=True,
        domain=[('copies', '>=', 0)])
    required = fields.Boolean("Required")

    @staticmethod
    def default_originals():
        return 1

    @staticmethod
    def default_copies():
        return 0

    @staticmethod
    def default_required():
        return True


class ProcedureLegalBasis(ModelSQL, ModelView):
    __string__ = "Legal Basis"
    __name__ = 'egov.procedure.legal_basis'

    procedure = fields.Many2One(
        'egov.procedure', "Procedure", required=True, ondelete='CASCADE')
    number = fields.Char("Number")
    abstract = fields.Text("Abstract")
    date = fields.Date("Date")
    issuer = fields.Char("Issuer")

    def get_rec_name(self, name):
        return ' '.join(filter(None, [self.number, self.abstract]))


class ProcedureResult(ModelSQL, ModelView):
    __string__ = "Procedure Result"
    __name__ = 'egov.procedure.result'

    procedure = fields.Many2One(
        'egov.procedure', "Procedure", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    template = fields.Binary("Template",
        filename='template_name', file_id='template_id')
    template_name = fields.Char("Template Name")
    template_id = fields.Char("Template ID", readonly=True)


class ProcedureFlow(AuditMixin, ModelSQL, ModelView):
    __string__ = "Processing Flow"
    __name__ = 'egov.procedure.flow'

    procedure = fields.Many2One(
        'egov.procedure', "Procedure", required=True, ondelete='CASCADE')
    agency = fields.Many2One(
        'company.company', "Receiving Agency", ondelete='CASCADE',
        help="The receiving agency the flow applies to; "
        "empty for every agency.")
    steps = fields.One2Many('egov.procedure.step', 'flow', "Steps")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('agency_unique', Unique(t, t.procedure, t.agency),
                'egov_procedure.msg_flow_agency_unique'),
            ]

    def get_rec_name(self, name):
        return ' - '.join(filter(None, [
                    self.procedure.rec_name if self.procedure else None,
                    self.agency.rec_name if self.agency else None]))

    @classmethod
    def validate(cls, flows):
        super().validate(flows)
        for flow in flows:
            if flow.steps:
                total = sum(s.duration or 0 for s in flow.steps)
                if total > (flow.procedure.deadline or 0) > 0:
                    raise ProcedureValidationError(gettext(
                            'egov_procedure.msg_flow_too_long',
                            flow=flow.rec_name, total=total,
                            deadline=flow.procedure.deadline))


class ProcedureStep(sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Processing Step"
    __name__ = 'egov.procedure.step'

    flow = fields.Many2One(
        'egov.procedure.flow', "Flow", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    role = fields.Selection(STEP_ROLES, "Role", required=True, sort=False,
        help="The role of the officials who act at this step.")
    agency_kind = fields.Selection([
            ('receiving', "Receiving Agency"),
            ('parent', "Parent of the Receiving Agency"),
            ('named', "Named Agency"),
            ], "Agency", required=True, sort=False)
    agency = fields.Many2One(
        'company.company', "Named Agency", ondelete='RESTRICT',
        states={
            'required': Eval('agency_kind') == 'named',
            'invisible': Eval('agency_kind') != 'named',
            })
    duration = fields.Numeric("Share of Deadline", digits=(16, 1),
        domain=[If(Eval('duration'), ('duration', '>=', 0), ())],
        help="The part of the legal deadline given to the step, "
        "in the procedure's unit.")
    sign = fields.Boolean("Leader Approves and Signs")

    @staticmethod
    def default_agency_kind():
        return 'receiving'

    @staticmethod
    def default_role():
        return 'specialist'

    def target_agency(self, receiving):
        "Return the agency that acts at this step"
        if self.agency_kind == 'parent':
            return receiving.parent or receiving
        elif self.agency_kind == 'named':
            return self.agency
        return receiving

    def next_step(self):
        steps = list(self.flow.steps)
        index = steps.index(self)
        if index + 1 < len(steps):
            return steps[index + 1]


class ImportStart(ModelView):
    __string__ = "Import Catalog"
    __name__ = 'egov.procedure.import.start'

    file = fields.Binary("File", required=True, filename='filename',
        help="The catalog exported by the national portal: "
        "CSV, XLSX or JSON.")
    filename = fields.Char("File Name")


class ImportDone(ModelView):
    __string__ = "Import Catalog"
    __name__ = 'egov.procedure.import.done'

    message = fields.Text("Result", readonly=True)


class ImportCatalog(Wizard):
    __string__ = "Import Catalog"
    __name__ = 'egov.procedure.import'

    start = StateView('egov.procedure.import.start',
        'egov_procedure.procedure_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    done = StateView('egov.procedure.import.done',
        'egov_procedure.procedure_import_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        pool = Pool()
        Procedure = pool.get('egov.procedure')
        procedures = Procedure.import_catalog(
            bytes(self.start.file), self.start.filename or '')
        self.done.message = gettext('egov_procedure.msg_catalog_imported',
            count=len(procedures))
        return 'done'

    def default_done(self, fields):
        return {'message': self.done.message}
