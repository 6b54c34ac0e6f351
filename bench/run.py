#!/usr/bin/env python3
# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Benchmarks of egov_base, on an in-memory SQLite database.

deadlines   due dates of 2,000 dossiers received over 2026-2027 (with
            a cut-off hour and a pause each) computed from one schedule,
            against the baseline of reading the calendar for every dossier
audit       creating and changing 200 agencies with the audit trail,
            against the same without it (the cost of the trail)
signature   signing 100 PDFs on a PKCS#11 token against bare pyHanko,
            and validation (bench/signature.py)
procedure   an officer's "My Work", 20 concurrent submissions through
            JSON-RPC and the yearly statistics with 1,000,000 dossiers on
            PostgreSQL (bench/procedure.py, in a process of its own)
portal      the citizens' portal with 5,000 procedures: catalog, search
            and procedure pages against a static file of the same server,
            and 8 browsers submitting one-component dossiers through its
            pages (bench/portal.py, in a process of its own)
document    official documents on PostgreSQL: 20 clerks issuing 500
            decisions through JSON-RPC (gapless numbers checked in SQL)
            against bare SQL, and a clerk's search over 1,000,000
            documents against the bare ILIKE query (bench/document.py, in
            a process of its own)

Prints the figures and the ratios to the baseline of the same run."""
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal

os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
os.environ.setdefault('DB_NAME', ':memory:')
os.environ.pop('TRYTOND_CONFIG', None)

from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    activate_module, with_transaction)
from trytond.transaction import Transaction  # noqa: E402

DOSSIERS = 2000
AGENCIES = 200


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def moments():
    rng = random.Random(2026)
    start = dt.datetime(2026, 1, 1, 7)
    for _ in range(DOSSIERS):
        received = start + dt.timedelta(minutes=rng.randrange(0, 730 * 1440))
        pause_start = received + dt.timedelta(days=rng.randrange(1, 5))
        pause = (pause_start, pause_start + dt.timedelta(
                days=rng.randrange(1, 10)))
        yield received, rng.choice([1, 3, 5, 10, 15, 20]), [pause]


@with_transaction()
def bench_deadlines():
    pool = Pool()
    Calendar = pool.get('egov.calendar')
    calendar = Calendar.get_default()
    for year in (2026, 2027, 2028):
        calendar.create_public_holidays(year)
    cases = list(moments())
    cutoff = dt.time(15)

    def baseline():
        # Reads the calendar (working hours, holidays) for every dossier
        return [Calendar(calendar.id).add_working_days(
                m, d, cutoff=cutoff, pauses=p) for m, d, p in cases]

    def schedule():
        schedule = Calendar(calendar.id).schedule()
        return [schedule.add_working_days(m, d, cutoff=cutoff, pauses=p)
            for m, d, p in cases]

    base_time, base = timed(baseline)
    fast_time, fast = timed(schedule)
    assert base == fast
    print("deadlines: %d due dates" % DOSSIERS)
    print("  baseline (calendar read per dossier): %8.1f ms  %7.0f/s" % (
            base_time * 1000, DOSSIERS / base_time))
    print("  one schedule for all:                 %8.1f ms  %7.0f/s" % (
            fast_time * 1000, DOSSIERS / fast_time))
    print("  ratio baseline / schedule: %.1fx" % (base_time / fast_time))
    Transaction().rollback()


@with_transaction()
def bench_audit():
    pool = Pool()
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    Currency = pool.get('currency.currency')
    Log = pool.get('egov.audit.log')
    currency, = Currency.create([{
                'name': "Đồng", 'code': 'VND', 'symbol': '₫', 'digits': 0,
                'rounding': Decimal(1)}])

    def run(prefix):
        parties = Party.create([{'name': '%s %d' % (prefix, i)}
                for i in range(AGENCIES)])
        companies = Company.create([{'party': p.id, 'currency': currency.id}
                for p in parties])
        for company in companies:
            Company.write([company], {'notation': 'UBND'})
        return companies

    # Baseline: the same work with the trail's writer disabled
    original = Log.log
    Log.log = classmethod(lambda cls, *a, **k: None)
    try:
        base_time, _ = timed(run, 'Base')
    finally:
        Log.log = original
    audit_time, companies = timed(run, 'Audit')
    logs = Log.search([('record_id', 'in', [c.id for c in companies]),
            ('model', '=', 'company.company')])
    assert len(logs) == 2 * AGENCIES
    print("audit: create and change %d agencies" % AGENCIES)
    print("  without trail: %8.1f ms" % (base_time * 1000))
    print("  with trail:    %8.1f ms" % (audit_time * 1000))
    print("  ratio with / without: %.2fx" % (audit_time / base_time))
    Transaction().rollback()


def main():
    start = time.perf_counter()
    activate_module('egov_base')
    print("database ready in %.1f s" % (time.perf_counter() - start))
    bench_deadlines()
    bench_audit()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import signature
    signature.run()
    import procedure
    procedure.run()
    import portal
    portal.run()
    import document
    document.run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
