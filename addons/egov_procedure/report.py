# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The one-stop forms of a dossier (01 to 07) and the XLSX exports.

The documents are drawn by :mod:`forms` (reportlab, xlsxwriter); this module
gathers their data from the records."""
import datetime as dt

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.report import Report

from . import forms
from .dossier import to_local


def _local(value):
    return to_local(value) if value else None


def _upper(text):
    return (text or '').upper()


class DossierReportMixin:
    "Render a Tryton report with forms instead of a template"
    __slots__ = ()

    @classmethod
    def _records(cls, ids):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        action_report, = ActionReport.search([
                ('report_name', '=', cls.__name__)])
        cls.check_access(action_report, action_report.model, ids)
        return action_report, pool.get(action_report.model).browse(ids)


def header(dossier, agency=None):
    "The Decree 30 header data of a form issued by the agency"
    agency = agency or dossier.company
    today = dt.date.today()
    return {
        'parent_agency': _upper(agency.parent.rec_name)
        if agency.parent else None,
        'agency': _upper(agency.rec_name),
        'place': agency.place or '',
        'date': today,
        }


def applicant(dossier):
    kind = dossier.applicant_kind
    return {
        'name': dossier.applicant.rec_name,
        'id_number': dossier.applicant_id_number
        if kind == 'citizen' else None,
        'tax_code': dossier.applicant_id_number
        if kind == 'business' else None,
        'address': dossier.address,
        'phone': dossier.phone,
        'email': dossier.email,
        }


def _user_name(user):
    if not user:
        return ''
    if user.employee:
        return user.employee.party.rec_name
    return user.name or user.login


def form_data(number, dossier):
    "Return the data of form number for the dossier"
    data = header(dossier, dossier.current_agency
        if number in {'02', '04', '05'} and dossier.current_agency
        else dossier.company)
    officer = dossier.assignee
    if number == '01' and dossier.processes:
        # The receipt is signed by the officer who received the dossier,
        # whoever holds it now
        officer = dossier.processes[0].to_user or officer
    data.update({
            'code': dossier.code,
            'number': dossier.code,
            'applicant': applicant(dossier),
            'procedure': dossier.procedure.name,
            'signer_name': _user_name(officer),
            })
    if number == '01':
        data.update({
                'lookup_url': dossier.lookup_url,
                'submitter_name': dossier.submitter_name
                or dossier.applicant.rec_name,
                'components': [{
                        'name': c.name,
                        'kind': c.kind,
                        'quantity': c.quantity,
                        } for c in dossier.components],
                'copies': 1,
                'legal_time': dossier.procedure.deadline_text,
                'received_at': _local(dossier.received_date),
                'due_at': _local(dossier.due_date),
                'return_place': dossier.company.rec_name
                + (', ' + dossier.company.street
                    if dossier.company.street else ''),
                'fees': [{'name': f.name, 'amount': int(f.amount or 0)}
                    for f in dossier.fees],
                })
    elif number == '02':
        pauses = list(dossier.pauses)
        request = (dossier.supplement_request
            or (pauses[-1].request if pauses else '') or '')
        data.update({
                'items': [l.strip(' -') for l in request.splitlines()
                    if l.strip()],
                'reason': '',
                'officer': data['signer_name'],
                })
    elif number == '03':
        data.update({
                'reasons': [l.strip(' -') for l in (
                        dossier.refusal_reason or '').splitlines()
                    if l.strip()],
                })
    elif number == '04':
        extensions = list(dossier.extensions)
        last = extensions[-1] if extensions else None
        data.update({
                'received_at': _local(dossier.received_date),
                'due_at': _local(last.previous_due if last
                    else dossier.due_date),
                'reason': last.reason if last else '',
                'new_due_at': _local(last.new_due if last else None),
                })
    elif number == '05':
        data.update({
                'received_at': _local(dossier.received_date),
                'reason': dossier.stop_reason or '',
                'requested_by_applicant': True,
                })
    elif number == '06':
        data.update({
                'received_at': _local(dossier.received_date),
                'due_at': _local(dossier.due_date),
                'rows': [{
                        'agency': ' - '.join(filter(None, [
                                    p.agency.rec_name,
                                    p.step.name if p.step else p.note])),
                        'from_name': _user_name(p.from_user),
                        'to_name': _user_name(p.to_user),
                        'handed_at': _local(p.start),
                        'result': p.timing or '',
                        'note': p.note or '',
                        } for p in dossier.processes],
                })
    return data


def register_row(dossier):
    handed = [p for p in dossier.processes
        if p.agency != dossier.company or p.step]
    return {
        'code': dossier.code or '',
        'procedure': dossier.procedure.name,
        'applicant': dossier.applicant.rec_name,
        'address': dossier.address or '',
        'phone': dossier.phone or '',
        'received_at': _local(dossier.received_date),
        'due_at': _local(dossier.due_date),
        'handed_to': ', '.join(dict.fromkeys(
                p.agency.rec_name for p in handed)),
        'result_at': _local(dossier.finished_date),
        'returned_at': _local(dossier.returned_date),
        'note': '',
        }


class DossierForm(DossierReportMixin, Report):
    "A one-stop form of one dossier"
    __slots__ = ()
    _number = None

    @classmethod
    def execute(cls, ids, data):
        action_report, dossiers = cls._records(ids)
        dossier, = dossiers[:1] or [None]
        if dossier is None:
            return 'pdf', b'', False, action_report.name
        content = forms.render_form(cls._number, form_data(
                cls._number, dossier))
        return ('pdf', content, False,
            '%s - %s' % (action_report.name, dossier.code or dossier.id))


class Form01(DossierForm):
    __name__ = 'egov.dossier.form01'
    _number = '01'


class Form02(DossierForm):
    __name__ = 'egov.dossier.form02'
    _number = '02'


class Form03(DossierForm):
    __name__ = 'egov.dossier.form03'
    _number = '03'


class Form04(DossierForm):
    __name__ = 'egov.dossier.form04'
    _number = '04'


class Form05(DossierForm):
    __name__ = 'egov.dossier.form05'
    _number = '05'


class Form06(DossierForm):
    __name__ = 'egov.dossier.form06'
    _number = '06'


def _period_title(dossiers):
    dates = [to_local(d.received_date).date() for d in dossiers
        if d.received_date]
    if not dates:
        return ''
    first, last = min(dates), max(dates)
    return '%s - %s' % (first.strftime('%d/%m/%Y'), last.strftime('%d/%m/%Y'))


class Register(DossierReportMixin, Report):
    "The tracking register (form 07) of the selected dossiers"
    __name__ = 'egov.dossier.register'

    @classmethod
    def execute(cls, ids, data):
        action_report, dossiers = cls._records(ids)
        dossiers = sorted(dossiers, key=lambda d: (d.code or '', d.id))
        agency = dossiers[0].company if dossiers else None
        content = forms.render_form('07', {
                'parent_agency': _upper(agency.parent.rec_name)
                if agency and agency.parent else None,
                'agency': _upper(agency.rec_name) if agency else '',
                'place': agency.place if agency else '',
                'date': dt.date.today(),
                'title_period': _period_title(dossiers),
                'rows': [register_row(d) for d in dossiers],
                })
        return 'pdf', content, False, action_report.name


REGISTER_COLUMNS = [
    ('code', 'egov_procedure.msg_column_code', 'text'),
    ('procedure', 'egov_procedure.msg_column_procedure', 'text'),
    ('applicant', 'egov_procedure.msg_column_applicant', 'text'),
    ('address', 'egov_procedure.msg_column_address', 'text'),
    ('phone', 'egov_procedure.msg_column_phone', 'text'),
    ('received_at', 'egov_procedure.msg_column_received', 'datetime'),
    ('due_at', 'egov_procedure.msg_column_due', 'datetime'),
    ('handed_to', 'egov_procedure.msg_column_handed_to', 'text'),
    ('result_at', 'egov_procedure.msg_column_result', 'datetime'),
    ('returned_at', 'egov_procedure.msg_column_returned', 'datetime'),
    ('note', 'egov_procedure.msg_column_note', 'text'),
    ]


class RegisterXLSX(DossierReportMixin, Report):
    "The tracking register of the selected dossiers as a spreadsheet"
    __name__ = 'egov.dossier.register.xlsx'

    @classmethod
    def execute(cls, ids, data):
        action_report, dossiers = cls._records(ids)
        dossiers = sorted(dossiers, key=lambda d: (d.code or '', d.id))
        columns = [(k, gettext(m), kind) for k, m, kind in REGISTER_COLUMNS]
        content = forms.register_xlsx(
            action_report.name, columns, [register_row(d) for d in dossiers])
        return 'xlsx', content, False, action_report.name
