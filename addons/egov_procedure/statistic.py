# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Statistics of dossiers for leaders: per agency, procedure and month of
receipt, with the indicator groups of Decision 766/QĐ-TTg they feed.

The figures are one GROUP BY over the dossiers (``table_query``), filtered by
the context (agency and its subordinates, period, field, procedure), so that
they are always current and cost what the plain query costs."""
import datetime as dt
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case
from sql.functions import DateTrunc, Function

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.egov_base.calendar import to_local, to_utc
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import forms
from .dossier import OPEN_STATES, now

# Points of the indicator groups of Decision 766/QĐ-TTg that these figures
# feed (processing progress, online public services, satisfaction)
PROGRESS_POINTS = 20
ONLINE_POINTS = 12
SATISFACTION_POINTS = 18


def _rate(part, whole):
    if not whole:
        return None
    return round(float(part or 0) / float(whole), 4)


def _today():
    "Today in Vietnam"
    return to_local(now()).date()


class PeriodMixin:
    "An agency (and its subordinates) and a period, this year by default"
    __slots__ = ()

    @staticmethod
    def default_agency():
        return Transaction().context.get('company')

    @staticmethod
    def default_subordinates():
        return True

    @staticmethod
    def default_from_date():
        return _today().replace(month=1, day=1)

    @staticmethod
    def default_to_date():
        return _today()


class StatisticContext(PeriodMixin, ModelView):
    __string__ = "Dossier Statistics Context"
    __name__ = 'egov.dossier.statistic.context'

    agency = fields.Many2One('company.company', "Agency")
    subordinates = fields.Boolean("Include Subordinate Agencies")
    from_date = fields.Date("From Date",
        domain=[If(Eval('to_date'),
                ('from_date', '<=', Eval('to_date')), ())])
    to_date = fields.Date("To Date")
    field = fields.Many2One('egov.procedure.field', "Field")
    procedure = fields.Many2One('egov.procedure', "Procedure")
    by_month = fields.Boolean("Per Month",
        help="Give the figures of each month instead of the whole period.")

    @staticmethod
    def default_by_month():
        return Transaction().context.get('by_month', False)


class Statistic(ModelSQL, ModelView):
    __string__ = "Dossier Statistics"
    __name__ = 'egov.dossier.statistic'

    company = fields.Many2One('company.company', "Agency", readonly=True)
    procedure = fields.Many2One('egov.procedure', "Procedure", readonly=True)
    field = fields.Many2One('egov.procedure.field', "Field", readonly=True)
    month = fields.Date("Month", readonly=True)
    received = fields.Integer("Received", readonly=True)
    processing = fields.Integer("In Processing", readonly=True)
    processing_overdue = fields.Integer("Overdue", readonly=True)
    finished = fields.Integer("Finished", readonly=True)
    early = fields.Integer("Early", readonly=True)
    on_time = fields.Integer("On Time", readonly=True)
    late = fields.Integer("Late", readonly=True)
    online = fields.Integer("Submitted Online", readonly=True)
    rated = fields.Integer("Rated", readonly=True)
    satisfied = fields.Integer("Satisfied", readonly=True)
    on_time_rate = fields.Function(
        fields.Float("On-Time Rate", digits=(3, 4)), 'get_rates')
    online_rate = fields.Function(
        fields.Float("Online Rate", digits=(3, 4)), 'get_rates')
    satisfaction_rate = fields.Function(
        fields.Float("Satisfaction Rate", digits=(3, 4)), 'get_rates')
    progress_points = fields.Function(
        fields.Numeric("Progress Points", digits=(3, 2)), 'get_rates')
    online_points = fields.Function(
        fields.Numeric("Online Service Points", digits=(3, 2)), 'get_rates')
    satisfaction_points = fields.Function(
        fields.Numeric("Satisfaction Points", digits=(3, 2)), 'get_rates')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('company', 'ASC'), ('id', 'ASC')]

    @classmethod
    def statistic_where(cls, dossier):
        "The condition of the dossiers counted, from the context"
        pool = Pool()
        Company = pool.get('company.company')
        Procedure = pool.get('egov.procedure')
        context = Transaction().context
        where = dossier.received_date != Null
        agency = context.get('agency')
        if agency:
            if context.get('subordinates', True):
                agencies = Company.get_subtree([agency])
            else:
                agencies = [agency]
            where &= dossier.company.in_(agencies)
        from_date = context.get('from_date')
        if from_date:
            where &= dossier.received_date >= to_utc(
                dt.datetime.combine(from_date, dt.time.min))
        to_date = context.get('to_date')
        if to_date:
            where &= dossier.received_date <= to_utc(
                dt.datetime.combine(to_date, dt.time.max))
        if context.get('procedure'):
            where &= dossier.procedure == context['procedure']
        if context.get('field'):
            procedure = Procedure.__table__()
            where &= dossier.procedure.in_(procedure.select(
                    procedure.id,
                    where=procedure.field == context['field']))
        return where

    @classmethod
    def table_query(cls):
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        Procedure = pool.get('egov.procedure')
        dossier = Dossier.__table__()
        procedure = Procedure.__table__()
        current = now()

        def count(condition):
            return Sum(Case((condition, Literal(1)), else_=Literal(0)))

        # Per month only when asked: a province's year is then twelve
        # times fewer rows to send
        by_month = Transaction().context.get('by_month', False)

        # The month is computed in a subquery: the parameter of DATE_TRUNC
        # keeps PostgreSQL from matching it with an expression of GROUP BY
        dossiers = dossier.select(
            dossier.id, dossier.create_date, dossier.company,
            dossier.procedure, dossier.state, dossier.due_date,
            dossier.timing, dossier.channel, dossier.rating,
            (DateTrunc('month', _local_time(dossier.received_date))
                if by_month else Literal(None)).as_('month'),
            where=cls.statistic_where(dossier))
        open_ = dossiers.state.in_(list(OPEN_STATES))
        finished = dossiers.timing != Null
        query = dossiers.join(procedure,
            condition=dossiers.procedure == procedure.id
            ).select(
                Min(dossiers.id).as_('id'),
                Literal(0).as_('create_uid'),
                Min(dossiers.create_date).as_('create_date'),
                Literal(None).as_('write_uid'),
                Literal(None).as_('write_date'),
                dossiers.company.as_('company'),
                dossiers.procedure.as_('procedure'),
                procedure.field.as_('field'),
                (dossiers.month if by_month else Literal(None)).as_(
                    'month_key'),
                # The first day of the month as a date (search fills the
                # records with it, SQLite reads only a date)
                (cls.month.sql_cast(dossiers.month) if by_month
                    else Literal(None)).as_('month'),
                Count(dossiers.id).as_('received'),
                count(open_).as_('processing'),
                count(open_ & (dossiers.due_date < current)).as_(
                    'processing_overdue'),
                count(finished).as_('finished'),
                count(dossiers.timing == 'early').as_('early'),
                count(dossiers.timing == 'on_time').as_('on_time'),
                count(dossiers.timing == 'late').as_('late'),
                count(dossiers.channel == 'online').as_('online'),
                count(dossiers.rating != Null).as_('rated'),
                count(dossiers.rating == 'satisfied').as_('satisfied'),
                group_by=[dossiers.company, dossiers.procedure,
                    procedure.field]
                + ([dossiers.month] if by_month else []))
        return query

    @classmethod
    def read(cls, ids, fields_names):
        """Compute the rates from the counters of the same read: reading
        them through the records would run the aggregation again for each
        batch"""
        rates = [n for n in fields_names if n in RATE_FIELDS]
        if not rates:
            return super().read(ids, fields_names)
        names = [n for n in fields_names if n not in RATE_FIELDS]
        extra = [n for n in COUNTERS if n not in names]
        rows = super().read(ids, names + extra)
        for row in rows:
            values = _rates(row)
            for name in rates:
                row[name] = values[name]
            for name in extra:
                del row[name]
        return rows

    @classmethod
    def get_rates(cls, records, names):
        result = {n: {} for n in names}
        for record in records:
            values = _rates({k: getattr(record, k) for k in COUNTERS})
            for name in names:
                result[name][record.id] = values[name]
        return result

    @classmethod
    def totals(cls, records):
        "Return the sums of the records and their rates"
        keys = ['received', 'processing', 'processing_overdue', 'finished',
            'early', 'on_time', 'late', 'online', 'rated', 'satisfied']
        totals = {k: sum(getattr(r, k) or 0 for r in records) for k in keys}
        totals['on_time_rate'] = _rate(
            totals['early'] + totals['on_time'], totals['finished'])
        totals['online_rate'] = _rate(totals['online'], totals['received'])
        totals['satisfaction_rate'] = _rate(
            totals['satisfied'], totals['rated'])
        return totals


class _SQLiteDateTime(Function):
    __slots__ = ()
    _function = 'DATETIME'


def _local_time(column):
    """The stored UTC moment as Vietnam's local time (UTC+7 all year
    round): a dossier received at 06:00 on the 1st is in that month"""
    if backend.name == 'sqlite':
        return _SQLiteDateTime(column, '+7 hours')
    return column + dt.timedelta(hours=7)


COUNTERS = ['received', 'finished', 'early', 'on_time', 'online', 'rated',
    'satisfied']
RATE_FIELDS = {'on_time_rate', 'online_rate', 'satisfaction_rate',
    'progress_points', 'online_points', 'satisfaction_points'}


def _rates(row):
    "Return the rates and points of a row of counters"
    values = {
        'on_time_rate': _rate(
            (row['early'] or 0) + (row['on_time'] or 0), row['finished']),
        'online_rate': _rate(row['online'], row['received']),
        'satisfaction_rate': _rate(row['satisfied'], row['rated']),
        }
    values['progress_points'] = _points(
        values['on_time_rate'], PROGRESS_POINTS)
    values['online_points'] = _points(values['online_rate'], ONLINE_POINTS)
    values['satisfaction_points'] = _points(
        values['satisfaction_rate'], SATISFACTION_POINTS)
    return values


def _points(rate, points):
    if rate is None:
        return None
    return (Decimal(str(rate)) * points).quantize(Decimal('0.01'))


class ExportStart(PeriodMixin, ModelView):
    __string__ = "Export Dossier Statistics"
    __name__ = 'egov.dossier.statistic.export.start'

    agency = fields.Many2One('company.company', "Agency", required=True)
    subordinates = fields.Boolean("Include Subordinate Agencies")
    from_date = fields.Date("From Date", required=True)
    to_date = fields.Date("To Date", required=True,
        domain=[('to_date', '>=', Eval('from_date'))])


class ExportResult(ModelView):
    __string__ = "Export Dossier Statistics"
    __name__ = 'egov.dossier.statistic.export.result'

    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


STATISTIC_COLUMNS = [
    ('company', 'text'), ('field', 'text'), ('procedure', 'text'),
    ('received', 'int'), ('processing', 'int'),
    ('processing_overdue', 'int'), ('finished', 'int'), ('early', 'int'),
    ('on_time', 'int'), ('late', 'int'), ('online', 'int'),
    ('rated', 'int'), ('satisfied', 'int'), ('on_time_rate', 'percent'),
    ('online_rate', 'percent'), ('satisfaction_rate', 'percent'),
    ]


class Export(Wizard):
    __string__ = "Export Dossier Statistics"
    __name__ = 'egov.dossier.statistic.export'

    start = StateView('egov.dossier.statistic.export.start',
        'egov_procedure.statistic_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('egov.dossier.statistic.export.result',
        'egov_procedure.statistic_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        self.result.file = self.render(
            self.start.agency, self.start.subordinates,
            self.start.from_date, self.start.to_date)
        self.result.filename = 'thong-ke-ho-so-%s-%s.xlsx' % (
            self.start.from_date.strftime('%Y%m%d'),
            self.start.to_date.strftime('%Y%m%d'))
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            }

    @classmethod
    def render(cls, agency, subordinates, from_date, to_date):
        "Return the XLSX of the statistics per agency, field and procedure"
        pool = Pool()
        Statistic = pool.get('egov.dossier.statistic')
        with Transaction().set_context(
                agency=agency.id, subordinates=subordinates,
                from_date=from_date, to_date=to_date):
            records = Statistic.search([])
            labels = Statistic.fields_get()
            grouped = {}
            for record in records:
                key = (record.company, record.field, record.procedure)
                grouped.setdefault(key, []).append(record)
            rows = []
            for (company, field, procedure), group in sorted(
                    grouped.items(), key=lambda i: (
                        i[0][0].rec_name, i[0][1].rec_name,
                        i[0][2].rec_name)):
                row = Statistic.totals(group)
                row.update({
                        'company': company.rec_name,
                        'field': field.rec_name,
                        'procedure': procedure.rec_name,
                        })
                rows.append(row)
            totals = Statistic.totals(records)
            totals['company'] = gettext('egov_procedure.msg_total')
        columns = [(k, labels[k]['string'], kind)
            for k, kind in STATISTIC_COLUMNS]
        title = gettext('egov_procedure.msg_statistic_title',
            agency=agency.rec_name,
            start=from_date.strftime('%d/%m/%Y'),
            end=to_date.strftime('%d/%m/%Y'))
        return forms.statistics_xlsx(title, columns, rows, totals=totals)
