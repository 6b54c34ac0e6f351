# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The e-form of a procedure: its definition is data, kept in versions.

IT staff build the fields in the back office; publishing a version freezes
it.  The definition built from the records (`definition`) is what
:mod:`eform` validates on the server and what the portal renders, so the
two can never disagree."""
import datetime as dt
import json

from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.modules.egov_base.audit import AuditMixin
from trytond.pyson import Bool, Eval

from . import eform
from .exceptions import EFormError
from .procedure import SubmissionRulesMixin

FIELD_TYPES = [
    ('text', "Text"),
    ('textarea', "Long Text"),
    ('number', "Number"),
    ('date', "Date"),
    ('boolean', "Yes/No"),
    ('selection', "Choice List"),
    ('address', "Address"),
    ('cccd', "Citizen ID Number"),
    ('tax_code', "Tax Code"),
    ('phone', "Phone"),
    ('email', "E-Mail"),
    ('group', "Group"),
    ('heading', "Section Heading"),
    ('paragraph', "Help Text"),
    ]


class Form(
        SubmissionRulesMixin, AuditMixin, Workflow, ModelSQL, ModelView):
    __string__ = "E-Form"
    __name__ = 'egov.procedure.form'

    _states = {'readonly': Eval('state') != 'draft'}

    procedure = fields.Many2One(
        'egov.procedure', "Procedure", required=True, ondelete='CASCADE',
        states=_states)
    version = fields.Integer("Version", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ('archived', "Archived"),
            ], "State", readonly=True, required=True, sort=False)
    fields_ = fields.One2Many(
        'egov.procedure.form.field', 'form', "Fields",
        domain=[('parent', '=', None)], states=_states)
    published_date = fields.Timestamp("Published On", readonly=True)
    definition_json = fields.Function(
        fields.Text("Definition"), 'get_definition_json')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('version_unique', Unique(t, t.procedure, t.version),
                'egov_procedure.msg_form_version_unique'),
            ]
        cls._order = [('procedure', 'ASC'), ('version', 'DESC'),
            ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'archived'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'archive': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                'new_version': {
                    'invisible': Eval('state') == 'draft',
                    'icon': 'tryton-copy',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    def get_rec_name(self, name):
        return '%s v%s' % (self.procedure.rec_name, self.version or 0)

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        last = {}
        for values in vlist:
            procedure = values.get('procedure')
            if not values.get('version') and procedure:
                if procedure not in last:
                    forms = cls.search([
                            ('procedure', '=', procedure),
                            ], order=[('version', 'DESC')], limit=1)
                    last[procedure] = forms[0].version if forms else 0
                last[procedure] += 1
                values['version'] = last[procedure]
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for forms, values in zip(actions, actions):
            if set(values) - {'state', 'published_date', 'audit_logs'}:
                for form in forms:
                    if form.state != 'draft':
                        raise AccessError(gettext(
                                'egov_procedure.msg_form_frozen',
                                form=form.rec_name))
        super().write(*args)

    @classmethod
    def delete(cls, forms):
        for form in forms:
            if form.state != 'draft':
                raise AccessError(gettext(
                        'egov_procedure.msg_form_frozen', form=form.rec_name))
        super().delete(forms)

    @property
    def definition(self):
        "The definition of the form as eform reads it"
        return {'fields': [f.definition for f in self.fields_]}

    def get_definition_json(self, name):
        return json.dumps(self.definition, ensure_ascii=False, indent=1)

    def check_definition(self):
        errors = eform.check_definition(self.definition)
        if errors:
            raise EFormError(gettext(
                    'egov_procedure.msg_form_definition_invalid',
                    form=self.rec_name, errors=format_errors(errors)))

    def validate_data(self, data):
        """Return the cleaned data or raise EFormError listing every
        error"""
        cleaned, errors = eform.validate(self.definition, data or {})
        if errors:
            raise EFormError(gettext(
                    'egov_procedure.msg_form_data_invalid',
                    errors=format_errors(errors)))
        return cleaned

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, forms):
        for form in forms:
            form.check_definition()
        others = cls.search([
                ('procedure', 'in', [f.procedure.id for f in forms]),
                ('state', '=', 'published'),
                ('id', 'not in', [f.id for f in forms]),
                ])
        cls.archive(others)
        cls.write(forms, {'published_date': _now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('archived')
    def archive(cls, forms):
        pass

    @classmethod
    @ModelView.button
    def new_version(cls, forms):
        "Start a draft version from a published or archived one"
        cls.copy(forms)

    @classmethod
    def copy(cls, forms, default=None):
        default = default.copy() if default else {}
        default.setdefault('version', None)
        default.setdefault('state', 'draft')
        default.setdefault('published_date', None)
        return super().copy(forms, default=default)


def _now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def format_errors(errors):
    "Return the translated lines of a list of eform.FormError"
    return '\n'.join(
        '- ' + gettext(e.msg_id, **dict(e.params or {})) for e in errors)


class FormField(sequence_ordered(), ModelSQL, ModelView):
    __string__ = "E-Form Field"
    __name__ = 'egov.procedure.form.field'

    form = fields.Many2One(
        'egov.procedure.form', "Form", ondelete='CASCADE',
        states={'required': ~Eval('parent')})
    parent = fields.Many2One(
        'egov.procedure.form.field', "Group", ondelete='CASCADE',
        domain=[('type', '=', 'group')])
    children = fields.One2Many(
        'egov.procedure.form.field', 'parent', "Fields",
        states={'invisible': Eval('type') != 'group'})
    key = fields.Char("Key",
        states={
            'required': ~Eval('type').in_(['heading', 'paragraph']),
            },
        help="The name of the value in the dossier's data: lower-case "
        "letters, digits and underscores.")
    type = fields.Selection(FIELD_TYPES, "Type", required=True, sort=False)
    label = fields.Char("Label", required=True)
    help = fields.Text("Help")
    required = fields.Boolean("Required",
        states={'invisible': Eval('type').in_(['heading', 'paragraph'])})
    options = fields.Text("Options",
        states={
            'invisible': Eval('type') != 'selection',
            'required': Eval('type') == 'selection',
            },
        help="One option per line: value|label.")
    minimum = fields.Numeric("Minimum",
        states={'invisible': ~Eval('type').in_(['number', 'group'])})
    maximum = fields.Numeric("Maximum",
        states={'invisible': ~Eval('type').in_(['number', 'group'])})
    digits = fields.Integer("Decimals",
        states={'invisible': Eval('type') != 'number'})
    max_length = fields.Integer("Maximum Length",
        states={'invisible': ~Eval('type').in_(['text', 'textarea'])})
    past = fields.Boolean("Past Dates Only",
        states={'invisible': Eval('type') != 'date'})
    repeatable = fields.Boolean("Repeatable",
        states={'invisible': Eval('type') != 'group'})
    condition_field = fields.Char("Shown When Field",
        help="The key of a yes/no or choice field that shows this one.")
    condition_value = fields.Char("Has Value",
        states={'required': Bool(Eval('condition_field'))},
        help="yes/no for a yes/no field, else the option's value.")

    @staticmethod
    def default_type():
        return 'text'

    @property
    def root_form(self):
        field = self
        while field.parent:
            field = field.parent
        return field.form

    @classmethod
    def check_frozen(cls, fields_):
        "The fields of a published version never change"
        for field in fields_:
            form = field.root_form
            if form and form.state != 'draft':
                raise AccessError(gettext(
                        'egov_procedure.msg_form_frozen',
                        form=form.rec_name))

    @classmethod
    def create(cls, vlist):
        fields_ = super().create(vlist)
        cls.check_frozen(fields_)
        return fields_

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for fields_, _ in zip(actions, actions):
            cls.check_frozen(fields_)
        super().write(*args)
        actions = iter(args)
        for fields_, _ in zip(actions, actions):
            cls.check_frozen(fields_)

    @classmethod
    def delete(cls, fields_):
        cls.check_frozen(fields_)
        super().delete(fields_)

    @staticmethod
    def default_digits():
        return 0

    @property
    def definition(self):
        field = {'key': self.key or '', 'type': self.type,
            'label': self.label or ''}
        if self.help:
            field['help'] = self.help
        if self.required:
            field['required'] = True
        if self.type == 'selection':
            field['options'] = [
                {'value': v.strip(), 'label': (l or v).strip()}
                for v, _, l in (
                    line.partition('|')
                    for line in (self.options or '').splitlines()
                    if line.strip())]
        if self.type in {'number', 'group'}:
            for name, key in [('minimum', 'min'), ('maximum', 'max')]:
                value = getattr(self, name)
                if value is not None:
                    field[key] = (int(value) if value == int(value)
                        else str(value))
        if self.type == 'number':
            field['digits'] = self.digits or 0
        if self.type in {'text', 'textarea'} and self.max_length:
            field['max_length'] = self.max_length
        if self.type == 'date' and self.past:
            field['past'] = True
        if self.type == 'group':
            field['repeatable'] = bool(self.repeatable)
            field['fields'] = [c.definition for c in self.children]
        if self.condition_field:
            value = self.condition_value
            if value in {'yes', 'no', 'true', 'false'}:
                value = value in {'yes', 'true'}
            field['condition'] = {
                'field': self.condition_field, 'value': value}
        return field
