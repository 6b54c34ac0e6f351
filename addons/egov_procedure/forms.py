# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The forms of the one-stop desk (Bộ phận Một cửa) as PDF and the
registers and statistics as XLSX.

The forms are those of appendix I of Circular 03/2025/TT-VPCP, which replaced
Circular 01/2018/TT-VPCP with essentially the same content:

- 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả
- 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
- 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ
- 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết
- 05 Thông báo dừng giải quyết hồ sơ
- 06 Phiếu kiểm soát quá trình giải quyết hồ sơ
- 07 Sổ theo dõi hồ sơ

Their wording is prescribed in Vietnamese by the Circular: the Vietnamese
strings of this file are the legal template text and are not meant to be
translated.  The layout (header blocks, rules, place and date, signature
blocks) follows Decree 30/2020/NĐ-CP on administrative documents.

Nothing here touches the database (no Tryton import except the lookup of the
platform's serif font, done lazily): the callers pass plain data (dict,
str, int, datetime.date, datetime.datetime in local time) and get the bytes
of the file.  Every value comes from the caller, the missing ones are
printed as dotted blanks to be filled in by hand.
"""
import datetime as dt
import io
from xml.sax.saxutils import escape

import xlsxwriter
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate, Frame, HRFlowable, KeepTogether, PageTemplate, Paragraph,
    Spacer, Table, TableStyle)

from trytond.modules.egov_signature.fonts import serif_family as fonts

__all__ = ['render_form', 'form01', 'form02', 'form03', 'form04', 'form05',
    'form06', 'form07', 'register_xlsx', 'statistics_xlsx',
    'FORM_TITLES', 'COMPONENT_KINDS', 'STEP_RESULTS']

# Legal template text (Circular 03/2025/TT-VPCP, appendix I)
FORM_TITLES = {
    '01': 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
    '02': 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
    '03': 'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
    '04': 'VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT',
    '05': 'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ',
    '06': 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ',
    '07': 'SỔ THEO DÕI HỒ SƠ',
    }
NATIONAL_TITLE = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'
MOTTO = 'Độc lập - Tự do - Hạnh phúc'
# The kinds of the components of a dossier, by code or as printed
COMPONENT_KINDS = {
    'original': 'Bản chính',
    'copy': 'Bản sao',
    'certified_copy': 'Bản sao chứng thực',
    'electronic': 'Bản điện tử',
    }
# The results of a step of the control sheet, by code or as printed
STEP_RESULTS = {
    'early': 'Trước hạn',
    'on_time': 'Đúng hạn',
    'late': 'Quá hạn',
    }
SIGN = '(Ký và ghi rõ họ tên)'
SIGN_SEAL = '(Ký, ghi rõ họ tên và đóng dấu)'
BLANK = '.' * 20
SHORT_BLANK = '.' * 6

PAGE_MARGINS = {
    'leftMargin': 20 * mm,
    'rightMargin': 15 * mm,
    'topMargin': 15 * mm,
    'bottomMargin': 15 * mm,
    }


# Formatting of the values
def _text(value, blank=BLANK):
    "Return value as paragraph markup or the blank"
    if value is None or value == '':
        return blank
    return escape(str(value)).replace('\n', '<br/>')


def _upper(value, blank=BLANK):
    if not value:
        return blank
    return _text(str(value).upper())


def _date(value):
    "Return value as dd/mm/yyyy"
    if not value:
        return '%s/%s/%s' % (SHORT_BLANK, SHORT_BLANK, SHORT_BLANK)
    if isinstance(value, str):
        return _text(value)
    return value.strftime('%d/%m/%Y')


def _time(value):
    "Return the time of value as HH:MM"
    if not isinstance(value, dt.datetime):
        return '%s:%s' % (SHORT_BLANK, SHORT_BLANK)
    return value.strftime('%H:%M')


def _moment(value):
    "Return value as '08 giờ 30 phút, ngày 05/10/2026'"
    if isinstance(value, dt.datetime):
        return '%s giờ %s phút, ngày %s' % (
            value.strftime('%H'), value.strftime('%M'), _date(value))
    elif isinstance(value, dt.date):
        return 'ngày %s' % _date(value)
    elif value:
        return _text(value)
    return '%s giờ %s phút, ngày %s' % (
        SHORT_BLANK, SHORT_BLANK, _date(None))


def _day(value):
    "Return value as 'Ngày 05/10/2026'"
    return 'Ngày %s' % _date(value)


def _sentence(value, blank=BLANK * 3):
    "Return value as paragraph markup ending with a full stop"
    text = _text(value, blank)
    if value and not text.endswith(('.', '!', '?', ';', ':')):
        text += '.'
    return text


def _stamp(value):
    "Return value as dd/mm/yyyy with HH:MM under it for a datetime"
    if isinstance(value, dt.datetime):
        return '%s<br/>%s' % (_date(value), _time(value))
    elif value:
        return _date(value)
    return ''


def _place_date(place, date):
    """Return the place and date as Decree 30/2020/NĐ-CP writes them: the
    days below 10 and the months 1 and 2 with a leading 0"""
    place = _text(place, SHORT_BLANK * 2)
    if not date:
        return '%s, ngày %s tháng %s năm %s' % (
            place, SHORT_BLANK, SHORT_BLANK, SHORT_BLANK)
    return '%s, ngày %02d tháng %s năm %d' % (
        place, date.day,
        '%02d' % date.month if date.month < 3 else str(date.month),
        date.year)


def _money(amount):
    "Return amount of VND as '50.000 đồng'"
    if amount is None:
        return '%s đồng' % BLANK
    return '{:,} đồng'.format(int(amount)).replace(',', '.')


def _applicant(data):
    applicant = data.get('applicant') or {}
    if isinstance(applicant, str):
        applicant = {'name': applicant}
    return applicant


# Styles and flowables
def _styles(size=12):
    faces = fonts()
    leading = size * 1.3

    def style(name, font='normal', fontSize=size, **kw):
        kw.setdefault('leading', fontSize * 1.25)
        return ParagraphStyle(name, fontName=faces[font], fontSize=fontSize,
            **kw)

    return {
        'body': style('body', spaceAfter=2, alignment=TA_LEFT),
        'letter': style('letter', spaceAfter=4, alignment=TA_JUSTIFY,
            firstLineIndent=10 * mm),
        'item': style('item', spaceAfter=2, leftIndent=10 * mm),
        'title': style('title', 'bold', size + 1, alignment=TA_CENTER,
            spaceBefore=6, spaceAfter=2),
        'subtitle': style('subtitle', 'italic', alignment=TA_CENTER,
            spaceAfter=4),
        'center': style('center', alignment=TA_CENTER),
        'center_bold': style('center_bold', 'bold', alignment=TA_CENTER),
        'center_italic': style('center_italic', 'italic',
            alignment=TA_CENTER),
        'head': style('head', fontSize=size - 0.5, alignment=TA_CENTER,
            leading=leading - 1),
        'head_bold': style('head_bold', 'bold', size - 0.5,
            alignment=TA_CENTER, leading=leading - 1),
        'head_italic': style('head_italic', 'italic', size,
            alignment=TA_CENTER),
        'cell': style('cell', fontSize=size - 1.5, alignment=TA_LEFT),
        'cell_center': style('cell_center', fontSize=size - 1.5,
            alignment=TA_CENTER),
        'cell_head': style('cell_head', 'bold', size - 1.5,
            alignment=TA_CENTER),
        'small_italic': style('small_italic', 'italic', size - 2,
            alignment=TA_LEFT),
        'recipients_title': style('recipients_title', 'boldItalic',
            size - 0.5, leading=size * 1.2),
        'recipients': style('recipients', fontSize=size - 1.5,
            leading=size * 1.1),
        }


def _fit(text, font, size, width, minimum=9):
    "Return the largest font size not above size for text to fit in width"
    while (size > minimum
            and pdfmetrics.stringWidth(text, font, size) > width):
        size -= 0.5
    return size


def _header(data, styles, width, number=None, show_number=True):
    """Return the header: the agencies on the left, the national title on
    the right, the number and the place and date under them"""
    faces = fonts()
    left_width = width * 0.43
    right_width = width - left_width
    padding = 2 * mm
    left = []
    if data.get('parent_agency'):
        left.append(Paragraph(_upper(data['parent_agency']),
                styles['head']))
    left.append(Paragraph(_upper(data.get('agency')), styles['head_bold']))
    left.append(HRFlowable(width='35%', thickness=0.6, color=colors.black,
            spaceBefore=2, spaceAfter=0, hAlign='CENTER'))

    national = styles['head_bold']
    size = _fit(NATIONAL_TITLE, faces['bold'], national.fontSize,
        right_width - 2 * padding)
    national = ParagraphStyle('national', national, fontSize=size,
        leading=max(national.leading, size * 1.3))
    motto = ParagraphStyle('motto', national,
        fontSize=min(size + 1, styles['body'].fontSize + 1))
    motto.leading = motto.fontSize * 1.3
    motto_width = pdfmetrics.stringWidth(MOTTO, faces['bold'],
        motto.fontSize)
    right = [
        Paragraph(NATIONAL_TITLE, national),
        Paragraph(MOTTO, motto),
        HRFlowable(width=motto_width, thickness=0.6, color=colors.black,
            spaceBefore=2, spaceAfter=0, hAlign='CENTER'),
        ]
    if number is None:
        number = data.get('number')
    number = ('Số: %s' % _text(number, BLANK + '/' + SHORT_BLANK)
        if show_number else '')
    rows = [
        [left, right],
        [Paragraph(number, styles['head']),
            Paragraph(_place_date(data.get('place'), data.get('date')),
                styles['head_italic'])],
        ]
    table = Table(rows, colWidths=[left_width, right_width])
    table.setStyle(TableStyle([
                ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ('ALIGN', (0, 0), (-1, -1), 'CENTER'),
                ('LEFTPADDING', (0, 0), (-1, -1), padding / 2),
                ('RIGHTPADDING', (0, 0), (-1, -1), padding / 2),
                ('TOPPADDING', (0, 0), (-1, 0), 0),
                ('TOPPADDING', (0, 1), (-1, 1), 6),
                ]))
    return [table]


def _title(number, styles, subtitles=()):
    story = [Spacer(1, 4 * mm), Paragraph(FORM_TITLES[number],
            styles['title'])]
    for subtitle in subtitles:
        story.append(Paragraph(subtitle, styles['subtitle']))
    story.append(Spacer(1, 3 * mm))
    return story


def _signature(title, note, name, styles):
    cell = []
    for line in (title or '').splitlines() or ['']:
        cell.append(Paragraph(_upper(line, ''), styles['center_bold']))
    if note:
        cell.append(Paragraph(_text(note), styles['center_italic']))
    cell.append(Spacer(1, 20 * mm))
    cell.append(Paragraph(_text(name, ''), styles['center_bold']))
    return cell


def _signatures(blocks, styles, width, recipients=None):
    """Return the signature blocks (title, note, name): one on the right,
    with the recipients on the left if any, or two side by side"""
    cells = [_signature(*b, styles=styles) for b in blocks]
    if len(cells) == 1:
        left = ''
        if recipients is not None:
            left = [Paragraph('Nơi nhận:', styles['recipients_title'])]
            for i, recipient in enumerate(recipients):
                end = ';' if i < len(recipients) - 1 else '.'
                left.append(Paragraph(
                        '- %s%s' % (_text(recipient).rstrip(';.'), end),
                        styles['recipients']))
        cells.insert(0, left)
    table = Table([cells], colWidths=[width / 2] * 2)
    table.setStyle(TableStyle([
                ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ('ALIGN', (0, 0), (-1, -1), 'CENTER'),
                ('ALIGN', (0, 0), (0, 0), 'LEFT' if len(blocks) == 1
                    else 'CENTER'),
                ('LEFTPADDING', (0, 0), (-1, -1), 0),
                ('RIGHTPADDING', (0, 0), (-1, -1), 0),
                ]))
    return [Spacer(1, 5 * mm), table]


def _signer(data, title, note=SIGN):
    "Return the signature block of the signer of the form"
    return (data.get('signer_title') or title,
        data.get('signer_note') or note, data.get('signer_name'))


def _grid(rows, widths, header_rows=1, styles=()):
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(TableStyle([
                ('GRID', (0, 0), (-1, -1), 0.5, colors.black),
                ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ('VALIGN', (0, 0), (-1, header_rows - 1), 'MIDDLE'),
                ('LEFTPADDING', (0, 0), (-1, -1), 3),
                ('RIGHTPADDING', (0, 0), (-1, -1), 3),
                ] + list(styles)))
    return table


def _page_number(canvas, document):
    "Print the number of the pages after the first at the top centre"
    if document.page < 2:
        return
    canvas.saveState()
    canvas.setFont(fonts()['normal'], 11)
    canvas.drawCentredString(document.pagesize[0] / 2,
        document.pagesize[1] - 9 * mm, str(document.page))
    canvas.restoreState()


def _build(number, data, story, pagesize=A4):
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=pagesize,
        title=FORM_TITLES[number].capitalize(),
        author=data.get('agency') or '',
        subject=data.get('code') or '',
        creator='egov platform', lang='vi-VN', **PAGE_MARGINS)
    # No padding in the frame: the margins are those of the text
    frame = Frame(document.leftMargin, document.bottomMargin,
        document.width, document.height, leftPadding=0, rightPadding=0,
        topPadding=0, bottomPadding=0, id='body')
    document.addPageTemplates(
        [PageTemplate('page', [frame], onPage=_page_number)])
    document.build(story)
    return buffer.getvalue()


def _width(pagesize=A4):
    return (pagesize[0] - PAGE_MARGINS['leftMargin']
        - PAGE_MARGINS['rightMargin'])


def _qr_code(value, size):
    widget = QrCodeWidget(value, barWidth=size, barHeight=size,
        barLevel='M', barBorder=2)
    drawing = Drawing(size, size)
    drawing.add(widget)
    return drawing


def _code_paragraph(code, style, width, bold=True):
    """Return the dossier code fitting width, on two lines split at a hyphen
    when too long"""
    font = fonts()['bold' if bold else 'normal']
    code = str(code or '')
    width -= style.leftIndent + style.rightIndent
    size = _fit(code, font, style.fontSize, width,
        minimum=style.fontSize - 2)
    text = _text(code, '')
    if pdfmetrics.stringWidth(code, font, size) > width and '-' in code:
        middle = len(code) // 2
        cut = min((i for i, c in enumerate(code) if c == '-'),
            key=lambda i: abs(i - middle)) + 1
        size = style.fontSize
        text = '%s<br/>%s' % (_text(code[:cut]), _text(code[cut:]))
    style = ParagraphStyle('code', style, fontName=font, fontSize=size,
        leading=size * 1.25)
    return Paragraph(text, style)


def _applicant_lines(applicant, styles, label='Tiếp nhận hồ sơ của'):
    lines = ['%s: <b>%s</b>' % (label, _text(applicant.get('name')))]
    identifiers = []
    if applicant.get('id_number'):
        identifiers.append('Số định danh cá nhân/CCCD: %s'
            % _text(applicant['id_number']))
    if applicant.get('tax_code'):
        identifiers.append('Mã số thuế: %s' % _text(applicant['tax_code']))
    if not identifiers:
        identifiers.append('Số định danh cá nhân/CCCD/Mã số thuế: %s'
            % BLANK)
    lines.append('; '.join(identifiers))
    lines.append('Địa chỉ: %s' % _text(applicant.get('address')))
    lines.append('Số điện thoại: %s&nbsp;&nbsp;&nbsp; Email: %s' % (
            _text(applicant.get('phone')), _text(applicant.get('email'))))
    return [Paragraph(line, styles['body']) for line in lines]


def _numbered(items, styles, blank_lines=2):
    items = [i for i in (items or []) if i]
    if not items:
        items = [None] * blank_lines
    return [Paragraph('%d. %s' % (i, _text(item, BLANK * 3)),
            styles['item']) for i, item in enumerate(items, 1)]


# The forms
def render_form(number, data):
    """Return the PDF of the form number ('01' to '07') filled with data

    The keys common to all forms are:

    - parent_agency: the governing agency (str, optional)
    - agency: the issuing agency or unit (str)
    - number: the number and notation (str, optional)
    - place: the place of issue (str)
    - date: the date of issue (datetime.date)
    - signer_title: the title of the signer (str, lines separated by
      newlines; each form has a default)
    - signer_name: the name of the signer (str)
    - signer_note: replaces the default '(Ký và ghi rõ họ tên)' (optional)

    and the applicant, when a form has one, is a dict with the keys name,
    id_number, tax_code, address, phone and email (all str, optional)."""
    number = str(number).zfill(2)
    function = FORMS.get(number)
    if function is None:
        raise ValueError("Unknown form %r" % number)
    return function(data)


def form01(data):
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả

    - code: the dossier code, also printed as 'Số' when number is missing
    - lookup_url: the URL encoded in the QR code (the public lookup page)
    - applicant: dict (see render_form)
    - submitter_name: the person who submits, when not the applicant
    - procedure: the name of the administrative procedure
    - components: list of dict name, kind (a key of COMPONENT_KINDS or the
      text to print) and quantity (int)
    - copies: the number of sets of the dossier (int)
    - legal_time: the legal processing time (str, '05 ngày làm việc')
    - received_at, due_at: datetime.datetime in local time
    - return_place: where the result is returned (str)
    - fees: list of dict name and amount (int VND)
    - register_book, register_number: the book and the order number in the
      tracking register (optional)
    """
    styles = _styles()
    width = _width()
    applicant = _applicant(data)
    code = data.get('code')
    story = _header(data, styles, width, number=data.get('number') or code)
    story += _title('01', styles)

    qr_size = 30 * mm
    box_width = qr_size + 12 * mm
    box = [_qr_code(data.get('lookup_url') or code or '', qr_size)]
    box.append(Paragraph('Mã hồ sơ:', styles['cell_center']))
    box.append(_code_paragraph(code, styles['cell_center'],
            box_width - 4 * mm))
    left = [Paragraph('%s tiếp nhận hồ sơ của:' % _text(data.get('agency')),
            styles['body'])]
    left += _applicant_lines(applicant, styles, label='Ông/Bà/Tổ chức')
    submitter = data.get('submitter_name')
    if submitter and submitter != applicant.get('name'):
        left.append(Paragraph('Người nộp hồ sơ: %s' % _text(submitter),
                styles['body']))
    top = Table([[left, box]], colWidths=[width - box_width, box_width])
    top.setStyle(TableStyle([
                ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ('BOX', (1, 0), (1, 0), 0.8, colors.black),
                ('ALIGN', (1, 0), (1, 0), 'CENTER'),
                ('LEFTPADDING', (0, 0), (0, 0), 0),
                ('RIGHTPADDING', (0, 0), (0, 0), 3 * mm),
                ('LEFTPADDING', (1, 0), (1, 0), 2 * mm),
                ('RIGHTPADDING', (1, 0), (1, 0), 2 * mm),
                ]))
    story.append(top)
    story.append(Spacer(1, 1 * mm))
    story.append(Paragraph('Nội dung yêu cầu giải quyết: <b>%s</b>'
            % _text(data.get('procedure')), styles['body']))

    story.append(Paragraph('1. Thành phần hồ sơ nộp gồm:', styles['body']))
    rows = [[Paragraph(h, styles['cell_head']) for h in [
                'TT', 'Tên giấy tờ',
                'Hình thức (bản chính, bản sao, bản sao chứng thực, '
                'bản điện tử)', 'Số lượng']]]
    for i, component in enumerate(data.get('components') or [], 1):
        kind = component.get('kind')
        rows.append([
                Paragraph(str(i), styles['cell_center']),
                Paragraph(_text(component.get('name')), styles['cell']),
                Paragraph(_text(COMPONENT_KINDS.get(kind, kind), ''),
                    styles['cell_center']),
                Paragraph(_text(component.get('quantity'), ''),
                    styles['cell_center']),
                ])
    if len(rows) == 1:
        rows.append([''] * 4)
    story.append(_grid(rows, [10 * mm, width - 72 * mm, 44 * mm, 18 * mm]))
    story.append(Spacer(1, 2 * mm))

    copies = data.get('copies')
    copies = '%02d' % copies if isinstance(copies, int) else _text(copies)
    lines = [
        '2. Số lượng hồ sơ: %s bộ' % copies,
        '3. Thời gian giải quyết hồ sơ theo quy định là: %s'
        % _text(data.get('legal_time')),
        '4. Thời gian nhận hồ sơ: %s' % _moment(data.get('received_at')),
        '5. Thời gian trả kết quả giải quyết hồ sơ: <b>%s</b>'
        % _moment(data.get('due_at')),
        '6. Đăng ký nhận kết quả tại: %s' % _text(data.get('return_place')),
        ]
    fees = [f for f in (data.get('fees') or []) if f]
    if not fees:
        lines.append('7. Phí, lệ phí: Không')
    elif len(fees) == 1:
        lines.append('7. Phí, lệ phí: %s: %s' % (
                _text(fees[0].get('name')), _money(fees[0].get('amount'))))
    else:
        lines.append('7. Phí, lệ phí:')
    story += [Paragraph(line, styles['body']) for line in lines]
    if len(fees) > 1:
        for fee in fees:
            story.append(Paragraph('- %s: %s' % (
                        _text(fee.get('name')), _money(fee.get('amount'))),
                    styles['item']))
        story.append(Paragraph('Tổng cộng: <b>%s</b>' % _money(
                    sum(f.get('amount') or 0 for f in fees)),
                styles['item']))
    if data.get('register_book') or data.get('register_number'):
        story.append(Paragraph(
                'Vào Sổ theo dõi hồ sơ, Quyển số: %s, Số thứ tự: %s' % (
                    _text(data.get('register_book'), SHORT_BLANK),
                    _text(data.get('register_number'), SHORT_BLANK)),
                styles['body']))
    if data.get('lookup_url'):
        story.append(Paragraph(
                'Tra cứu tình trạng giải quyết hồ sơ bằng mã QR hoặc tại: %s'
                % _text(data['lookup_url']), styles['small_italic']))
    submitter = submitter or applicant.get('name')
    story.append(KeepTogether(_signatures([
                    ('NGƯỜI NỘP HỒ SƠ', SIGN, submitter),
                    _signer(data, 'NGƯỜI TIẾP NHẬN HỒ SƠ'),
                    ], styles, width)))
    return _build('01', data, story)


def form02(data):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ

    - code: the dossier code
    - applicant: dict (see render_form)
    - procedure: the name of the administrative procedure
    - received_at: datetime.datetime of receipt (optional)
    - items: list of str, the contents to supplement or complete
    - reason: str
    - officer: the name of the officer to contact for guidance
    - officer_phone: the phone number to call (optional)
    - signer_title defaults to 'NGƯỜI HƯỚNG DẪN'
    """
    styles = _styles()
    width = _width()
    applicant = _applicant(data)
    story = _header(data, styles, width)
    story += _title('02', styles,
        ['Mã hồ sơ: %s' % _text(data.get('code'))])
    story += _applicant_lines(applicant, styles, label='Hồ sơ của')
    story.append(Paragraph('Nội dung yêu cầu giải quyết: <b>%s</b>'
            % _text(data.get('procedure')), styles['body']))
    if data.get('received_at'):
        story.append(Paragraph('Thời gian nhận hồ sơ: %s'
                % _moment(data['received_at']), styles['body']))
    story.append(Paragraph(
            'Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:',
            styles['body']))
    story += _numbered(data.get('items'), styles)
    story.append(Paragraph('Lý do: %s' % _sentence(data.get('reason')),
            styles['body']))
    story.append(Paragraph(
            'Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà '
            'liên hệ với %s, số điện thoại %s để được hướng dẫn./.' % (
                _text(data.get('officer')), _text(data.get('officer_phone'))),
            styles['body']))
    story.append(KeepTogether(_signatures(
                [_signer(data, 'NGƯỜI HƯỚNG DẪN')], styles, width)))
    return _build('02', data, story)


def form03(data):
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ

    - code: the dossier code (optional)
    - applicant: dict (see render_form)
    - procedure: the name of the administrative procedure
    - legal_basis: the legal document the refusal is based on (optional)
    - reasons: list of str
    - signer_title defaults to 'NGƯỜI TIẾP NHẬN HỒ SƠ'
    """
    styles = _styles()
    width = _width()
    applicant = _applicant(data)
    story = _header(data, styles, width)
    subtitles = []
    if data.get('code'):
        subtitles.append('Mã hồ sơ: %s' % _text(data['code']))
    story += _title('03', styles, subtitles)
    story.append(Paragraph('%s tiếp nhận hồ sơ của:'
            % _text(data.get('agency')), styles['body']))
    story += _applicant_lines(applicant, styles, label='Ông/Bà/Tổ chức')
    story.append(Paragraph('Nội dung yêu cầu giải quyết: <b>%s</b>'
            % _text(data.get('procedure')), styles['body']))
    if data.get('legal_basis'):
        basis = 'Căn cứ quy định tại %s' % _text(data['legal_basis'])
    else:
        basis = 'Căn cứ quy định của pháp luật về thủ tục hành chính'
    story.append(Paragraph(
            '%s, %s từ chối tiếp nhận, giải quyết hồ sơ này vì lý do sau:'
            % (basis, _text(data.get('agency'))), styles['body']))
    story += _numbered(data.get('reasons'), styles)
    story.append(Paragraph(
            'Xin thông báo để Ông/Bà/Tổ chức được biết và thực hiện./.',
            styles['body']))
    story.append(KeepTogether(_signatures(
                [_signer(data, 'NGƯỜI TIẾP NHẬN HỒ SƠ')], styles, width)))
    return _build('03', data, story)


def form04(data):
    """Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết

    - code: the dossier code
    - applicant: dict (see render_form)
    - procedure: the name of the administrative procedure
    - received_at, due_at: datetime.datetime of receipt and the due date
    - reason: why the dossier is late (str)
    - new_due_at: the new date of the result (datetime.date or datetime)
    - recipients: list of str for 'Nơi nhận' (default: 'Như trên',
      'Lưu: VT')
    - signer_title defaults to 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ'; the signer
      note to '(Ký, ghi rõ họ tên và đóng dấu)'
    """
    styles = _styles()
    width = _width()
    applicant = _applicant(data)
    agency = _text(data.get('agency'))
    name = _text(applicant.get('name'))
    story = _header(data, styles, width)
    story += _title('04', styles)
    story.append(Paragraph('Kính gửi: <b>%s</b>' % name,
            styles['center']))
    story.append(Spacer(1, 3 * mm))
    paragraphs = [
        '%s, %s tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính '
        '<b>%s</b> của Ông/Bà/Tổ chức <b>%s</b>, mã hồ sơ <b>%s</b>.' % (
            _day(data.get('received_at')), agency,
            _text(data.get('procedure')), name, _text(data.get('code'))),
        'Thời gian hẹn trả kết quả giải quyết hồ sơ: %s.'
        % _moment(data.get('due_at')),
        'Tuy nhiên đến nay, %s chưa trả kết quả giải quyết hồ sơ của '
        'Ông/Bà/Tổ chức. Lý do: %s' % (
            agency, _sentence(data.get('reason'))),
        'Sự chậm trễ này đã gây phiền hà cho Ông/Bà/Tổ chức. %s xin lỗi '
        'Ông/Bà/Tổ chức và đề nghị gia hạn thời gian giải quyết hồ sơ; '
        'kết quả giải quyết hồ sơ sẽ được trả vào %s.' % (
            agency, _moment(data.get('new_due_at'))),
        'Xin trân trọng cảm ơn sự hợp tác của Ông/Bà/Tổ chức./.',
        ]
    story += [Paragraph(p, styles['letter']) for p in paragraphs]
    story.append(KeepTogether(_signatures(
                [_signer(data, 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ', SIGN_SEAL)],
                styles, width,
                recipients=data.get('recipients') or [
                    'Như trên', 'Lưu: VT'])))
    return _build('04', data, story)


def form05(data):
    """Thông báo dừng giải quyết hồ sơ

    - code: the dossier code
    - applicant: dict (see render_form)
    - procedure: the name of the administrative procedure
    - received_at: datetime.datetime of receipt
    - requested_by_applicant: bool, True when the applicant asked to stop
    - request_date: the date of the applicant's request (optional)
    - reason: str
    - recipients: list of str for 'Nơi nhận' (default: 'Như trên',
      'Lưu: VT')
    - signer_title defaults to 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ'; the signer
      note to '(Ký, ghi rõ họ tên và đóng dấu)'
    """
    styles = _styles()
    width = _width()
    applicant = _applicant(data)
    agency = _text(data.get('agency'))
    name = _text(applicant.get('name'))
    story = _header(data, styles, width)
    story += _title('05', styles)
    story.append(Paragraph('Kính gửi: <b>%s</b>' % name,
            styles['center']))
    story.append(Spacer(1, 3 * mm))
    paragraphs = [
        '%s, %s tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính '
        '<b>%s</b> của Ông/Bà/Tổ chức <b>%s</b>, mã hồ sơ <b>%s</b>.' % (
            _day(data.get('received_at')), agency,
            _text(data.get('procedure')), name, _text(data.get('code'))),
        ]
    reason = _text(data.get('reason'), BLANK * 3).rstrip('.')
    if data.get('requested_by_applicant'):
        request = 'Theo đề nghị dừng giải quyết hồ sơ của Ông/Bà/Tổ chức'
        if data.get('request_date'):
            request += ' ngày %s' % _date(data['request_date'])
        if data.get('reason'):
            request += ' (lý do: %s)' % reason
        paragraphs.append('%s, %s thông báo dừng giải quyết hồ sơ nêu '
            'trên.' % (request, agency))
    else:
        paragraphs.append('%s thông báo dừng giải quyết hồ sơ nêu trên. '
            'Lý do: %s.' % (agency, reason))
    paragraphs.append(
        'Xin thông báo để Ông/Bà/Tổ chức được biết./.')
    story += [Paragraph(p, styles['letter']) for p in paragraphs]
    story.append(KeepTogether(_signatures(
                [_signer(data, 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ', SIGN_SEAL)],
                styles, width,
                recipients=data.get('recipients') or [
                    'Như trên', 'Lưu: VT'])))
    return _build('05', data, story)


def form06(data):
    """Phiếu kiểm soát quá trình giải quyết hồ sơ

    - code: the dossier code
    - applicant: dict (see render_form)
    - procedure: the name of the administrative procedure
    - received_at, due_at: datetime.datetime of receipt and the due date
    - handling_agency: the agency in charge (optional)
    - coordinating_agencies: the agencies that take part (optional str)
    - rows: list of dict agency (the agency or step), from_name (who hands
      over), to_name (who receives), handed_at (datetime.datetime), result
      (a key of STEP_RESULTS or the text to print), note
    - no signature block unless signer_name or signer_title is given
    """
    styles = _styles()
    width = _width()
    applicant = _applicant(data)
    story = _header(data, styles, width, show_number=bool(data.get('number')))
    story += _title('06', styles, [
            'Mã hồ sơ: <b>%s</b>' % _text(data.get('code')),
            '(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)'])
    lines = [
        'Tên tổ chức, cá nhân: <b>%s</b>' % _text(applicant.get('name')),
        'Địa chỉ: %s' % _text(applicant.get('address')),
        'Số điện thoại: %s' % _text(applicant.get('phone')),
        'Nội dung yêu cầu giải quyết: <b>%s</b>'
        % _text(data.get('procedure')),
        'Thời gian nhận hồ sơ: %s' % _moment(data.get('received_at')),
        'Thời gian hẹn trả kết quả: <b>%s</b>' % _moment(data.get('due_at')),
        ]
    if data.get('handling_agency'):
        lines.append('Cơ quan (bộ phận) giải quyết hồ sơ: %s'
            % _text(data['handling_agency']))
    if data.get('coordinating_agencies'):
        lines.append('Cơ quan phối hợp giải quyết hồ sơ: %s'
            % _text(data['coordinating_agencies']))
    story += [Paragraph(line, styles['body']) for line in lines]
    story.append(Spacer(1, 2 * mm))

    head = styles['cell_head']
    rows = [
        [Paragraph('TÊN CƠ QUAN, BƯỚC XỬ LÝ', head),
            Paragraph('THỜI GIAN GIAO, NHẬN HỒ SƠ', head), '', '',
            Paragraph('KẾT QUẢ GIẢI QUYẾT HỒ SƠ<br/>(Trước hạn/đúng hạn/'
                'quá hạn)', head),
            Paragraph('GHI CHÚ', head)],
        ['', Paragraph('Giờ, ngày', head), Paragraph('Người giao', head),
            Paragraph('Người nhận', head), '', ''],
        ]
    cell, center = styles['cell'], styles['cell_center']
    steps = data.get('rows') or []
    for i, row in enumerate(steps, 1):
        handed_at = row.get('handed_at')
        if isinstance(handed_at, dt.datetime):
            when = '%s<br/>ngày %s' % (
                handed_at.strftime('%H giờ %M phút'), _date(handed_at))
        elif handed_at:
            when = 'ngày %s' % _date(handed_at)
        else:
            when = ''
        result = row.get('result')
        rows.append([
                Paragraph('%d. %s' % (i, _text(row.get('agency'), '')),
                    cell),
                Paragraph(when, center),
                [Spacer(1, 10 * mm),
                    Paragraph(_text(row.get('from_name'), ''), center)],
                [Spacer(1, 10 * mm),
                    Paragraph(_text(row.get('to_name'), ''), center)],
                Paragraph(_text(STEP_RESULTS.get(result, result), ''),
                    center),
                Paragraph(_text(row.get('note'), ''), cell),
                ])
    for i in range(len(steps) + 1, max(len(steps), 3) + 1):
        rows.append([Paragraph('%d.' % i, cell), '',
                Spacer(1, 12 * mm), '', '', ''])
    widths = [38 * mm, 31 * mm, 27 * mm, 27 * mm, 31 * mm]
    widths.append(width - sum(widths))
    story.append(_grid(rows, widths, header_rows=2, styles=[
                ('SPAN', (0, 0), (0, 1)),
                ('SPAN', (1, 0), (3, 0)),
                ('SPAN', (4, 0), (4, 1)),
                ('SPAN', (5, 0), (5, 1)),
                ]))
    if data.get('signer_name') or data.get('signer_title'):
        story.append(KeepTogether(_signatures(
                    [_signer(data, '')], styles, width)))
    return _build('06', data, story)


def form07(data):
    """Sổ theo dõi hồ sơ (landscape)

    - title_period: the period of the register (str, 'Tháng 10 năm 2026')
    - rows: list of dict code, procedure, applicant (the name), address,
      phone, received_at, due_at, handed_to (the agency or step the dossier
      was handed to), result_at, returned_at (datetime.date or
      datetime.datetime) and note
    - no signature block unless signer_name or signer_title is given
    """
    pagesize = landscape(A4)
    styles = _styles(size=11)
    width = _width(pagesize)
    story = _header(data, styles, width,
        show_number=bool(data.get('number')))
    subtitles = []
    if data.get('title_period'):
        subtitles.append(_text(data['title_period']))
    story += _title('07', styles, subtitles)
    head = styles['cell_head']
    cell, center = styles['cell'], styles['cell_center']
    columns = [
        ('TT', 9),
        ('Mã hồ sơ', 32),
        ('Tên thủ tục hành chính', 38),
        ('Tên cá nhân, tổ chức (địa chỉ, số điện thoại)', 44),
        ('Ngày nhận hồ sơ', 24),
        ('Ngày hẹn trả kết quả', 24),
        ('Chuyển hồ sơ đến cơ quan, bước xử lý', 28),
        ('Ngày có kết quả giải quyết', 24),
        ('Ngày trả kết quả, ký nhận', 24),
        ]
    widths = [w * mm for _, w in columns]
    columns.append(('Ghi chú', None))
    widths.append(width - sum(widths))
    rows = [[Paragraph(label, head) for label, _ in columns]]
    for i, row in enumerate(data.get('rows') or [], 1):
        applicant = ['<b>%s</b>' % _text(row.get('applicant'), '')]
        if row.get('address'):
            applicant.append(_text(row['address']))
        if row.get('phone'):
            applicant.append('ĐT: %s' % _text(row['phone']))
        rows.append([
                Paragraph(str(i), center),
                _code_paragraph(row.get('code'), cell, widths[1] - 6,
                    bold=False),
                Paragraph(_text(row.get('procedure'), ''), cell),
                Paragraph('<br/>'.join(applicant), cell),
                Paragraph(_stamp(row.get('received_at')), center),
                Paragraph(_stamp(row.get('due_at')), center),
                Paragraph(_text(row.get('handed_to'), ''), cell),
                Paragraph(_stamp(row.get('result_at')), center),
                [Paragraph(_stamp(row.get('returned_at')), center),
                    Spacer(1, 6 * mm)],
                Paragraph(_text(row.get('note'), ''), cell),
                ])
    if len(rows) == 1:
        rows.append([''] * len(columns))
    story.append(_grid(rows, widths))
    if data.get('signer_name') or data.get('signer_title'):
        story.append(KeepTogether(_signatures(
                    [_signer(data, '')], styles, width)))
    return _build('07', data, story, pagesize=pagesize)


FORMS = {
    '01': form01,
    '02': form02,
    '03': form03,
    '04': form04,
    '05': form05,
    '06': form06,
    '07': form07,
    }


# Spreadsheets
_XLSX_FORMATS = {
    'text': {'text_wrap': True},
    'int': {'num_format': '#,##0'},
    'date': {'num_format': 'dd/mm/yyyy'},
    'datetime': {'num_format': 'dd/mm/yyyy hh:mm'},
    'percent': {'num_format': '0.0%'},
    }
_XLSX_WIDTHS = {'date': 12, 'datetime': 17, 'percent': 9}
_XLSX_SHEET_FORBIDDEN = '[]:*?/\\'


def _sheet_name(title):
    name = ''.join(c for c in (title or '') if c not in _XLSX_SHEET_FORBIDDEN)
    return name.strip().strip("'")[:31] or 'Sheet1'


def _xlsx_value(row, index, key):
    if isinstance(row, dict):
        return row.get(key)
    return row[index] if index < len(row) else None


def _xlsx_write(sheet, row, col, value, kind, cell_format):
    "Write value as a cell of kind and return its width in characters"
    if value is None or value == '':
        sheet.write_blank(row, col, None, cell_format)
        return 0
    if kind == 'date' and isinstance(value, dt.date):
        if isinstance(value, dt.datetime):
            value = value.date()
        sheet.write_datetime(row, col, value, cell_format)
        return 10
    elif kind == 'datetime' and isinstance(value, dt.date):
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        sheet.write_datetime(row, col, value, cell_format)
        return 16
    elif kind == 'int' and not isinstance(value, (str, bool)):
        sheet.write_number(row, col, int(value), cell_format)
        return len('{:,}'.format(int(value)))
    elif kind == 'percent' and not isinstance(value, (str, bool)):
        sheet.write_number(row, col, float(value), cell_format)
        return 7
    value = str(value)
    sheet.write_string(row, col, value, cell_format)
    return max(len(line) for line in value.splitlines() or [''])


def _workbook(title, columns, rows, totals=None):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {
            'in_memory': True,
            'remove_timezone': True,
            'default_date_format': 'dd/mm/yyyy',
            })
    workbook.set_properties({'title': title or ''})
    sheet = workbook.add_worksheet(_sheet_name(title))
    base = {'font_name': 'Times New Roman', 'font_size': 12,
        'valign': 'top'}
    title_format = workbook.add_format(
        dict(base, bold=True, font_size=14))
    header_format = workbook.add_format(dict(base, bold=True, border=1,
            text_wrap=True, align='center', valign='vcenter',
            bg_color='#D9E1F2'))
    formats, total_formats = {}, {}
    for kind, options in _XLSX_FORMATS.items():
        formats[kind] = workbook.add_format(dict(base, border=1, **options))
        total_formats[kind] = workbook.add_format(
            dict(base, border=1, bold=True, **options))

    columns = [(key, label, kind if kind in _XLSX_FORMATS else 'text')
        for key, label, kind in columns]
    ncols = len(columns)
    sheet.write_string(0, 0, title or '', title_format)
    header_row = 2
    widths = []
    for col, (key, label, kind) in enumerate(columns):
        sheet.write_string(header_row, col, label, header_format)
        widths.append(max([len(w) for w in label.split()] + [
                    _XLSX_WIDTHS.get(kind, 8), len(label) // 2]))
    row_index = header_row
    for row in rows or []:
        row_index += 1
        for col, (key, label, kind) in enumerate(columns):
            width = _xlsx_write(sheet, row_index, col,
                _xlsx_value(row, col, key), kind, formats[kind])
            widths[col] = max(widths[col], width)
    last_data_row = row_index
    if totals is not None:
        row_index += 1
        for col, (key, label, kind) in enumerate(columns):
            value = _xlsx_value(totals, col, key)
            if col == 0 and value in (None, ''):
                value, kind = 'Tổng cộng', 'text'
            width = _xlsx_write(sheet, row_index, col, value, kind,
                total_formats[kind])
            widths[col] = max(widths[col], width)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, 60) + 2)
    sheet.set_row(header_row, 32)
    sheet.freeze_panes(header_row + 1, 0)
    if ncols:
        sheet.autofilter(header_row, 0, last_data_row, ncols - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    workbook.close()
    return output.getvalue()


def register_xlsx(title, columns, rows):
    """Return the XLSX of a register

    - title: printed in the first row and used as the sheet name
    - columns: list of (key, label, kind) with kind in 'text', 'int',
      'date', 'datetime' and 'percent' (float from 0 to 1)
    - rows: list of dict by key (or of sequences in the order of columns)
    """
    return _workbook(title, columns, rows)


def statistics_xlsx(title, columns, rows, totals=None):
    """Return the XLSX of statistics: as register_xlsx with totals, a dict
    by key (or a sequence) printed in bold under the rows; its first column
    defaults to 'Tổng cộng'"""
    return _workbook(title, columns, rows, totals=totals)
