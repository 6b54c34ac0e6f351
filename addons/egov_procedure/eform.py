# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Electronic forms (e-forms) of the administrative procedures.

IT staff define the online form of each procedure without code.  The
definition is plain JSON-able data and the same definition drives the
validation on the server (:func:`validate`), the rendering on the citizens'
portal (:func:`schema`) and the text shown in PDFs and in the backend
(:func:`display`).  As in démarches-simplifiées' "types de champ", every
field type is a small class (see :data:`FIELD_TYPES`) that knows how to check
its own definition, clean a submitted value, describe itself for rendering
and display a value as text.

Definition format::

    {"fields": [FIELD, ...]}

where every FIELD is a dict with these common attributes:

``key``
    required, unique at its level, matching ``[a-z_][a-z0-9_]*``.  It is the
    key of the value in the submitted data.
``type``
    required, one of the keys of :data:`FIELD_TYPES`.
``label``
    required, the text shown to the citizen (the text of a paragraph).
``help``
    optional help text.
``required``
    optional boolean: a missing or empty value is refused.
``condition``
    optional ``{"field": KEY, "value": V}``: the field is shown only when the
    field KEY, a boolean or selection field placed earlier at the same level
    or at an enclosing level (the nearest level defining KEY wins), has the
    value V.  V may also be a list of values (any of them matches).  A hidden
    field is never required and its value is dropped from the cleaned data.

and these type-specific attributes:

``text``, ``textarea``
    ``max_length`` (characters, default 255 for text, 10000 for textarea).
    Text values are NFC-normalised and stripped; the spaces of a text (single
    line) value are collapsed.
``number``
    ``digits`` (decimal places, default 0: an integer), ``min``, ``max``.
    The cleaned value is an ``int`` when digits is 0, otherwise the string of
    the decimal with exactly that many places (e.g. ``"2.50"``).
``date``
    ``min``, ``max`` (ISO ``YYYY-MM-DD`` strings) and ``past`` (boolean: a
    future date is refused).  Values are ``datetime.date`` or strings
    ``YYYY-MM-DD`` or ``dd/mm/yyyy``; the cleaned value is the ISO string.
``boolean``
    the value is ``true`` or ``false``; required means it must be answered
    (``false`` is an answer).
``selection``
    ``options``: non-empty list of ``{"value": str, "label": str}``; the
    value must be one of the option values.
``address``
    the value is ``{"province": code, "ward": code, "street": text}`` with
    the codes of the current two-level divisions (``vietnam_provinces``, as
    integers or strings of digits; they are cleaned to integers) and the
    ward belonging to the province.  ``provinces`` (list of codes) restricts
    the allowed provinces; ``street_required`` (boolean, default false).
``cccd``
    Vietnamese citizen identification number (12 digits).
``tax_code``
    enterprise tax code (10 digits with check digit), branch tax code
    (``NNNNNNNNNN-NNN``) or personal tax code (a valid CCCD number).
``phone``
    Vietnamese mobile or landline number, cleaned to its ``0``-leading form.
``email``
    e-mail address (the domain is lower-cased).
``heading``, ``paragraph``
    no value: a section title and a text shown to the citizen.
``group``
    ``fields`` (non-empty list of nested fields), ``repeatable`` (boolean),
    ``min`` and ``max`` (number of items of a repeatable group).  The value
    of a repeatable group is a list of dicts, otherwise a dict.  For a
    repeatable group, required means at least one item.

Errors are :class:`FormError` whose ``msg_id`` is the id of a Tryton message
(``egov_procedure.msg_eform_*``) translated by the caller with ``params``
(always including ``field``, the label of the field).  This module never
produces user text itself.
"""
import datetime as dt
import re
import unicodedata
from collections import namedtuple
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from vietnam_provinces import Province, Ward

MSG_PREFIX = 'egov_procedure.msg_eform_'
KEY = re.compile(r'[a-z_][a-z0-9_]*')
NUMBER = re.compile(r'[+-]?\d+(\.\d+)?')
ISO_DATE = re.compile(r'(\d{4})-(\d{2})-(\d{2})')
VN_DATE = re.compile(r'(\d{1,2})/(\d{1,2})/(\d{4})')
EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)\.)+[A-Za-z]{2,63}")
MOBILE = re.compile(r'0[35789]\d{8}')
LANDLINE = re.compile(r'02\d{8,9}')
PHONE_SEPARATORS = re.compile(r'[\s.\-()]')
TAX_CODE = re.compile(r'(\d{10})(?:-?(\d{3}))?')
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
MAX_DIGITS = 10

# Place-of-birth codes of the citizen identification number (the first three
# digits) as Circular 07/2016/TT-BCA lists them for the 63 provinces existing
# before July 2025; the numbers keep them after the merger of the provinces.
CCCD_PROVINCE_CODES = frozenset([
        '001',  # Hà Nội
        '002',  # Hà Giang
        '004',  # Cao Bằng
        '006',  # Bắc Kạn
        '008',  # Tuyên Quang
        '010',  # Lào Cai
        '011',  # Điện Biên
        '012',  # Lai Châu
        '014',  # Sơn La
        '015',  # Yên Bái
        '017',  # Hòa Bình
        '019',  # Thái Nguyên
        '020',  # Lạng Sơn
        '022',  # Quảng Ninh
        '024',  # Bắc Giang
        '025',  # Phú Thọ
        '026',  # Vĩnh Phúc
        '027',  # Bắc Ninh
        '030',  # Hải Dương
        '031',  # Hải Phòng
        '033',  # Hưng Yên
        '034',  # Thái Bình
        '035',  # Hà Nam
        '036',  # Nam Định
        '037',  # Ninh Bình
        '038',  # Thanh Hóa
        '040',  # Nghệ An
        '042',  # Hà Tĩnh
        '044',  # Quảng Bình
        '045',  # Quảng Trị
        '046',  # Thừa Thiên Huế
        '048',  # Đà Nẵng
        '049',  # Quảng Nam
        '051',  # Quảng Ngãi
        '052',  # Bình Định
        '054',  # Phú Yên
        '056',  # Khánh Hòa
        '058',  # Ninh Thuận
        '060',  # Bình Thuận
        '062',  # Kon Tum
        '064',  # Gia Lai
        '066',  # Đắk Lắk
        '067',  # Đắk Nông
        '068',  # Lâm Đồng
        '070',  # Bình Phước
        '072',  # Tây Ninh
        '074',  # Bình Dương
        '075',  # Đồng Nai
        '077',  # Bà Rịa - Vũng Tàu
        '079',  # Hồ Chí Minh
        '080',  # Long An
        '082',  # Tiền Giang
        '083',  # Bến Tre
        '084',  # Trà Vinh
        '086',  # Vĩnh Long
        '087',  # Đồng Tháp
        '089',  # An Giang
        '091',  # Kiên Giang
        '092',  # Cần Thơ
        '093',  # Hậu Giang
        '094',  # Sóc Trăng
        '095',  # Bạc Liêu
        '096',  # Cà Mau
        ])
# Fourth digit of the citizen identification number: century of birth (even
# for men, odd for women).
CCCD_CENTURIES = {
    0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100,
    6: 2200, 7: 2200, 8: 1800, 9: 1800,
    }


class FormError(namedtuple('FormError', ['path', 'msg_id', 'params'])):
    """An error of a definition or of submitted data.

    path is the dotted path of the field (e.g. ``thanh_vien.0.ho_ten``; in a
    definition the position replaces a missing or invalid key), msg_id the
    Tryton message id and params the named placeholders of the message."""
    __slots__ = ()


class DefinitionError(ValueError):
    "The definition given to validate, display or schema is not valid"

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def _error(path, name, field, **params):
    params = {k: str(v) for k, v in params.items()}
    params['field'] = field
    return FormError(path, MSG_PREFIX + name, params)


def _join(path, key):
    return '%s.%s' % (path, key) if path else str(key)


def unaccent(text):
    "Return text in lower case without Vietnamese diacritics"
    text = text.replace('đ', 'd').replace('Đ', 'd')
    text = unicodedata.normalize('NFD', text)
    return ''.join(c for c in text if not unicodedata.combining(c)).lower()


def _normalize_text(value):
    return unicodedata.normalize('NFC', value).strip()


def _to_decimal(value):
    "Return value as a finite Decimal or None"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and NUMBER.fullmatch(value.strip()):
        number = Decimal(value.strip())
    else:
        return None
    return number if number.is_finite() else None


def _to_date(value):
    "Return value as a date or None"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    value = value.strip()
    match = ISO_DATE.fullmatch(value)
    if match:
        year, month, day = map(int, match.groups())
    else:
        match = VN_DATE.fullmatch(value)
        if not match:
            return None
        day, month, year = map(int, match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _format_date(date):
    return date.strftime('%d/%m/%Y')


def _to_code(value):
    "Return the administrative division code value as an int or None"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


@lru_cache(maxsize=None)
def _provinces():
    return {p.code.value: p.name for p in Province.iter_all()}


@lru_cache(maxsize=None)
def _wards():
    "Return the mapping province code -> {ward code: ward name}"
    result = {code: {} for code in _provinces()}
    for ward in Ward.iter_all():
        result.setdefault(ward.province_code.value, {})[ward.code.value] = (
            ward.name)
    return result


def provinces():
    "Return the list of (code, name) of the provinces ordered by code"
    return sorted(_provinces().items())


def wards(province_code):
    "Return the list of (code, name) of the wards of the province"
    return sorted(_wards().get(_to_code(province_code), {}).items())


def _normalize_cccd(value, today=None):
    if not isinstance(value, str):
        return None
    value = re.sub(r'[\s.]', '', value)
    if len(value) != 12 or not value.isdigit():
        return None
    if value[:3] not in CCCD_PROVINCE_CODES:
        return None
    year = CCCD_CENTURIES[int(value[3])] + int(value[4:6])
    if today is None:
        today = dt.date.today()
    if year > today.year:
        return None
    return value


def is_valid_cccd(value, today=None):
    """Test if value is a valid citizen identification number

    12 digits: place-of-birth province code, century and gender, the last
    two digits of the birth year (not in the future) and 6 random digits."""
    return _normalize_cccd(value, today) is not None


def _normalize_tax_code(value, today=None):
    if not isinstance(value, str):
        return None
    value = re.sub(r'\s', '', value)
    if len(value) == 12:
        return _normalize_cccd(value, today)
    match = TAX_CODE.fullmatch(value)
    if not match:
        return None
    code, branch = match.groups()
    total = sum(int(d) * w for d, w in zip(code, TAX_CODE_WEIGHTS))
    check = 10 - total % 11
    if check == 10 or check != int(code[9]):
        return None
    if branch is None:
        return code
    if branch == '000':
        return None
    return '%s-%s' % (code, branch)


def is_valid_tax_code(value, today=None):
    """Test if value is a valid tax code

    10 digits with the check digit, a branch code of 10 digits, '-' and 3
    digits or, since 1 July 2025, the citizen identification number."""
    return _normalize_tax_code(value, today) is not None


def normalize_phone(value):
    """Return the Vietnamese phone number in its 0-leading form or None

    Spaces, dots, dashes, parentheses and the +84, 0084 or 84 prefixes are
    accepted."""
    if not isinstance(value, str):
        return None
    value = PHONE_SEPARATORS.sub('', value)
    for prefix in ['+84', '0084']:
        if value.startswith(prefix):
            value = value[len(prefix):]
            break
    else:
        if value.startswith('84') and len(value) in {11, 12}:
            value = value[2:]
        elif not value.startswith('0'):
            return None
    if not value.startswith('0'):
        value = '0' + value
    if MOBILE.fullmatch(value) or LANDLINE.fullmatch(value):
        return value
    return None


def _lookup(key, scopes):
    """Return the scope entry of the nearest level defining key

    scopes is the list of (keys, values) of the levels, innermost first."""
    for keys, values in scopes:
        if key in keys:
            return values
    return None


def _visible(field, scopes):
    condition = field.condition
    if not condition:
        return True
    values = _lookup(condition['field'], scopes)
    if values is None:
        return False
    value = values.get(condition['field'])
    if value is None:
        return False
    expected = condition['value']
    if isinstance(expected, list):
        return value in expected
    return value == expected


class Field:
    "Base class of the field types"
    type = None
    has_value = True

    def __init__(self, definition):
        self.definition = definition
        self.key = definition.get('key')
        label = definition.get('label')
        if not isinstance(label, str) or not label:
            label = str(self.key or '')
        self.label = label
        self.help = definition.get('help')
        self.required = definition.get('required') is True
        self.condition = definition.get('condition')

    def error(self, path, name, **params):
        return _error(path, name, self.label, **params)

    def _check_bool(self, path, *names):
        return [self.error(path, 'invalid_attribute', attribute=n)
            for n in names
            if n in self.definition
            and not isinstance(self.definition[n], bool)]

    def _check_int(self, path, name, minimum=0, maximum=None):
        value = self.definition.get(name)
        if value is None:
            return []
        if (isinstance(value, bool) or not isinstance(value, int)
                or value < minimum
                or (maximum is not None and value > maximum)):
            return [self.error(path, 'invalid_attribute', attribute=name)]
        return []

    def check(self, path, scopes):
        """Return the errors of the type-specific attributes

        scopes is the list of (keys, fields) of the levels, innermost
        first, with only the fields defined before this one."""
        return []

    def accepts_condition(self, value):
        "Test if value may be the value of a condition on this field"
        return False

    def is_empty(self, value):
        return value is None or (isinstance(value, str) and not value.strip())

    def clean(self, value, path, today, scopes):
        "Return the cleaned value and the list of errors of a non-empty value"
        raise NotImplementedError

    def describe(self):
        "Return the JSON-able description of the field for the portal"
        result = {
            'key': self.key,
            'type': self.type,
            'label': self.label,
            }
        if self.help:
            result['help'] = self.help
        if self.has_value:
            result['required'] = self.required
        if self.condition:
            result['condition'] = {
                'field': self.condition['field'],
                'value': (list(self.condition['value'])
                    if isinstance(self.condition['value'], list)
                    else self.condition['value']),
                }
        return result

    def format(self, value, options):
        "Return the non-empty value as text"
        return str(value)

    def display(self, value, scopes, options, lines):
        "Append the (label, text) lines of value to lines"
        if self.is_empty(value):
            text = ''
        else:
            text = self.format(value, options)
        lines.append((self.label, text))


class Text(Field):
    "Single line of text"
    type = 'text'
    default_max_length = 255

    @property
    def max_length(self):
        return self.definition.get('max_length') or self.default_max_length

    def check(self, path, scopes):
        return self._check_int(path, 'max_length', minimum=1)

    def normalize(self, value):
        return ' '.join(_normalize_text(value).split())

    def clean(self, value, path, today, scopes):
        if not isinstance(value, str):
            return None, [self.error(path, 'invalid_value')]
        value = self.normalize(value)
        if len(value) > self.max_length:
            return None, [self.error(path, 'too_long',
                    max_length=self.max_length, length=len(value))]
        return value, []

    def describe(self):
        result = super().describe()
        result['max_length'] = self.max_length
        return result


class TextArea(Text):
    "Several lines of text"
    type = 'textarea'
    default_max_length = 10000

    def normalize(self, value):
        value = value.replace('\r\n', '\n').replace('\r', '\n')
        return _normalize_text(value)


class Number(Field):
    "Integer or decimal number"
    type = 'number'

    @property
    def digits(self):
        return self.definition.get('digits') or 0

    @property
    def min(self):
        return _to_decimal(self.definition.get('min'))

    @property
    def max(self):
        return _to_decimal(self.definition.get('max'))

    def check(self, path, scopes):
        errors = self._check_int(path, 'digits', maximum=MAX_DIGITS)
        for name in ['min', 'max']:
            if (self.definition.get(name) is not None
                    and _to_decimal(self.definition[name]) is None):
                errors.append(
                    self.error(path, 'invalid_attribute', attribute=name))
        if (self.min is not None and self.max is not None
                and self.min > self.max):
            errors.append(self.error(path, 'invalid_range',
                    min=self.definition['min'], max=self.definition['max']))
        return errors

    def clean(self, value, path, today, scopes):
        number = _to_decimal(value)
        if number is None:
            return None, [self.error(path, 'invalid_number')]
        try:
            if not self.digits:
                if number != number.to_integral_value():
                    return None, [self.error(path, 'not_integer')]
                result = int(number)
            else:
                quantized = number.quantize(Decimal(1).scaleb(-self.digits))
                if quantized != number:
                    return None, [self.error(
                                path, 'too_many_decimals',
                                digits=self.digits)]
                result = str(quantized)
        except InvalidOperation:
            return None, [self.error(path, 'invalid_number')]
        if self.min is not None and number < self.min:
            return None, [self.error(path, 'too_small',
                    min=self.definition['min'])]
        if self.max is not None and number > self.max:
            return None, [self.error(path, 'too_large',
                    max=self.definition['max'])]
        return result, []

    def describe(self):
        result = super().describe()
        result['digits'] = self.digits
        for name in ['min', 'max']:
            value = self.definition.get(name)
            if value is not None:
                result[name] = (value if isinstance(value, (int, float, str))
                    else str(value))
        return result

    def format(self, value, options):
        number = _to_decimal(value)
        if number is None:
            return str(value)
        if self.digits:
            text = str(number.quantize(Decimal(1).scaleb(-self.digits)))
            return text.replace('.', options['decimal_point'])
        return str(int(number))


class Date(Field):
    "Calendar date"
    type = 'date'

    @property
    def min(self):
        return _to_date(self.definition.get('min'))

    @property
    def max(self):
        return _to_date(self.definition.get('max'))

    @property
    def past(self):
        return self.definition.get('past') is True

    def check(self, path, scopes):
        errors = self._check_bool(path, 'past')
        for name in ['min', 'max']:
            if (self.definition.get(name) is not None
                    and _to_date(self.definition[name]) is None):
                errors.append(
                    self.error(path, 'invalid_attribute', attribute=name))
        if (self.min is not None and self.max is not None
                and self.min > self.max):
            errors.append(self.error(path, 'invalid_range',
                    min=_format_date(self.min), max=_format_date(self.max)))
        return errors

    def clean(self, value, path, today, scopes):
        date = _to_date(value)
        if date is None:
            return None, [self.error(path, 'invalid_date')]
        if self.past and date > today:
            return None, [self.error(path, 'date_in_future')]
        if self.min is not None and date < self.min:
            return None, [self.error(path, 'date_too_early',
                    min=_format_date(self.min))]
        if self.max is not None and date > self.max:
            return None, [self.error(path, 'date_too_late',
                    max=_format_date(self.max))]
        return date.isoformat(), []

    def describe(self):
        result = super().describe()
        if self.min is not None:
            result['min'] = self.min.isoformat()
        if self.max is not None:
            result['max'] = self.max.isoformat()
        result['past'] = self.past
        return result

    def format(self, value, options):
        date = _to_date(value)
        return _format_date(date) if date is not None else str(value)


class Boolean(Field):
    "Yes or no"
    type = 'boolean'

    def accepts_condition(self, value):
        if isinstance(value, list):
            return bool(value) and all(isinstance(v, bool) for v in value)
        return isinstance(value, bool)

    def clean(self, value, path, today, scopes):
        if not isinstance(value, bool):
            return None, [self.error(path, 'invalid_value')]
        return value, []

    def format(self, value, options):
        yes, no = options['yes_no']
        return yes if value is True else no


class Selection(Field):
    "One value among options"
    type = 'selection'

    @property
    def options(self):
        options = self.definition.get('options')
        return options if isinstance(options, list) else []

    @property
    def values(self):
        return [o.get('value') for o in self.options if isinstance(o, dict)]

    def check(self, path, scopes):
        if not self.options:
            return [self.error(path, 'missing_attribute', attribute='options')]
        values = set()
        for option in self.options:
            if (not isinstance(option, dict)
                    or not isinstance(option.get('value'), str)
                    or not option['value']
                    or not isinstance(option.get('label'), str)
                    or not option['label']
                    or option['value'] in values):
                return [self.error(
                            path, 'invalid_attribute', attribute='options')]
            values.add(option['value'])
        return []

    def accepts_condition(self, value):
        values = self.values
        if isinstance(value, list):
            return bool(value) and all(
                isinstance(v, str) and v in values for v in value)
        return isinstance(value, str) and value in values

    def clean(self, value, path, today, scopes):
        if not isinstance(value, str) or value not in self.values:
            return None, [self.error(path, 'invalid_choice', value=value)]
        return value, []

    def describe(self):
        result = super().describe()
        result['options'] = [
            {'value': o['value'], 'label': o['label']} for o in self.options]
        return result

    def format(self, value, options):
        for option in self.options:
            if option.get('value') == value:
                return option.get('label') or str(value)
        return str(value)


class Address(Field):
    "Address in the current province and ward divisions"
    type = 'address'
    parts = {'province', 'ward', 'street'}
    street_max_length = 255

    @property
    def provinces(self):
        codes = self.definition.get('provinces')
        if not isinstance(codes, list):
            return []
        return [c for c in map(_to_code, codes) if c is not None]

    @property
    def street_required(self):
        return self.definition.get('street_required') is True

    def check(self, path, scopes):
        errors = self._check_bool(path, 'street_required')
        codes = self.definition.get('provinces')
        if codes is not None:
            if (not isinstance(codes, list) or not codes
                    or any(_to_code(c) not in _provinces() for c in codes)):
                errors.append(self.error(
                        path, 'invalid_attribute', attribute='provinces'))
        return errors

    def is_empty(self, value):
        if isinstance(value, dict):
            return all(Field.is_empty(self, value.get(p))
                for p in self.parts) and not (set(value) - self.parts)
        return super().is_empty(value)

    def clean(self, value, path, today, scopes):
        if not isinstance(value, dict):
            return None, [self.error(path, 'invalid_value')]
        street = value.get('street')
        if street is None:
            street = ''
        if not isinstance(street, str):
            return None, [self.error(path, 'invalid_value')]
        street = ' '.join(_normalize_text(street).split())
        province = _to_code(value.get('province'))
        ward = _to_code(value.get('ward'))
        if (set(value) - self.parts
                or province not in _provinces()
                or (self.provinces and province not in self.provinces)
                or ward not in _wards()[province]
                or (self.street_required and not street)):
            return None, [self.error(path, 'invalid_address')]
        if len(street) > self.street_max_length:
            return None, [self.error(path, 'too_long',
                    max_length=self.street_max_length, length=len(street))]
        return {'province': province, 'ward': ward, 'street': street}, []

    def describe(self):
        result = super().describe()
        allowed = self.provinces
        result['provinces'] = [
            {'code': c, 'name': n} for c, n in provinces()
            if not allowed or c in allowed]
        if len(result['provinces']) == 1:
            result['wards'] = [
                {'code': c, 'name': n}
                for c, n in wards(result['provinces'][0]['code'])]
        result['street_required'] = self.street_required
        result['street_max_length'] = self.street_max_length
        return result

    def format(self, value, options):
        if not isinstance(value, dict):
            return str(value)
        province = _to_code(value.get('province'))
        ward = _to_code(value.get('ward'))
        parts = [
            value.get('street'),
            _wards().get(province, {}).get(ward, value.get('ward')),
            _provinces().get(province, value.get('province')),
            ]
        return ', '.join(str(p) for p in parts if p not in {None, ''})


class CCCD(Field):
    "Citizen identification number"
    type = 'cccd'

    def clean(self, value, path, today, scopes):
        value = _normalize_cccd(value, today)
        if value is None:
            return None, [self.error(path, 'invalid_cccd')]
        return value, []


class TaxCode(Field):
    "Enterprise, branch or personal tax code"
    type = 'tax_code'

    def clean(self, value, path, today, scopes):
        value = _normalize_tax_code(value, today)
        if value is None:
            return None, [self.error(path, 'invalid_tax_code')]
        return value, []


class Phone(Field):
    "Vietnamese phone number"
    type = 'phone'

    def clean(self, value, path, today, scopes):
        value = normalize_phone(value)
        if value is None:
            return None, [self.error(path, 'invalid_phone')]
        return value, []


class Email(Field):
    "E-mail address"
    type = 'email'

    def clean(self, value, path, today, scopes):
        if not isinstance(value, str):
            return None, [self.error(path, 'invalid_email')]
        value = value.strip()
        if (len(value) > 254 or not EMAIL.fullmatch(value)
                or len(value.split('@')[0]) > 64):
            return None, [self.error(path, 'invalid_email')]
        local, domain = value.rsplit('@', 1)
        return '%s@%s' % (local, domain.lower()), []


class Heading(Field):
    "Title of a section"
    type = 'heading'
    has_value = False

    def display(self, value, scopes, options, lines):
        lines.append((self.label, None))


class Paragraph(Field):
    "Text shown to the citizen"
    type = 'paragraph'
    has_value = False

    def display(self, value, scopes, options, lines):
        pass


class Group(Field):
    "Nested fields, possibly repeated"
    type = 'group'

    @property
    def fields(self):
        return _make_fields(self.definition['fields'])

    @property
    def repeatable(self):
        return self.definition.get('repeatable') is True

    @property
    def min(self):
        minimum = self.definition.get('min') or 0
        return max(minimum, 1) if self.required else minimum

    @property
    def max(self):
        return self.definition.get('max')

    def check(self, path, scopes):
        errors = self._check_bool(path, 'repeatable')
        errors += self._check_int(path, 'min')
        errors += self._check_int(path, 'max')
        minimum, maximum = (
            self.definition.get('min'), self.definition.get('max'))
        if (not errors and minimum is not None and maximum is not None
                and minimum > maximum):
            errors.append(
                self.error(path, 'invalid_range', min=minimum, max=maximum))
        fields = self.definition.get('fields')
        if not isinstance(fields, list) or not fields:
            errors.append(
                self.error(path, 'missing_attribute', attribute='fields'))
        else:
            _check_fields(fields, path, scopes, errors)
        return errors

    def is_empty(self, value):
        # The nested fields or the number of items are checked by clean
        return False

    def clean(self, value, path, today, scopes):
        fields = self.fields
        errors = []
        if not self.repeatable:
            if value is None:
                value = {}
            if not isinstance(value, dict):
                return None, [self.error(path, 'invalid_value')]
            result = _clean_fields(fields, value, path, scopes, today, errors)
            return result or None, errors
        if value is None:
            value = []
        if not isinstance(value, list):
            return None, [self.error(path, 'invalid_value')]
        if not value and self.required:
            return None, [self.error(path, 'required')]
        if len(value) < self.min:
            errors.append(self.error(path, 'too_few_items', min=self.min))
        if self.max is not None and len(value) > self.max:
            errors.append(self.error(path, 'too_many_items', max=self.max))
        result = []
        for i, item in enumerate(value):
            item_path = _join(path, i)
            if not isinstance(item, dict):
                errors.append(self.error(item_path, 'invalid_value'))
                continue
            result.append(_clean_fields(
                    fields, item, item_path, scopes, today, errors))
        return result or None, errors

    def describe(self):
        result = super().describe()
        result['repeatable'] = self.repeatable
        if self.repeatable:
            result['min'] = self.min
            if self.max is not None:
                result['max'] = self.max
        result['fields'] = [f.describe() for f in self.fields]
        return result

    def display(self, value, scopes, options, lines):
        fields = self.fields
        if not self.repeatable:
            lines.append((self.label, None))
            _display_fields(fields, value if isinstance(value, dict) else {},
                scopes, options, lines)
        elif not value or not isinstance(value, list):
            lines.append((self.label, ''))
        else:
            for i, item in enumerate(value, 1):
                lines.append(('%s %s' % (self.label, i), None))
                _display_fields(fields, item if isinstance(item, dict) else {},
                    scopes, options, lines)


FIELD_TYPES = {c.type: c for c in [
        Text, TextArea, Number, Date, Boolean, Selection, Address, CCCD,
        TaxCode, Phone, Email, Heading, Paragraph, Group]}


def _make_fields(definitions):
    return [FIELD_TYPES[d['type']](d) for d in definitions]


def _field_name(definition, index):
    label, key = definition.get('label'), definition.get('key')
    if isinstance(label, str) and label:
        return label
    if isinstance(key, str) and key:
        return key
    return str(index)


def _check_fields(definitions, path, scopes, errors):
    keys = {d.get('key') for d in definitions
        if isinstance(d, dict) and isinstance(d.get('key'), str)}
    level = {}
    scopes = [(keys, level)] + scopes
    for i, definition in enumerate(definitions):
        if not isinstance(definition, dict):
            errors.append(_error(
                    _join(path, i), 'invalid_attribute', str(i),
                    attribute='fields'))
            continue
        name = _field_name(definition, i)
        key = definition.get('key')
        valid_key = False
        if key is None or key == '':
            field_path = _join(path, i)
            errors.append(_error(
                    field_path, 'missing_attribute', name, attribute='key'))
        elif not isinstance(key, str) or not KEY.fullmatch(key):
            field_path = _join(path, i)
            errors.append(_error(field_path, 'invalid_key', name, key=key))
        elif key in level:
            field_path = _join(path, key)
            errors.append(_error(field_path, 'duplicate_key', name, key=key))
        else:
            field_path = _join(path, key)
            valid_key = True
        label = definition.get('label')
        if not isinstance(label, str) or not label.strip():
            errors.append(_error(
                    field_path, 'missing_attribute', name,
                    attribute='label'))
        type_ = definition.get('type')
        if not isinstance(type_, str) or type_ not in FIELD_TYPES:
            errors.append(_error(
                    field_path, 'invalid_type', name, type=type_))
            if valid_key:
                level[key] = None
            continue
        field = FIELD_TYPES[type_](definition)
        errors.extend(field._check_bool(field_path, 'required'))
        help_ = definition.get('help')
        if help_ is not None and not isinstance(help_, str):
            errors.append(field.error(
                    field_path, 'invalid_attribute', attribute='help'))
        condition = definition.get('condition')
        if condition is not None:
            if (not isinstance(condition, dict)
                    or not isinstance(condition.get('field'), str)
                    or 'value' not in condition):
                errors.append(field.error(
                        field_path, 'invalid_attribute',
                        attribute='condition'))
            else:
                fields = _lookup(condition['field'], scopes)
                target = fields.get(condition['field']) if fields else None
                if (target is None
                        or not target.accepts_condition(condition['value'])):
                    errors.append(field.error(
                            field_path, 'invalid_condition',
                            condition=condition['field']))
        errors.extend(field.check(field_path, scopes))
        if valid_key:
            level[key] = field


def check_definition(definition):
    "Return the list of FormError of the definition"
    if (not isinstance(definition, dict)
            or not isinstance(definition.get('fields'), list)):
        return [_error('', 'invalid_attribute', '', attribute='fields')]
    errors = []
    _check_fields(definition['fields'], '', [], errors)
    return errors


def _parse(definition):
    errors = check_definition(definition)
    if errors:
        raise DefinitionError(errors)
    return _make_fields(definition['fields'])


def _clean_fields(fields, data, path, scopes, today, errors):
    cleaned = {}
    scopes = [({f.key for f in fields}, cleaned)] + scopes
    value_keys = {f.key for f in fields if f.has_value}
    for key in data:
        if key not in value_keys:
            errors.append(_error(_join(path, key), 'unknown_field', str(key)))
    for field in fields:
        if not field.has_value or not _visible(field, scopes):
            continue
        field_path = _join(path, field.key)
        value = data.get(field.key)
        if field.is_empty(value):
            if field.required:
                errors.append(field.error(field_path, 'required'))
            continue
        value, field_errors = field.clean(value, field_path, today, scopes)
        errors.extend(field_errors)
        if not field_errors and value is not None:
            cleaned[field.key] = value
    return cleaned


def validate(definition, data, today=None):
    """Return the cleaned data and the list of FormError of data

    The cleaned data is JSON-able and contains only the non-empty values of
    the visible fields.  today (default: the system date) is used for the
    dates in the past and the birth year of the CCCD numbers.
    Raise DefinitionError if the definition is not valid."""
    fields = _parse(definition)
    if today is None:
        today = dt.date.today()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {}, [_error('', 'invalid_value', '')]
    errors = []
    cleaned = _clean_fields(fields, data, '', [], today, errors)
    return cleaned, errors


def _display_fields(fields, data, scopes, options, lines):
    scopes = [({f.key for f in fields}, data)] + scopes
    for field in fields:
        if _visible(field, scopes):
            field.display(data.get(field.key), scopes, options, lines)


def display(definition, data, yes_no=('✓', '✗'), decimal_point=','):
    """Return the list of (label, text) lines of the (cleaned) data

    Dates are shown as dd/mm/yyyy, booleans with the yes_no texts (the caller
    passes them translated), decimals with decimal_point and addresses as
    "street, ward, province".  Headings and groups give a line with None as
    text; paragraphs and hidden fields give no line; empty values give ''.
    Raise DefinitionError if the definition is not valid."""
    fields = _parse(definition)
    options = {'yes_no': yes_no, 'decimal_point': decimal_point}
    lines = []
    _display_fields(
        fields, data if isinstance(data, dict) else {}, [], options, lines)
    return lines


def schema(definition):
    """Return the JSON-able description of the form for the portal

    Every field gives its key, type, label, help, required, condition and
    type-specific attributes (max_length, digits, min, max, past, options,
    repeatable, fields).  An address gives the allowed provinces as
    ``{"code", "name"}`` dicts and, when there is only one, its wards (the
    portal fetches the others with :func:`wards`).
    Raise DefinitionError if the definition is not valid."""
    return {'fields': [f.describe() for f in _parse(definition)]}
