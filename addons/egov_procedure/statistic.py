# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Statistics of dossiers for leaders: per agency, procedure and month of
receipt, with the indicator groups of Decision 766/QĐ-TTg they feed.

A province's year is hundreds of thousands of dossiers: counting them at
each look costs seconds.  The counters that only grow with the dossiers'
history (received, finished early / on time / late, online, rated,
satisfied) are kept per agency, procedure and month of receipt in
``egov.dossier.statistic.line``: each change of a dossier that moves a
counter appends a line with the difference (appending never makes two
transactions wait for each other), and a nightly job folds the lines into
one per agency, procedure and month.  The figures (``table_query``) add up
these lines for the whole months of the period, count the dossiers
themselves for the days of a month cut by the period, and count the
dossiers in processing (not yet due or overdue, which depends on the
moment) from the open dossiers only: always current, at the cost of a few
thousand lines."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql import Cast, Column, Literal, Null, Union
from sql.aggregate import Min, Sum
from sql.conditionals import Case
from sql.functions import CurrentTimestamp, DateTrunc, Function

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.egov_base.calendar import to_local, to_utc
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import forms
from .dossier import LINE_FIELDS, OPEN_STATES, now

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

    per_agency = fields.Boolean("Per Agency and Procedure",
        help="Give the figures of each agency and procedure instead of "
        "those of the whole agency.")

    @staticmethod
    def default_by_month():
        return Transaction().context.get('by_month', False)

    @staticmethod
    def default_per_agency():
        return Transaction().context.get('per_agency', True)


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
        context = Transaction().context
        where = cls._agency_where(dossier) & (dossier.received_date != Null)
        from_date = context.get('from_date')
        if from_date:
            where &= dossier.received_date >= _utc_start(from_date)
        to_date = context.get('to_date')
        if to_date:
            where &= dossier.received_date < _utc_start(
                to_date + dt.timedelta(days=1))
        return where

    @classmethod
    def table_query(cls):
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        Line = pool.get('egov.dossier.statistic.line')
        Procedure = pool.get('egov.procedure')
        procedure = Procedure.__table__()
        context = Transaction().context
        # Per month only when asked: a province's year is then twelve
        # times fewer rows to send
        by_month = context.get('by_month', False)
        full, cut = period_months(
            context.get('from_date'), context.get('to_date'), _today())

        parts = []
        if full:
            line = Line.__table__()
            where = cls._agency_where(line)
            start, end = full
            if start:
                where &= line.month >= start
            if end:
                where &= line.month < end
            parts.append(line.select(
                    line.company, line.procedure,
                    (line.month if by_month else Literal(None)).as_('month'),
                    line.id.as_('line'), _no_id().as_('dossier'),
                    line.create_date,
                    *(Column(line, c).as_(c) for c in LINE_COUNTERS),
                    Literal(0).as_('processing'),
                    Literal(0).as_('processing_overdue'),
                    where=where))
            # The dossiers in processing of these months, counted at this
            # moment
            dossier = Dossier.__table__()
            where = (cls._agency_where(dossier)
                & dossier.state.in_(sorted(OPEN_STATES))
                & (dossier.received_date != Null))
            if start:
                where &= dossier.received_date >= _utc_start(start)
            if end:
                where &= dossier.received_date < _utc_start(end)
            parts.append(cls._dossier_part(dossier, where, by_month,
                    counters=False))
        for first, last in cut:
            dossier = Dossier.__table__()
            where = (cls._agency_where(dossier)
                & (dossier.received_date >= _utc_start(first))
                & (dossier.received_date < _utc_start(
                        last + dt.timedelta(days=1))))
            parts.append(cls._dossier_part(dossier, where, by_month))
        if not parts:
            # An empty period
            dossier = Dossier.__table__()
            parts.append(cls._dossier_part(
                    dossier, Literal(False), by_month))
        rows = parts[0]
        if len(parts) > 1:
            rows = Union(*parts, all_=True)

        def total(name):
            return Sum(Column(rows, name))

        # A group keeps the id of its oldest line (even), or of its oldest
        # dossier (odd) when it has no line yet: unique and stable between
        # the search and the read of the client
        id_ = Case(
            (Min(rows.line) != Null, Min(rows.line) * 2),
            else_=Min(rows.dossier) * 2 + 1)
        counters = [*(total(c).as_(c) for c in LINE_COUNTERS),
            total('processing').as_('processing'),
            total('processing_overdue').as_('processing_overdue')]
        having = (Sum(rows.received) > 0) | (Sum(rows.processing) > 0)
        if context.get('per_agency', True):
            query = rows.join(procedure,
                condition=rows.procedure == procedure.id
                ).select(
                    id_.as_('id'), *cls._log_columns(rows),
                    rows.company.as_('company'),
                    rows.procedure.as_('procedure'),
                    procedure.field.as_('field'),
                    rows.month.as_('month'),
                    *counters,
                    group_by=[rows.company, rows.procedure, procedure.field,
                        rows.month],
                    having=having)
        else:
            # The whole agency (with its subordinates when asked) in a row
            # per period or month, as the charts draw it
            query = rows.select(
                id_.as_('id'), *cls._log_columns(rows),
                _id_value(context.get('agency')).as_('company'),
                _id_value(context.get('procedure')).as_('procedure'),
                _id_value(context.get('field')).as_('field'),
                rows.month.as_('month'),
                *counters,
                group_by=[rows.month],
                having=having)
        return query

    @staticmethod
    def _log_columns(rows):
        return [Literal(0).as_('create_uid'),
            Min(rows.create_date).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date')]

    @classmethod
    def _agency_where(cls, table):
        "The condition on the agency, the procedure and the field"
        pool = Pool()
        Company = pool.get('company.company')
        Procedure = pool.get('egov.procedure')
        context = Transaction().context
        where = Literal(True)
        agency = context.get('agency')
        if agency:
            if context.get('subordinates', True):
                agencies = Company.get_subtree([agency])
            else:
                agencies = [agency]
            where &= table.company.in_(agencies)
        if context.get('procedure'):
            where &= table.procedure == context['procedure']
        if context.get('field'):
            procedure = Procedure.__table__()
            where &= table.procedure.in_(procedure.select(
                    procedure.id,
                    where=procedure.field == context['field']))
        return where

    @classmethod
    def _dossier_part(cls, dossier, where, by_month, counters=True):
        """The rows of the dossiers themselves, with the counters of the
        lines when counters, and those of the processing"""
        current = now()

        def flag(condition):
            return Case((condition, Literal(1)), else_=Literal(0))

        open_ = dossier.state.in_(sorted(OPEN_STATES))
        if counters:
            values = [flag(c) for c in _line_conditions(dossier)]
        else:
            values = [Literal(0)] * len(LINE_COUNTERS)
        return dossier.select(
            dossier.company, dossier.procedure,
            (month_of(cls.month, dossier.received_date) if by_month
                else Literal(None)).as_('month'),
            _no_id().as_('line'), dossier.id.as_('dossier'),
            dossier.create_date,
            *(v.as_(c) for v, c in zip(values, LINE_COUNTERS)),
            flag(open_).as_('processing'),
            flag(open_ & (dossier.due_date < current)).as_(
                'processing_overdue'),
            where=where)

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


def month_of(field, column):
    "The first day of the local month of the stored moment, as a date"
    # The month is computed in the rows' subquery: the parameter of
    # DATE_TRUNC keeps PostgreSQL from matching it with an expression of
    # GROUP BY
    return field.sql_cast(DateTrunc('month', _local_time(column)))


def _no_id():
    "An id column without value (typed: PostgreSQL multiplies it)"
    return Cast(Literal(None), 'INTEGER')


def _id_value(value):
    "A constant id column, or an empty one"
    return Cast(Literal(value or None), 'INTEGER')


def _utc_start(day):
    "The stored moment of the start of the local day"
    return to_utc(dt.datetime.combine(day, dt.time.min))


def _first_of_next_month(day):
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_months(from_date, to_date, today):
    """Split the period into its whole months, (start, end) with end
    excluded and None for no bound (or None when it has none), and the
    ranges of days (first, last) of the months it cuts.  A period that
    runs through today takes the whole months to come: nothing is received
    later than today."""
    start = from_date
    if start and start.day != 1:
        start = _first_of_next_month(start)
    end = None
    if to_date and to_date < today:
        next_day = to_date + dt.timedelta(days=1)
        end = next_day if next_day.day == 1 else to_date.replace(day=1)
    if start and end and start >= end:
        return None, [(from_date, to_date)]
    cut = []
    if from_date and start != from_date:
        cut.append((from_date, start - dt.timedelta(days=1)))
    if end and to_date >= end:
        cut.append((end, to_date))
    return (start, end), cut


def _line_conditions(dossier):
    "The conditions of LINE_COUNTERS on a received dossier's columns"
    return [
        Literal(True),
        dossier.timing != Null,
        dossier.timing == 'early',
        dossier.timing == 'on_time',
        dossier.timing == 'late',
        dossier.channel == 'online',
        dossier.rating != Null,
        dossier.rating == 'satisfied',
        ]


def _line_values(row):
    "LINE_COUNTERS of a received dossier from its values"
    timing, channel, rating = row
    return [1, int(timing is not None), int(timing == 'early'),
        int(timing == 'on_time'), int(timing == 'late'),
        int(channel == 'online'), int(rating is not None),
        int(rating == 'satisfied')]


# The counters kept per agency, procedure and month of receipt (the order
# of _line_conditions and _line_values)
LINE_COUNTERS = ['received', 'finished', 'early', 'on_time', 'late',
    'online', 'rated', 'satisfied']
# The dossier's fields these counters read
assert LINE_FIELDS == {'company', 'procedure', 'received_date', 'timing',
    'channel', 'rating'}


class StatisticLine(ModelSQL):
    """Counters of the received dossiers per agency, procedure and month of
    receipt: the changes of the day as lines of differences, folded each
    night into one line per agency, procedure and month"""
    __string__ = "Dossier Statistics Line"
    __name__ = 'egov.dossier.statistic.line'

    company = fields.Many2One('company.company', "Agency", required=True,
        ondelete='CASCADE')
    procedure = fields.Many2One('egov.procedure', "Procedure",
        required=True, ondelete='CASCADE')
    month = fields.Date("Month", required=True)
    received = fields.Integer("Received")
    finished = fields.Integer("Finished")
    early = fields.Integer("Early")
    on_time = fields.Integer("On Time")
    late = fields.Integer("Late")
    online = fields.Integer("Submitted Online")
    rated = fields.Integer("Rated")
    satisfied = fields.Integer("Satisfied")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.month, Index.Range()),
                    (t.company, Index.Equality())),
                })

    @classmethod
    def __register__(cls, module):
        created = not backend.TableHandler.table_exist(cls._table)
        super().__register__(module)
        if created:
            # A database of an earlier version: its dossiers are counted
            cls.rebuild()

    @classmethod
    def contributions(cls, ids):
        """Return the counters of the received dossiers of ids per
        (agency, procedure, month)"""
        Dossier = Pool().get('egov.dossier')
        dossier = Dossier.__table__()
        cursor = Transaction().connection.cursor()
        result = defaultdict(lambda: [0] * len(LINE_COUNTERS))
        for sub_ids in grouped_slice(ids):
            cursor.execute(*dossier.select(
                    dossier.company, dossier.procedure,
                    dossier.received_date, dossier.timing, dossier.channel,
                    dossier.rating,
                    where=reduce_ids(dossier.id, sub_ids)
                    & (dossier.received_date != Null)))
            for company, procedure, received, *row in cursor:
                if isinstance(received, str):
                    received = dt.datetime.fromisoformat(received)
                month = to_local(received).date().replace(day=1)
                counters = result[(company, procedure, month)]
                for i, value in enumerate(_line_values(row)):
                    counters[i] += value
        return result

    @classmethod
    def record(cls, before, after):
        "Append the differences between two contributions"
        table = cls.__table__()
        rows = []
        for key in before.keys() | after.keys():
            old = before.get(key, [0] * len(LINE_COUNTERS))
            new = after.get(key, [0] * len(LINE_COUNTERS))
            difference = [n - o for n, o in zip(new, old)]
            if any(difference):
                rows.append([*key, *difference, 0, CurrentTimestamp()])
        if rows:
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.insert(
                    [table.company, table.procedure, table.month]
                    + [Column(table, c) for c in LINE_COUNTERS]
                    + [table.create_uid, table.create_date],
                    rows))

    @classmethod
    def rebuild(cls):
        """Count the dossiers again into one line per agency, procedure and
        month (each night, and when the table is created): the lines the
        other transactions append meanwhile are kept, as their changes are
        not counted here"""
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        table = cls.__table__()
        dossier = Dossier.__table__()
        cursor = Transaction().connection.cursor()
        rows = dossier.select(
            dossier.company, dossier.procedure,
            month_of(cls.month, dossier.received_date).as_('month'),
            *(Case((c, Literal(1)), else_=Literal(0)).as_(n)
                for c, n in zip(_line_conditions(dossier), LINE_COUNTERS)),
            where=dossier.received_date != Null)
        query = rows.select(
            rows.company, rows.procedure, rows.month,
            *(Sum(Column(rows, c)) for c in LINE_COUNTERS),
            Literal(0), CurrentTimestamp(),
            group_by=[rows.company, rows.procedure, rows.month])
        cursor.execute(*table.delete())
        cursor.execute(*table.insert(
                [table.company, table.procedure, table.month]
                + [Column(table, c) for c in LINE_COUNTERS]
                + [table.create_uid, table.create_date],
                query))


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
