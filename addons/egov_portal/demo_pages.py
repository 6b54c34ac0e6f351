# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Demo information pages of the portal: three published pages that use
every type of block, linked to procedures of the sample catalog.

Called by the demo of the module (:func:`load_pages`), in a transaction of
the database; does nothing for the pages already there."""
import datetime as dt
import struct
import zlib
from functools import lru_cache

from trytond.pool import Pool

from .page import today

GUIDE = 'huong-dan-nop-ho-so-truc-tuyen'
TET = 'thong-bao-thoi-gian-tiep-nhan-ho-so-dip-tet'
FAQ = 'cau-hoi-thuong-gap'


@lru_cache(maxsize=1)
def banner_png(width=640, height=200):
    """A PNG banner drawn without any imaging library: a blue band, a
    white sheet of paper and a green tick"""
    blue, light = (11, 79, 156), (232, 240, 250)
    white, green, grey = (255, 255, 255), (0, 112, 60), (190, 198, 208)
    cx, cy, radius = 420, 100, 46
    rows = []
    for y in range(height):
        row = bytearray(b'\x00')  # no filter
        for x in range(width):
            color = light if y > 150 else blue
            if 190 <= x <= 330 and 30 <= y <= 175:
                color = white
                if 210 <= x <= 310 and y in range(55, 160, 18):
                    color = grey
            elif (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2:
                color = green
                # The tick: two strokes
                if (abs((y - cy) - (x - cx) - 10) <= 5
                        and cx - 22 <= x <= cx - 2) or (
                        abs((y - cy) + (x - cx) - 8) <= 5
                        and cx - 4 <= x <= cx + 26):
                    color = white
            row.extend(color)
        rows.append(bytes(row))

    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header)
        + chunk(b'IDAT', zlib.compress(b''.join(rows), 9))
        + chunk(b'IEND', b''))


def _procedures(*codes):
    Procedure = Pool().get('egov.procedure')
    procedures = Procedure.search([('code', 'in', list(codes))])
    order = {c: i for i, c in enumerate(codes)}
    return [p.id for p in sorted(procedures, key=lambda p: order[p.code])]


def _pages():
    date = today()
    guide_procedures = _procedures('1.001193', '1.000894', '1.004222')
    faq_procedures = _procedures('2.000815', '2.000635', '1.004873')
    tet_procedures = _procedures('1.001193', '1.000656')
    guide = {
        'slug': GUIDE,
        'title': "Hướng dẫn nộp hồ sơ trực tuyến",
        'kind': 'guide',
        'publication_date': date - dt.timedelta(days=20),
        'summary': "Các bước tạo tài khoản, chọn thủ tục, khai tờ khai "
        "điện tử, đính kèm giấy tờ và theo dõi hồ sơ trên Cổng dịch vụ "
        "công của tỉnh.",
        'blocks': [
            {'type': 'text', 'text': (
                    "<p>Người dân, doanh nghiệp có thể nộp hồ sơ thủ tục "
                    "hành chính <strong>mọi lúc, mọi nơi</strong> trên Cổng "
                    "dịch vụ công của tỉnh, không phải đến Bộ phận Một "
                    "cửa.</p>")},
            {'type': 'image', 'image': banner_png(),
                'image_name': 'nop-ho-so-truc-tuyen.png',
                'image_alt': "Minh họa: một tờ hồ sơ và dấu tích xanh "
                "báo hồ sơ đã được gửi thành công",
                'image_caption': "Hồ sơ trực tuyến có giá trị như hồ sơ "
                "nộp trực tiếp."},
            {'type': 'heading', 'heading': "Các bước thực hiện"},
            {'type': 'text', 'text': (
                    "<ol>"
                    "<li><strong>Đăng ký tài khoản</strong> bằng số định "
                    "danh cá nhân và số điện thoại.</li>"
                    "<li><strong>Tìm thủ tục</strong> theo tên, mã hoặc "
                    "lĩnh vực.</li>"
                    "<li><strong>Khai tờ khai điện tử</strong> và đính "
                    "kèm bản chụp các giấy tờ (PDF, JPG, PNG).</li>"
                    "<li><strong>Gửi hồ sơ</strong> và ghi lại mã hồ sơ "
                    "để tra cứu.</li>"
                    "<li><strong>Nhận kết quả</strong> tại Bộ phận Một "
                    "cửa hoặc qua bưu chính, theo lựa chọn khi nộp.</li>"
                    "</ol>"
                    "<blockquote>Hồ sơ nộp sau 17 giờ hoặc vào ngày nghỉ "
                    "được tiếp nhận vào ngày làm việc tiếp theo.</blockquote>"
                    )},
            {'type': 'procedures', 'heading': "Thủ tục thường nộp trực "
                "tuyến", 'procedures': [('add', guide_procedures)]},
            {'type': 'links', 'heading': "Liên kết hữu ích",
                'links': "Cổng Dịch vụ công quốc gia | "
                "https://dichvucong.gov.vn\n"
                "Tra cứu hồ sơ | /portal/tra-cuu\n"
                "Thống kê giải quyết hồ sơ | /portal/thong-ke"},
            {'type': 'cta', 'heading': "Bắt đầu ngay",
                'text': "<p>Chọn thủ tục cần thực hiện trong danh mục "
                "thủ tục hành chính của tỉnh.</p>",
                'cta_label': "Tìm thủ tục", 'cta_url': '/portal/thu-tuc'},
            ],
        }
    tet = {
        'slug': TET,
        'title': "Thông báo thời gian tiếp nhận hồ sơ dịp Tết",
        'kind': 'news',
        'publication_date': date - dt.timedelta(days=3),
        'summary': "Bộ phận Một cửa các cấp tạm nghỉ tiếp nhận hồ sơ trực "
        "tiếp trong kỳ nghỉ Tết Nguyên đán; Cổng dịch vụ công vẫn nhận "
        "hồ sơ trực tuyến.",
        'blocks': [
            {'type': 'text', 'text': (
                    "<p>Trong kỳ nghỉ Tết Nguyên đán, Bộ phận Một cửa của "
                    "các sở, ngành, UBND cấp huyện và cấp xã "
                    "<strong>tạm ngừng tiếp nhận và trả kết quả hồ sơ "
                    "trực tiếp</strong>.</p>")},
            {'type': 'heading', 'heading': "Lịch tiếp nhận hồ sơ"},
            {'type': 'text', 'text': (
                    "<ul>"
                    "<li>Ngày làm việc cuối cùng trước Tết: tiếp nhận hồ "
                    "sơ đến 16 giờ 30.</li>"
                    "<li>Trong kỳ nghỉ: chỉ tiếp nhận hồ sơ "
                    "<em>trực tuyến</em>; hồ sơ được xử lý từ ngày làm "
                    "việc đầu tiên sau Tết.</li>"
                    "<li>Thời gian nghỉ Tết không tính vào thời hạn giải "
                    "quyết hồ sơ.</li>"
                    "</ul>"
                    "<p>Các trường hợp khai sinh, khai tử phát sinh trong "
                    "kỳ nghỉ được đăng ký khi các cơ quan làm việc trở "
                    "lại.</p>")},
            {'type': 'procedures', 'heading': "Thủ tục hộ tịch liên quan",
                'procedures': [('add', tet_procedures)]},
            {'type': 'cta', 'text': "<p>Hồ sơ nộp trực tuyến trong kỳ nghỉ "
                "vẫn được ghi nhận và tra cứu được.</p>",
                'cta_label': "Nộp hồ sơ trực tuyến",
                'cta_url': '/portal/thu-tuc'},
            {'type': 'links', 'heading': "Xem thêm",
                'links': "Hướng dẫn nộp hồ sơ trực tuyến | "
                "/portal/trang/%s" % GUIDE},
            ],
        }
    faq = {
        'slug': FAQ,
        'title': "Câu hỏi thường gặp",
        'kind': 'guide',
        'publication_date': date - dt.timedelta(days=10),
        'summary': "Giải đáp các thắc mắc thường gặp khi nộp và theo dõi "
        "hồ sơ trên Cổng dịch vụ công.",
        'blocks': [
            {'type': 'heading', 'heading': "Tài khoản và nộp hồ sơ"},
            {'type': 'text', 'text': (
                    "<h3>Tôi quên mật khẩu thì làm thế nào?</h3>"
                    "<p>Chọn <strong>Quên mật khẩu</strong> ở trang đăng "
                    "nhập; Cổng gửi thư điện tử để đặt lại mật khẩu.</p>"
                    "<h3>Có phải nộp bản giấy sau khi nộp trực tuyến "
                    "không?</h3>"
                    "<p>Không, trừ khi thủ tục yêu cầu xuất trình bản "
                    "chính khi nhận kết quả.</p>")},
            {'type': 'heading', 'heading': "Theo dõi hồ sơ"},
            {'type': 'text', 'text': (
                    "Mỗi hồ sơ có một mã hồ sơ, ghi trên giấy tiếp nhận.\n\n"
                    "Nhập mã này ở trang Tra cứu hồ sơ để biết hồ sơ đang "
                    "ở bước nào và ngày hẹn trả kết quả.")},
            {'type': 'image', 'image': banner_png(),
                'image_name': 'tra-cuu-ho-so.png',
                'image_alt': "Minh họa: một tờ hồ sơ có dấu tích xanh"},
            {'type': 'procedures', 'heading': "Thủ tục được hỏi nhiều",
                'procedures': [('add', faq_procedures)]},
            {'type': 'links', 'heading': "Liên hệ",
                'links': "Tra cứu hồ sơ | /portal/tra-cuu\n"
                "Gửi thư cho bộ phận hỗ trợ | "
                "mailto:hotro@dichvucong.example.vn"},
            {'type': 'cta', 'heading': "Chưa tìm được câu trả lời?",
                'cta_label': "Tra cứu hồ sơ", 'cta_url': '/portal/tra-cuu'},
            ],
        }
    return [guide, tet, faq]


def load_pages():
    """Create and publish the demo pages that are not there yet; return
    the pages created"""
    pool = Pool()
    Page = pool.get('egov.portal.page')
    to_create = []
    for values in _pages():
        if Page.search([('slug', '=', values['slug'])], limit=1):
            continue
        blocks = []
        for sequence, block in enumerate(values.pop('blocks'), 1):
            block = dict(block, sequence=sequence * 10)
            if block.get('procedures') == [('add', [])]:
                # The sample catalog is not loaded: skip the block
                continue
            blocks.append(block)
        values['blocks'] = [('create', blocks)]
        to_create.append(values)
    if not to_create:
        return []
    pages = Page.create(to_create)
    Page.publish(pages)
    return pages
