# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The document registers of Decree 30/2020/NĐ-CP (appendix IV) as PDF and
XLSX: the register of outgoing documents (sổ đăng ký văn bản đi), of
incoming documents (sổ đăng ký văn bản đến) and the follow-up register of
the incoming documents (sổ theo dõi giải quyết văn bản đến).

The PDF is an A4 landscape book: a cover (governing agency and agency, title,
year, first and last date and number) and the pages of the table, whose
headings and column numbers (1), (2)… are repeated on every page.  The XLSX
holds the same heading and table on one sheet.

The headings are the legal template text of the Decree, in Vietnamese, and
are not meant to be translated.  The titles of the registers of classified
documents and of copies follow the Decree's pattern (the Decree lays out
only the three registers above).

Nothing here touches the database: the callers pass plain data (dict, str,
int, datetime.date, datetime.datetime in local time) and get the bytes of the
file."""
import datetime as dt
import io
from xml.sax.saxutils import escape

import xlsxwriter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate, Frame, HRFlowable, LayoutError, PageBreak, PageTemplate,
    Paragraph, Spacer, Table, TableStyle)

from trytond.modules.egov_signature.fonts import serif_family as fonts

__all__ = ['KINDS', 'COLUMNS', 'title', 'render_pdf', 'render_xlsx']

KINDS = ['outgoing', 'incoming', 'follow_up']
# Legal template text (Decree 30/2020/NĐ-CP, appendix IV)
TITLES = {
    'outgoing': 'SỔ ĐĂNG KÝ VĂN BẢN ĐI',
    'incoming': 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN',
    'follow_up': 'SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN',
    }
CLASSIFIED_TITLES = {
    'outgoing': 'SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐI',
    'incoming': 'SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐẾN',
    'follow_up': 'SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN MẬT ĐẾN',
    }
COPIES_TITLES = {
    'outgoing': 'SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN ĐI',
    'incoming': 'SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN ĐẾN',
    'follow_up': 'SỔ THEO DÕI GIẢI QUYẾT BẢN SAO VĂN BẢN ĐẾN',
    }
# The columns of each register: (key, heading, width in mm, kind); the
# last column takes the rest of the width.  The kinds: text, date (printed
# dd/mm/yyyy), number (a register number: 01, 02…), int and sign (the
# receipt signature, left empty).  The keys type_abstract and document are
# composed from the row (see _value).
COLUMNS = {
    'outgoing': [
        ('code', 'Số, ký hiệu văn bản', 27, 'text'),
        ('date', 'Ngày tháng văn bản', 22, 'date'),
        ('type_abstract', 'Tên loại và trích yếu nội dung văn bản', 54,
            'text'),
        ('signer', 'Người ký', 28, 'text'),
        ('recipients', 'Nơi nhận văn bản', 36, 'text'),
        ('handler', 'Đơn vị, người nhận bản lưu', 26, 'text'),
        ('copies', 'Số lượng bản', 14, 'int'),
        ('passed_on', 'Ngày chuyển', 20, 'date'),
        ('receipt', 'Ký nhận', 16, 'sign'),
        ('notes', 'Ghi chú', None, 'text'),
        ],
    'incoming': [
        ('arrival_date', 'Ngày đến', 20, 'date'),
        ('arrival_number', 'Số đến', 14, 'number'),
        ('issuer', 'Tác giả', 36, 'text'),
        ('code', 'Số, ký hiệu', 25, 'text'),
        ('date', 'Ngày tháng', 20, 'date'),
        ('type_abstract', 'Tên loại và trích yếu nội dung', 61, 'text'),
        ('handler', 'Đơn vị hoặc người nhận', 30, 'text'),
        ('passed_on', 'Ngày chuyển', 20, 'date'),
        ('receipt', 'Ký nhận', 16, 'sign'),
        ('notes', 'Ghi chú', None, 'text'),
        ],
    'follow_up': [
        ('arrival_number', 'Số đến', 16, 'number'),
        ('document', 'Tên loại, số, ký hiệu, ngày tháng văn bản, '
            'cơ quan ban hành', 88, 'text'),
        ('handler', 'Đơn vị hoặc người nhận', 40, 'text'),
        ('deadline', 'Thời hạn giải quyết', 26, 'date'),
        ('progress', 'Tiến độ giải quyết', 34, 'text'),
        ('reply', 'Số, ký hiệu văn bản trả lời', 30, 'text'),
        ('notes', 'Ghi chú', None, 'text'),
        ],
    }
# The number and the date that open and close the register, by kind
_SPAN_KEYS = {
    'outgoing': ('number', 'date'),
    'incoming': ('arrival_number', 'arrival_date'),
    'follow_up': ('arrival_number', 'arrival_date'),
    }
BLANK = '.' * 20

PAGE_MARGINS = {
    'leftMargin': 20 * mm,
    'rightMargin': 15 * mm,
    'topMargin': 15 * mm,
    'bottomMargin': 15 * mm,
    }
PAGE_SIZE = landscape(A4)


def title(kind, classified=False, copies=False):
    "Return the title of the register of kind"
    if copies:
        return COPIES_TITLES[kind]
    if classified:
        return CLASSIFIED_TITLES[kind]
    return TITLES[kind]


# Values
def _date(value):
    "Return value as dd/mm/yyyy"
    if isinstance(value, dt.date):
        return value.strftime('%d/%m/%Y')
    return str(value) if value else ''


def _number(value):
    "Return a register number: under 10 with a leading zero"
    if isinstance(value, int) and not isinstance(value, bool):
        return '%02d' % value
    return str(value) if value else ''


def _document(row):
    """Return the type, number and notation, date and issuer of a document:
    'Quyết định số 05/QĐ-UBND ngày 03/01/2026 của Ủy ban nhân dân tỉnh'"""
    text = ' '.join(filter(None, [
                row.get('type'),
                'số %s' % row['code'] if row.get('code') else None,
                'ngày %s' % _date(row['date']) if row.get('date') else None,
                ]))
    if row.get('issuer'):
        text = '%s của %s' % (text, row['issuer']) if text else row['issuer']
    return text


def _value(row, key):
    "Return the value of the column key of row"
    if key == 'type_abstract':
        return '\n'.join(filter(None, [row.get('type'), row.get('abstract')]))
    elif key == 'document':
        return _document(row)
    elif key == 'receipt':
        return None
    return row.get(key)


def _text(value, kind):
    "Return the value of a cell of kind as text"
    if value is None or value == '':
        return ''
    if kind == 'date':
        return _date(value)
    elif kind == 'number':
        return _number(value)
    return str(value)


def _span(kind, rows):
    """Return the first and last date, the first and last number of the
    rows as text"""
    number_key, date_key = _SPAN_KEYS[kind]
    dates = [r[date_key] for r in rows if isinstance(
            r.get(date_key), dt.date)]
    dates = [d.date() if isinstance(d, dt.datetime) else d for d in dates]
    numbers = [r[number_key] for r in rows
        if isinstance(r.get(number_key), int)]
    return (
        _date(min(dates)) if dates else BLANK,
        _date(max(dates)) if dates else BLANK,
        _number(min(numbers)) if numbers else BLANK,
        _number(max(numbers)) if numbers else BLANK)


# PDF
def _styles():
    faces = fonts()

    def style(name, font='normal', size=10, **kw):
        kw.setdefault('leading', size * 1.25)
        return ParagraphStyle(name, fontName=faces[font], fontSize=size,
            **kw)

    return {
        'agency': style('agency', size=12, alignment=TA_CENTER),
        'agency_bold': style('agency_bold', 'bold', 12,
            alignment=TA_CENTER),
        'title': style('title', 'bold', 22, alignment=TA_CENTER,
            spaceAfter=8 * mm),
        'year': style('year', 'bold', 15, alignment=TA_CENTER,
            spaceAfter=4 * mm),
        'span': style('span', size=13, alignment=TA_CENTER,
            spaceAfter=2 * mm),
        'table_title': style('table_title', 'bold', 13,
            alignment=TA_CENTER, spaceAfter=3 * mm),
        'head': style('head', 'bold', 9.5, alignment=TA_CENTER),
        'number': style('number', 'italic', 9, alignment=TA_CENTER),
        'cell': style('cell', size=9.5, alignment=TA_LEFT),
        }


# The kinds of the columns centred in their cells
_CENTERED = {'date', 'number', 'int'}


def _markup(text):
    return escape(text).replace('\n', '<br/>')


def _cover(kind, data, styles, width):
    "Return the cover of the register"
    agency = []
    if data.get('parent_agency'):
        agency.append(Paragraph(
                _markup(data['parent_agency'].upper()), styles['agency']))
    agency.append(Paragraph(_markup((data.get('agency') or BLANK).upper()),
            styles['agency_bold']))
    agency.append(HRFlowable(width='35%', thickness=0.6,
            color=colors.black, spaceBefore=2, spaceAfter=0,
            hAlign='CENTER'))
    block = Table([[agency, '']], colWidths=[width * 0.45, width * 0.55])
    block.setStyle(TableStyle([
                ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ('ALIGN', (0, 0), (-1, -1), 'CENTER'),
                ('LEFTPADDING', (0, 0), (-1, -1), 0),
                ('RIGHTPADDING', (0, 0), (-1, -1), 0),
                ]))
    first_date, last_date, first, last = _span(kind, data.get('rows') or [])
    return [
        block,
        Spacer(1, 40 * mm),
        Paragraph(_markup(data['title']), styles['title']),
        Paragraph('Năm: %s' % _markup(str(data.get('year') or BLANK)),
            styles['year']),
        Paragraph('Từ ngày %s đến ngày %s' % (first_date, last_date),
            styles['span']),
        Paragraph('Từ số %s đến số %s' % (first, last), styles['span']),
        PageBreak(),
        ]


def _table(kind, rows, styles, width, split_rows=False):
    """Return the table of the register: split between the rows, or within
    them when split_rows (for a row taller than a page)"""
    columns = COLUMNS[kind]
    widths = [w * mm for _, _, w, _ in columns if w is not None]
    widths.append(width - sum(widths))
    table_rows = [
        [Paragraph(_markup(h), styles['head']) for _, h, _, _ in columns],
        [Paragraph('(%d)' % i, styles['number'])
            for i in range(1, len(columns) + 1)],
        ]
    # The short values are plain strings in the cell font (much faster to
    # lay out than paragraphs: a register holds thousands of rows)
    for row in rows:
        cells = []
        for key, _, _, kind_ in columns:
            text = _text(_value(row, key), kind_)
            if kind_ == 'sign':
                cells.append(Spacer(1, 8 * mm))
            elif kind_ in _CENTERED or not text:
                cells.append(text)
            else:
                cells.append(Paragraph(_markup(text), styles['cell']))
        table_rows.append(cells)
    if not rows:
        table_rows.append([Spacer(1, 8 * mm)] + [''] * (len(columns) - 1))
    table = Table(table_rows, colWidths=widths, repeatRows=2,
        splitByRow=not split_rows, splitInRow=1 if split_rows else 0)
    cell = styles['cell']
    table.setStyle(TableStyle([
                ('GRID', (0, 0), (-1, -1), 0.5, colors.black),
                ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ('VALIGN', (0, 0), (-1, 0), 'MIDDLE'),
                ('LEFTPADDING', (0, 0), (-1, -1), 3),
                ('RIGHTPADDING', (0, 0), (-1, -1), 3),
                ('TOPPADDING', (0, 1), (-1, 1), 1),
                ('BOTTOMPADDING', (0, 1), (-1, 1), 2),
                ('FONTNAME', (0, 2), (-1, -1), cell.fontName),
                ('FONTSIZE', (0, 2), (-1, -1), cell.fontSize),
                ('LEADING', (0, 2), (-1, -1), cell.leading),
                ] + [('ALIGN', (i, 2), (i, -1), 'CENTER')
                    for i, (_, _, _, kind_) in enumerate(columns)
                    if kind_ in _CENTERED]))
    return [table]


def _page_number(canvas, document):
    "Print the number of the pages after the cover at the top centre"
    if document.page < 2:
        return
    canvas.saveState()
    canvas.setFont(fonts()['normal'], 10)
    canvas.drawCentredString(document.pagesize[0] / 2,
        document.pagesize[1] - 9 * mm, str(document.page - 1))
    canvas.restoreState()


def _data(kind, data):
    if kind not in COLUMNS:
        raise ValueError("Unknown register %r" % kind)
    data = dict(data)
    data.setdefault('title', title(kind, data.get('classified'),
            data.get('copies')))
    data['rows'] = list(data.get('rows') or [])
    return data


def render_pdf(kind, data):
    """Return the PDF of the register of kind ('outgoing', 'incoming' or
    'follow_up') filled with data:

    - parent_agency: the governing agency (str, optional)
    - agency: the agency keeping the register (str)
    - year: the year of the register (int)
    - classified, copies: the register of the classified documents or of
      the copies (bool, optional; they change the title)
    - title: replaces the title of the kind (str, optional)
    - rows: list of dict, one per document in the order of the register,
      with the keys of the register's columns (COLUMNS): code (number and
      notation), number (of an outgoing document, int), date
      (datetime.date), type (type name), abstract, signer, recipients,
      handler, copies (int), passed_on, arrival_date (datetime.date),
      arrival_number (int), issuer, deadline, progress, reply and notes"""
    data = _data(kind, data)
    try:
        return _pdf(kind, data)
    except LayoutError:
        # A row taller than a page: split the rows where the pages end
        return _pdf(kind, data, split_rows=True)


def _pdf(kind, data, split_rows=False):
    styles = _styles()
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=PAGE_SIZE,
        title='%s %s' % (data['title'].capitalize(), data.get('year') or ''),
        author=data.get('agency') or '', creator='egov platform',
        lang='vi-VN', **PAGE_MARGINS)
    frame = Frame(document.leftMargin, document.bottomMargin,
        document.width, document.height, leftPadding=0, rightPadding=0,
        topPadding=0, bottomPadding=0, id='body')
    document.addPageTemplates(
        [PageTemplate('page', [frame], onPage=_page_number)])
    story = _cover(kind, data, styles, document.width)
    story += _table(kind, data['rows'], styles, document.width,
        split_rows=split_rows)
    document.build(story)
    return buffer.getvalue()


# XLSX
_XLSX_WIDTHS = {'date': 12, 'number': 8, 'int': 8, 'sign': 12}


def _sheet_name(text):
    name = ''.join(c for c in text if c not in '[]:*?/\\')
    return name[:31].strip().strip("'") or 'Sheet1'


def render_xlsx(kind, data):
    """Return the XLSX of the register of kind filled with data (as
    render_pdf): the agencies, the title and the year above the headings,
    the numbers of the columns and a row per document; the dates are dates
    (dd/mm/yyyy) and the register numbers numbers shown with two digits"""
    data = _data(kind, data)
    columns = COLUMNS[kind]
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {
            'in_memory': True,
            'remove_timezone': True,
            'default_date_format': 'dd/mm/yyyy',
            })
    workbook.set_properties({
            'title': '%s %s' % (data['title'], data.get('year') or ''),
            'author': data.get('agency') or '',
            })
    sheet = workbook.add_worksheet(_sheet_name(data['title']))
    base = {'font_name': 'Times New Roman', 'font_size': 12,
        'valign': 'top'}

    def add(**options):
        return workbook.add_format(dict(base, **options))

    agency_format = add(align='center')
    agency_bold = add(align='center', bold=True)
    title_format = add(align='center', bold=True, font_size=14)
    year_format = add(align='center', bold=True)
    head_format = add(bold=True, border=1, text_wrap=True, align='center',
        valign='vcenter', bg_color='#D9E1F2')
    number_head = add(italic=True, border=1, align='center', font_size=10)
    formats = {
        'text': add(border=1, text_wrap=True),
        'date': add(border=1, align='center', num_format='dd/mm/yyyy'),
        'number': add(border=1, align='center', num_format='00'),
        'int': add(border=1, align='center', num_format='0'),
        'sign': add(border=1),
        }

    last = len(columns) - 1
    row_index = 0
    half = max(last // 2, 1)
    if data.get('parent_agency'):
        sheet.merge_range(row_index, 0, row_index, half,
            data['parent_agency'].upper(), agency_format)
        row_index += 1
    sheet.merge_range(row_index, 0, row_index, half,
        (data.get('agency') or '').upper(), agency_bold)
    row_index += 2
    sheet.merge_range(row_index, 0, row_index, last, data['title'],
        title_format)
    row_index += 1
    sheet.merge_range(row_index, 0, row_index, last,
        'Năm: %s' % (data.get('year') or ''), year_format)
    row_index += 2

    header_row = row_index
    widths = []
    for col, (key, heading, width, kind_) in enumerate(columns):
        sheet.write_string(header_row, col, heading, head_format)
        sheet.write_string(header_row + 1, col, '(%d)' % (col + 1),
            number_head)
        widths.append(max(_XLSX_WIDTHS.get(kind_, 14),
                (width or 20) * 0.55))
    row_index = header_row + 1
    for row in data['rows']:
        row_index += 1
        for col, (key, _, _, kind_) in enumerate(columns):
            value = _value(row, key)
            cell_format = formats[kind_]
            if value is None or value == '' or kind_ == 'sign':
                sheet.write_blank(row_index, col, None, cell_format)
            elif kind_ == 'date' and isinstance(value, dt.date):
                if not isinstance(value, dt.datetime):
                    value = dt.datetime.combine(value, dt.time())
                sheet.write_datetime(row_index, col, value, cell_format)
            elif kind_ in {'number', 'int'} and isinstance(value, int):
                sheet.write_number(row_index, col, value, cell_format)
            else:
                value = _text(value, kind_)
                sheet.write_string(row_index, col, value, cell_format)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.set_row(header_row, 48)
    sheet.freeze_panes(header_row + 2, 0)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row, header_row + 1)
    workbook.close()
    return output.getvalue()
