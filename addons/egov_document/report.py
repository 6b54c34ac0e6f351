# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The document registers of an agency printed for a year (Decree 30/2020,
appendix IV): the register of outgoing documents, of incoming documents and
the follow-up register of the incoming documents, as PDF or XLSX.

The files are drawn by :mod:`registers`; this module reads the documents of
the register and the year, with the access rules of the user: a register
is printed only by those who may read it (the register's rule keeps it in
its agency) and a classified document appears only to its readers, and only
in the register of classified documents, where it is numbered.  The
register is a document in Vietnamese: its headings are the Decree's text
and its records (type names, states) are read in Vietnamese."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.egov_base.calendar import to_local
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.report import Report
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateReport, StateTransition, StateView, Wizard)

from . import document as document_module
from . import registers
from .document import DIRECTIONS
from .exceptions import DocumentValidationError

# The language of the registers
LANGUAGE = 'vi'
KINDS = [
    ('incoming', "Incoming Documents"),
    ('follow_up', "Follow-up of Incoming Documents"),
    ('outgoing', "Outgoing Documents"),
    ]
FORMATS = [
    ('pdf', "PDF File"),
    ('xlsx', "Spreadsheet (XLSX)"),
    ]
# The kinds of register that each direction prints
DIRECTION_KINDS = {
    'incoming': ['incoming', 'follow_up'],
    'outgoing': ['outgoing'],
    }
MIN_YEAR, MAX_YEAR = 1945, 9999


def current_year():
    "The year in Vietnam"
    return to_local(document_module.now()).year


def _local_date(value):
    return to_local(value).date() if value else None


def _lines(*values):
    return '\n'.join(v for v in values if v)


def document_row(document, states):
    "Return the values of the columns of the registers for the document"
    return {
        'code': document.code or '',
        'number': document.number,
        'date': document.date,
        'type': document.type.name if document.type else '',
        'abstract': document.abstract or '',
        'signer': _lines(document.signer_name, document.signer_position),
        'recipients': document.recipients or '',
        'handler': document.handler or '',
        'copies': document.copies,
        'passed_on': _local_date(document.passed_on),
        'arrival_date': _local_date(document.arrival_date),
        'arrival_number': document.arrival_number,
        'issuer': document.issuer or '',
        # The handling of an incoming document (follow-up register)
        'deadline': getattr(document, 'deadline', None),
        'progress': progress(document, states),
        'reply': document.reply.code if getattr(
            document, 'reply', None) else None,
        'notes': _lines(document.notes, state_note(document, states)),
        }


def progress(document, states):
    "The state of an incoming document's handling, else of the document"
    processing = getattr(document, 'processing_state', None)
    if processing and document.direction == 'incoming':
        labels = dict(document.__class__.fields_get(
                ['processing_state'])['processing_state']['selection'])
        return labels.get(processing, processing)
    return states.get(document.state, document.state)


def state_note(document, states):
    """Return the note of a recalled document (it keeps its number in the
    register) with the reason"""
    if document.state != 'recalled':
        return None
    state = states.get(document.state, document.state)
    reason = ' '.join((document.recall_reason or '').split())
    return '%s: %s' % (state, reason) if reason else state


def check_kind(register, kind):
    "Refuse a kind of register that the register's direction does not print"
    if kind not in DIRECTION_KINDS.get(register.direction, []):
        raise DocumentValidationError(gettext(
                'egov_document.msg_report_kind',
                register=register.rec_name))


def check_year(year):
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise DocumentValidationError(gettext(
                'egov_document.msg_report_year', year=year))


def register_data(register, year, kind):
    """Return the data of the register of kind for the year: its documents
    read with the access rules of the user, in the order of the register
    (arrival number of the incoming, number of the outgoing documents)"""
    pool = Pool()
    Document = pool.get('egov.document')
    check_kind(register, kind)
    check_year(year)
    key = 'number' if register.direction == 'outgoing' else 'arrival_number'
    documents = Document.search([
            ('register', '=', register.id),
            ('year', '=', year),
            (key, '!=', None),
            ], order=[(key, 'ASC'), ('id', 'ASC')])
    states = dict(Document.fields_get(['state'])['state']['selection'])
    agency = register.company
    return {
        'parent_agency': agency.parent.rec_name if agency.parent else None,
        'agency': agency.rec_name,
        'year': year,
        'classified': bool(register.classified),
        'copies': bool(register.copies),
        'rows': [document_row(d, states) for d in documents],
        }


class RegisterReportMixin:
    """Print the selected registers: data may give the year (this year by
    default) and the kind (the register's direction by default)"""
    __slots__ = ()
    _format = None

    @classmethod
    def execute(cls, ids, data):
        data = dict(data or {})
        if data.get('year') is None:
            data['year'] = current_year()
        oext, content, direct, name = super().execute(ids, data)
        return oext, content, direct, '%s-%s' % (name, data['year'])

    @classmethod
    def _execute(cls, records, header, data, action):
        pool = Pool()
        Register = pool.get('egov.document.register')
        if not records:
            raise DocumentValidationError(gettext(
                    'egov_document.msg_report_no_register'))
        with Transaction().set_context(language=LANGUAGE):
            register = Register(int(records[0]))
            kind = data.get('kind') or register.direction
            content = cls.render(kind,
                register_data(register, data['year'], kind))
        return cls._format, content

    @classmethod
    def render(cls, kind, data):
        raise NotImplementedError


class RegisterReport(RegisterReportMixin, Report):
    "A document register as PDF"
    __name__ = 'egov.document.register.report'
    _format = 'pdf'

    @classmethod
    def render(cls, kind, data):
        return registers.render_pdf(kind, data)


class RegisterReportXLSX(RegisterReportMixin, Report):
    "A document register as a spreadsheet"
    __name__ = 'egov.document.register.report.xlsx'
    _format = 'xlsx'

    @classmethod
    def render(cls, kind, data):
        return registers.render_xlsx(kind, data)


class PrintRegisterStart(ModelView):
    __string__ = "Print Document Register"
    __name__ = 'egov.document.register.print.start'

    register = fields.Many2One(
        'egov.document.register', "Register", readonly=True)
    direction = fields.Selection(DIRECTIONS, "Direction", readonly=True)
    year = fields.Integer("Year", required=True,
        domain=[('year', '>=', MIN_YEAR), ('year', '<=', MAX_YEAR)])
    kind = fields.Selection(KINDS, "Kind of Register", required=True,
        sort=False,
        domain=[If(Eval('direction') == 'outgoing',
                ('kind', '=', 'outgoing'),
                ('kind', 'in', DIRECTION_KINDS['incoming']))],
        help="For the incoming documents: their register or the follow-up "
        "of their handling.")
    format = fields.Selection(FORMATS, "Format", required=True, sort=False)

    @staticmethod
    def default_year():
        return current_year()

    @staticmethod
    def default_format():
        return 'pdf'


class PrintRegister(Wizard):
    "Print a document register for a year as PDF or XLSX"
    __string__ = "Print Document Register"
    __name__ = 'egov.document.register.print'

    start = StateView('egov.document.register.print.start',
        'egov_document.register_print_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateTransition()
    pdf = StateReport('egov.document.register.report')
    xlsx = StateReport('egov.document.register.report.xlsx')

    def default_start(self, fields):
        register = self.record
        return {
            'register': register.id if register else None,
            'direction': register.direction if register else None,
            'kind': register.direction if register else None,
            }

    def transition_print_(self):
        register = self.start.register or self.record
        check_kind(register, self.start.kind)
        check_year(self.start.year)
        return self.start.format

    def _report_data(self, action):
        register = self.start.register or self.record
        return action, {
            'model': 'egov.document.register',
            'id': register.id,
            'ids': [register.id],
            'year': self.start.year,
            'kind': self.start.kind,
            }

    def do_pdf(self, action):
        return self._report_data(action)

    def transition_pdf(self):
        return 'end'

    def do_xlsx(self, action):
        return self._report_data(action)

    def transition_xlsx(self):
        return 'end'
