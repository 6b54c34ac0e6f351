#!/usr/bin/env python3
# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Benchmarks of egov_document on PostgreSQL (database egov_bench_document,
generated once and kept).

numbering   20 clerks of one agency (JSON-RPC, a thread each) issuing
            500 outgoing decisions (drafted, submitted and approved by the
            leader beforehand, not measured), in documents per second, and
            the numbers of the year checked in SQL afterwards: exactly
            1..N, no gap, no duplicate; a call the server refuses as busy
            (HTTP 503) is clicked again and counted; against one clerk
            alone and the same count of bare SQL counter updates and
            inserts in one connection; on scripts/serve.py, then on
            gunicorn as in production.  Refused calls, gaps or duplicates
            make the benchmark fail (after the search).
search      a clerk's search of 1-3 words (with and without diacritics)
            through JSON-RPC (egov.document.search, the domain of
            Document.text_domain, limit 20, default order, record rules
            applied) over 1,000,000 documents of 29 agencies, in p50/p95
            over 100 searches, and its ratio to the bare SQL query returning
            the same rows

PostgreSQL is taken from EGOV_BENCH_POSTGRESQL_URI (default
postgresql://root@127.0.0.1:5432/); when it cannot be reached, the
benchmark is skipped with one line.  The first run creates the database
with pg_trgm (the trigram index of the search), activates egov_document
(and again when the modules' code changes) and generates the documents with
set-based SQL (a few minutes); later runs reuse it.  The documents issued by
the benchmark are deleted at the end and the counter put back."""
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import time

from benchdb import (
    PASSWORD, ROOT, SERVERS, BenchDatabase, admin_uri, free_port, out)
from procedure import (
    DEPARTMENTS, DISTRICTS, FAMILY, GIVEN, MIDDLE, Client, RPCError,
    in_threads, percentile, step)

DATABASE = os.environ.get(
    'EGOV_BENCH_DOCUMENT_DATABASE', 'egov_bench_document')
# Change it when the generated data changes: the database is generated again
DATA_VERSION = '1'
DOCUMENTS = 1_000_000
YEARS = 10
CLERKS = 20
PER_CLERK = 25
# A clerk clicks again when the server says it is busy, up to
CLICKS = 20
SEARCHES = 100
PAGE = 20
TIMEZONE = 'Asia/Ho_Chi_Minh'

BENCH_DB = BenchDatabase(
    DATABASE, 'egov_document', DATA_VERSION, language='vi')


def run():
    "Run the benchmark in a process of its own (called by bench/run.py)"
    BENCH_DB.run(__file__)


# Data
PROVINCE = ("Ủy ban nhân dân tỉnh Bình Phước", '000.00.00.H10', 'UBND',
    'province', "Bình Phước")
# The clerks' agency (the province's People's Committee) keeps this share
# of the documents; the departments and districts the rest
MAIN_SHARE = .25
INCOMING_SHARE = .55
# Senders of the incoming documents besides the province's agencies
SENDERS = [
    ("Văn phòng Chính phủ", 'VPCP'), ("Bộ Nội vụ", 'BNV'),
    ("Bộ Tài chính", 'BTC'), ("Bộ Tư pháp", 'BTP'), ("Bộ Y tế", 'BYT'),
    ("Bộ Giáo dục và Đào tạo", 'BGDĐT'), ("Bộ Xây dựng", 'BXD'),
    ("Bộ Công an", 'BCA'), ("Bộ Công Thương", 'BCT'),
    ("Bộ Nông nghiệp và Môi trường", 'BNNMT'),
    ("Bộ Khoa học và Công nghệ", 'BKHCN'),
    ("Bộ Văn hóa, Thể thao và Du lịch", 'BVHTTDL'),
    ("Tỉnh ủy Bình Phước", 'TU'), ("Hội đồng nhân dân tỉnh", 'HĐND'),
    ("Thanh tra Chính phủ", 'TTCP'), ("Kiểm toán nhà nước", 'KTNN'),
    ]
# Drafting units of the official letters (UBND-VX)
UNITS = ['VP', 'KT', 'VX', 'NC', 'TH', 'TCD', 'KSTT']
# Share of each document type (by abbreviation, '' for the official
# letter); the others 0.2 each; copies only among the outgoing documents
TYPE_WEIGHTS = {
    '': 40, 'QĐ': 20, 'BC': 8, 'TB': 7, 'KH': 6, 'GM': 5, 'TTr': 4,
    'HD': 2, 'CT': 1, 'CTr': 1, 'PA': 1, 'BB': 1, 'NQ': .5, 'QC': .5,
    'ĐA': .5, 'GGT': .5, 'SY': .6,
    }
COPY_TYPES = {'SY', 'TrS', 'SL'}
# The abstract of an official letter begins with V/v, the others with
# Về việc; "năm" before the year
LETTER, ABOUT, YEAR_WORD = "V/v", "Về việc", "năm"
ACTIONS = ["phê duyệt", "ban hành", "triển khai thực hiện",
    "tăng cường công tác", "kiện toàn", "điều chỉnh", "giao chỉ tiêu",
    "tổ chức", "báo cáo kết quả", "hướng dẫn thực hiện", "đề nghị góp ý",
    "thành lập", "sửa đổi, bổ sung", "bãi bỏ", "phân bổ kinh phí",
    "kiểm tra", "đôn đốc thực hiện", "tổng kết"]
OBJECTS = ["kế hoạch phòng, chống dịch bệnh", "dự toán ngân sách nhà nước",
    "công tác cải cách hành chính", "Ban Chỉ đạo chuyển đổi số",
    "quy hoạch sử dụng đất", "chương trình mục tiêu quốc gia xây dựng "
    "nông thôn mới", "đề án vị trí việc làm", "danh mục thủ tục hành chính",
    "kế hoạch tuyển dụng công chức", "công tác phòng cháy, chữa cháy",
    "phương án phòng, chống thiên tai", "chính sách hỗ trợ hộ nghèo",
    "bảng giá đất", "chỉ tiêu biên chế", "công tác thi đua, khen thưởng",
    "kế hoạch kiểm tra công vụ", "dự án đầu tư xây dựng đường giao thông",
    "quy chế làm việc", "công tác bảo vệ môi trường",
    "kế hoạch tiêm chủng mở rộng", "cấp giấy phép xây dựng",
    "giải quyết khiếu nại, tố cáo", "tiêu chí xã nông thôn mới nâng cao",
    "kế hoạch ứng dụng công nghệ thông tin",
    "kỷ luật, kỷ cương hành chính", "bảo đảm trật tự an toàn giao thông",
    "phòng, chống tham nhũng, tiêu cực", "công tác dân tộc, tôn giáo",
    "kế hoạch tổ chức Tết Nguyên đán", "nhiệm vụ năm học mới",
    "quản lý an toàn thực phẩm", "hỗ trợ doanh nghiệp nhỏ và vừa",
    "thu hồi đất thực hiện dự án", "đào tạo, bồi dưỡng cán bộ, công chức",
    "chế độ báo cáo định kỳ", "công tác văn thư, lưu trữ",
    "vận hành Cổng dịch vụ công", "sắp xếp đơn vị hành chính cấp xã",
    "quản lý vật liệu nổ công nghiệp", "bảo hiểm y tế học sinh, sinh viên",
    "phòng, chống bệnh sốt xuất huyết", "trồng cây xanh",
    "chuyển đổi cơ cấu cây trồng", "phát triển cây điều",
    "cấp nước sinh hoạt nông thôn", "xử lý vi phạm hành chính"]
SCOPES = ["trên địa bàn tỉnh", "giai đoạn 2021-2025", "giai đoạn 2026-2030",
    "quý III", "tại các xã biên giới", "của các sở, ban, ngành",
    "trong các cơ quan hành chính nhà nước", "tại Khu công nghiệp Minh Hưng",
    "tại huyện Bù Đăng", "tại thành phố Đồng Xoài",
    "đối với hộ gia đình, cá nhân", "theo Nghị định số 30/2020/NĐ-CP", ""]
POSITIONS = ["Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Phó Giám đốc",
    "Chánh Văn phòng", "Phó Chánh Văn phòng"]
AUTHORITIES = ['', 'TM.', 'KT.', 'TL.']
HANDLERS = ["Văn phòng", "Phòng Tổng hợp", "Phòng Kinh tế", "Phòng Văn xã",
    "Phòng Nội chính"]

AGENCY_SQL = """CREATE TEMP TABLE bench_agency ON COMMIT DROP AS
    SELECT n::int AS pos, id, issuer, issuer_plain, notation, notation_plain,
        place
    FROM unnest(%s::int[], %s::varchar[], %s::varchar[], %s::varchar[],
        %s::varchar[], %s::varchar[]) WITH ORDINALITY
        AS t(id, issuer, issuer_plain, notation, notation_plain, place, n)"""
# The dice of every document
DICE_SQL = """CREATE TEMP TABLE bench_d ON COMMIT DROP AS
    SELECT i,
        CASE WHEN random() < %(main)s THEN 1
            ELSE 2 + floor(random() * (%(agencies)s - 1))::int END AS agency,
        random() < %(incoming)s AS incoming,
        (%(today)s::date - floor(power(random(), 1.25) * %(days)s)::int)
            AS day,
        random() AS r_type, random() AS r_action, random() AS r_object,
        random() AS r_scope, random() AS r_year, random() AS r_sender,
        random() AS r_family, random() AS r_middle, random() AS r_given,
        random() AS r_state, random() AS r_class, random() AS r_unit,
        random() AS r_number, random() AS r_hour, random() AS r_misc
    FROM generate_series(1, %(documents)s) AS i"""
# What the documents are: agency, direction, type, state, register kind
KIND_SQL = """CREATE TEMP TABLE bench_k ON COMMIT DROP AS
    SELECT d.*, a.id AS company,
        CASE WHEN d.incoming THEN 'incoming' ELSE 'outgoing' END
            AS direction,
        CASE WHEN d.incoming
            THEN (%(in_types)s::int[])[1 + floor(d.r_type * %(nin)s)::int]
            ELSE (%(out_types)s::int[])[1 + floor(d.r_type * %(nout)s)::int]
            END AS tpos,
        CASE WHEN d.r_class < 0.004 THEN 'confidential'
            WHEN d.r_class < 0.005 THEN 'secret' END AS classification,
        CASE WHEN %(today)s::date - d.day < 20 AND d.r_state < 0.05
                THEN 'draft'
            WHEN NOT d.incoming AND d.r_state < 0.002 THEN 'cancelled'
            WHEN d.incoming THEN 'registered' ELSE 'issued' END AS state,
        d.day + make_interval(mins => 420 + floor(d.r_hour * 600)::int)
            AS local_time
    FROM bench_d d JOIN bench_agency a ON a.pos = d.agency"""
REGISTER_KIND_SQL = """SELECT DISTINCT k.company, k.direction,
        k.classification IS NOT NULL,
        (%(copies)s::bool[])[k.tpos]
    FROM bench_k k WHERE k.state IN ('registered', 'issued')"""
# The registers' numbers: in the order of arrival or issue in the year
NUMBER_SQL = """CREATE TEMP TABLE bench_n ON COMMIT DROP AS
    SELECT k.*, r.id AS register,
        extract(year FROM k.day)::int AS year,
        row_number() OVER (PARTITION BY r.id, extract(year FROM k.day)
            ORDER BY k.local_time, k.i)::int AS register_number
    FROM bench_k k JOIN egov_document_register r
        ON r.company = k.company AND r.direction = k.direction
        AND r.classified = (k.classification IS NOT NULL)
        AND r.copies = (%(copies)s::bool[])[k.tpos]
    WHERE k.state IN ('registered', 'issued')
    UNION ALL
    SELECT k.*, NULL, NULL, NULL FROM bench_k k
    WHERE k.state NOT IN ('registered', 'issued')"""
# The documents as the model writes them: notation and code of Decree 30,
# the search text of Document._search_text (unaccented parts chosen with
# the same dice as the accented ones)
DOCUMENT_SQL = """INSERT INTO egov_document (id, direction, company,
        register, year, register_number, number, notation, code, type,
        drafting_unit, issuer, place, date, abstract, signer_authority,
        signer_position, signer_name, recipients, classification, urgency,
        return_after_reading, internal_circulation, copies, arrival_number,
        arrival_date, handler, state, search_text, create_uid, create_date)
    SELECT %(base)s + i, direction, company, register, year, register_number,
        number, notation,
        CASE WHEN state IN ('registered', 'issued')
            THEN num || '/' || notation END,
        (%(type_ids)s::int[])[tpos], unit, issuer, place, date, abstract,
        NULLIF((%(authorities)s::varchar[])[
                1 + floor(r_misc * %(nauth)s)::int], ''),
        (%(positions)s::varchar[])[1 + floor(r_unit * %(npos)s)::int],
        signer, CASE WHEN NOT incoming
            THEN 'Như trên;' || chr(10) || 'Lưu: VT, '
                || COALESCE(unit, 'VP') || '.' END,
        classification,
        CASE WHEN r_misc < 0.03 THEN 'urgent'
            WHEN r_misc < 0.035 THEN 'very_urgent' END,
        false, false,
        CASE WHEN NOT incoming THEN 2 + floor(r_number * 8)::int END,
        CASE WHEN incoming THEN register_number END,
        CASE WHEN incoming AND register IS NOT NULL
            THEN (local_time - interval '7 hours')::timestamp(0) END,
        CASE WHEN incoming AND register IS NOT NULL
            THEN (%(handlers)s::varchar[])[
                1 + floor(r_hour * %(nhandlers)s)::int] END,
        state,
        concat_ws(' ',
            CASE WHEN state IN ('registered', 'issued')
                THEN num || '/' || notation_plain END,
            notation_plain, abstract_plain, issuer_plain, signer_plain,
            (%(type_names)s::varchar[])[tpos]),
        0, local_time - interval '7 hours'
    FROM (SELECT n.*,
            CASE WHEN number < 10 THEN '0' || number
                ELSE number::text END AS num
        FROM (SELECT m.*,
                CASE WHEN m.incoming AND m.tcode IS NULL
                    THEN s.notation || '-' || m.unit0
                WHEN m.incoming THEN m.tcode || '-' || s.notation
                WHEN m.state <> 'issued' THEN NULL
                WHEN m.tcode IS NULL THEN a.notation || '-' || m.unit0
                ELSE m.tcode || '-' || a.notation END AS notation,
                CASE WHEN m.incoming AND m.tcode IS NULL
                    THEN s.notation_plain || '-' || lower(m.unit0)
                WHEN m.incoming THEN m.tcode_plain || '-' || s.notation_plain
                WHEN m.state <> 'issued' THEN NULL
                WHEN m.tcode IS NULL
                    THEN a.notation_plain || '-' || lower(m.unit0)
                ELSE m.tcode_plain || '-' || a.notation_plain
                END AS notation_plain,
                CASE WHEN m.incoming THEN s.issuer ELSE a.issuer END
                    AS issuer,
                CASE WHEN m.incoming THEN s.issuer_plain
                    ELSE a.issuer_plain END AS issuer_plain,
                CASE WHEN NOT m.incoming THEN a.place END AS place,
                CASE WHEN NOT m.incoming AND m.tcode IS NULL THEN m.unit0
                    END AS unit,
                CASE WHEN m.incoming
                    THEN 1 + floor(m.r_number * 1500)::int
                    WHEN m.state = 'issued' THEN m.register_number
                    END AS number,
                CASE WHEN m.incoming
                    THEN m.day - floor(m.r_hour * 5)::int
                    WHEN m.state = 'issued' THEN m.day END AS date,
                m.prefix || ' ' || m.action || ' ' || m.object
                    || CASE WHEN m.scope = '' THEN '' ELSE ' ' || m.scope END
                    || CASE WHEN m.r_year < 0.5
                        THEN ' ' || %(year_word)s || ' '
                            || extract(year FROM m.day)::int
                        ELSE '' END
                    AS abstract,
                m.prefix_plain || ' ' || m.action_plain || ' '
                    || m.object_plain
                    || CASE WHEN m.scope = '' THEN ''
                        ELSE ' ' || m.scope_plain END
                    || CASE WHEN m.r_year < 0.5
                        THEN ' ' || %(year_word_plain)s || ' '
                            || extract(year FROM m.day)::int
                        ELSE '' END
                    AS abstract_plain
            FROM (SELECT b.*,
                    (%(type_codes)s::varchar[])[b.tpos] AS tcode,
                    (%(type_codes_plain)s::varchar[])[b.tpos] AS tcode_plain,
                    (%(units)s::varchar[])[
                        1 + floor(b.r_unit * %(nunits)s)::int] AS unit0,
                    1 + floor(b.r_sender * %(nsenders)s)::int AS sender,
                    CASE WHEN (%(type_codes)s::varchar[])[b.tpos] IS NULL
                        THEN %(letter)s ELSE %(about)s END AS prefix,
                    CASE WHEN (%(type_codes)s::varchar[])[b.tpos] IS NULL
                        THEN %(letter_plain)s ELSE %(about_plain)s END
                        AS prefix_plain,
                    (%(actions)s::varchar[])[
                        1 + floor(b.r_action * %(nactions)s)::int] AS action,
                    (%(actions_plain)s::varchar[])[
                        1 + floor(b.r_action * %(nactions)s)::int]
                        AS action_plain,
                    (%(objects)s::varchar[])[
                        1 + floor(b.r_object * %(nobjects)s)::int] AS object,
                    (%(objects_plain)s::varchar[])[
                        1 + floor(b.r_object * %(nobjects)s)::int]
                        AS object_plain,
                    (%(scopes)s::varchar[])[
                        1 + floor(b.r_scope * %(nscopes)s)::int] AS scope,
                    (%(scopes_plain)s::varchar[])[
                        1 + floor(b.r_scope * %(nscopes)s)::int]
                        AS scope_plain,
                    (%(family)s::varchar[])[
                        1 + floor(b.r_family * %(nfamily)s)::int] || ' '
                    || (%(middle)s::varchar[])[
                        1 + floor(b.r_middle * %(nmiddle)s)::int] || ' '
                    || (%(given)s::varchar[])[
                        1 + floor(b.r_given * %(ngiven)s)::int] AS signer,
                    (%(family_plain)s::varchar[])[
                        1 + floor(b.r_family * %(nfamily)s)::int] || ' '
                    || (%(middle_plain)s::varchar[])[
                        1 + floor(b.r_middle * %(nmiddle)s)::int] || ' '
                    || (%(given_plain)s::varchar[])[
                        1 + floor(b.r_given * %(ngiven)s)::int]
                        AS signer_plain
                FROM bench_n b) AS m
            JOIN bench_agency a ON a.id = m.company
            JOIN bench_sender s ON s.pos = m.sender) AS n) AS x
    ORDER BY i"""
SENDER_SQL = """CREATE TEMP TABLE bench_sender ON COMMIT DROP AS
    SELECT n::int AS pos, issuer, issuer_plain, notation, notation_plain
    FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[],
        %s::varchar[]) WITH ORDINALITY
        AS t(issuer, issuer_plain, notation, notation_plain, n)"""
COUNTER_SQL = """INSERT INTO egov_document_register_counter (register, year,
        number, create_uid, create_date)
    SELECT register, year, max(register_number), 0, now()
    FROM egov_document WHERE register IS NOT NULL GROUP BY register, year"""
# The classified documents of the clerks' agency are read by the first clerk
READER_SQL = """INSERT INTO "egov_document-res_user" (document, "user",
        create_uid, create_date)
    SELECT id, %s, 0, now() FROM egov_document
    WHERE company = %s AND classification IS NOT NULL"""
SECONDARY_INDEXES_SQL = """SELECT indexname, indexdef FROM pg_indexes
    WHERE tablename = 'egov_document'
    AND indexname NOT IN (SELECT conname FROM pg_constraint)"""


def agency_rows():
    "The province, its departments and districts (the clerks' agency first)"
    rows = [PROVINCE]
    for i, (name, notation) in enumerate(DEPARTMENTS):
        rows.append((name, '000.00.%02d.H10' % (10 + i), notation,
                'department', "Bình Phước"))
    for d, district in enumerate(DISTRICTS):
        rows.append(("Ủy ban nhân dân huyện %s" % district,
                '000.00.%02d.H10' % (31 + d), 'UBND', 'district', district))
    return rows


LEADER = 'lanhdao.bench'


def clerk_login(index):
    return 'vanthu.bench.%02d' % (index + 1)


def type_names():
    "The types' names without diacritics in the clerks' language"
    from trytond.modules.egov_document.document import unaccent
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Type = Pool(DATABASE).get('egov.document.type')
    with Transaction().start(DATABASE, 0, context={'language': 'vi'}):
        with Transaction().set_context(active_test=False):
            types = Type.search([], order=[('id', 'ASC')])
        return [(t.id, t.code, unaccent(t.name), bool(t.is_copy))
            for t in types]


def generate():
    """Generate the agencies, their clerks and registers through the ORM,
    the documents with set-based SQL"""
    from trytond.modules.egov_document.document import unaccent
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    start = time.perf_counter()
    out("generating %d documents of %d agencies (once)" % (
            DOCUMENTS, len(agency_rows())))
    pool = Pool(DATABASE)
    pool.init()
    types = type_names()
    with Transaction().start(DATABASE, 0, readonly=False) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        Currency = pool.get('currency.currency')
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        Level = pool.get('egov.agency.level')
        Lang = pool.get('ir.lang')
        User = pool.get('res.user')
        Register = pool.get('egov.document.register')
        ModelData = pool.get('ir.model.data')

        currency, = (Currency.search([('code', '=', 'VND')])
            or Currency.create([{'name': "Đồng Việt Nam", 'code': 'VND',
                        'numeric_code': '704', 'symbol': '₫', 'digits': 0,
                        'rounding': 1}]))
        vi, = Lang.search([('code', '=', 'vi')])
        levels = {l.code: l.id for l in Level.search([])}
        rows = agency_rows()
        parties = Party.create([{'name': r[0], 'lang': vi.id} for r in rows])
        agencies = Company.create([{
                    'party': p.id, 'currency': currency.id,
                    'timezone': TIMEZONE, 'agency_code': code,
                    'notation': notation, 'level': levels[kind],
                    'place': place}
                for p, (_, code, notation, kind, place) in zip(
                    parties, rows)])
        Company.write(agencies[1:], {'parent': agencies[0].id})
        main = agencies[0]
        clerks = User.create([{
                    'login': clerk_login(i),
                    'name': "Văn thư %02d" % (i + 1),
                    'password': PASSWORD, 'language': vi.id,
                    'companies': [('add', [main.id])], 'company': main.id,
                    'roles': [('create', [{
                                    'role': ModelData.get_id(
                                        'egov_base', 'role_clerk')}])],
                    } for i in range(CLERKS)])
        # The leader who approves the decisions the clerks issue
        User.create([{
                    'login': LEADER, 'name': "Lãnh đạo UBND tỉnh",
                    'password': PASSWORD, 'language': vi.id,
                    'companies': [('add', [main.id])], 'company': main.id,
                    'roles': [('create', [{
                                    'role': ModelData.get_id(
                                        'egov_base', 'role_leader')}])],
                    }])
        step("agencies: %d, clerks: %d, a leader (ORM)" % (
                len(agencies), len(clerks)), start)

        issuers = [a.rec_name for a in agencies]
        cursor.execute(AGENCY_SQL, (
                [a.id for a in agencies], issuers,
                [unaccent(i) for i in issuers],
                [r[2] for r in rows], [unaccent(r[2]) for r in rows],
                [r[4] for r in rows]))
        senders = [(n, s) for n, s in SENDERS] + list(zip(
                issuers, [r[2] for r in rows]))
        cursor.execute(SENDER_SQL, (
                [n for n, _ in senders], [unaccent(n) for n, _ in senders],
                [s for _, s in senders], [unaccent(s) for _, s in senders]))
        today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
        cursor.execute('SELECT setseed(0.2026)')
        cursor.execute(DICE_SQL, {
                'main': MAIN_SHARE, 'agencies': len(agencies),
                'incoming': INCOMING_SHARE, 'today': today,
                'days': YEARS * 365, 'documents': DOCUMENTS})
        positions = {'incoming': [], 'outgoing': []}
        for pos, (_, code, _, is_copy) in enumerate(types, 1):
            weight = TYPE_WEIGHTS.get(code or '', .2)
            positions['outgoing'] += [pos] * int(weight * 10)
            if code not in COPY_TYPES:
                positions['incoming'] += [pos] * int(weight * 10)
        copies = [t[3] for t in types]
        cursor.execute(KIND_SQL, {
                'in_types': positions['incoming'],
                'nin': len(positions['incoming']),
                'out_types': positions['outgoing'],
                'nout': len(positions['outgoing']),
                'today': today})
        cursor.execute(REGISTER_KIND_SQL, {'copies': copies})
        kinds = cursor.fetchall()
        for company, direction, classified, copy in kinds:
            Register.find(Company(company), direction, classified, copy)
        step("dice, %d registers (ORM)" % len(kinds), start)

        # The secondary indexes are built after the rows
        cursor.execute(SECONDARY_INDEXES_SQL)
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute('DROP INDEX "%s"' % name)
        cursor.execute(NUMBER_SQL, {'copies': copies})
        cursor.execute('SELECT COALESCE(max(id), 0) FROM egov_document')
        base, = cursor.fetchone()

        vocabulary = {}
        for key, values in [('actions', ACTIONS), ('objects', OBJECTS),
                ('scopes', SCOPES), ('family', FAMILY), ('middle', MIDDLE),
                ('given', GIVEN)]:
            vocabulary[key] = values
            vocabulary[key + '_plain'] = [unaccent(v) for v in values]
            vocabulary['n' + key] = len(values)
        for key, value in [('letter', LETTER), ('about', ABOUT),
                ('year_word', YEAR_WORD)]:
            vocabulary[key] = value
            vocabulary[key + '_plain'] = unaccent(value)
        cursor.execute(DOCUMENT_SQL, dict(vocabulary,
                base=base,
                type_ids=[t[0] for t in types],
                type_codes=[t[1] for t in types],
                type_codes_plain=[unaccent(t[1]) if t[1] else None
                    for t in types],
                type_names=[t[2] for t in types],
                authorities=AUTHORITIES, nauth=len(AUTHORITIES),
                positions=POSITIONS, npos=len(POSITIONS),
                handlers=HANDLERS, nhandlers=len(HANDLERS),
                units=UNITS, nunits=len(UNITS),
                nsenders=len(senders)))
        cursor.execute("SELECT setval(pg_get_serial_sequence("
            "'egov_document', 'id'), (SELECT max(id) FROM egov_document))")
        step("documents: %d (SQL)" % DOCUMENTS, start)
        cursor.execute(COUNTER_SQL)
        cursor.execute(READER_SQL, (clerks[0].id, main.id))
        step("counters of the registers, readers (SQL)", start)
        for _, definition in indexes:
            cursor.execute(definition)
        step("indexes (the trigram index of search_text)", start)
        BENCH_DB.set_meta(cursor, 'data', DATA_VERSION)
        BENCH_DB.set_meta(cursor, 'types', json.dumps(
                {str(t[0]): t[2] for t in types}, ensure_ascii=False))
        transaction.commit()
    import psycopg
    with psycopg.connect(admin_uri(DATABASE), autocommit=True) as conn:
        conn.execute('VACUUM ANALYZE')
    step("vacuum analyze", start)


def refresh_types():
    """Follow the translation of the types' names in the generated search
    texts (the type's name ends them), as the model would write them"""
    import psycopg
    current = {str(i): name for i, _, name, _ in type_names()}
    stored = json.loads(BENCH_DB.meta('types') or '{}')
    changed = [(int(i), stored[i], n) for i, n in current.items()
        if i in stored and stored[i] != n]
    if not changed:
        return
    start = time.perf_counter()
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        cursor = conn.cursor()
        cursor.execute("""UPDATE egov_document d
            SET search_text = left(d.search_text,
                length(d.search_text) - length(m.old)) || m.new
            FROM unnest(%s::int[], %s::varchar[], %s::varchar[])
                AS m(type, old, new)
            WHERE d.type = m.type AND d.search_text LIKE '%%' || m.old""",
            [list(c) for c in zip(*changed)])
        BENCH_DB.set_meta(cursor, 'types', json.dumps(
                current, ensure_ascii=False))
    step("search texts of %d renamed types" % len(changed), start)


def check_search_text(sample=300):
    """The generated search texts are the model's: Document._search_text()
    of a sample in the clerks' language"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Document = Pool(DATABASE).get('egov.document')
    with Transaction().start(DATABASE, 0, context={'language': 'vi'}) as t:
        cursor = t.connection.cursor()
        cursor.execute('SELECT id, search_text FROM egov_document '
            'TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT %s', (sample,))
        stored = dict(cursor.fetchall())
        for document in Document.browse(list(stored)):
            expected = document._search_text()
            if stored[document.id] != expected:
                raise RuntimeError(
                    "the search text of document %d is not the model's:\n"
                    "  stored: %r\n  model:  %r" % (
                        document.id, stored[document.id], expected))
    return len(stored)


def targets():
    """What the benchmarks use: the clerks' agency, its register of the
    outgoing documents, the decision type, the first clerk"""
    from trytond.modules.egov_base.calendar import to_local
    from trytond.modules.egov_document.document import now
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(DATABASE)
    Company = pool.get('company.company')
    Type = pool.get('egov.document.type')
    Register = pool.get('egov.document.register')
    User = pool.get('res.user')
    with Transaction().start(DATABASE, 0, readonly=True,
            context={'language': 'vi'}):
        agency, = Company.search([('agency_code', '=', PROVINCE[1])])
        decision, = Type.search([('code', '=', 'QĐ')])
        register, = Register.search([
                ('company', '=', agency.id), ('direction', '=', 'outgoing'),
                ('classified', '=', False), ('copies', '=', False)])
        clerk, = User.search([('login', '=', clerk_login(0))])
        leader, = User.search([('login', '=', LEADER)])
        return {
            'agency': agency.id,
            'agency_name': agency.rec_name,
            'notation': agency.notation,
            'decision': decision.id,
            'decision_name': decision.name,
            'register': register.id,
            'year': to_local(now()).year,
            'clerk': clerk.id,
            'leader': leader.id,
            }


# Numbering
def snapshot():
    "The last ids, to delete what a benchmark created"
    import psycopg
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        return conn.execute('SELECT '
            '(SELECT COALESCE(max(id), 0) FROM egov_document), '
            '(SELECT COALESCE(max(id), 0) FROM egov_audit_log), '
            '(SELECT COALESCE(max(id), 0) FROM ir_model_log), '
            '(SELECT COALESCE(max(id), 0) FROM egov_document_register), '
            '(SELECT COALESCE(max(id), 0) '
            'FROM egov_document_register_counter)').fetchone()


def numbers(target, since):
    """The numbers of the year in the register, its counter and the count
    of documents issued since the snapshot"""
    import psycopg
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        count, distinct, low, high, created = conn.execute(
            'SELECT count(register_number), count(DISTINCT register_number), '
            'min(register_number), max(register_number), '
            "count(*) FILTER (WHERE id > %s AND state = 'issued') "
            'FROM egov_document WHERE register = %s AND year = %s',
            (since[0], target['register'], target['year'])).fetchone()
        counter = conn.execute(
            'SELECT number FROM egov_document_register_counter '
            'WHERE register = %s AND year = %s',
            (target['register'], target['year'])).fetchone()
    return {'count': count, 'distinct': distinct, 'min': low, 'max': high,
        'counter': counter[0] if counter else None, 'created': created}


def gapless(found):
    return (found['count'] == found['distinct'] == found['max']
        == found['counter'] and found['min'] == 1)


def restore(before, target):
    """Delete the documents (their trail, registers and counters) created
    since the snapshot and put the counters back"""
    import psycopg
    document, log, model_log, register, counter = before
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        conn.execute('DELETE FROM egov_audit_log WHERE id > %s', (log,))
        conn.execute('DELETE FROM ir_model_log WHERE id > %s', (model_log,))
        # The drafting trail keeps its documents (RESTRICT): removed first
        for table in ['egov_document_form_check', 'egov_document_opinion',
                'egov_document_version']:
            conn.execute('DELETE FROM %s WHERE document > %%s' % table,
                (document,))
        conn.execute('DELETE FROM egov_document WHERE id > %s', (document,))
        conn.execute('DELETE FROM egov_document_register_counter '
            'WHERE id > %s', (counter,))
        conn.execute('DELETE FROM egov_document_register WHERE id > %s',
            (register,))
        conn.execute("""UPDATE egov_document_register_counter c
            SET number = (SELECT COALESCE(max(d.register_number), 0)
                FROM egov_document d
                WHERE d.register = c.register AND d.year = c.year)
            WHERE c.register IN (SELECT id FROM egov_document_register
                WHERE company = %s)""", (target['agency'],))


def report_numbers(found, expected, target):
    "Print the check of the numbers; return whether they are gapless"
    ok = gapless(found)
    out("  numbers of %d in the register of %s (SQL): %d, %d distinct, "
        "%s..%s, counter %s: %s; %d of the %d documents of the run "
        "issued" % (
            target['year'], target['notation'], found['count'],
            found['distinct'], found['min'], found['max'], found['counter'],
            "no gap, no duplicate" if ok else "GAPS OR DUPLICATES",
            found['created'], expected))
    return ok


BARE_INSERT_SQL = """INSERT INTO egov_document (direction, company,
        register, year, number, register_number, notation, code, type,
        issuer, place, date, abstract, signer_authority, signer_position,
        signer_name, recipients, return_after_reading, internal_circulation,
        copies, state, search_text, create_uid, create_date)
    VALUES ('outgoing', %(company)s, %(register)s, %(year)s, %(number)s,
        %(number)s, %(notation)s, %(code)s, %(type)s, %(issuer)s,
        %(place)s, %(date)s, %(abstract)s, 'KT.', %(position)s,
        %(signer)s, %(recipients)s, false, false, 5, 'issued',
        %(search_text)s, %(uid)s, now() AT TIME ZONE 'UTC')"""


def abstract(index, serial):
    rng = random.Random(index * 1000 + serial)
    return "%s %s %s %s" % (ABOUT, rng.choice(ACTIONS), rng.choice(OBJECTS),
        rng.choice(SCOPES))


def signer(index):
    return "%s %s %s" % (FAMILY[index % len(FAMILY)],
        MIDDLE[index % len(MIDDLE)], GIVEN[index % len(GIVEN)])


def bench_bare_numbering(target):
    """The floor: the same count of counter updates and inserts, a
    transaction each, in one connection"""
    import psycopg

    from trytond.modules.egov_document.document import (
        build_notation, format_number, unaccent)
    total = CLERKS * PER_CLERK
    before = snapshot()
    notation = build_notation('QĐ', target['notation'])
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        # The first number of a year opens its counter (not measured)
        conn.execute('INSERT INTO egov_document_register_counter '
            '(register, year, number, create_uid, create_date) '
            "SELECT %s, %s, 0, 0, now() AT TIME ZONE 'UTC' WHERE NOT EXISTS "
            '(SELECT 1 FROM egov_document_register_counter '
            'WHERE register = %s AND year = %s)', (
                target['register'], target['year'], target['register'],
                target['year']))
        conn.commit()
        start = time.perf_counter()
        for serial in range(total):
            number, = conn.execute(
                'UPDATE egov_document_register_counter '
                'SET number = number + 1, write_uid = %s, '
                "write_date = now() AT TIME ZONE 'UTC' "
                'WHERE register = %s AND year = %s RETURNING number', (
                    target['clerk'], target['register'], target['year'])
                ).fetchone()
            code = '%s/%s' % (format_number(number), notation)
            text = abstract(0, serial)
            name = signer(serial)
            conn.execute(BARE_INSERT_SQL, {
                    'company': target['agency'],
                    'register': target['register'],
                    'year': target['year'], 'number': number,
                    'notation': notation, 'code': code,
                    'type': target['decision'],
                    'issuer': target['agency_name'], 'place': "Bình Phước",
                    'date': today, 'abstract': text,
                    'position': "Phó Chủ tịch", 'signer': name,
                    'recipients': "Như trên;\nLưu: VT, VP.",
                    'search_text': unaccent(' '.join([code, notation, text,
                                target['agency_name'], name,
                                target['decision_name']])),
                    'uid': target['clerk']})
            conn.commit()
        elapsed = time.perf_counter() - start
    found = numbers(target, before)
    restore(before, target)
    out("numbering, bare SQL: %d counter updates + inserts, a transaction "
        "each, one connection" % total)
    out("  %d documents in %.2f s: %7.1f documents/s" % (
            total, elapsed, total / elapsed))
    assert report_numbers(found, total, target), found
    assert found['created'] == total, found
    return total / elapsed


class Clerk(Client):
    "A clerk's JSON-RPC client (sao's calls) on the bench database"

    def call(self, method, *params, path='/%s/rpc/' % DATABASE):
        return super().call(method, *params, path=path)

    def create(self, values):
        return self.call(
            'model.egov.document.create', [values], self.context)[0]

    def issue(self, ids):
        return self.call('model.egov.document.issue', ids, self.context)

    def search(self, domain):
        return self.call('model.egov.document.search', domain, 0, PAGE,
            None, self.context)


def document_values(target, index, serial):
    "An outgoing decision as the clerk drafts it for the leader"
    return {
        'direction': 'outgoing',
        'company': target['agency'],
        'type': target['decision'],
        'abstract': abstract(index, serial),
        'signer_authority': 'KT.',
        'signer_position': "Phó Chủ tịch",
        'signer_name': signer(index),
        'recipients': "Như trên;\nLưu: VT, VP.",
        'copies': 5,
        'approver': target['leader'],
        }


def approved(target, counts):
    """Decisions drafted, submitted and approved by the leader (not
    measured): what the clerks issue, a list for each"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Document = Pool(DATABASE).get('egov.document')
    with Transaction().start(DATABASE, 0, context={
                'language': 'vi', 'company': target['agency']}) as t:
        documents = Document.create([document_values(target, i, s)
                for i, count in enumerate(counts) for s in range(count)])
        Document.submit_approval(documents)
        # The office checks the form of the drafts (the agency's default)
        Document.pass_form_check(
            [d for d in documents if d.state == 'form_check'])
        Document.approve(documents)
        t.commit()
        ids = iter([d.id for d in documents])
        return [[next(ids) for _ in range(c)] for c in counts]


def latency(values):
    return "issue p50 %5.0f ms  p95 %5.0f ms" % (
        statistics.median(values) * 1000, percentile(values, .95) * 1000)


def reason(message):
    "The reason of an HTTP error page"
    found = re.search(r'<p>(.*?)</p>', message)
    return found.group(1) if found else message[:80]


def rollbacks():
    """The transactions the database rolled back (the server's retries);
    the servers' connections report them when idle for a second"""
    import psycopg
    time.sleep(2)
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        return conn.execute('SELECT xact_rollback FROM pg_stat_database '
            'WHERE datname = %s', (DATABASE,)).fetchone()[0]


def bench_numbering(kind, port, target, bare_rate):
    """Return the problems found (refused calls, gaps or duplicates)"""
    before = snapshot()
    clients = [Clerk(port) for _ in range(CLERKS)]
    for index, client in enumerate(clients):
        client.login(clerk_login(index), PASSWORD)
    # A decision each to warm the server (pool, caches), the first clerk's
    # decisions alone, then everyone's together
    warm = approved(target, [1] * CLERKS)
    alone_ids, = approved(target, [PER_CLERK])
    ids = approved(target, [PER_CLERK] * CLERKS)
    issues = [[] for _ in clients]
    refused = [[] for _ in clients]
    given_up = []

    def issue(index, client, id_):
        """Issue as a clerk does: click again when the server answers it
        is busy (HTTP 503 once its retries are spent), give up after
        CLICKS"""
        start = time.perf_counter()
        for _ in range(CLICKS):
            try:
                client.issue([id_])
                break
            except RPCError as exception:
                if 'HTTP 503' not in str(exception):
                    raise
                refused[index].append(str(exception))
        else:
            given_up.append(id_)
            return
        issues[index].append(time.perf_counter() - start)

    _, errors = in_threads(clients, lambda i, c: issue(i, c, warm[i][0]))
    if errors:
        raise errors[0]
    warm_refused = sum(refused, [])
    issues = [[] for _ in clients]
    refused = [[] for _ in clients]
    start = time.perf_counter()
    for id_ in alone_ids:
        issue(0, clients[0], id_)
    alone = time.perf_counter() - start
    alone_issues, issues = issues[0], [[] for _ in clients]
    alone_refused, refused = sum(refused, []), [[] for _ in clients]

    def work(index, client):
        for id_ in ids[index]:
            issue(index, client, id_)

    first = rollbacks()
    elapsed, errors = in_threads(clients, work)
    retried = rollbacks() - first
    total = CLERKS * PER_CLERK
    found = numbers(target, before)
    restore(before, target)
    everyone = [t for i in issues for t in i]
    busy = sum(refused, [])
    out("numbering, %s: %d clerks of %s (JSON-RPC, a thread each) issuing "
        "%d approved decisions each" % (
            SERVERS[kind], CLERKS, target['notation'], PER_CLERK))
    out("  1 clerk alone:  %4d documents in %5.2f s: %6.1f documents/s  %s"
        "  (%d refused)" % (PER_CLERK, alone, PER_CLERK / alone,
            latency(alone_issues), len(alone_refused)))
    out("  %d clerks:      %4d documents in %5.2f s: %6.1f documents/s  %s"
        % (CLERKS, total, elapsed, total / elapsed, latency(everyone)))
    out("  ratio time per document, %d clerks / bare SQL: %.1fx" % (
            CLERKS, bare_rate / (total / elapsed)))
    out("  the transaction that numbers holds the register's counter row "
        "until it commits: the clerks of a register are serialised on "
        "purpose (gapless numbering)")
    out("  %d clerks: %d issue calls refused with HTTP 503 (%s) and "
        "clicked again, %d documents given up after %d clicks; %d "
        "transactions rolled back by the server (its retries); warm-up "
        "(%d clerks at once): %d calls refused" % (
            CLERKS, len(busy), reason(busy[0]) if busy else '-',
            len(given_up), CLICKS, retried, CLERKS, len(warm_refused)))
    if errors:
        out("  %d errors, first: %s" % (len(errors), errors[0]))
    problems = []
    if not report_numbers(found, total + PER_CLERK + CLERKS, target):
        problems.append("%s: gaps or duplicates in the numbers %s" % (
                kind, found))
    # A call refused while the register is busy is clicked again (the
    # clerk is told to); a document given up, a gap or a duplicate fail
    if given_up:
        calls = len(busy) + len(alone_refused) + len(warm_refused)
        problems.append("%s: %d issue calls refused (HTTP 503), %d "
            "documents given up" % (kind, calls, len(given_up)))
    if errors:
        problems.append("%s: %d errors, first: %s" % (
                kind, len(errors), errors[0]))
    return problems


# Search
SEARCH_SQL = """SELECT id FROM egov_document
    WHERE company = %%s
        AND (classification IS NULL OR id IN (
            SELECT document FROM "egov_document-res_user"
            WHERE "user" = %%s))
        AND %s
    ORDER BY year DESC NULLS FIRST, arrival_number DESC NULLS FIRST,
        number DESC NULLS FIRST, id DESC
    LIMIT %d"""


def search_queries(target):
    """What clerks type: 1 to 3 words of the abstracts, an agency, a
    signer, a type and a year or a number and notation; every other one
    without diacritics"""
    import psycopg

    from trytond.modules.egov_document.document import unaccent
    rng = random.Random(2026)
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        codes = [c for c, in conn.execute(
                "SELECT code FROM egov_document TABLESAMPLE SYSTEM (1) "
                "REPEATABLE (3) WHERE company = %s AND state = 'issued' "
                "LIMIT %s", (target['agency'], SEARCHES // 10))]
    agencies = [n for n, _ in SENDERS + DEPARTMENTS]
    types = ["quyết định", "kế hoạch", "báo cáo", "thông báo", "công văn",
        "giấy mời", "tờ trình"]
    queries = []
    for index in range(SEARCHES):
        kind = index % 10
        if kind == 8 and codes:
            text = codes.pop()
        elif kind == 9:
            text = '%s %d' % (rng.choice(types),
                target['year'] - rng.randrange(YEARS))
        elif kind == 7:
            text = '%s %s' % (rng.choice(FAMILY), rng.choice(GIVEN))
        else:
            phrase = rng.choice(
                agencies if kind == 6 else ACTIONS if kind == 5
                else OBJECTS + SCOPES[:-1])
            words = phrase.replace(',', '').split()
            size = min(len(words), rng.choice([1, 2, 2, 3]))
            first = rng.randrange(len(words) - size + 1)
            text = ' '.join(words[first:first + size])
        queries.append(unaccent(text) if index % 2 else text)
    return queries


def bench_search(port, target):
    import psycopg

    from trytond.modules.egov_document.document import unaccent
    from trytond.pool import Pool

    Document = Pool(DATABASE).get('egov.document')
    clerk = Clerk(port)
    clerk.login(clerk_login(0), PASSWORD)
    queries = search_queries(target)
    conn = psycopg.connect(admin_uri(DATABASE), autocommit=True)

    def bare(text):
        words = unaccent(text).split()[:8]
        query = SEARCH_SQL % (
            ' AND '.join(['search_text ILIKE %s'] * len(words)), PAGE)
        return [i for i, in conn.execute(query, [
                    target['agency'], target['clerk']]
                + ['%' + w + '%' for w in words])]

    def rpc(text):
        return clerk.search(Document.text_domain(text))

    times = {'rpc': [], 'bare': []}
    found = []
    try:
        for text in queries[:10]:
            rpc(text), bare(text)
        for text in queries:
            for name, function in [('rpc', rpc), ('bare', bare)]:
                start = time.perf_counter()
                ids = function(text)
                times[name].append(time.perf_counter() - start)
                if name == 'rpc':
                    expected = ids
            assert ids == expected, (
                "the RPC and the SQL find other documents for %r" % text)
            found.append(len(ids))
    finally:
        conn.close()
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        total, = conn.execute('SELECT count(*) FROM egov_document').fetchone()
        own, = conn.execute('SELECT count(*) FROM egov_document '
            'WHERE company = %s', (target['agency'],)).fetchone()
    out("search, %s: a clerk of %s (%d documents of the agency among %d), "
        "%d searches of 1-3 words one after the other, page of %d "
        "(%d full pages)" % (SERVERS['serve'], target['notation'], own,
            total, len(queries), PAGE, found.count(PAGE)))
    for label, name in [("bare SQL (ILIKE on search_text):", 'bare'),
            ("egov.document.search (RPC):     ", 'rpc')]:
        values = times[name]
        out("  %s p50 %7.1f ms  p95 %7.1f ms  max %7.1f ms" % (
                label, statistics.median(values) * 1000,
                percentile(values, .95) * 1000, max(values) * 1000))
    out("  ratio RPC / bare SQL: p50 %.1fx  p95 %.1fx" % (
            statistics.median(times['rpc'])
            / statistics.median(times['bare']),
            percentile(times['rpc'], .95) / percentile(times['bare'], .95)))
    slowest = sorted(range(len(queries)), key=lambda i: -times['rpc'][i])[:5]
    out("  slowest: %s" % ', '.join("'%s' %.0f/%.0f ms" % (
                queries[i], times['rpc'][i] * 1000, times['bare'][i] * 1000)
            for i in slowest))


def bench_server(kind, target, bare_rate):
    "Return the problems found"
    port = free_port()
    os.makedirs(os.path.join(ROOT, 'var'), exist_ok=True)
    log_path = os.path.join(ROOT, 'var', 'bench-document-%s.log' % kind)
    with open(log_path, 'w') as log:
        server = BENCH_DB.start_server(kind, port, log,
            lambda port: Clerk(port).version())
        try:
            problems = bench_numbering(kind, port, target, bare_rate)
            if kind == 'serve':
                bench_search(port, target)
        finally:
            server.terminate()
            server.wait(timeout=60)
    return problems


def inside():
    from trytond.pool import Pool

    start = time.perf_counter()
    BENCH_DB.prepare()
    if not BENCH_DB.generated():
        generate()
    Pool(DATABASE).init()
    refresh_types()
    checked = check_search_text()
    target = targets()
    out("document: database %s ready in %.1f s (search texts of %d "
        "documents checked against the model; %d CPUs, load average %.1f)"
        % (DATABASE, time.perf_counter() - start, checked, os.cpu_count(),
            os.getloadavg()[0]))
    bare_rate = bench_bare_numbering(target)
    problems = []
    for kind in SERVERS:
        problems += bench_server(kind, target, bare_rate)
    for problem in problems:
        out("document: FAILED numbering, %s" % problem)
    return 1 if problems else 0


if __name__ == '__main__':
    if sys.argv[1:] == ['--inside']:
        sys.exit(inside())
    run()
