# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Parser of the catalog of administrative procedures (TTHC).

The catalog comes from the export of the national public-service portal
(CSV, XLSX or JSON).  :func:`parse_catalog` checks every row and returns
normalised dictionaries, or raises :class:`CatalogError` carrying all the
errors of the file as ``(row, column, msg_id, params)`` tuples; the caller
translates ``msg_id`` (a Tryton message id) with ``params``.

This module imports nothing from Tryton and never translates anything.
The file formats are described in ``doc/import.rst``.
"""
import csv
import datetime as dt
import io
import json
import re
import unicodedata
import zipfile
from decimal import Decimal, InvalidOperation

__all__ = ['CatalogError', 'parse_catalog', 'FIELDS', 'MAX_ERRORS']

MAX_ERRORS = 1000
HEADER_SEARCH_ROWS = 10

MSG_FORMAT = 'egov_procedure.msg_catalog_format'
MSG_ENCODING = 'egov_procedure.msg_catalog_encoding'
MSG_MISSING_COLUMN = 'egov_procedure.msg_catalog_missing_column'
MSG_DUPLICATE_COLUMN = 'egov_procedure.msg_catalog_duplicate_column'
MSG_REQUIRED = 'egov_procedure.msg_catalog_required'
MSG_INVALID_CODE = 'egov_procedure.msg_catalog_invalid_code'
MSG_DUPLICATE_CODE = 'egov_procedure.msg_catalog_duplicate_code'
MSG_INVALID_DEADLINE = 'egov_procedure.msg_catalog_invalid_deadline'
MSG_INVALID_AMOUNT = 'egov_procedure.msg_catalog_invalid_amount'
MSG_INVALID_VALUE = 'egov_procedure.msg_catalog_invalid_value'
MSG_EMPTY = 'egov_procedure.msg_catalog_empty'

# key: (kind, required, Vietnamese headings of the national portal)
FIELDS = {
    'code': ('text', True, [
            'Mã thủ tục', 'Mã TTHC', 'Mã số thủ tục', 'Mã số TTHC']),
    'name': ('text', True, [
            'Tên thủ tục', 'Tên TTHC', 'Tên thủ tục hành chính']),
    'deciding_act': ('text', False, [
            'Số quyết định công bố', 'Số quyết định', 'Quyết định công bố',
            'Số QĐ công bố']),
    'levels': ('levels', False, ['Cấp thực hiện']),
    'type': ('type', False, ['Loại thủ tục', 'Loại TTHC']),
    'field_code': ('text', False, ['Mã lĩnh vực']),
    'field_name': ('text', True, ['Lĩnh vực', 'Tên lĩnh vực']),
    'subjects': ('subjects', False, ['Đối tượng thực hiện']),
    'competent_agency': ('text', False, ['Cơ quan có thẩm quyền']),
    'performing_agency': ('text', False, ['Cơ quan thực hiện']),
    'authorised_agency': ('text', False, ['Cơ quan được ủy quyền']),
    'cooperating_agency': ('text', False, ['Cơ quan phối hợp']),
    'submission_place': ('text', False, [
            'Địa chỉ tiếp nhận hồ sơ', 'Địa chỉ tiếp nhận HS',
            'Địa chỉ tiếp nhận']),
    'steps': ('text', False, ['Trình tự thực hiện']),
    'channels': ('channels', False, [
            'Cách thức thực hiện', 'Hình thức nộp', 'Hình thức nộp hồ sơ']),
    'deadline': ('deadline', True, [
            'Thời hạn giải quyết', 'Thời gian giải quyết']),
    'deadline_unit': ('unit', False, ['Đơn vị thời hạn']),
    'cutoff': ('cutoff', False, ['Giờ tiếp nhận trong ngày']),
    'fees': ('fees', False, ['Phí, lệ phí', 'Phí lệ phí', 'Lệ phí']),
    'components': ('components', False, [
            'Thành phần hồ sơ', 'Thành phần, số lượng hồ sơ']),
    'legal_bases': ('legal_bases', False, ['Căn cứ pháp lý']),
    'conditions': ('text', False, [
            'Yêu cầu, điều kiện thực hiện', 'Yêu cầu điều kiện thực hiện',
            'Yêu cầu, điều kiện']),
    'results': ('results', False, [
            'Kết quả thực hiện', 'Kết quả xử lý',
            'Kết quả thực hiện thủ tục hành chính']),
    'online_level': ('online_level', False, [
            'Mức độ', 'Mức độ dịch vụ công', 'Mức độ DVC',
            'Mức độ dịch vụ công trực tuyến']),
    'keywords': ('text', False, ['Từ khóa']),
    }
# keys of the returned dictionaries (deadline_unit and cutoff included)
KEYS = tuple(FIELDS)

LEVELS = ('province', 'district', 'commune', 'ministry')
TYPES = ('administrative', 'internal')
SUBJECTS = ('citizen', 'business', 'organisation')
CHANNELS = ('direct', 'online', 'post')
UNITS = ('working_day', 'working_hour', 'calendar_day')
ONLINE_LEVELS = ('full', 'partial', 'none')
DEFAULT_CUTOFF = '15:00'

CODE_RE = re.compile(r'^\d\.\d{6}$')
CUTOFF_RE = re.compile(r'^([01]?\d|2[0-3])[:hH]([0-5]\d)$')
BINARY_MAGICS = (
    b'\x89PNG', b'GIF8', b'\xff\xd8\xff', b'%PDF', b'\xd0\xcf\x11\xe0',
    b'PK\x03\x04', b'PK\x05\x06', b'\x1f\x8b', b'BM', b'Rar!', b'7z\xbc\xaf')
BULLET_RE = re.compile(r'^[-+*\u2022]\s+')
SEPARATOR = '|'


class CatalogError(Exception):
    "The catalog file is wrong; ``errors`` lists every problem found"

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__(self.errors)


def normalize(text):
    "Return text lower-cased, without diacritics and with single spaces"
    text = unicodedata.normalize('NFD', str(text))
    text = ''.join(c for c in text if unicodedata.category(c) != 'Mn')
    text = text.replace('đ', 'd').replace('Đ', 'D').lower()
    return ' '.join(re.sub(r'[^0-9a-z]+', ' ', text).split())


def _build_headings():
    headings = {}
    for key, (_, _, aliases) in FIELDS.items():
        for alias in [key, key.replace('_', ' ')] + aliases:
            headings.setdefault(normalize(alias), key)
    return headings


HEADINGS = _build_headings()


def _key_of(heading):
    if heading is None:
        return None
    return HEADINGS.get(normalize(heading))


def _text(value):
    "Return value as a clean NFC string ('' for None)"
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat()
    value = unicodedata.normalize('NFC', str(value))
    value = value.replace('\r\n', '\n').replace('\r', '\n')
    return value.strip()


class _Collector:
    "Collect errors up to MAX_ERRORS"

    def __init__(self):
        self.errors = []

    def add(self, row, column, msg_id, /, **params):
        if len(self.errors) < MAX_ERRORS:
            self.errors.append((row, column, msg_id, params))

    def __bool__(self):
        return bool(self.errors)


def _invalid(errors, row, column, value):
    errors.add(row, column, MSG_INVALID_VALUE, column=column, value=value)


# -- scalar conversions ------------------------------------------------------

def _split_items(value):
    "Split a cell on new lines, commas and semicolons outside parentheses"
    items, current, depth = [], [], 0
    for char in value:
        if char in '([':
            depth += 1
        elif char in ')]' and depth:
            depth -= 1
        if char == '\n' or (char in ',;' and not depth):
            items.append(''.join(current))
            current = []
        else:
            current.append(char)
    items.append(''.join(current))
    return [BULLET_RE.sub('', i.strip()).strip() for i in items if i.strip()]


def _as_list(value):
    if isinstance(value, (list, tuple)):
        result = []
        for item in value:
            result.extend(_split_items(_text(item)))
        return result
    return _split_items(_text(value))


def _unique(values):
    result = []
    for value in values:
        if value not in result:
            result.append(value)
    return result


def _level(item):
    norm = normalize(item)
    if norm in LEVELS:
        return norm
    norm = re.sub(r'^cap ', '', norm)
    for words, level in [
            (('tinh', 'thanh pho truc thuoc trung uong', 'so'), 'province'),
            (('huyen', 'quan', 'thi xa', 'thanh pho thuoc tinh'),
                'district'),
            (('xa', 'phuong', 'thi tran', 'dac khu'), 'commune'),
            (('bo', 'trung uong', 'bo nganh', 'co quan trung uong'),
                'ministry'),
            ]:
        if norm in words:
            return level
    if norm in ('co quan khac', 'khac'):
        return ''
    return None


def _subject(item):
    norm = normalize(item)
    if norm in SUBJECTS:
        return norm
    if norm.startswith('to chuc') or norm.startswith('co quan'):
        return 'organisation'
    if any(w in norm for w in ('doanh nghiep', 'hop tac xa', 'htx',
                'ho kinh doanh', 'nha dau tu')):
        return 'business'
    if any(w in norm for w in ('cong dan', 'nguoi viet nam', 'ca nhan',
                'nguoi nuoc ngoai', 'can bo', 'cong chuc', 'vien chuc',
                'ho gia dinh', 'nguoi khong quoc tich')):
        return 'citizen'
    return None


def _channel(item):
    norm = normalize(item)
    if norm in CHANNELS:
        return norm
    if 'truc tuyen' in norm or 'qua mang' in norm or norm == 'dien tu':
        return 'online'
    if 'buu chinh' in norm or 'buu dien' in norm:
        return 'post'
    if 'truc tiep' in norm:
        return 'direct'
    return None


def _enum_list(value, convert, errors, row, column):
    result = []
    for item in _as_list(value):
        converted = convert(item)
        if converted is None:
            _invalid(errors, row, column, item)
        elif converted:
            result.append(converted)
    return _unique(result)


def _type(value, errors, row, column):
    norm = normalize(_text(value))
    if norm in TYPES:
        return norm
    if not norm or norm.startswith('tthc') or 'thu tuc hanh chinh' in norm:
        return 'internal' if 'noi bo' in norm else 'administrative'
    if 'noi bo' in norm:
        return 'internal'
    _invalid(errors, row, column, _text(value))
    return 'administrative'


def _online_level(value, errors, row, column):
    norm = normalize(_text(value))
    if norm in ONLINE_LEVELS:
        return norm
    if 'toan trinh' in norm or norm in ('muc do 4', '4'):
        return 'full'
    if 'mot phan' in norm or norm in ('muc do 3', '3'):
        return 'partial'
    if norm in ('', 'khong', 'khong co', 'khong co thong tin',
            'dich vu cong', 'dich vu cong truc tuyen muc do 2',
            'muc do 2', 'muc do 1', '2', '1', 'cung cap thong tin'):
        return 'none'
    _invalid(errors, row, column, _text(value))
    return 'none'


DEADLINE_RE = re.compile(
    r'(\d+(?:[.,]\d+)?)\s*(ngay lam viec|ngay|gio lam viec|gio|h)\b')
CUTOFF_IN_TEXT = re.compile(
    r'(?:sau|truoc|den|toi)\s*(\d{1,2})\s*(?:gio|h|:)\s*(\d{2})?')
DEADLINE_UNITS = {
    'ngay lam viec': 'working_day',
    'ngay': 'calendar_day',
    'gio lam viec': 'working_hour',
    'gio': 'working_hour',
    'h': 'working_hour',
    }


def _fold(text):
    "Return text lower-cased without diacritics, keeping digits and . , :"
    text = unicodedata.normalize('NFD', str(text))
    text = ''.join(c for c in text if unicodedata.category(c) != 'Mn')
    text = text.replace('đ', 'd').replace('Đ', 'D').lower()
    return ' '.join(re.sub(r'[^0-9a-z.,:-]+', ' ', text).split())


def _decimal(text):
    try:
        value = Decimal(str(text).strip().replace(',', '.'))
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    return value


def _deadline(value, errors, row, column):
    "Return (deadline, unit, cutoff) parsed from value or (None, None, None)"
    invalid = (None, None, None)
    if isinstance(value, (int, float, Decimal)) and not isinstance(
            value, bool):
        number = _decimal(value)
        if number is None or number < 0:
            errors.add(row, column, MSG_INVALID_DEADLINE, value=_text(value))
            return invalid
        return number, None, None
    text = _text(value)
    folded = _fold(text)
    cutoff = None
    match = CUTOFF_IN_TEXT.search(folded)
    if match and int(match.group(1)) < 24:
        cutoff = '%02d:%s' % (int(match.group(1)), match.group(2) or '00')
    if folded.startswith('trong ngay') or folded.startswith('ngay trong ngay'):
        return Decimal(0), 'working_day', cutoff or DEFAULT_CUTOFF
    if re.match(r'-\s*\d', folded):
        errors.add(row, column, MSG_INVALID_DEADLINE, value=text)
        return invalid
    if re.fullmatch(r'\d+(?:[.,]\d+)?', folded):
        return _decimal(folded), None, cutoff
    match = DEADLINE_RE.search(folded)
    if not match:
        errors.add(row, column, MSG_INVALID_DEADLINE, value=text)
        return invalid
    return _decimal(match.group(1)), DEADLINE_UNITS[match.group(2)], cutoff


def _unit(value, errors, row, column):
    text = _text(value)
    norm = normalize(text).replace(' ', '_')
    if not norm:
        return None
    if norm in UNITS:
        return norm
    aliases = {
        'ngay_lam_viec': 'working_day',
        'gio_lam_viec': 'working_hour',
        'gio': 'working_hour',
        'ngay': 'calendar_day',
        }
    if norm in aliases:
        return aliases[norm]
    _invalid(errors, row, column, text)
    return None


def _cutoff(value, errors, row, column):
    if isinstance(value, dt.time):
        return value.strftime('%H:%M')
    text = _text(value)
    if not text:
        return None
    match = CUTOFF_RE.match(text.replace(' ', ''))
    if not match:
        _invalid(errors, row, column, text)
        return None
    return '%02d:%s' % (int(match.group(1)), match.group(2))


AMOUNT_RE = re.compile(r'(-?)\s*(\d{1,3}(?:[., ]\d{3})+|\d+)')


def _amount(value):
    "Return the amount in VND as int, or None if it is not a valid amount"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        if not Decimal(value).is_finite() or value != int(value):
            return None
        return int(value)
    folded = _fold(_text(value))
    if folded in ('', 'mien phi', 'khong', 'khong thu', 'mien', 'free'):
        return 0
    folded = re.sub(r'\s*(?:dong|d|vnd)\.?$', '', folded)
    match = AMOUNT_RE.fullmatch(folded)
    if not match:
        return None
    amount = int(re.sub(r'[., ]', '', match.group(2)))
    return -amount if match.group(1) else amount


def _integer(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if re.fullmatch(r'-?\d+', text):
        return int(text)
    return None


TRUE_WORDS = {'bat buoc', 'co', 'x', 'yes', 'true', '1', 'required'}
FALSE_WORDS = {'khong bat buoc', 'khong', 'tuy chon', 'neu co', 'no', 'false',
    '0', 'optional', ''}


def _boolean(value):
    if isinstance(value, bool):
        return value
    norm = normalize(_text(value))
    if norm in TRUE_WORDS:
        return True
    if norm in FALSE_WORDS:
        return False
    return None


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)
    if not text:
        return None
    for fmt in ('%Y-%m-%d', '%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y'):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return False


# -- structured lists --------------------------------------------------------

def _lines(value):
    "Return the non-empty lines of a list cell"
    return [line.strip() for line in _text(value).split('\n') if line.strip()]


def _parts(line):
    line = BULLET_RE.sub('', line.strip())
    return [p.strip() for p in line.split(SEPARATOR)]


CASE_RE = re.compile(r'^(?:tr\u01b0\u1eddng h\u1ee3p|case)\s*:\s*(.*)$',
    re.IGNORECASE)


def _check_keys(item, allowed, errors, row, column):
    for key in item:
        if key not in allowed:
            _invalid(errors, row, column, key)


def _fees(value, errors, row, column):
    result = []
    if isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if isinstance(item, dict):
                _check_keys(item, ('name', 'amount', 'exempt'),
                    errors, row, column)
                items.append((item.get('name'), item.get('amount'),
                        item.get('exempt')))
            else:
                items.extend(_fee_line(line) for line in _lines(item))
    else:
        items = [_fee_line(line) for line in _lines(value)]
    for name, amount, exempt in items:
        name = _text(name)
        converted = _amount(amount)
        if not name:
            errors.add(row, column, MSG_REQUIRED, column=column)
        if converted is None or converted < 0:
            errors.add(row, column, MSG_INVALID_AMOUNT, value=_text(amount))
            continue
        result.append({
                'name': name,
                'amount': converted,
                'exempt': _text(exempt),
                })
    return result


def _items(value, keys, parse_lines, errors, row, column):
    """Return the items of a list value as dicts: the objects of a JSON
    list (their keys checked) or the parsed lines of a cell"""
    if not isinstance(value, (list, tuple)):
        return parse_lines(value)
    items = []
    for item in value:
        if isinstance(item, dict):
            _check_keys(item, keys, errors, row, column)
            items.append(item)
        else:
            items.extend(parse_lines(_text(item)))
    return items


def _fee_line(line):
    parts = _parts(line)
    parts += [''] * (3 - len(parts))
    return parts[0], parts[1], SEPARATOR.join(parts[2:]).strip(' |')


def _components(value, errors, row, column):
    items = _items(value, ('case', 'name', 'template', 'originals',
            'copies', 'required'), _component_lines, errors, row, column)
    result = []
    for item in items:
        name = _text(item.get('name'))
        if not name:
            errors.add(row, column, MSG_REQUIRED, column=column)
            continue
        originals = _integer(item.get('originals', 1))
        copies = _integer(item.get('copies', 0))
        required = _boolean(item.get('required', True))
        for number, raw in ((originals, item.get('originals')),
                (copies, item.get('copies'))):
            if number is None or number < 0:
                _invalid(errors, row, column, _text(raw))
        if required is None:
            _invalid(errors, row, column, _text(item.get('required')))
        result.append({
                'case': _text(item.get('case')),
                'name': name,
                'template': _text(item.get('template')),
                'originals': originals if originals is not None else 0,
                'copies': copies if copies is not None else 0,
                'required': bool(required),
                })
    return result


def _component_lines(value):
    items, case = [], ''
    for line in _lines(value):
        match = CASE_RE.match(line)
        if match:
            case = match.group(1).strip()
            continue
        parts = _parts(line)
        item = {'case': case, 'name': parts[0]}
        for key, part in zip(
                ('template', 'originals', 'copies', 'required'), parts[1:]):
            if part != '':
                item[key] = part
        items.append(item)
    return items


def _legal_bases(value, errors, row, column):
    items = _items(value, ('number', 'abstract', 'date', 'issuer'),
        _legal_lines, errors, row, column)
    result = []
    for item in items:
        number = _text(item.get('number'))
        if not number:
            errors.add(row, column, MSG_REQUIRED, column=column)
            continue
        date = _date(item.get('date'))
        if date is False:
            _invalid(errors, row, column, _text(item.get('date')))
            date = None
        result.append({
                'number': number,
                'abstract': _text(item.get('abstract')),
                'date': date,
                'issuer': _text(item.get('issuer')),
                })
    return result


def _legal_lines(value):
    items = []
    for line in _lines(value):
        parts = _parts(line) + [''] * 3
        items.append({
                'number': parts[0],
                'abstract': parts[1],
                'date': parts[2],
                'issuer': SEPARATOR.join(parts[3:]).strip(' |'),
                })
    return items


def _results(value, errors, row, column):
    items = _items(value, ('name', 'template'), _result_lines, errors, row,
        column)
    result = []
    for item in items:
        name = _text(item.get('name'))
        if not name:
            errors.add(row, column, MSG_REQUIRED, column=column)
            continue
        result.append({'name': name, 'template': _text(item.get('template'))})
    return result


def _result_lines(value):
    items = []
    for line in _lines(value):
        parts = _parts(line) + ['']
        items.append({
                'name': parts[0],
                'template': SEPARATOR.join(parts[1:]).strip(' |')})
    return items


# -- records -----------------------------------------------------------------

def _is_empty(value):
    if value is None:
        return True
    if isinstance(value, (list, tuple, dict)):
        return not value
    return _text(value) == ''


def _record(values, row, errors, labels):
    """Return the normalised procedure of values (a dict key: raw value)

    labels maps the key to the column name shown in the errors."""
    procedure = {}
    for key, (kind, required, _) in FIELDS.items():
        value = values.get(key)
        column = labels.get(key, key)
        if required and key in values and _is_empty(value):
            errors.add(row, column, MSG_REQUIRED, column=column)
        if kind == 'text':
            if isinstance(value, (list, tuple, dict)):
                _invalid(errors, row, column, _text(value))
                value = ''
            procedure[key] = _text(value)
        elif kind == 'levels':
            procedure[key] = _enum_list(value, _level, errors, row, column)
        elif kind == 'subjects':
            procedure[key] = _enum_list(value, _subject, errors, row, column)
        elif kind == 'channels':
            procedure[key] = _enum_list(value, _channel, errors, row, column)
        elif kind == 'type':
            procedure[key] = _type(value, errors, row, column)
        elif kind == 'online_level':
            procedure[key] = _online_level(value, errors, row, column)
        elif kind == 'fees':
            procedure[key] = _fees(value, errors, row, column)
        elif kind == 'components':
            procedure[key] = _components(value, errors, row, column)
        elif kind == 'legal_bases':
            procedure[key] = _legal_bases(value, errors, row, column)
        elif kind == 'results':
            procedure[key] = _results(value, errors, row, column)
    code = procedure['code']
    if code and not CODE_RE.match(code):
        errors.add(row, labels.get('code', 'code'), MSG_INVALID_CODE,
            value=code)
    # deadline, its unit and the cut-off time of the day
    column = labels.get('deadline', 'deadline')
    deadline, unit, cutoff = None, None, None
    if not _is_empty(values.get('deadline')):
        deadline, unit, cutoff = _deadline(
            values['deadline'], errors, row, column)
    given_unit = _unit(values.get('deadline_unit'), errors, row,
        labels.get('deadline_unit', 'deadline_unit'))
    given_cutoff = _cutoff(values.get('cutoff'), errors, row,
        labels.get('cutoff', 'cutoff'))
    procedure['deadline'] = deadline
    procedure['deadline_unit'] = given_unit or unit or 'working_day'
    procedure['cutoff'] = given_cutoff or cutoff
    return procedure


def _finish(records, errors, filename):
    "Check duplicate codes and return the procedures or raise CatalogError"
    if not records and not errors:
        errors.add(None, None, MSG_EMPTY, filename=filename)
    seen = {}
    for row, label, procedure in records:
        code = procedure['code']
        if not code or not CODE_RE.match(code):
            continue
        if code in seen:
            errors.add(row, label, MSG_DUPLICATE_CODE, code=code,
                first_row=seen[code])
        else:
            seen[code] = row
    if errors:
        raise CatalogError(errors.errors)
    return [procedure for _, _, procedure in records]


# -- formats -----------------------------------------------------------------

def _tabular(rows, errors, filename):
    """Parse rows: an iterable of (row number, list of cell values)

    The header is the first row (among the first ones) having a known
    heading; the rows before it are titles and are skipped."""
    rows = iter(rows)
    header, header_row, skipped = None, None, []
    for row_number, cells in rows:
        if any(_key_of(_text(c)) for c in cells if _text(c)):
            header, header_row = cells, row_number
            break
        skipped.append((row_number, cells))
        if len(skipped) >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if not any(any(_text(c) for c in cells) for _, cells in skipped):
            errors.add(None, None, MSG_EMPTY, filename=filename)
            raise CatalogError(errors.errors)
        header_row, header = skipped[0] if skipped else (1, [])
    columns, labels = {}, {}
    for index, heading in enumerate(header):
        key = _key_of(_text(heading))
        if key is None:
            continue
        if key in columns:
            errors.add(header_row, _text(heading), MSG_DUPLICATE_COLUMN,
                column=_text(heading))
            continue
        columns[key] = index
        labels[key] = _text(heading)
    for key, (_, required, aliases) in FIELDS.items():
        if required and key not in columns:
            errors.add(header_row, aliases[0], MSG_MISSING_COLUMN,
                column=aliases[0])
    if errors:
        raise CatalogError(errors.errors)
    records = []
    for row_number, cells in rows:
        if not any(_text(c) for c in cells):
            continue
        values = {key: cells[index] if index < len(cells) else None
            for key, index in columns.items()}
        procedure = _record(values, row_number, errors, labels)
        records.append((row_number, labels['code'], procedure))
    return _finish(records, errors, filename)


def _decode(data, errors, filename):
    if data.startswith(b'\xef\xbb\xbf'):
        data = data[3:]
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError as exception:
        errors.add(None, None, MSG_ENCODING, filename=filename,
            position=exception.start)
        raise CatalogError(errors.errors)


def _sniff_delimiter(text):
    first = text.split('\n', 1)[0]
    counts, quoted = {',': 0, ';': 0, '\t': 0}, False
    for char in first:
        if char == '"':
            quoted = not quoted
        elif char in counts and not quoted:
            counts[char] += 1
    delimiter = max(counts, key=lambda c: counts[c])
    return delimiter if counts[delimiter] else ','


def _parse_csv(data, errors, filename):
    text = _decode(data, errors, filename)
    if '\x00' in text:
        errors.add(None, None, MSG_FORMAT, filename=filename,
            detail='binary content')
        raise CatalogError(errors.errors)
    reader = csv.reader(io.StringIO(text, newline=''),
        delimiter=_sniff_delimiter(text))
    try:
        rows = list(enumerate(reader, 1))
    except csv.Error as exception:
        errors.add(None, None, MSG_FORMAT, filename=filename,
            detail=str(exception))
        raise CatalogError(errors.errors)
    return _tabular(rows, errors, filename)


def _parse_xlsx(data, errors, filename):
    try:
        import openpyxl
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exception:
        errors.add(None, None, MSG_FORMAT, filename=filename,
            detail=str(exception) or exception.__class__.__name__)
        raise CatalogError(errors.errors)
    try:
        if not workbook.worksheets:
            errors.add(None, None, MSG_EMPTY, filename=filename)
            raise CatalogError(errors.errors)
        sheet = workbook.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
            rows.append((number, [_xlsx_value(c) for c in cells]))
    finally:
        workbook.close()
    code_index = None
    for _, cells in rows[:HEADER_SEARCH_ROWS]:
        keys = [_key_of(_text(c)) for c in cells]
        if 'code' in keys:
            code_index = keys.index('code')
            break
    if code_index is not None:
        # a code typed as a number lost its trailing zeros: 2.00081
        for _, cells in rows:
            if (code_index < len(cells)
                    and isinstance(cells[code_index], float)):
                cells[code_index] = '%.6f' % cells[code_index]
    return _tabular(rows, errors, filename)


def _xlsx_value(value):
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _parse_json(data, errors, filename):
    text = _decode(data, errors, filename)
    try:
        content = json.loads(text, parse_float=Decimal)
    except ValueError as exception:
        errors.add(None, None, MSG_FORMAT, filename=filename,
            detail=str(exception))
        raise CatalogError(errors.errors)
    if isinstance(content, dict):
        for key in ('procedures', 'data', 'items'):
            if isinstance(content.get(key), list):
                content = content[key]
                break
        else:
            content = [content]
    if not isinstance(content, list):
        errors.add(None, None, MSG_FORMAT, filename=filename,
            detail='a list of procedures is expected')
        raise CatalogError(errors.errors)
    records = []
    for row, item in enumerate(content, 1):
        if not isinstance(item, dict):
            _invalid(errors, row, None, _text(item)[:100])
            continue
        values, labels = {}, {}
        for heading, value in item.items():
            key = _key_of(heading)
            if key is None:
                continue
            if key in values:
                errors.add(row, heading, MSG_DUPLICATE_COLUMN, column=heading)
                continue
            values[key], labels[key] = value, heading
        for key, (_, required, _) in FIELDS.items():
            if required and key not in values:
                errors.add(row, key, MSG_MISSING_COLUMN, column=key)
        procedure = _record(values, row, errors, labels)
        records.append((row, labels.get('code', 'code'), procedure))
    return _finish(records, errors, filename)


def _is_binary(data):
    if data.startswith(BINARY_MAGICS):
        return True
    sample = data[:4096]
    if b'\x00' in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in b'\t\n\r\x0c')
    return controls > max(2, len(sample) // 100)


def parse_catalog(data, filename):
    """Parse the catalog file content data and return the procedures

    The format is detected from the content, filename is only used in
    the messages.  Raise CatalogError with all the errors found."""
    errors = _Collector()
    if isinstance(data, str):
        data = data.encode('utf-8')
    data = bytes(data or b'')
    stripped = data[3:] if data.startswith(b'\xef\xbb\xbf') else data
    stripped = stripped.lstrip()
    if not stripped:
        errors.add(None, None, MSG_EMPTY, filename=filename)
        raise CatalogError(errors.errors)
    if stripped[:1] in (b'[', b'{'):
        return _parse_json(data, errors, filename)
    if data.startswith(b'PK\x03\x04'):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                is_xlsx = 'xl/workbook.xml' in archive.namelist()
        except (zipfile.BadZipFile, ValueError):
            is_xlsx = False
        if is_xlsx:
            return _parse_xlsx(data, errors, filename)
    if _is_binary(data):
        errors.add(None, None, MSG_FORMAT, filename=filename,
            detail='not a CSV, XLSX or JSON file')
        raise CatalogError(errors.errors)
    return _parse_csv(data, errors, filename)
