# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Where the signatures and the texts of issue go on the pages of a
document (Decree 30/2020/NĐ-CP, appendix I), read from its PDF (pure
Python, no database).

The drafts may carry placeholders: ``[CHU_KY_LANH_DAO]`` where the signer
signs, ``[SO_KY_HIEU]`` where the number and notation go and
``[NGAY_BAN_HANH]`` where the place and date go.  Without them, the number
goes over the line that starts with "Số:" and the date over the line with
"ngày … tháng … năm" of the first page, the signer's image above his name;
failing that, where appendix I puts them (the number under the agency's
name on the left, the date under the motto on the right)."""
import io

from trytond.modules.egov_signature import pades

SIGNER_PLACEHOLDER = '[CHU_KY_LANH_DAO]'
NUMBER_PLACEHOLDER = '[SO_KY_HIEU]'
DATE_PLACEHOLDER = '[NGAY_BAN_HANH]'
# The size of the signer's image when the PDF does not say
SIGNATURE_SIZE = (150, 60)
# The agency's text signature of an appendix: top right of the first page
APPENDIX_SIZE = (190, 34)
MARGIN = 28
FONT_SIZE = 13


def _lines(data, pages=None):
    "(page number, page height, text, characters) of the text lines"
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine
    try:
        layout = list(extract_pages(io.BytesIO(data), page_numbers=pages))
    except Exception as exception:
        raise pades.SignatureError(
            "The file is not a readable PDF", 'unreadable') from exception

    def walk(element):
        if isinstance(element, LTTextLine):
            yield element
        elif isinstance(element, LTTextContainer) or hasattr(
                element, '__iter__'):
            for child in element:
                yield from walk(child)

    for index, page in enumerate(layout):
        number = pages[index] if pages else index
        for line in walk(page):
            characters = [c for c in line if hasattr(c, 'get_text')]
            yield number, page.height, line.get_text(), line, characters


def _box(characters, line):
    chosen = [c for c in characters if hasattr(c, 'x0')] or [line]
    return (min(c.x0 for c in chosen), min(c.y0 for c in chosen),
        max(c.x1 for c in chosen), max(c.y1 for c in chosen))


def _text_width(text):
    "About the width of the text in the serif font at FONT_SIZE"
    return len(text) * FONT_SIZE * 0.52 + 6


def _covering(box, text):
    "A mark of the text covering box, wide enough for the text"
    x1, y1, x2, y2 = box
    height = max(y2 - y1, FONT_SIZE + 2)
    middle = (y1 + y2) / 2
    return (x1 - 1, middle - height / 2 - 1,
        max(x2, x1 + _text_width(text)) + 1, middle + height / 2 + 1)


def number_mark(data, code):
    "The mark of the number and notation (Số: 05/QĐ-UBND)"
    text = 'Số: %s' % code
    found = pades.find_placeholder(data, NUMBER_PLACEHOLDER)
    if found:
        page, box = found
        return pades.Mark(_covering(box, code), code, page=page,
            font_size=FONT_SIZE, cover=True)
    for page, height, line, element, characters in _lines(data, [0]):
        stripped = line.strip()
        if stripped.startswith('Số:') or stripped.startswith('Số :'):
            start = line.find('S')
            box = _box(characters[start:len(line.rstrip())], element)
            return pades.Mark(_covering(box, text), text, page=page,
                font_size=FONT_SIZE, cover=True)
    width, height = pades.page_box(data)[2:]
    return pades.Mark((MARGIN + 30, height - 150, MARGIN + 30 + 220,
            height - 132), text, page=0, font_size=FONT_SIZE)


def date_text(place, date):
    """``Đồng Xoài, ngày 05 tháng 01 năm 2026``: days under 10 and the
    months 1 and 2 take a leading zero (Decree 30, appendix I)"""
    day = '%02d' % date.day
    month = '%02d' % date.month if date.month < 3 else '%d' % date.month
    text = 'ngày %s tháng %s năm %s' % (day, month, date.year)
    return '%s, %s' % (place, text) if place else text.capitalize()


def date_mark(data, place, date):
    "The mark of the place and date of issue"
    text = date_text(place, date)
    found = pades.find_placeholder(data, DATE_PLACEHOLDER)
    if found:
        page, box = found
        return pades.Mark(_covering(box, text), text, page=page,
            font_size=FONT_SIZE, cover=True)
    for page, height, line, element, characters in _lines(data, [0]):
        lower = line.lower()
        if 'ngày' in lower and 'tháng' in lower and 'năm' in lower:
            start = len(line) - len(line.lstrip())
            box = _box(characters[start:len(line.rstrip())], element)
            return pades.Mark(_covering(box, text), text, page=page,
                font_size=FONT_SIZE, cover=True)
    width, height = pades.page_box(data)[2:]
    return pades.Mark((width / 2 - 10, height - 150, width - MARGIN,
            height - 132), text, page=0, font_size=FONT_SIZE)


def signer_box(data, signer_name=None, size=SIGNATURE_SIZE):
    """(page, box) where the signer signs: the placeholder, or above his
    name on the last page it appears; None when neither is found"""
    width, height = size
    found = pades.find_placeholder(
        data, SIGNER_PLACEHOLDER, width=width, height=height)
    if found:
        return found
    if signer_name:
        last = None
        for page, _, line, element, characters in _lines(data):
            if line.strip() == signer_name.strip():
                last = page, _box(characters, element)
        if last:
            page, (x1, y1, x2, y2) = last
            middle = (x1 + x2) / 2
            return page, (middle - width / 2, y2 + 4,
                middle + width / 2, y2 + 4 + height)
    return None


def seal_box(data, seal_image, signer_name=None):
    """(page, box) of the agency's seal: over the left third of the
    signer's visible signature (its own box in the PDF, or where he
    signs); None when no place is found"""
    boxes = pades.signature_boxes(data)
    if boxes:
        _, page, box = boxes[-1]
    else:
        found = signer_box(data, signer_name)
        if not found:
            return None
        page, box = found
    return page, pades.seal_box(box, seal_image)


def appendix_box(data):
    "The box of the agency's text signature of an appendix"
    x1, y1, x2, y2 = pades.page_box(data)
    width, height = APPENDIX_SIZE
    return (x2 - MARGIN - width, y2 - MARGIN - height,
        x2 - MARGIN, y2 - MARGIN)
