#!/usr/bin/env python3
# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Benchmarks of the citizens' portal (egov_portal) on PostgreSQL with 5,000
procedures (database egov_bench_portal, generated once and kept).

pages        the catalog's first page, a search without diacritics, a
             search with diacritics and a field, a procedure's page and the
             home page, requested one after the other as an anonymous
             visitor, in p50/p95/mean over 200 requests each after a
             warm-up (target p95 <= 100 ms for the catalog and the
             searches), and their ratio to the portal's static CSS served
             by the same server in the same run
submissions  8 citizens' browsers (a thread each) submitting 200 dossiers
             of a one-component procedure through the portal's pages:
             applicant, upload of a one-page PDF, submission with the
             confirmation, the redirections followed as a browser does; in
             submissions per second, with no duplicate code
both on scripts/serve.py, then on gunicorn as in production.

PostgreSQL is taken from EGOV_BENCH_POSTGRESQL_URI (default
postgresql://root@127.0.0.1:5432/); when it cannot be reached, the
benchmark is skipped with one line.  The first run creates the database,
activates egov_portal (and again when the modules' code changes), loads the
demo of the portal (agencies, sample catalog, dossiers, the citizen
congdan@example.com) and imports 4,978 more procedures through the
catalog import; later runs reuse it.  The dossiers submitted are deleted at
the end."""
import http.client
import json
import os
import random
import re
import secrets
import statistics
import sys
import time
import urllib.parse

from benchdb import (
    PASSWORD, ROOT, SERVERS, BenchDatabase, admin_uri, free_port, out)
from procedure import in_threads, percentile

DATABASE = os.environ.get(
    'EGOV_BENCH_PORTAL_DATABASE', 'egov_bench_portal')
CITIZEN = 'congdan@example.com'
CCCD = '074096000123'
PHONE = '0912345678'
# Change it when the generated data changes: the database is generated again
DATA_VERSION = '1'
PROCEDURES = 5000
BATCH = 500
ITERATIONS = 200
WARM_UP = 20
CLIENTS = 8
SUBMISSIONS = 200
# The procedure page measured: birth registration, with its e-form
PAGE_PROCEDURE = '1.001193'
SEARCH = 'dang ky khai sinh'
FIELD_SEARCH = 'chứng thực'
FIELD_NAME = 'Chứng thực'
CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')

# The generated procedures: (field, sample procedure whose components,
# fees, legal bases and results are copied, levels, subjects, actions,
# objects); their names are action + object + qualifier
FIELDS = [
    ("Hộ tịch", '1.000894', [['commune'], ['district']], ['citizen'],
        ["Đăng ký", "Đăng ký lại", "Đăng ký lưu động việc",
            "Ghi vào Sổ hộ tịch việc", "Cấp bản sao trích lục",
            "Thay đổi, cải chính thông tin"],
        ["khai sinh", "kết hôn", "khai tử", "nhận cha, mẹ, con",
            "giám hộ", "chấm dứt giám hộ",
            "khai sinh kết hợp nhận cha, mẹ, con", "xác định lại dân tộc",
            "nuôi con nuôi"]),
    ("Chứng thực", '2.000884', [['commune'], ['district']],
        ['citizen', 'organisation'],
        ["Chứng thực", "Chứng thực việc sửa đổi, bổ sung",
            "Chứng thực việc hủy bỏ", "Sửa lỗi sai sót trong"],
        ["hợp đồng, giao dịch liên quan đến tài sản là động sản",
            "hợp đồng, giao dịch liên quan đến quyền của người sử dụng "
            "đất", "hợp đồng, giao dịch về nhà ở", "di chúc",
            "văn bản từ chối nhận di sản",
            "văn bản thỏa thuận phân chia di sản",
            "văn bản khai nhận di sản", "hợp đồng ủy quyền",
            "chữ ký người dịch"]),
    ("Đăng ký, quản lý cư trú", '1.004194', [['commune']], ['citizen'],
        ["Đăng ký", "Xóa đăng ký", "Điều chỉnh thông tin về", "Gia hạn",
            "Khai báo", "Xác nhận thông tin về"],
        ["thường trú", "tạm trú", "tạm vắng", "lưu trú",
            "thường trú tại nơi ở hợp pháp do thuê, mượn, ở nhờ",
            "tạm trú tại cơ sở tín ngưỡng, cơ sở tôn giáo"]),
    ("Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)", '1.001612',
        [['district'], ['commune']], ['citizen', 'business'],
        ["Cấp", "Cấp lại", "Cấp đổi", "Thu hồi"],
        ["Giấy chứng nhận đăng ký hộ kinh doanh",
            "Giấy chứng nhận đăng ký địa điểm kinh doanh",
            "Giấy xác nhận tạm ngừng kinh doanh của hộ kinh doanh",
            "Giấy xác nhận thay đổi nội dung đăng ký hộ kinh doanh",
            "Giấy xác nhận chấm dứt hoạt động hộ kinh doanh"]),
    ("Thương mại", '2.001610', [['province'], ['district']],
        ['business', 'citizen'],
        ["Cấp", "Cấp lại", "Cấp sửa đổi, bổ sung", "Gia hạn", "Thu hồi"],
        ["Giấy phép bán lẻ rượu",
            "Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
            "Giấy phép bán lẻ sản phẩm thuốc lá",
            "Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu",
            "Giấy phép kinh doanh khí",
            "Giấy phép lập cơ sở bán lẻ",
            "Giấy phép thành lập Văn phòng đại diện của thương nhân nước "
            "ngoài", "Giấy xác nhận đăng ký thực hiện khuyến mại"]),
    ("An toàn thực phẩm", '2.001610', [['province'], ['district']],
        ['business', 'citizen'],
        ["Cấp", "Cấp lại", "Cấp đổi", "Thu hồi"],
        ["Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            "Giấy xác nhận kiến thức về an toàn thực phẩm",
            "Giấy tiếp nhận bản công bố sản phẩm",
            "Giấy xác nhận nội dung quảng cáo thực phẩm",
            "Giấy chứng nhận cơ sở sản xuất thực phẩm bảo vệ sức khỏe"]),
    ("Hoạt động xây dựng", '1.013225', [['province'], ['commune']],
        ['citizen', 'business', 'organisation'],
        ["Cấp", "Cấp điều chỉnh", "Gia hạn", "Cấp lại"],
        ["giấy phép xây dựng mới nhà ở riêng lẻ",
            "giấy phép xây dựng công trình cấp III, cấp IV",
            "giấy phép sửa chữa, cải tạo công trình",
            "giấy phép di dời công trình",
            "chứng chỉ hành nghề hoạt động xây dựng",
            "chứng chỉ năng lực hoạt động xây dựng",
            "giấy phép hoạt động xây dựng cho nhà thầu nước ngoài"]),
    ("Đất đai", '1.012753', [['province'], ['district'], ['commune']],
        ['citizen', 'organisation', 'business'],
        ["Đăng ký", "Đăng ký biến động", "Đính chính", "Xóa đăng ký"],
        ["quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
            "đất đai lần đầu", "chuyển mục đích sử dụng đất",
            "thế chấp quyền sử dụng đất",
            "cho thuê, cho thuê lại quyền sử dụng đất",
            "gia hạn sử dụng đất", "tách thửa, hợp thửa đất"]),
    ("Giáo dục và Đào tạo", '1.005010', [['province'], ['district']],
        ['citizen', 'organisation'],
        ["Cấp", "Cấp lại", "Chỉnh sửa nội dung", "Công nhận"],
        ["bằng tốt nghiệp trung học cơ sở",
            "bằng tốt nghiệp trung học phổ thông",
            "bản sao văn bằng, chứng chỉ từ sổ gốc",
            "giấy chứng nhận hoàn thành chương trình giáo dục",
            "trường mầm non đạt chuẩn quốc gia",
            "hoạt động giáo dục của trung tâm ngoại ngữ, tin học"]),
    ("Việc làm", '2.001610', [['province']], ['citizen', 'business'],
        ["Cấp", "Cấp lại", "Gia hạn", "Thu hồi", "Xác nhận"],
        ["giấy phép lao động cho người nước ngoài làm việc tại Việt Nam",
            "giấy phép hoạt động cho thuê lại lao động",
            "giấy phép hoạt động dịch vụ việc làm",
            "hưởng trợ cấp thất nghiệp", "hỗ trợ học nghề"]),
    ("Bảo trợ xã hội", '1.003197', [['commune'], ['district']],
        ['citizen'],
        ["Thực hiện", "Điều chỉnh", "Thôi hưởng", "Xác định lại"],
        ["trợ cấp xã hội hằng tháng", "hỗ trợ chi phí mai táng",
            "mức độ khuyết tật",
            "trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở",
            "chính sách trợ giúp xã hội đối với người cao tuổi",
            "hỗ trợ kinh phí chăm sóc đối tượng cần bảo vệ khẩn cấp"]),
    ("Người có công", '1.003197', [['commune'], ['province']],
        ['citizen'],
        ["Giải quyết chế độ", "Công nhận", "Cấp lại", "Di chuyển hồ sơ"],
        ["trợ cấp đối với thân nhân liệt sĩ",
            "ưu đãi người hoạt động kháng chiến bị nhiễm chất độc hóa học",
            "thương binh, người hưởng chính sách như thương binh",
            "bảo hiểm y tế đối với người có công",
            "trợ cấp thờ cúng liệt sĩ",
            "ưu đãi trong giáo dục đào tạo đối với người có công"]),
    ("Khám bệnh, chữa bệnh", '1.013222', [['province']],
        ['citizen', 'organisation'],
        ["Cấp", "Cấp lại", "Điều chỉnh", "Thu hồi", "Gia hạn"],
        ["giấy phép hành nghề khám bệnh, chữa bệnh",
            "giấy phép hoạt động phòng khám đa khoa",
            "chứng chỉ hành nghề dược",
            "Giấy chứng nhận đủ điều kiện kinh doanh dược",
            "giấy phép hoạt động trạm y tế cấp xã",
            "giấy chứng nhận bài thuốc gia truyền"]),
    ("Văn hóa", '1.013224', [['province'], ['district']],
        ['citizen', 'business', 'organisation'],
        ["Cấp", "Cấp lại", "Điều chỉnh", "Thu hồi"],
        ["giấy phép kinh doanh dịch vụ karaoke",
            "giấy phép kinh doanh dịch vụ vũ trường",
            "giấy phép tổ chức lễ hội", "giấy phép triển lãm mỹ thuật",
            "giấy phép nhập khẩu văn hóa phẩm",
            "giấy chứng nhận gia đình văn hóa"]),
    ("Đường bộ", '1.013224', [['province']], ['citizen', 'business'],
        ["Cấp", "Cấp lại", "Đổi", "Thu hồi", "Gia hạn"],
        ["giấy phép lái xe",
            "giấy phép kinh doanh vận tải bằng xe ô tô",
            "phù hiệu xe ô tô kinh doanh vận tải",
            "giấy phép lưu hành xe quá tải trọng",
            "giấy chứng nhận đăng ký xe máy chuyên dùng",
            "giấy phép thi công công trình trên đường bộ"]),
    ("Môi trường", '1.013222', [['province'], ['district']],
        ['business', 'organisation'],
        ["Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Trả lại"],
        ["giấy phép môi trường", "giấy phép khai thác nước dưới đất",
            "giấy phép xả nước thải vào nguồn nước",
            "giấy phép khai thác khoáng sản",
            "giấy phép thăm dò khoáng sản",
            "giấy phép khai thác, sử dụng nước mặt"]),
    ("Nông nghiệp", '1.005010', [['province'], ['district']],
        ['citizen', 'business'],
        ["Cấp", "Cấp lại", "Công nhận", "Thu hồi"],
        ["giấy chứng nhận cơ sở an toàn dịch bệnh động vật",
            "giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn "
            "tỉnh",
            "giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật",
            "giấy chứng nhận đủ điều kiện buôn bán phân bón",
            "trang trại đạt tiêu chí kinh tế trang trại"]),
    ("Tín ngưỡng, tôn giáo", '1.004194',
        [['province'], ['district'], ['commune']],
        ['citizen', 'organisation'],
        ["Đăng ký", "Thông báo", "Đề nghị chấp thuận", "Đăng ký bổ sung"],
        ["sinh hoạt tôn giáo tập trung", "hoạt động tín ngưỡng",
            "người được phong phẩm, bổ nhiệm",
            "tổ chức lễ hội tín ngưỡng",
            "thuyên chuyển chức sắc, chức việc",
            "sửa chữa, cải tạo công trình tín ngưỡng"]),
    ("Thi đua, khen thưởng", '1.013224',
        [['province'], ['district'], ['commune']],
        ['citizen', 'organisation'],
        ["Tặng", "Xét tặng", "Đề nghị tặng"],
        ["Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
            "danh hiệu Chiến sĩ thi đua cơ sở",
            "danh hiệu Lao động tiên tiến",
            "Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã",
            "danh hiệu Tập thể lao động xuất sắc",
            "Cờ thi đua của Ủy ban nhân dân tỉnh"]),
    ]
# (suffix of the name, its levels or None for the field's)
QUALIFIERS = [
    ("", None), (" cấp tỉnh", ['province']), (" cấp huyện", ['district']),
    (" cấp xã", ['commune']), (" đối với tổ chức", None),
    (" đối với hộ gia đình, cá nhân", None),
    (" có yếu tố nước ngoài", None), (" trên môi trường điện tử", None),
    (" trong khu công nghiệp, khu kinh tế", ['province']),
    (" (thực hiện liên thông)", None),
    ]
# (online level, channels, cumulated share)
ONLINE = [
    ('full', ['online', 'direct', 'post'], .4),
    ('partial', ['online', 'direct'], .75),
    ('none', ['direct', 'post'], 1),
    ]
ONE_COMPONENT = .25
BENCH_DB = BenchDatabase(DATABASE, 'egov_portal', DATA_VERSION, language='vi')


def run():
    "Run the benchmark in a process of its own (called by bench/run.py)"
    BENCH_DB.run(__file__)


# Data
def step(message, start):
    out("  %-56s %6.1f s" % (message, time.perf_counter() - start))


def catalog_rows(sample, count):
    """count procedures of the national catalog's shape: names of the
    fields' actions, objects and qualifiers, codes d.dddddd, the documents,
    fees and legal bases of a sample procedure of the kind"""
    rng = random.Random(2026)
    by_code = {row['code']: row for row in sample}
    names = []
    for index, (_, _, _, _, actions, objects) in enumerate(FIELDS):
        for action in actions:
            for object_ in objects:
                for qualifier in range(len(QUALIFIERS)):
                    names.append((index, action, object_, qualifier))
    assert len(names) >= count, (len(names), count)
    taken = {row['code'] for row in sample}
    codes = [n for n in rng.sample(range(1_000_000, 3_000_000), count * 2)
        if '%d.%06d' % divmod(n, 1_000_000) not in taken][:count]
    rows = []
    for (index, action, object_, qualifier), number in zip(
            rng.sample(names, count), codes):
        field, template, levels, subjects, _, _ = FIELDS[index]
        suffix, qualified_levels = QUALIFIERS[qualifier]
        row = dict(by_code[template])
        name = '%s %s%s' % (action, object_, suffix)
        row['code'] = '%d.%06d' % divmod(number, 1_000_000)
        row['name'] = name
        row['field_code'] = ''
        row['field_name'] = field
        row['levels'] = qualified_levels or rng.choice(levels)
        row['subjects'] = subjects
        row['keywords'] = (', '.join([object_, field.lower()])
            if rng.random() < .3 else '')
        row['deciding_act'] = '%d/QĐ-UBND' % rng.randrange(100, 4000)
        dice = rng.random()
        for online_level, channels, share in ONLINE:
            if dice < share:
                row['online_level'] = online_level
                row['channels'] = channels
                break
        row['deadline'] = rng.choice([1, 3, 5, 7, 10, 15, 20, 30])
        row['deadline_unit'] = rng.choice(
            ['working_day'] * 4 + ['calendar_day'])
        if rng.random() < ONE_COMPONENT:
            row['components'] = [{
                    'case': '', 'name': "Đơn đề nghị %s (theo mẫu)" % (
                        name[0].lower() + name[1:]),
                    'template': '', 'originals': 1, 'copies': 0,
                    'required': True}]
        rows.append(row)
    return rows


def generate():
    """The portal's demo (agencies, the sample catalog, its flows and
    dossiers, the demo citizen, the pages) and the other procedures through
    the catalog import, as an administrator imports the national catalog"""
    from trytond.modules.egov_portal import demo
    from trytond.modules.egov_procedure.demo import SAMPLE
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    start = time.perf_counter()
    out("generating %d procedures (once)" % PROCEDURES)
    pool = Pool(DATABASE)
    pool.init()
    Procedure = pool.get('egov.procedure')
    with open(SAMPLE, 'rb') as file:
        sample = json.load(file)
    rows = catalog_rows(sample, PROCEDURES - len(sample))
    with Transaction().start(DATABASE, 0, readonly=False) as transaction:
        with transaction.set_context(language='vi'):
            demo.load_demo()
            step("portal demo: agencies, %d procedures, dossiers, "
                "citizen" % len(sample), start)
            for i in range(0, len(rows), BATCH):
                Procedure.import_catalog(json.dumps(
                        rows[i:i + BATCH], ensure_ascii=False).encode(),
                    'bench.json')
            step("catalog import: %d procedures" % len(rows), start)
            cursor = transaction.connection.cursor()
            cursor.execute('SELECT count(*), count(portal_search) '
                'FROM egov_procedure')
            count, searchable = cursor.fetchone()
            assert count == searchable == PROCEDURES, (count, searchable)
            BENCH_DB.set_meta(cursor, 'data', DATA_VERSION)
        transaction.commit()
    import psycopg
    with psycopg.connect(admin_uri(DATABASE), autocommit=True) as conn:
        conn.execute('VACUUM ANALYZE')
    step("vacuum analyze", start)


def targets():
    """What the benchmark requests: the field of the search, the submitted
    procedure (online, one component, no e-form, received by communes) and
    the number of procedures each search finds"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(DATABASE)
    pool.init()
    Procedure = pool.get('egov.procedure')
    Field = pool.get('egov.procedure.field')
    with Transaction().start(DATABASE, 0, readonly=True):
        field, = Field.search([('name', '=', FIELD_NAME)])
        candidates = Procedure.search([
                ('online_level', '=', 'full'),
                ('channels', 'in', ['online']),
                ('levels', 'in', ['commune']),
                ('agencies', '=', None),
                ], order=[('code', 'ASC')])
        for procedure in candidates:
            components = list(procedure.components)
            if (len(components) == 1 and components[0].required
                    and not components[0].case
                    and not procedure.current_form()
                    and procedure.portal_agencies()):
                break
        else:
            raise RuntimeError("no online procedure of one component")
        found = {
            'search': Procedure.search_count(
                Procedure.portal_text_domain(SEARCH)),
            'field': Procedure.search_count(
                Procedure.portal_text_domain(FIELD_SEARCH)
                + [('field', '=', field.id)]),
            'all': Procedure.search_count([]),
            }
        return {
            'field': field.id,
            'procedure': procedure.code,
            'name': procedure.name,
            'component': components[0].id,
            'agencies': len(procedure.portal_agencies()),
            'found': found,
            }


def sample_pdf():
    "A one-page PDF as a scan of a document"
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont('Helvetica', 14)
    page.drawString(72, 760, "DON DE NGHI")
    page.drawString(72, 730, "Ho va ten: Nguyen Van An - CCCD %s" % CCCD)
    page.showPage()
    page.save()
    return buffer.getvalue()


# The citizen's browser
class PortalError(Exception):
    pass


def page_text(data, limit=300):
    "The headings and errors of a page, to explain a refusal"
    parts = re.findall(rb'<h1[^>]*>(.*?)</h1>|class="field-error"[^>]*>'
        rb'(.*?)</p>|<p>(.*?)</p>', data, re.S)
    text = ' '.join(b' '.join(p for p in part if p).decode(errors='replace')
        for part in parts)
    return re.sub(r'<[^>]+>|\s+', ' ', text).strip()[:limit]


class Browser:
    """A browser on the portal: keeps its cookies, sends the CSRF token of
    the last page and follows the redirections"""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection(
            '127.0.0.1', port, timeout=120)
        self.cookies = {}
        self.csrf = None
        self.requests = 0

    def set_cookie(self, header):
        pair, _, attributes = header.partition(';')
        name, _, value = pair.strip().partition('=')
        value = value.strip('"')
        if not value or 'max-age=0' in attributes.lower().replace(' ', ''):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def request(self, method, path, body=None, content_type=None):
        "Return the path and the body of the page reached"
        while True:
            headers = {}
            if self.cookies:
                headers['Cookie'] = '; '.join(
                    '%s=%s' % c for c in self.cookies.items())
            if content_type:
                headers['Content-Type'] = content_type
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            data = response.read()
            self.requests += 1
            for header in response.headers.get_all('Set-Cookie') or []:
                self.set_cookie(header)
            if response.status in {301, 302, 303}:
                location = urllib.parse.urlsplit(response.headers['Location'])
                path = location.path + (
                    '?' + location.query if location.query else '')
                method, body, content_type = 'GET', None, None
                continue
            break
        if response.status != 200:
            raise PortalError('%s %s: HTTP %s %s' % (
                    method, path, response.status, page_text(data)))
        match = CSRF.search(data)
        if match:
            self.csrf = match.group(1).decode()
        return path, data

    def get(self, path):
        return self.request('GET', path)

    def post(self, path, fields, files=None):
        fields = dict(fields, csrf_token=self.csrf)
        if not files:
            return self.request('POST', path,
                urllib.parse.urlencode(fields),
                'application/x-www-form-urlencoded')
        boundary = 'egov-bench-' + secrets.token_hex(12)
        body = []
        for name, value in fields.items():
            body.append((
                    '--%s\r\nContent-Disposition: form-data; name="%s"'
                    '\r\n\r\n%s\r\n' % (boundary, name, value)).encode())
        for name, (filename, data, mimetype) in files.items():
            body.append((
                    '--%s\r\nContent-Disposition: form-data; name="%s"; '
                    'filename="%s"\r\nContent-Type: %s\r\n\r\n' % (
                        boundary, name, filename, mimetype)).encode())
            body.append(data + b'\r\n')
        body.append(('--%s--\r\n' % boundary).encode())
        return self.request('POST', path, b''.join(body),
            'multipart/form-data; boundary=%s' % boundary)

    def login(self, email, password):
        self.get('/portal/tai-khoan/dang-nhap')
        path, _ = self.post('/portal/tai-khoan/dang-nhap', {
                'email': email, 'password': password})
        if 'egov_portal_session' not in self.cookies:
            raise PortalError("login refused: %s" % path)


# Servers
# Pages
def bench_pages(kind, port, target):
    query = urllib.parse.urlencode
    pages = [
        ("catalog, first page", '/portal/thu-tuc', True),
        ("search '%s'" % SEARCH,
            '/portal/thu-tuc?' + query({'q': SEARCH}), True),
        ("search '%s' + field" % FIELD_SEARCH,
            '/portal/thu-tuc?' + query({
                    'q': FIELD_SEARCH, 'linh-vuc': target['field']}), True),
        ("procedure %s" % PAGE_PROCEDURE,
            '/portal/thu-tuc/%s' % PAGE_PROCEDURE, False),
        ("home", '/portal/', False),
        ]
    static = ("static portal.css", '/portal/static/portal.css', False)
    browser = Browser(port)
    times, sizes = {}, {}
    for label, path, _ in [static] + pages:
        for _ in range(WARM_UP):
            browser.get(path)
        times[path] = []
        for _ in range(ITERATIONS):
            start = time.perf_counter()
            _, data = browser.get(path)
            times[path].append((time.perf_counter() - start) * 1000)
        sizes[path] = len(data)
    found = target['found']
    out("pages, %s: GET one after the other, %d each after %d of warm-up "
        "(%d procedures; '%s' finds %d, '%s' in its field %d)" % (
            SERVERS[kind], ITERATIONS, WARM_UP, found['all'], SEARCH,
            found['search'], FIELD_SEARCH, found['field']))
    base = percentile(times[static[1]], .95)
    for label, path, target_ in [static] + pages:
        values = times[path]
        p95 = percentile(values, .95)
        out("  %-32s %4.0f KB  p50 %6.1f ms  p95 %6.1f ms  mean %6.1f ms"
            "  p95/static %5.1fx%s" % (
                label, sizes[path] / 1024, statistics.median(values), p95,
                statistics.mean(values), p95 / base,
                "  (target p95 <= 100 ms)" if target_ else ''))


# Submissions
def bench_submissions(kind, port, target, pdf):
    import psycopg
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        max_id, = conn.execute(
            'SELECT COALESCE(max(id), 0) FROM egov_dossier').fetchone()
        max_log, = conn.execute(
            'SELECT COALESCE(max(id), 0) FROM egov_audit_log').fetchone()
        max_session, = conn.execute(
            'SELECT COALESCE(max(id), 0) FROM web_user_session').fetchone()
    code = target['procedure']
    start_path = '/portal/nop-ho-so/%s' % code
    browsers = [Browser(port) for _ in range(CLIENTS)]
    agencies = []
    for index, browser in enumerate(browsers):
        browser.login(CITIZEN, PASSWORD)
        _, data = browser.get(start_path)
        options = [v.decode() for v in re.findall(
                rb'<option value="(\d+)"', data)]
        if not options:
            raise PortalError("no agency receives %s" % code)
        # The citizens live in the communes that receive the procedure
        agencies.append(options[index % len(options)])
    file_name = 'file-%s' % target['component']
    per_client = [SUBMISSIONS // CLIENTS + (i < SUBMISSIONS % CLIENTS)
        for i in range(CLIENTS)]
    drafts = [[] for _ in browsers]
    confirmed = [[] for _ in browsers]

    def submit(index, browser):
        "The whole flow of a submission; return the dossier's code"
        path, _ = browser.post(start_path, {
                'applicant_kind': 'citizen',
                'applicant_id_number': CCCD, 'phone': PHONE,
                'email': '', 'address': "Tổ 3, khu phố 2",
                'submitter_name': '', 'company': agencies[index]})
        draft = path.rstrip('/').rsplit('/', 1)[-1]
        if not draft.isdigit():
            raise PortalError("no draft after the applicant: %s" % path)
        drafts[index].append(int(draft))
        draft_path = '%s/%s' % (start_path, draft)
        browser.post(draft_path + '/thanh-phan', {'action': 'continue'},
            files={file_name: ('don-de-nghi.pdf', pdf, 'application/pdf')})
        path, data = browser.post(draft_path + '/nop', {'confirm': '1'})
        if not path.endswith('/xac-nhan'):
            raise PortalError("not confirmed: %s %s" % (
                    path, page_text(data)))
        return path.split('/')[-2]

    def warm(index, browser):
        submit(index, browser)

    def submissions(index, browser):
        for _ in range(per_client[index]):
            confirmed[index].append(submit(index, browser))

    # Warm the server (pool, caches, templates) with one submission each
    _, errors = in_threads(browsers, warm)
    if errors:
        raise errors[0]
    warm_ids = [i for d in drafts for i in d]
    for d in drafts:
        d.clear()
    requests = sum(b.requests for b in browsers)
    elapsed, errors = in_threads(browsers, submissions)
    requests = sum(b.requests for b in browsers) - requests
    ids = [i for d in drafts for i in d]
    codes = [c for client in confirmed for c in client]
    with psycopg.connect(admin_uri(DATABASE)) as conn:
        number, distinct, submitted, online = conn.execute(
            "SELECT count(code), count(DISTINCT code), "
            "count(*) FILTER (WHERE state = 'submitted'), "
            "count(*) FILTER (WHERE channel = 'online') "
            "FROM egov_dossier WHERE id = ANY(%s)", (ids,)).fetchone()
        matching, = conn.execute(
            "SELECT count(*) FROM egov_dossier WHERE code = ANY(%s) "
            "AND id = ANY(%s)", (codes, ids)).fetchone()
        created, = conn.execute(
            'SELECT count(*) FROM egov_dossier WHERE id > %s', (max_id,)
            ).fetchone()
        files, = conn.execute(
            'SELECT count(*) FROM egov_dossier_component '
            'WHERE dossier = ANY(%s) AND size > 0', (ids,)).fetchone()
        # Keep the data of the next runs the same
        conn.execute('DELETE FROM egov_audit_log WHERE id > %s', (max_log,))
        conn.execute('DELETE FROM egov_dossier WHERE id > %s', (max_id,))
        conn.execute('DELETE FROM web_user_session WHERE id > %s',
            (max_session,))
    total = len(codes)
    out("submissions, %s: %d citizens' browsers (a thread each), %d "
        "dossiers of [%s] %s (one component, %d receiving agencies)" % (
            SERVERS[kind], CLIENTS, SUBMISSIONS, code, target['name'],
            target['agencies']))
    out("  flow: POST applicant, POST upload (%d KB PDF), POST submit, "
        "each followed by its page: %.1f requests a submission" % (
            len(pdf) // 1024 or 1, requests / max(total, 1)))
    out("  %d submissions in %.1f s:  %6.1f submissions/s  "
        "(%.0f requests/s, %.0f ms a submission per browser)" % (
            total, elapsed, total / elapsed, requests / elapsed,
            elapsed * 1000 / max(per_client)))
    ok = (number == distinct == submitted == online == matching == files
        == total == SUBMISSIONS
        and created == SUBMISSIONS + len(warm_ids))
    out("  codes: %d dossiers created (and %d of warm-up), %d submitted "
        "online, %d with their file, %d codes, %d distinct: %s" % (
            len(ids), len(warm_ids), submitted, files, number, distinct,
            "no duplicate" if ok else "DUPLICATES OR MISSING DOSSIERS"))
    if errors:
        out("  %d errors, first: %s" % (len(errors), errors[0]))
    assert not errors, errors[0]
    assert ok, "duplicate or missing dossiers"


def bench_server(kind, target, pdf):
    port = free_port()
    os.makedirs(os.path.join(ROOT, 'var'), exist_ok=True)
    log_path = os.path.join(ROOT, 'var', 'bench-portal-%s.log' % kind)
    with open(log_path, 'w') as log:
        server = BENCH_DB.start_server(kind, port, log,
            # The home page: the portal's database is loaded
            lambda port: Browser(port).get('/portal/'),
            env={'TRYTOND_EGOV_PORTAL__DATABASE': DATABASE})
        try:
            bench_pages(kind, port, target)
            bench_submissions(kind, port, target, pdf)
        finally:
            server.terminate()
            server.wait(timeout=60)


def inside():
    start = time.perf_counter()
    BENCH_DB.prepare()
    if not BENCH_DB.generated():
        generate()
    target = targets()
    out("portal: database %s ready in %.1f s (%d CPUs, load average "
        "%.1f)" % (DATABASE, time.perf_counter() - start, os.cpu_count(),
            os.getloadavg()[0]))
    pdf = sample_pdf()
    for kind in SERVERS:
        bench_server(kind, target, pdf)
    return 0


if __name__ == '__main__':
    if sys.argv[1:] == ['--inside']:
        sys.exit(inside())
    run()
