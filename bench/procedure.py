#!/usr/bin/env python3
# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Benchmarks of egov_procedure on PostgreSQL with 1,000,000 dossiers of 200
agencies (database egov_bench_procedure, generated once and kept).

my work      an officer's first page of "My Work" as the client asks for it
             (search with the action's domain and order, limit 80, and read
             of the list view's fields, record rules applied) in p50/p95
             over 200 iterations (target p95 <= 100 ms), and its ratio to
             the bare SQL query returning the same rows
statistics   the yearly statistics of the province and all its agencies
             (search and read of egov.dossier.statistic, target <= 2 s),
             and its ratio to the bare GROUP BY over the dossiers; the same
             month by month, per agency and procedure and for the whole
             province (the chart); the nightly fold of the statistics lines
submissions  20 one-stop officers creating and submitting dossiers through
             JSON-RPC in submissions per second (target >= 50/s) with no
             duplicate code, against the same number of creations without
             submission and of common.server.version (the server's floor);
             on scripts/serve.py, then on gunicorn as in production

PostgreSQL is taken from EGOV_BENCH_POSTGRESQL_URI (default
postgresql://root@127.0.0.1:5432/); when it cannot be reached, the
benchmark is skipped with one line.  The first run creates the database,
activates egov_procedure (and again when the modules' code changes) and
generates the data with set-based SQL (a few minutes); later runs reuse
it.  The dossiers created by the submissions are deleted at the end."""
import base64
import datetime as dt
import http.client
import json
import os
import statistics
import sys
import threading
import time

from benchdb import (
    PASSWORD, ROOT, SERVERS, BenchDatabase, admin_uri, free_port, out)

DATABASE = os.environ.get('EGOV_BENCH_DATABASE', 'egov_bench_procedure')
# Change it when the generated data changes: the database is generated again
DATA_VERSION = '3'
DOSSIERS = 1_000_000
AGENCIES = 200
USERS_PER_AGENCY = 3
CITIZENS = 200_000
DAYS = 730
ITERATIONS = 200
PAGE = 80
STATISTIC_RUNS = 5
# The rows sao reads at once in a list
CLIENT_PAGE = 1000
CLIENTS = 20
SECONDS = float(os.environ.get('EGOV_BENCH_SECONDS', 10))
BENCH_DB = BenchDatabase(DATABASE, 'egov_procedure', DATA_VERSION)
# The procedure of the submissions: certified copies, the desks' daily
# bread
SUBMITTED_PROCEDURE = '2.000815'

DEPARTMENTS = [
    ("Văn phòng Ủy ban nhân dân tỉnh", 'VP'),
    ("Trung tâm Phục vụ hành chính công tỉnh", 'TTPVHCC'),
    ("Sở Nội vụ", 'SNV'), ("Sở Tư pháp", 'STP'), ("Sở Tài chính", 'STC'),
    ("Sở Xây dựng", 'SXD'), ("Sở Y tế", 'SYT'),
    ("Sở Giáo dục và Đào tạo", 'SGDĐT'), ("Sở Công Thương", 'SCT'),
    ("Sở Nông nghiệp và Môi trường", 'SNNMT'),
    ("Sở Khoa học và Công nghệ", 'SKHCN'),
    ("Sở Văn hóa, Thể thao và Du lịch", 'SVHTTDL'),
    ("Sở Dân tộc và Tôn giáo", 'SDTTG'), ("Sở Ngoại vụ", 'SNgV'),
    ("Thanh tra tỉnh", 'TTr'), ("Ban Quản lý các khu công nghiệp", 'BQL'),
    ("Công an tỉnh", 'CA'), ("Bảo hiểm xã hội tỉnh", 'BHXH'),
    ("Cục Thuế tỉnh", 'CT'),
    ]
DISTRICTS = ["Đồng Xoài", "Đồng Phú", "Bù Đăng", "Bù Đốp", "Bù Gia Mập",
    "Chơn Thành", "Hớn Quản", "Lộc Ninh", "Phú Riềng"]
COMMUNES_PER_DISTRICT = 19
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ",
    "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hữu", "Đức", "Thu",
    "Gia", "Quang", "Hoài"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hoa", "Hùng", "Lan",
    "Long", "Mai", "Nam", "Phương", "Quân", "Sơn", "Tâm", "Trang", "Tuấn",
    "Vy", "Yến", "Hải", "Khánh", "Linh", "Phúc"]
# What the dossiers become with their age (in days): (age below, [(state,
# cumulated share)])
STATES = [
    (0.05, [('draft', .3), ('submitted', 1)]),
    (2, [
            ('submitted', .4), ('received', .7), ('processing', .9),
            ('supplement', 1)]),
    (30, [
            ('received', .1), ('processing', .55),
            ('awaiting_signature', .65), ('result_issued', .7),
            ('supplement', .8), ('ready', .95), ('refused', .98),
            ('withdrawn', 1)]),
    (None, [
            ('returned', .86), ('ready', .87), ('refused', .9),
            ('withdrawn', .92), ('stopped', .94), ('ineligible', .95),
            ('processing', .98), ('supplement', 1)]),
    ]
# Handed to the parent agency (a commune's dossiers go to its district)
FORWARDED = ['processing', 'awaiting_signature', 'result_issued', 'ready',
    'returned', 'ineligible']
AT_PARENT = ['processing', 'awaiting_signature', 'result_issued']
RECEIVED = FORWARDED + ['received', 'supplement', 'stopped']
CLOCK = ['received', 'processing', 'awaiting_signature', 'result_issued']


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def run(names=()):
    "Run the benchmark in a process of its own (called by bench/run.py)"
    BENCH_DB.run(__file__, names)


# Data
def step(message, start):
    out("  %-56s %6.1f s" % (message, time.perf_counter() - start))


AGENCY_SQL = [
    """CREATE TEMP TABLE bench_agency ON COMMIT DROP AS
    SELECT n - 1 AS idx, name, code, notation, kind, parent_code, place
    FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[],
        %s::varchar[], %s::varchar[], %s::varchar[])
        WITH ORDINALITY AS t(name, code, notation, kind, parent_code, place,
            n)""",
    """INSERT INTO party_party (name, code, code_alnum, active, create_uid,
        create_date)
    SELECT name, 'CQ-' || code, 'CQ' || code, true, 0, now()
    FROM bench_agency ORDER BY idx""",
    """INSERT INTO company_company (party, currency, timezone, active,
        agency_code, notation, level, place, create_uid, create_date)
    SELECT p.id, %(currency)s, 'Asia/Ho_Chi_Minh', true, a.code,
        a.notation, (%(levels)s::jsonb ->> a.kind)::int, a.place, 0, now()
    FROM bench_agency a JOIN party_party p ON p.code = 'CQ-' || a.code
    ORDER BY a.idx""",
    """UPDATE company_company c SET parent = p.id
    FROM bench_agency a JOIN company_company p
        ON p.agency_code = a.parent_code
    WHERE c.agency_code = a.code""",
    """ALTER TABLE bench_agency ADD COLUMN id INTEGER,
        ADD COLUMN parent_id INTEGER, ADD COLUMN users INTEGER[],
        ADD COLUMN parent_users INTEGER[], ADD COLUMN procs INTEGER[]""",
    """UPDATE bench_agency a SET id = c.id, parent_id = c.parent
    FROM company_company c WHERE c.agency_code = a.code""",
    ]
USER_SQL = [
    """INSERT INTO res_user (name, active, login, password_hash, menu,
        language, company, company_filter, create_uid, create_date)
    SELECT 'Cán bộ một cửa ' || a.place || ' ' || k, true,
        'motcua.' || a.code || '.' || k, t.password_hash, t.menu,
        t.language, a.id, 'one', 0, now()
    FROM bench_agency a CROSS JOIN generate_series(1, %(users)s) k
    CROSS JOIN res_user t WHERE t.id = %(template)s ORDER BY a.idx, k""",
    """INSERT INTO "res_user-company_company" ("user", company, create_uid,
        create_date)
    SELECT id, company, 0, now() FROM res_user
    WHERE login LIKE 'motcua.%%'""",
    """INSERT INTO "res_user-res_group" ("user", "group", create_uid,
        create_date)
    SELECT u.id, g."group", 0, now() FROM res_user u
    JOIN "res_user-res_group" g ON g."user" = %(template)s
    WHERE u.login LIKE 'motcua.%%'""",
    """INSERT INTO res_user_role ("user", role, create_uid, create_date)
    SELECT u.id, r.role, 0, now() FROM res_user u
    JOIN res_user_role r ON r."user" = %(template)s
    WHERE u.login LIKE 'motcua.%%'""",
    """UPDATE bench_agency a SET users = u.ids FROM (
        SELECT company, array_agg(id ORDER BY id) AS ids
        FROM res_user WHERE login LIKE 'motcua.%%'
        GROUP BY company) u
    WHERE u.company = a.id""",
    """UPDATE bench_agency a SET parent_users = p.users
    FROM bench_agency p WHERE p.id = a.parent_id""",
    ]
PROCEDURE_SQL = """CREATE TEMP TABLE bench_proc ON COMMIT DROP AS
    SELECT id, GREATEST(0.4, CASE deadline_unit
            WHEN 'calendar_day' THEN deadline
            WHEN 'working_hour' THEN deadline / 8 * 1.4
            ELSE deadline * 1.4 END)::float AS days
    FROM egov_procedure"""
CITIZEN_SQL = """INSERT INTO party_party (id, name, code, code_alnum,
        code_digit, active, create_uid, create_date)
    SELECT %(base)s + p,
        (%(family)s::varchar[])[1 + p %% %(nfamily)s] || ' '
        || (%(middle)s::varchar[])[1 + p / 7 %% %(nmiddle)s] || ' '
        || (%(given)s::varchar[])[1 + p / 3 %% %(ngiven)s],
        'CD' || lpad(p::varchar, 7, '0'), 'CD' || lpad(p::varchar, 7, '0'),
        p, true, 0, now()
    FROM generate_series(1, %(citizens)s) p"""
# Each dossier's agency, procedure, applicant, age and dice
DOSSIER_DICE_SQL = """CREATE TEMP TABLE bench_d ON COMMIT DROP AS
    SELECT g, a.id AS company, a.code AS agency_code, a.kind, a.users,
        a.parent_id, a.parent_users,
        a.procs[1 + floor(random() * array_length(a.procs, 1))::int]
            AS procedure,
        1 + floor(random() * %(citizens)s)::int AS p,
        random() * %(days)s AS age, random() AS r1, random() AS r2,
        random() AS r3, random() AS r4
    FROM generate_series(1, %(dossiers)s) g
    JOIN bench_agency a ON a.idx = g %% %(agencies)s"""
# Their state (from their age) and moments
DOSSIER_STATE_SQL = """CREATE TEMP TABLE bench_s ON COMMIT DROP AS
    SELECT d.*, pr.days, moment,
        CASE WHEN state = 'draft' THEN NULL ELSE moment END AS submitted,
        CASE WHEN state = ANY(%%(received)s)
            THEN moment + interval '20 minutes' END AS received,
        state
    FROM bench_d d
    JOIN bench_proc pr ON pr.id = d.procedure
    CROSS JOIN LATERAL (SELECT
            %%(now)s - make_interval(secs => d.age * 86400) AS moment,
            CASE %s END AS state) AS x"""
DOSSIER_DATES_SQL = """CREATE TEMP TABLE bench_u ON COMMIT DROP AS
    SELECT s.*,
        received + make_interval(secs => days * 86400) AS due,
        CASE WHEN state IN ('ready', 'returned', 'ineligible')
            THEN LEAST(received + make_interval(
                    secs => days * 86400 * (0.3 + r3 * 0.9)),
                %(now)s - interval '1 hour')
            WHEN state = 'stopped'
            THEN received + make_interval(secs => days * 86400 * r3)
            WHEN state IN ('refused', 'withdrawn')
            THEN submitted + interval '1 hour' END AS finished
    FROM bench_s s"""
DOSSIER_SQL = """INSERT INTO egov_dossier (id, code, procedure, applicant,
        applicant_kind, applicant_id_number, phone, address, channel,
        company, current_agency, assignee, state, submitted_date,
        received_date, due_date, finished_date, returned_date, timing,
        alert, rating, rating_date, result_signed, search_text, create_uid,
        create_date)
    SELECT id, code, procedure, %(party_base)s + p, 'citizen', cccd, phone,
        address, channel, company, current_agency, assignee, state,
        submitted, received, due, finished, returned, timing, alert,
        rating, CASE WHEN rating IS NOT NULL
            THEN returned + interval '1 hour' END,
        false, code || ' ' || plain || ' ' || cccd || ' ' || phone,
        assignee, COALESCE(submitted, %(now)s)
    FROM (SELECT u.*,
            %(dossier_base)s + row_number() OVER (ORDER BY moment, g) AS id,
            CASE WHEN submitted IS NOT NULL THEN agency_code || '-'
                || to_char(submitted + interval '7 hours', 'YYMMDD') || '-'
                || lpad((row_number() OVER (
                        PARTITION BY company, submitted IS NULL,
                            (submitted + interval '7 hours')::date
                        ORDER BY moment, g))::varchar, 4, '0')
                END AS code,
            CASE p %% 2 WHEN 0 THEN '0700' ELSE '0740' END
                || lpad((50 + p %% 50)::varchar, 2, '0')
                || lpad((p::bigint * 7919 %% 1000000)::varchar, 6, '0')
                AS cccd,
            '09' || lpad((p::bigint * 104729 %% 100000000)::varchar, 8, '0')
                AS phone,
            'Tổ ' || (1 + p %% 12) || ', khu phố ' || (1 + p %% 7)
                AS address,
            (%(family)s::varchar[])[1 + p %% %(nfamily)s] || ' '
                || (%(middle)s::varchar[])[1 + p / 7 %% %(nmiddle)s] || ' '
                || (%(given)s::varchar[])[1 + p / 3 %% %(ngiven)s]
                AS plain,
            CASE WHEN r2 < 0.4 THEN 'online' WHEN r2 < 0.95 THEN 'direct'
                ELSE 'post' END AS channel,
            CASE WHEN state = 'draft' THEN NULL
                WHEN state = ANY(%(at_parent)s) AND kind = 'commune'
                THEN parent_id ELSE company END AS current_agency,
            CASE WHEN state IN ('draft', 'submitted', 'withdrawn') THEN NULL
                WHEN state = ANY(%(at_parent)s) AND kind = 'commune'
                THEN parent_users[1 + g %% %(users)s]
                ELSE users[1 + g %% %(users)s] END AS assignee,
            CASE WHEN state = 'returned'
                THEN finished + make_interval(secs => r4 * 2 * 86400)
                END AS returned,
            CASE WHEN state NOT IN ('ready', 'returned', 'ineligible')
                THEN NULL
                WHEN finished > due THEN 'late'
                WHEN (finished + interval '7 hours')::date
                    < (due + interval '7 hours')::date THEN 'early'
                ELSE 'on_time' END AS timing,
            CASE WHEN state <> ALL(%(clock)s) THEN NULL
                WHEN due < %(now)s THEN 'overdue'
                WHEN due < %(now)s + interval '2 days' THEN 'due_soon'
                END AS alert,
            CASE WHEN state <> 'returned' OR r4 >= 0.3 THEN NULL
                WHEN r4 < 0.24 THEN 'satisfied'
                WHEN r4 < 0.285 THEN 'normal'
                ELSE 'unsatisfied' END AS rating
        FROM bench_u u) AS x
    ORDER BY id"""
PARTICIPANT_SQL = """INSERT INTO "egov_dossier-company_company" (dossier,
        company, create_uid, create_date)
    SELECT id, company, create_uid, create_date FROM egov_dossier
    UNION ALL
    SELECT d.id, a.parent_id, d.create_uid, d.create_date
    FROM egov_dossier d JOIN bench_agency a ON a.id = d.company
    WHERE a.kind = 'commune' AND d.state = ANY(%s)"""
SEQUENCE_SQL = """INSERT INTO egov_dossier_sequence (company, day, number,
        create_uid, create_date)
    SELECT company, to_date(split_part(code, '-', 2), 'YYMMDD'),
        max(split_part(code, '-', 3)::int), 0, now()
    FROM egov_dossier WHERE code IS NOT NULL GROUP BY 1, 2"""
SECONDARY_INDEXES_SQL = """SELECT indexname, indexdef FROM pg_indexes
    WHERE tablename IN ('egov_dossier', 'egov_dossier-company_company')
    AND indexname NOT IN (SELECT conname FROM pg_constraint)"""


def agency_rows():
    "The province, its departments, districts and communes"
    province = '000.00.00.H10'
    rows = [("Ủy ban nhân dân tỉnh Bình Phước", province, 'UBND',
            'province', None, "Bình Phước")]
    for i, (name, notation) in enumerate(DEPARTMENTS):
        rows.append((name, '000.00.%02d.H10' % (10 + i), notation,
                'department', province, "Bình Phước"))
    for d, district in enumerate(DISTRICTS):
        code = '000.00.%02d.H10' % (31 + d)
        rows.append(("Ủy ban nhân dân huyện %s" % district, code, 'UBND',
                'district', province, district))
        for c in range(COMMUNES_PER_DISTRICT):
            place = "%s %d" % (district, c + 1)
            rows.append(("Ủy ban nhân dân xã %s" % place,
                    '000.%02d.%02d.H10' % (c + 1, 31 + d), 'UBND',
                    'commune', code, place))
    assert len(rows) == AGENCIES
    return rows


def generate():
    """Generate the agencies, officials, citizens and dossiers with
    set-based SQL; the catalog and two accounts through the ORM"""
    from trytond.modules.egov_procedure.demo import load_catalog
    from trytond.modules.egov_procedure.eform import unaccent
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    start = time.perf_counter()
    out("generating %d dossiers of %d agencies (once)" % (
            DOSSIERS, AGENCIES))
    pool = Pool(DATABASE)
    pool.init()
    with Transaction().start(DATABASE, 0, readonly=False) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        Currency = pool.get('currency.currency')
        Level = pool.get('egov.agency.level')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')

        def ref(fs_id):
            return ModelData.get_id('egov_base', fs_id)

        currency, = (Currency.search([('code', '=', 'VND')])
            or Currency.create([{'name': "Đồng Việt Nam", 'code': 'VND',
                        'numeric_code': '704', 'symbol': '₫', 'digits': 0,
                        'rounding': 1}]))
        procedures = load_catalog()
        step("catalog: %d procedures (ORM)" % len(procedures), start)

        columns = [list(c) for c in zip(*agency_rows())]
        cursor.execute(AGENCY_SQL[0], columns)
        levels = {l.code: l.id for l in Level.search([])}
        for query in AGENCY_SQL[1:]:
            cursor.execute(query, {
                    'currency': currency.id, 'levels': json.dumps(levels)})
        cursor.execute('SELECT id FROM bench_agency ORDER BY idx')
        agency_ids = [i for i, in cursor]
        root_id = agency_ids[0]
        step("agencies: %d (SQL)" % AGENCIES, start)

        # A template one-stop officer (ORM) copied to every agency, and a
        # leader of the province who sees every agency
        template, = User.create([{
                    'login': 'bench.template', 'name': "Bench template",
                    'password': PASSWORD, 'active': False,
                    'companies': [('add', [root_id])], 'company': root_id,
                    'roles': [('create', [{'role': ref('role_one_stop')}])],
                    }])
        for query in USER_SQL:
            cursor.execute(query, {
                    'users': USERS_PER_AGENCY, 'template': template.id})
        User.create([{
                    'login': 'lanhdao.tinh', 'name': "Lãnh đạo tỉnh",
                    'password': PASSWORD,
                    'companies': [('add', agency_ids)],
                    'company': root_id, 'company_filter': 'all',
                    'roles': [('create', [{'role': ref('role_leader')}])],
                    }])
        step("officials: %d one-stop officers (SQL), a leader (ORM)"
            % (AGENCIES * USERS_PER_AGENCY), start)

        # The procedures each kind of agency receives
        by_level = {}
        for procedure in procedures.values():
            for level in procedure.levels or ():
                by_level.setdefault(level, []).append(procedure.id)
        all_ids = sorted(p.id for p in procedures.values())
        for kind, level in [('province', 'province'),
                ('department', 'province'), ('district', 'district'),
                ('commune', 'commune')]:
            cursor.execute(
                'UPDATE bench_agency SET procs = %s WHERE kind = %s',
                (sorted(by_level.get(level) or all_ids), kind))
        cursor.execute(PROCEDURE_SQL)

        names = {
            'family': FAMILY, 'nfamily': len(FAMILY),
            'middle': MIDDLE, 'nmiddle': len(MIDDLE),
            'given': GIVEN, 'ngiven': len(GIVEN),
            }
        cursor.execute('SELECT COALESCE(max(id), 0) FROM party_party')
        party_base, = cursor.fetchone()
        cursor.execute(CITIZEN_SQL, dict(names,
                base=party_base, citizens=CITIZENS))
        cursor.execute("SELECT setval(pg_get_serial_sequence("
            "'party_party', 'id'), (SELECT max(id) FROM party_party))")
        step("citizens: %d (SQL)" % CITIZENS, start)

        # Dossiers: the secondary indexes are built after the rows
        cursor.execute(SECONDARY_INDEXES_SQL)
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute('DROP INDEX "%s"' % name)
        now = dt.datetime.now(dt.timezone.utc).replace(
            tzinfo=None, microsecond=0)
        cursor.execute('SELECT setseed(0.2026)')
        cursor.execute(DOSSIER_DICE_SQL, {
                'citizens': CITIZENS, 'days': DAYS, 'dossiers': DOSSIERS,
                'agencies': AGENCIES})
        cases = []
        for age, shares in STATES:
            choice = ' '.join("WHEN d.r1 < %s THEN '%s'" % (share, state)
                for state, share in shares)
            if age is None:
                cases.append("ELSE CASE %s END" % choice)
            else:
                cases.append("WHEN d.age < %s THEN CASE %s END" % (
                        age, choice))
        cursor.execute(DOSSIER_STATE_SQL % ' '.join(cases), {
                'received': RECEIVED, 'now': now})
        cursor.execute(DOSSIER_DATES_SQL, {'now': now})
        cursor.execute('SELECT COALESCE(max(id), 0) FROM egov_dossier')
        dossier_base, = cursor.fetchone()
        plain = {k: [unaccent(n) for n in v] if isinstance(v, list) else v
            for k, v in names.items()}
        cursor.execute(DOSSIER_SQL, dict(plain,
                party_base=party_base, dossier_base=dossier_base, now=now,
                at_parent=AT_PARENT, users=USERS_PER_AGENCY, clock=CLOCK))
        cursor.execute("SELECT setval(pg_get_serial_sequence("
            "'egov_dossier', 'id'), (SELECT max(id) FROM egov_dossier))")
        step("dossiers: %d (SQL)" % DOSSIERS, start)
        cursor.execute(PARTICIPANT_SQL, (FORWARDED,))
        cursor.execute(SEQUENCE_SQL)
        step("participating agencies and day counters (SQL)", start)
        for _, definition in indexes:
            cursor.execute(definition)
        step("indexes", start)
        BENCH_DB.set_meta(cursor, 'data', DATA_VERSION)
        transaction.commit()
    import psycopg
    with psycopg.connect(admin_uri(DATABASE), autocommit=True) as conn:
        conn.execute('VACUUM ANALYZE')
    step("vacuum analyze", start)


# My work
def bench_my_work():
    from trytond.model.fields import Function
    from trytond.pool import Pool
    from trytond.pyson import PYSONDecoder
    from trytond.transaction import Transaction

    pool = Pool(DATABASE)
    Dossier = pool.get('egov.dossier')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Action = pool.get('ir.action.act_window')
    with Transaction().start(DATABASE, 0) as transaction:
        action = Action(ModelData.get_id(
                'egov_procedure', 'act_dossier_my_work'))
        view_id = ModelData.get_id('egov_procedure', 'dossier_view_list')
        probe = PYSONDecoder({'_user': -1}).decode(action.pyson_domain)
        states, = [c[2] for c in probe if c[0] == 'state']
        # The busiest officer of the one-stop desks
        cursor = transaction.connection.cursor()
        cursor.execute(
            "SELECT d.assignee, count(*), u.login FROM egov_dossier d "
            "JOIN res_user u ON u.id = d.assignee "
            "WHERE d.state = ANY(%s) AND u.login LIKE 'motcua.%%' "
            "GROUP BY d.assignee, u.login ORDER BY 2 DESC, 1 LIMIT 1",
            (states,))
        uid, count, login = cursor.fetchone()
        domain = PYSONDecoder({'_user': uid}).decode(action.pyson_domain)
        order = [tuple(o) for o in PYSONDecoder().decode(action.pyson_order)]
        fields_ = Dossier.fields_view_get(view_id, 'tree')['fields']
        # What the client reads for a list (sao's Group.load)
        names = list(fields_)
        names += ['%s.rec_name' % n for n, d in fields_.items()
            if d['type'] in {'many2one', 'one2one', 'reference'}]
        names += ['rec_name', '_timestamp', '_write', '_delete']
        with transaction.set_user(uid):
            context = User.get_preferences(context_only=True)
        context['_check_access'] = True

    def orm():
        with Transaction().start(DATABASE, uid, readonly=True,
                context=context):
            # As through RPC: search returns ids
            ids = list(map(int, Dossier.search(
                        domain, order=order, limit=PAGE)))
            rows = Dossier.read(ids, names)
            assert len(rows) == len(ids)
            return ids

    columns = ', '.join('"%s"' % n for n in ['id'] + [
            n for n in fields_
            if not isinstance(Dossier._fields[n], Function)
            and Dossier._fields[n]._type not in {'one2many', 'many2many'}])
    nulls = {'ASC NULLS LAST': 'ASC NULLS LAST', 'ASC': 'ASC',
        'DESC': 'DESC', 'DESC NULLS FIRST': 'DESC NULLS FIRST'}
    order_sql = ', '.join('"%s" %s' % (f, nulls[o.upper()])
        for f, o in order)
    query = ('SELECT %s FROM egov_dossier WHERE assignee = %%s '
        'AND state = ANY(%%s) ORDER BY %s LIMIT %d' % (
            columns, order_sql, PAGE))

    def bare():
        with Transaction().start(DATABASE, uid, readonly=True) as t:
            cursor = t.connection.cursor()
            cursor.execute(query, (uid, states))
            return [r[0] for r in cursor.fetchall()]

    assert orm() == bare(), "the ORM and the SQL return other dossiers"
    for _ in range(5):
        orm(), bare()
    times = {}
    for name, function in [('orm', orm), ('bare', bare)]:
        times[name] = []
        for _ in range(ITERATIONS):
            start = time.perf_counter()
            function()
            times[name].append((time.perf_counter() - start) * 1000)
    rows = len(bare())
    out("my work: %s, %d open dossiers assigned, first page of %d "
        "(%d fields read, record rules applied)" % (
            login, count, rows, len(names)))
    out("  states: %s; order: %s" % (', '.join(states), order_sql))
    for label, name in [("bare SQL:          ", 'bare'),
            ("search + read (ORM):", 'orm')]:
        p50 = statistics.median(times[name])
        p95 = percentile(times[name], 0.95)
        out("  %s p50 %7.1f ms  p95 %7.1f ms%s" % (
                label, p50, p95,
                "  (target p95 <= 100 ms)" if name == 'orm' else ''))
    out("  ratio ORM / bare SQL: p50 %.1fx  p95 %.1fx" % (
            statistics.median(times['orm'])
            / statistics.median(times['bare']),
            percentile(times['orm'], 0.95)
            / percentile(times['bare'], 0.95)))
    return uid, states, order_sql


# Statistics
STATISTIC_SQL = """SELECT min(d.id), {keys},
        {month} AS month_key, count(*),
        sum(CASE WHEN d.state = ANY(%(open)s) THEN 1 ELSE 0 END),
        sum(CASE WHEN d.state = ANY(%(open)s) AND d.due_date < %(now)s
            THEN 1 ELSE 0 END),
        sum(CASE WHEN d.timing IS NOT NULL THEN 1 ELSE 0 END),
        sum(CASE WHEN d.timing = 'early' THEN 1 ELSE 0 END),
        sum(CASE WHEN d.timing = 'on_time' THEN 1 ELSE 0 END),
        sum(CASE WHEN d.timing = 'late' THEN 1 ELSE 0 END),
        sum(CASE WHEN d.channel = 'online' THEN 1 ELSE 0 END),
        sum(CASE WHEN d.rating IS NOT NULL THEN 1 ELSE 0 END),
        sum(CASE WHEN d.rating = 'satisfied' THEN 1 ELSE 0 END)
    FROM egov_dossier d JOIN egov_procedure p ON p.id = d.procedure
    WHERE d.received_date IS NOT NULL AND d.company = ANY(%(agencies)s)
        AND d.received_date >= %(start)s AND d.received_date <= %(end)s
    GROUP BY {group}month_key"""
# Per agency and procedure, or the whole province
KEYS_SQL = {True: ('d.company, d.procedure, p.field',
        'd.company, d.procedure, p.field, '),
    False: ('NULL, NULL, NULL', '')}


MONTH_SQL = "date_trunc('month', d.received_date + interval '7 hours')"


def bench_statistics():
    """The nightly fold of the statistics lines, then the period's figures
    (the default) and month by month"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Line = Pool(DATABASE).get('egov.dossier.statistic.line')
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT count(*) FROM egov_dossier '
            'WHERE received_date IS NOT NULL')
        received, = cursor.fetchone()
        fold_time, _ = timed(Line.rebuild)
        cursor.execute('SELECT count(*) FROM egov_dossier_statistic_line')
        lines, = cursor.fetchone()
    out("statistics: nightly fold of %d received dossiers into %d lines "
        "(agency x procedure x month): %.2f s" % (
            received, lines, fold_time))
    # The list of the months of every agency and procedure is read as the
    # client reads it, by pages of CLIENT_PAGE rows
    for by_month, per_agency, page in [
            (False, True, None), (True, True, CLIENT_PAGE),
            (True, False, None)]:
        _bench_statistics(by_month, per_agency, page)


def _bench_statistics(by_month, per_agency, page):
    from trytond.modules.egov_base.calendar import to_utc
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(DATABASE)
    Statistic = pool.get('egov.dossier.statistic')
    Company = pool.get('company.company')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    year = dt.date.today().year
    with Transaction().start(DATABASE, 0) as transaction:
        leader, = User.search([('login', '=', 'lanhdao.tinh')])
        root, = Company.search([('agency_code', '=', '000.00.00.H10')])
        agencies = Company.get_subtree([root.id])
        view_id = ModelData.get_id('egov_procedure', 'statistic_view_list')
        fields_ = Statistic.fields_view_get(view_id, 'tree')['fields']
        names = list(fields_)
        names += ['%s.rec_name' % n for n, d in fields_.items()
            if d['type'] == 'many2one']
        names += ['rec_name', '_timestamp', '_write', '_delete']
        with transaction.set_user(leader.id):
            context = User.get_preferences(context_only=True)
        context.update({
                'agency': root.id, 'subordinates': True,
                'from_date': dt.date(year, 1, 1),
                'to_date': dt.date(year, 12, 31),
                'by_month': by_month,
                'per_agency': per_agency,
                '_check_access': True,
                })
        uid = leader.id

    def orm():
        with Transaction().start(DATABASE, uid, readonly=True,
                context=context):
            ids = list(map(int, Statistic.search([], limit=page)))
            count = (Statistic.search_count([]) if page is not None
                else len(ids))
            return Statistic.read(ids, names), count

    start_utc = to_utc(dt.datetime.combine(dt.date(year, 1, 1), dt.time.min))
    end_utc = to_utc(dt.datetime.combine(dt.date(year, 12, 31), dt.time.max))
    from trytond.modules.egov_procedure.dossier import OPEN_STATES

    def bare():
        with Transaction().start(DATABASE, uid, readonly=True) as t:
            cursor = t.connection.cursor()
            keys, group = KEYS_SQL[per_agency]
            cursor.execute(STATISTIC_SQL.format(
                    month=MONTH_SQL if by_month else 'NULL',
                    keys=keys, group=group), {
                    'open': sorted(OPEN_STATES), 'agencies': agencies,
                    'start': start_utc, 'end': end_utc,
                    'now': dt.datetime.now(dt.timezone.utc).replace(
                        tzinfo=None)})
            return cursor.fetchall()

    orm_time, (rows, count) = timed(orm)
    times = {'orm': [orm_time], 'bare': []}
    for _ in range(STATISTIC_RUNS):
        bare_time, plain = timed(bare)
        times['bare'].append(bare_time)
    assert count == len(plain), (count, len(plain))
    if page is None:
        assert (sum(r['received'] for r in rows)
            == sum(r[5] for r in plain))
    # Repeated when it takes seconds, not minutes
    for _ in range(STATISTIC_RUNS - 1 if orm_time < 10 else 0):
        times['orm'].append(timed(orm)[0])
    out("statistics: %d, the province and its %d agencies: %d rows "
        "(%s)%s" % (
            year, len(agencies) - 1, count,
            ' x '.join((['agency', 'procedure'] if per_agency
                    else ['the province'])
                + (['month'] if by_month else [])),
            ', the first page of %d as the client reads it' % page
            if page is not None else ' of %d received dossiers' % sum(
                r['received'] for r in rows)))
    out("  bare GROUP BY:          median %6.2f s  max %6.2f s  (%d runs)"
        % (statistics.median(times['bare']), max(times['bare']),
            len(times['bare'])))
    out("  search + read (ORM):    median %6.2f s  max %6.2f s  (%d runs)%s"
        % (statistics.median(times['orm']), max(times['orm']),
            len(times['orm']),
            '  (target <= 2 s)' if not by_month else ''))
    out("  ratio ORM / bare GROUP BY: %.1fx" % (
            statistics.median(times['orm'])
            / statistics.median(times['bare'])))


# Submissions
class RPCError(Exception):
    pass


class Client:
    "A JSON-RPC client of trytond with a session, as sao is"

    def __init__(self, port):
        self.connection = http.client.HTTPConnection(
            '127.0.0.1', port, timeout=120)
        self.headers = {'Content-Type': 'application/json'}
        self.context = {}
        self.counter = 0

    def call(self, method, *params, path='/%s/rpc/' % DATABASE):
        self.counter += 1
        body = json.dumps({
                'id': self.counter, 'method': method,
                'params': list(params)})
        self.connection.request('POST', path, body, self.headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RPCError('%s: HTTP %s %s' % (
                    method, response.status, data[:200]))
        data = json.loads(data)
        if data.get('error'):
            raise RPCError('%s: %s' % (method, data['error']))
        return data['result']

    def login(self, login, password):
        uid, session = self.call(
            'common.db.login', login, {'password': password}, 'en')[:2]
        token = base64.b64encode(
            ('%s:%s:%s' % (login, uid, session)).encode()).decode()
        self.headers['Authorization'] = 'Session ' + token
        self.context = self.call(
            'model.res.user.get_preferences', True, {})

    def version(self):
        return self.call('common.server.version', path='/rpc/')

    def create(self, values):
        return self.call(
            'model.egov.dossier.create', [values], self.context)[0]

    def submit(self, ids):
        return self.call('model.egov.dossier.submit', ids, self.context)


def in_threads(clients, work):
    """Run work(index, client) in a thread per client, started together;
    return the elapsed time and the errors"""
    barrier = threading.Barrier(len(clients) + 1)
    errors = []

    def target(index, client):
        barrier.wait()
        try:
            work(index, client)
        except Exception as exception:
            errors.append(exception)

    threads = [threading.Thread(target=target, args=(i, c))
        for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, errors


def bench_submissions(kind):
    import psycopg
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        max_id, = conn.execute(
            'SELECT COALESCE(max(id), 0) FROM egov_dossier').fetchone()
        procedure, = conn.execute(
            'SELECT id FROM egov_procedure WHERE code = %s',
            (SUBMITTED_PROCEDURE,)).fetchone()
        # Every component of the procedure, as on_change_procedure fills
        components = conn.execute(
            'SELECT id, name, originals, copies '
            'FROM egov_procedure_component WHERE procedure = %s '
            'ORDER BY sequence, id', (procedure,)).fetchall()
        # The first officer of CLIENTS communes, their agency and citizens
        officers = conn.execute(
            "SELECT u.login, u.company FROM res_user u "
            "JOIN company_company c ON c.id = u.company "
            "JOIN egov_agency_level l ON l.id = c.level "
            "WHERE u.login LIKE 'motcua.%%.1' AND l.code = 'commune' "
            "ORDER BY c.agency_code LIMIT %s", (CLIENTS,)).fetchall()
        citizens = conn.execute(
            "SELECT id, code_digit FROM party_party WHERE code LIKE 'CD%%' "
            "ORDER BY id LIMIT 5000").fetchall()

    def values(index, serial):
        party, p = citizens[(index * 997 + serial) % len(citizens)]
        return {
            'procedure': procedure,
            'company': officers[index][1],
            'applicant': party,
            'applicant_kind': 'citizen',
            'applicant_id_number': '0%d0%02d%06d' % (
                (70, 74)[p % 2], 50 + p % 50, p * 7919 % 1000000),
            'phone': '09%08d' % (p * 104729 % 100000000),
            'address': "Tổ %d, khu phố %d" % (1 + p % 12, 1 + p % 7),
            'channel': 'direct',
            'components': [('create', [{
                                'component': c, 'name': n,
                                'kind': 'original' if o else 'copy',
                                'quantity': (o or 0) + (k or 0) or 1}
                            for c, n, o, k in components])],
            }

    port = free_port()
    os.makedirs(os.path.join(ROOT, 'var'), exist_ok=True)
    log_path = os.path.join(
        ROOT, 'var', 'bench-procedure-%s.log' % kind)
    with open(log_path, 'w') as log:
        server = BENCH_DB.start_server(kind, port, log,
            lambda port: Client(port).version())
        try:
            clients = [Client(port) for _ in officers]
            for client, (login, _) in zip(clients, officers):
                client.login(login, PASSWORD)
            counts = [0] * len(clients)
            created = [[] for _ in clients]

            def submissions(index, client):
                deadline = time.perf_counter() + SECONDS
                while time.perf_counter() < deadline:
                    id_ = client.create(values(index, counts[index]))
                    client.submit([id_])
                    created[index].append(id_)
                    counts[index] += 1

            # Warm the server (pool, caches) with one submission each
            _, errors = in_threads(clients, lambda i, c: c.submit(
                    [c.create(values(i, 10 ** 6))]))
            if errors:
                raise errors[0]
            elapsed, errors = in_threads(clients, submissions)
            total = sum(counts)
            per_client = -(-total // len(clients))

            def creations(index, client):
                for serial in range(per_client):
                    client.create(values(index, 2 * 10 ** 6 + serial))

            def versions(index, client):
                for _ in range(per_client):
                    client.version()

            create_time, create_errors = in_threads(clients, creations)
            version_time, version_errors = in_threads(clients, versions)
        finally:
            server.terminate()
            server.wait(timeout=60)

    ids = [i for c in created for i in c]
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        number, distinct, submitted = conn.execute(
            "SELECT count(code), count(DISTINCT code), "
            "count(*) FILTER (WHERE state = 'submitted') "
            "FROM egov_dossier WHERE id = ANY(%s)", (ids,)).fetchone()
        # Keep the data of the next runs the same
        conn.execute('DELETE FROM egov_audit_log '
            "WHERE model = 'egov.dossier' AND record_id > %s", (max_id,))
        conn.execute('DELETE FROM egov_dossier WHERE id > %s', (max_id,))
    calls = per_client * len(clients)
    out("submissions, %s: %d one-stop officers (JSON-RPC, a thread "
        "each) for %.0f s" % (SERVERS[kind], len(clients), SECONDS))
    out("  server.version:     %6d calls   %7.1f calls/s" % (
            calls, calls / version_time))
    out("  create only:        %6d dossiers %7.1f dossiers/s" % (
            calls, calls / create_time))
    out("  create + submit:    %6d dossiers %7.1f submissions/s"
        "  (target >= 50/s)" % (total, total / elapsed))
    out("  ratio submission time / creation time: %.1fx" % (
            (elapsed / total) / (create_time / calls)))
    out("  codes: %d submitted, %d codes, %d distinct: %s" % (
            submitted, number, distinct,
            "no duplicate" if number == distinct == total
            else "DUPLICATES OR MISSING CODES"))
    for label, found in [('submissions', errors),
            ('creations', create_errors), ('version', version_errors)]:
        if found:
            out("  %d errors in %s, first: %s" % (
                    len(found), label, found[0]))
    assert number == distinct == submitted == total, (
        "duplicate or missing codes")
    assert not errors, errors[0]


def inside(names):
    from trytond.pool import Pool

    start = time.perf_counter()
    BENCH_DB.prepare()
    if not BENCH_DB.generated():
        generate()
    Pool(DATABASE).init()
    out("procedure: database %s ready in %.1f s" % (
            DATABASE, time.perf_counter() - start))
    if not names or 'my_work' in names:
        bench_my_work()
    if not names or 'statistics' in names:
        bench_statistics()
    for kind in SERVERS:
        if not names or kind in names:
            bench_submissions(kind)
    return 0


if __name__ == '__main__':
    # bench/procedure.py [my_work] [statistics] [serve] [gunicorn]: only
    # these parts (all of them by default)
    if sys.argv[1:2] == ['--inside']:
        sys.exit(inside(sys.argv[2:]))
    run(sys.argv[1:])
