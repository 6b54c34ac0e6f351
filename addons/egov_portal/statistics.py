# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Public statistics of the dossiers: per agency or per field, for a year or
a month, the on-time, online and satisfaction shares of the province.

Only counts are shown, never a dossier, an applicant or an official."""
import calendar
import datetime as dt
from types import SimpleNamespace

from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case

from trytond.cache import Cache
from trytond.modules.egov_base.calendar import to_local
from trytond.modules.egov_procedure import dossier as dossier_module
from trytond.transaction import Transaction

from .web import _, route

GROUPINGS = ('co-quan', 'linh-vuc')
FIRST_YEAR = 2000
# The years offered in the filter (the current one and the previous ones);
# any other year since FIRST_YEAR may still be asked for in the address
YEARS_OFFERED = 5
COUNTERS = ('received', 'processing', 'processing_overdue', 'finished',
    'early', 'on_time', 'late', 'online', 'rated', 'satisfied')
# Width in pixels of the bars of a share (100 %)
BAR_WIDTH = 120
# The page is public and its aggregation reads a year of dossiers: the
# figures of a selection are kept five minutes
_figures_cache = Cache('egov_portal.statistics.figures', duration=300)


def _today():
    "Today in Vietnam, by the dossiers' clock"
    return to_local(dossier_module.now()).date()


def _int(value):
    "The positive integer of a parameter or None"
    value = (value or '').strip()
    if not value.isdigit() or len(value) > 9:
        return None
    return int(value)


def parameters(pool, args):
    """Read the filters of the address: the values to use and whether one of
    them was not understood (and replaced by its default)"""
    today = _today()
    ignored = False
    year = _int(args.get('nam'))
    if args.get('nam') and not (
            year and FIRST_YEAR <= year <= today.year):
        year = None
        ignored = True
    year = year or today.year
    month = _int(args.get('thang'))
    if args.get('thang') and not (month and 1 <= month <= 12):
        month = None
        ignored = True
    grouping = args.get('theo') or GROUPINGS[0]
    if grouping not in GROUPINGS:
        grouping = GROUPINGS[0]
        ignored = True
    agency = None
    agency_id = _int(args.get('co-quan'))
    if args.get('co-quan'):
        Company = pool.get('company.company')
        agencies = Company.search([
                ('id', '=', agency_id or -1),
                ('agency_code', '!=', None),
                ], limit=1)
        if agencies:
            agency, = agencies
        else:
            ignored = True
    return SimpleNamespace(year=year, month=month, grouping=grouping,
        agency=agency, ignored=ignored)


def period(year, month):
    "The first and last days of the month of the year, or of the year"
    if month:
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, last)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def figures(pool, grouping, agency, from_date, to_date):
    """Return the counters per agency (or field) of the dossiers received in
    the period by the agency and its subordinates (all without agency).

    One aggregate statement over the dossiers.  It selects the dossiers
    with the condition of egov.dossier.statistic (statistic_where, in the
    context of the back office's statistics) and counts them as its
    table_query does, so that the portal and the leaders read the same
    figures.  It does not reuse that table_query: grouped per agency,
    procedure and field (and joined with the procedures) for the back
    office, grouping its result once more took three times as long as this
    direct GROUP BY (a year of 400,000 dossiers on PostgreSQL: 0.9 s against
    0.3 s), and searching then reading the model would run the whole
    aggregation again for each batch of records read."""
    cache_key = (grouping, agency.id if agency else None,
        str(from_date), str(to_date))
    cached = _figures_cache.get(cache_key)
    if cached is not None:
        return [SimpleNamespace(id=key_id,
                **{c: v for c, v in zip(COUNTERS, values)})
            for key_id, *values in cached]
    Statistic = pool.get('egov.dossier.statistic')
    Dossier = pool.get('egov.dossier')
    Procedure = pool.get('egov.procedure')
    dossier = Dossier.__table__()
    with Transaction().set_context(
            agency=agency.id if agency else None, subordinates=True,
            from_date=from_date, to_date=to_date, procedure=None,
            field=None):
        where = Statistic.statistic_where(dossier)
    if grouping == 'co-quan':
        tables, key = dossier, dossier.company
    else:
        procedure = Procedure.__table__()
        tables = dossier.join(procedure,
            condition=dossier.procedure == procedure.id)
        key = procedure.field

    def count(condition):
        return Sum(Case((condition, Literal(1)), else_=Literal(0)))

    open_ = dossier.state.in_(sorted(dossier_module.OPEN_STATES))
    counters = {
        'received': Count(dossier.id),
        'processing': count(open_),
        'processing_overdue': count(
            open_ & (dossier.due_date < dossier_module.now())),
        'finished': count(dossier.timing != Null),
        'early': count(dossier.timing == 'early'),
        'on_time': count(dossier.timing == 'on_time'),
        'late': count(dossier.timing == 'late'),
        'online': count(dossier.channel == 'online'),
        'rated': count(dossier.rating != Null),
        'satisfied': count(dossier.rating == 'satisfied'),
        }
    query = tables.select(key.as_('key'),
        *[counters[c].as_(c) for c in COUNTERS],
        where=where, group_by=[key])
    cursor = Transaction().connection.cursor()
    cursor.execute(*query)
    result = [[key_id] + [int(v or 0) for v in values]
        for key_id, *values in cursor]
    _figures_cache.set(cache_key, result)
    return [SimpleNamespace(id=key_id,
            **{c: v for c, v in zip(COUNTERS, values)})
        for key_id, *values in result]


def agency_options(pool):
    """The agencies of the filter as (id, name), in the order of the tree
    (each agency before its subordinates, indented under it); siblings by
    level (department, district, commune) then name"""
    Company = pool.get('company.company')
    agencies = Company.search([('agency_code', '!=', None)])
    ids = {a.id for a in agencies}
    children = {}
    for agency in agencies:
        parent = agency.parent.id if agency.parent else None
        children.setdefault(parent if parent in ids else None, []).append(
            agency)

    def key(agency):
        sequence = agency.level.sequence if agency.level else None
        return (sequence or 0, agency.rec_name, agency.id)

    options = []

    def add(parent, depth):
        for agency in sorted(children.get(parent, []), key=key):
            options.append(
                (agency.id, '\u00a0' * 3 * depth + agency.rec_name))
            add(agency.id, depth + 1)
    add(None, 0)
    return options


def bar(rate):
    "The width in pixels of the bar of a share"
    if not rate:
        return 0
    return round(min(max(rate, 0), 1) * BAR_WIDTH, 1)


@route('/thong-ke', readonly=True)
def statistics(portal):
    pool = portal.pool
    Statistic = pool.get('egov.dossier.statistic')
    Company = pool.get('company.company')
    Field = pool.get('egov.procedure.field')
    params = parameters(pool, portal.request.args)
    from_date, to_date = period(params.year, params.month)
    counts = figures(pool, params.grouping, params.agency,
        from_date, to_date)
    # The sums and shares as the back office computes them
    totals = Statistic.totals(counts)

    Model = Company if params.grouping == 'co-quan' else Field
    # The names of the agencies or fields: one read for all the rows
    names = {r.id: r.rec_name for r in Model.browse([c.id for c in counts])}
    rows = []
    for count in counts:
        row = Statistic.totals([count])
        row['name'] = names.get(count.id, '')
        rows.append(row)
    rows.sort(key=lambda r: (-r['received'], r['name']))
    most = max([r['received'] for r in rows] or [0])

    today = _today()
    years = list(range(today.year, today.year - YEARS_OFFERED, -1))
    if params.year not in years:
        years.append(params.year)
    return portal.render('statistics.html',
        params=params, totals=totals, rows=rows, most=most,
        from_date=from_date, to_date=to_date, bar=bar, bar_width=BAR_WIDTH,
        year_options=[(y, str(y)) for y in sorted(years, reverse=True)],
        month_options=[('', _("Whole year"))] + [
            (m, _("Month %(month)s", month=m)) for m in range(1, 13)],
        agency_options=[('', _("Whole province"))] + agency_options(pool),
        grouping_options=[
            ('co-quan', _("By agency")),
            ('linh-vuc', _("By field")),
            ])
