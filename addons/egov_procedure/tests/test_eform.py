# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""E-form definitions, validation, display and schema (no database)."""
import datetime as dt
import json
import unittest

from trytond.modules.egov_procedure import eform
from trytond.modules.egov_procedure.eform import (
    FIELD_TYPES, DefinitionError, FormError, check_definition, display,
    is_valid_cccd, is_valid_tax_code, normalize_phone, provinces, schema,
    unaccent, validate, wards)

TODAY = dt.date(2026, 3, 15)
DONG_NAI = 75
BIEN_HOA = 26068  # Phường Biên Hòa, Đồng Nai
HOAN_KIEM = 70  # Phường Hoàn Kiếm, Hà Nội
MSG = 'egov_procedure.msg_eform_'


def form(*fields):
    return {'fields': list(fields)}


def field(key, type_, label=None, **attributes):
    result = {'key': key, 'type': type_, 'label': label or key.upper()}
    result.update(attributes)
    return result


BIRTH = form(
    field('phan_1', 'heading', "Thông tin người được khai sinh"),
    field('ghi_chu', 'paragraph', "Ghi bằng chữ in hoa"),
    field('ho_ten', 'text', "Họ và tên", required=True, max_length=20,
        help="Ghi bằng chữ in hoa"),
    field('so_con', 'number', "Số con", min=0, max=20, digits=0),
    field('ngay_sinh', 'date', "Ngày sinh", past=True),
    field('da_ket_hon', 'boolean', "Đã kết hôn"),
    field('ten_vo_chong', 'text', "Tên vợ/chồng", required=True,
        condition={'field': 'da_ket_hon', 'value': True}),
    field('gioi_tinh', 'selection', "Giới tính", options=[
            {'value': 'nam', 'label': "Nam"},
            {'value': 'nu', 'label': "Nữ"}]),
    field('dia_chi', 'address', "Địa chỉ"),
    field('so_cccd', 'cccd', "Số CCCD"),
    field('mst', 'tax_code', "Mã số thuế"),
    field('dien_thoai', 'phone', "Điện thoại"),
    field('email', 'email', "Thư điện tử"),
    field('mo_ta', 'textarea', "Mô tả"),
    field('thanh_vien', 'group', "Thành viên hộ", repeatable=True,
        min=1, max=3, fields=[
            field('ho_ten', 'text', "Họ và tên", required=True),
            field('quan_he', 'selection', "Quan hệ", options=[
                    {'value': 'con', 'label': "Con"},
                    {'value': 'khac', 'label': "Khác"}]),
            field('ghi_ro', 'text', "Ghi rõ", required=True,
                condition={'field': 'quan_he', 'value': 'khac'}),
            field('vo_chong', 'text', "Vợ/chồng",
                condition={'field': 'da_ket_hon', 'value': True}),
            ]),
    )


def tax_check_digit(nine):
    total = sum(int(d) * w for d, w in zip(nine, eform.TAX_CODE_WEIGHTS))
    return 10 - total % 11


class EformHelperTestCase(unittest.TestCase):
    "Test the helpers"

    def test_unaccent(self):
        "unaccent removes the Vietnamese diacritics"
        self.assertEqual(unaccent('Nguyễn Thị Đào'), 'nguyen thi dao')
        self.assertEqual(
            unaccent('Phường Trấn Biên, ĐỒNG NAI'),
            'phuong tran bien, dong nai')
        self.assertEqual(unaccent('Ưu Ơn đức'), 'uu on duc')

    def test_cccd_valid(self):
        "Valid CCCD numbers"
        for value in [
                '075090012345',  # Đồng Nai, male born 1990
                '001185000001',  # Hà Nội, female born 1985
                '079301000123',  # Hồ Chí Minh, female born 2001
                '096226000999',  # Cà Mau, male born 2026
                '036899000001',  # Nam Định, female born 1899
                '075 090 012 345',
                ]:
            with self.subTest(value=value):
                self.assertTrue(is_valid_cccd(value, today=TODAY))

    def test_cccd_invalid(self):
        "Invalid CCCD numbers"
        for value in [
                '07509001234',  # 11 digits
                '0750900123456',  # 13 digits
                '07509001234a',
                '003090012345',  # 003 is no province code
                '097090012345',  # nor 097
                '100090012345',
                '075227000001',  # born 2027, after TODAY
                '075400000001',  # born 2100
                '',
                None,
                75090012345,
                ]:
            with self.subTest(value=value):
                self.assertFalse(is_valid_cccd(value, today=TODAY))

    def test_cccd_province_codes(self):
        "The 63 place-of-birth codes"
        self.assertEqual(len(eform.CCCD_PROVINCE_CODES), 63)
        self.assertIn('001', eform.CCCD_PROVINCE_CODES)
        self.assertIn('096', eform.CCCD_PROVINCE_CODES)
        # Every current province code is an older one
        for code, _ in provinces():
            self.assertIn('%03d' % code, eform.CCCD_PROVINCE_CODES)

    def test_tax_code_valid(self):
        "Valid tax codes"
        self.assertEqual(tax_check_digit('030058856'), 9)
        for value in [
                '0300588569',
                '0100109106',
                '0101248141',
                '3600224423',
                '3600224423-001',
                ' 0300588569 ',
                '075090012345',  # personal tax code: the CCCD
                ]:
            with self.subTest(value=value):
                self.assertTrue(is_valid_tax_code(value, today=TODAY))

    def test_tax_code_check_digit_10(self):
        "A check digit giving 10 is refused"
        # Find 9 digits whose weighted sum is a multiple of 11
        nine = next(n for n in map(str, range(100000000, 100001000))
            if tax_check_digit(n) == 10)
        for last in '0123456789':
            self.assertFalse(is_valid_tax_code(nine + last))

    def test_tax_code_invalid(self):
        "Invalid tax codes"
        for value in [
                '0300588568',  # bad check digit
                '030058856',  # 9 digits
                '03005885690',  # 11 digits
                '0300588569-000',
                '0300588569-01',
                '0300588568-001',
                '003090012345',  # 12 digits, not a CCCD
                'abcdefghij',
                None,
                ]:
            with self.subTest(value=value):
                self.assertFalse(is_valid_tax_code(value, today=TODAY))

    def test_normalize_phone(self):
        "Phone numbers are normalised"
        for value, result in [
                ('0912345678', '0912345678'),
                ('0912 345 678', '0912345678'),
                ('0912.345.678', '0912345678'),
                ('+84 912 345 678', '0912345678'),
                ('+84912345678', '0912345678'),
                ('84912345678', '0912345678'),
                ('+84 (0) 912 345 678', '0912345678'),
                ('0328-123-456', '0328123456'),
                ('0251 3822 123', '02513822123'),
                ('+84 251 3822 123', '02513822123'),
                ('842513822123', '02513822123'),
                ('0241234567', '0241234567'),
                ('0123456789', None),  # former 11-digit mobile prefix
                ('0612345678', None),
                ('091234567', None),
                ('09123456789', None),
                ('912345678', None),
                ('phone', None),
                ('', None),
                (None, None),
                ]:
            with self.subTest(value=value):
                self.assertEqual(normalize_phone(value), result)

    def test_provinces(self):
        "The 34 provinces and their wards"
        result = provinces()
        self.assertEqual(len(result), 34)
        self.assertIn((DONG_NAI, 'Đồng Nai'), result)
        self.assertEqual(result, sorted(result))
        dong_nai = dict(wards(DONG_NAI))
        self.assertEqual(dong_nai[BIEN_HOA], 'Phường Biên Hòa')
        self.assertNotIn(HOAN_KIEM, dong_nai)
        self.assertEqual(wards('75'), wards(DONG_NAI))
        self.assertEqual(wards(999), [])
        self.assertEqual(wards(None), [])

    def test_field_types(self):
        "All the types are registered"
        self.assertEqual(set(FIELD_TYPES), {
                'text', 'textarea', 'number', 'date', 'boolean', 'selection',
                'address', 'cccd', 'tax_code', 'phone', 'email', 'heading',
                'paragraph', 'group'})
        for name, class_ in FIELD_TYPES.items():
            self.assertEqual(class_.type, name)


class EformDefinitionTestCase(unittest.TestCase):
    "Test check_definition"

    def assertErrors(self, definition, *expected):
        errors = check_definition(definition)
        self.assertEqual(
            sorted((e.path, e.msg_id) for e in errors),
            sorted((p, MSG + m) for p, m in expected))
        for error in errors:
            self.assertIsInstance(error, FormError)
            self.assertIn('field', error.params)
        return errors

    def test_valid(self):
        "The example definition is valid"
        self.assertErrors(BIRTH)
        self.assertEqual(json.loads(json.dumps(BIRTH)), BIRTH)

    def test_not_a_definition(self):
        "Definitions without fields list"
        for definition in [None, [], {}, {'fields': {}}]:
            with self.subTest(definition=definition):
                self.assertErrors(definition, ('', 'invalid_attribute'))

    def test_unknown_type(self):
        "Unknown types are refused"
        errors = self.assertErrors(
            form(field('a', 'color'), field('b', None)),
            ('a', 'invalid_type'), ('b', 'invalid_type'))
        self.assertEqual(errors[0].params['type'], 'color')

    def test_keys(self):
        "Keys are present, identifiers and unique per level"
        errors = self.assertErrors(form(
                {'type': 'text', 'label': "No key"},
                field('Ho_ten', 'text'),
                field('1a', 'text'),
                field('ho-ten', 'text'),
                field('ho_ten', 'text'),
                field('ho_ten', 'number'),
                field('nhom', 'group', fields=[
                        field('ho_ten', 'text'),
                        field('x', 'text'),
                        field('x', 'date')]),
                ),
            ('0', 'missing_attribute'),
            ('1', 'invalid_key'),
            ('2', 'invalid_key'),
            ('3', 'invalid_key'),
            ('ho_ten', 'duplicate_key'),
            ('nhom.x', 'duplicate_key'))
        self.assertEqual(errors[0].params, {
                'field': "No key", 'attribute': 'key'})

    def test_label(self):
        "Fields need a label"
        errors = self.assertErrors(
            form({'key': 'a', 'type': 'text'},
                {'key': 'b', 'type': 'heading', 'label': ' '}),
            ('a', 'missing_attribute'), ('b', 'missing_attribute'))
        self.assertEqual(
            errors[0].params, {'field': 'a', 'attribute': 'label'})

    def test_selection_options(self):
        "Selections need valid options"
        self.assertErrors(form(
                field('a', 'selection'),
                field('b', 'selection', options=[]),
                field('c', 'selection', options=[{'value': 'x'}]),
                field('d', 'selection', options=[
                        {'value': 'x', 'label': 'X'},
                        {'value': 'x', 'label': 'Y'}]),
                field('e', 'selection', options=[
                        {'value': 1, 'label': 'X'}]),
                ),
            ('a', 'missing_attribute'),
            ('b', 'missing_attribute'),
            ('c', 'invalid_attribute'),
            ('d', 'invalid_attribute'),
            ('e', 'invalid_attribute'))

    def test_conditions(self):
        "Conditions on earlier boolean or selection fields"
        options = [{'value': 'a', 'label': 'A'}, {'value': 'b', 'label': 'B'}]
        errors = self.assertErrors(form(
                field('bool', 'boolean'),
                field('sel', 'selection', options=options),
                field('txt', 'text'),
                field('ok1', 'text',
                    condition={'field': 'bool', 'value': True}),
                field('ok2', 'text', condition={'field': 'sel', 'value': 'a'}),
                field('ok3', 'heading',
                    condition={'field': 'sel', 'value': ['a', 'b']}),
                field('unknown', 'text',
                    condition={'field': 'nothing', 'value': True}),
                field('later', 'text',
                    condition={'field': 'after', 'value': True}),
                field('self', 'boolean',
                    condition={'field': 'self', 'value': True}),
                field('on_text', 'text',
                    condition={'field': 'txt', 'value': 'x'}),
                field('bad_bool', 'text',
                    condition={'field': 'bool', 'value': 'yes'}),
                field('bad_sel', 'text',
                    condition={'field': 'sel', 'value': 'c'}),
                field('empty_list', 'text',
                    condition={'field': 'sel', 'value': []}),
                field('malformed', 'text', condition={'field': 'bool'}),
                field('after', 'boolean'),
                field('nhom', 'group', fields=[
                        field('inner', 'boolean'),
                        field('top', 'text',
                            condition={'field': 'bool', 'value': False}),
                        field('same', 'text',
                            condition={'field': 'inner', 'value': True}),
                        field('top_later', 'text',
                            condition={'field': 'sau', 'value': True}),
                        ]),
                field('outside', 'text',
                    condition={'field': 'inner', 'value': True}),
                field('sau', 'boolean'),
                ),
            ('unknown', 'invalid_condition'),
            ('later', 'invalid_condition'),
            ('self', 'invalid_condition'),
            ('on_text', 'invalid_condition'),
            ('bad_bool', 'invalid_condition'),
            ('bad_sel', 'invalid_condition'),
            ('empty_list', 'invalid_condition'),
            ('malformed', 'invalid_attribute'),
            ('nhom.top_later', 'invalid_condition'),
            ('outside', 'invalid_condition'))
        self.assertEqual(errors[0].params['condition'], 'nothing')

    def test_ranges(self):
        "min must not be greater than max"
        errors = self.assertErrors(form(
                field('n', 'number', min=10, max=1),
                field('n_ok', 'number', min='1.5', max=2, digits=1),
                field('d', 'date', min='2020-01-02', max='2020-01-01'),
                field('d_ok', 'date', min='2020-01-01', max='2020-01-01'),
                field('g', 'group', repeatable=True, min=3, max=2,
                    fields=[field('a', 'text')]),
                ),
            ('n', 'invalid_range'), ('d', 'invalid_range'),
            ('g', 'invalid_range'))
        self.assertEqual(errors[0].params, {
                'field': 'N', 'min': '10', 'max': '1'})
        self.assertEqual(errors[1].params, {
                'field': 'D', 'min': '02/01/2020', 'max': '01/01/2020'})

    def test_attributes(self):
        "Attributes of the wrong type are refused"
        self.assertErrors(form(
                field('a', 'text', max_length=0),
                field('b', 'text', required='yes'),
                field('c', 'number', digits=-1),
                field('d', 'number', min='abc'),
                field('e', 'date', max='31/02/2020'),
                field('f', 'date', past=1),
                field('g', 'address', provinces=[999]),
                field('h', 'group', repeatable=True, min=-1,
                    fields=[field('a', 'text')]),
                field('i', 'text', help=['x']),
                field('j', 'number', digits=True),
                'not a dict',
                ),
            ('a', 'invalid_attribute'), ('b', 'invalid_attribute'),
            ('c', 'invalid_attribute'), ('d', 'invalid_attribute'),
            ('e', 'invalid_attribute'), ('f', 'invalid_attribute'),
            ('g', 'invalid_attribute'), ('h', 'invalid_attribute'),
            ('i', 'invalid_attribute'), ('j', 'invalid_attribute'),
            ('10', 'invalid_attribute'))

    def test_group_without_fields(self):
        "Groups need fields"
        self.assertErrors(form(
                field('a', 'group'),
                field('b', 'group', fields=[]),
                field('c', 'group', fields=[field('x', 'unknown')])),
            ('a', 'missing_attribute'), ('b', 'missing_attribute'),
            ('c.x', 'invalid_type'))

    def test_invalid_definition_raises(self):
        "validate, display and schema refuse invalid definitions"
        definition = form(field('a', 'color'))
        for function, args in [
                (validate, (definition, {})),
                (display, (definition, {})),
                (schema, (definition,)),
                ]:
            with self.subTest(function=function):
                with self.assertRaises(DefinitionError) as cm:
                    function(*args)
                self.assertEqual(
                    cm.exception.errors[0].msg_id, MSG + 'invalid_type')


class EformValidateTestCase(unittest.TestCase):
    "Test validate"

    def validate(self, definition, data):
        cleaned, errors = validate(definition, data, today=TODAY)
        self.assertEqual(json.loads(json.dumps(cleaned)), cleaned)
        return cleaned, errors

    def assertValid(self, definition, data, expected):
        cleaned, errors = self.validate(definition, data)
        self.assertEqual(errors, [])
        self.assertEqual(cleaned, expected)

    def assertInvalid(self, definition, data, *expected):
        cleaned, errors = self.validate(definition, data)
        self.assertEqual(
            sorted((e.path, e.msg_id) for e in errors),
            sorted((p, MSG + m) for p, m in expected))
        return errors

    def test_full_form(self):
        "Validate the example form"
        data = {
            'ho_ten': '  NGUYỄN   VĂN AN ',
            'so_con': '2',
            'ngay_sinh': '05/09/1990',
            'da_ket_hon': True,
            'ten_vo_chong': 'Trần Thị Đào',
            'gioi_tinh': 'nam',
            'dia_chi': {
                'province': '75', 'ward': BIEN_HOA,
                'street': '12 Đường 30/4'},
            'so_cccd': '075090012345',
            'mst': '3600224423-001',
            'dien_thoai': '+84 912 345 678',
            'email': 'An.Nguyen@Example.GOV.vn',
            'mo_ta': 'Dòng 1\r\nDòng 2\n',
            'thanh_vien': [
                {'ho_ten': 'Nguyễn Văn Bình', 'quan_he': 'con'},
                {'ho_ten': 'Lê Văn Cường', 'quan_he': 'khac',
                    'ghi_ro': 'Cháu', 'vo_chong': 'Không'},
                ],
            }
        self.assertValid(BIRTH, data, {
                'ho_ten': 'NGUYỄN VĂN AN',
                'so_con': 2,
                'ngay_sinh': '1990-09-05',
                'da_ket_hon': True,
                'ten_vo_chong': 'Trần Thị Đào',
                'gioi_tinh': 'nam',
                'dia_chi': {
                    'province': DONG_NAI, 'ward': BIEN_HOA,
                    'street': '12 Đường 30/4'},
                'so_cccd': '075090012345',
                'mst': '3600224423-001',
                'dien_thoai': '0912345678',
                'email': 'An.Nguyen@example.gov.vn',
                'mo_ta': 'Dòng 1\nDòng 2',
                'thanh_vien': [
                    {'ho_ten': 'Nguyễn Văn Bình', 'quan_he': 'con'},
                    {'ho_ten': 'Lê Văn Cường', 'quan_he': 'khac',
                        'ghi_ro': 'Cháu', 'vo_chong': 'Không'},
                    ],
                })

    def test_required(self):
        "Missing or empty required values"
        errors = self.assertInvalid(BIRTH, {'ho_ten': '   '},
            ('ho_ten', 'required'), ('thanh_vien', 'too_few_items'))
        self.assertEqual(errors[0], FormError(
                'ho_ten', MSG + 'required', {'field': "Họ và tên"}))
        self.assertEqual(errors[1].params, {
                'field': "Thành viên hộ", 'min': '1'})
        self.assertInvalid(BIRTH, None,
            ('ho_ten', 'required'), ('thanh_vien', 'too_few_items'))

    def test_data_not_dict(self):
        "Data must be a dict"
        self.assertInvalid(BIRTH, ['x'], ('', 'invalid_value'))

    def test_unknown_fields(self):
        "Unknown keys are refused, at every level"
        errors = self.assertInvalid(BIRTH, {
                'ho_ten': 'A', 'thanh_vien': [{'ho_ten': 'B', 'tuoi': 3}],
                'hacker': '<script>', 'phan_1': 'x'},
            ('hacker', 'unknown_field'), ('phan_1', 'unknown_field'),
            ('thanh_vien.0.tuoi', 'unknown_field'))
        self.assertEqual(errors[0].params, {'field': 'hacker'})

    def test_condition_boolean(self):
        "A field hidden by a boolean is neither required nor kept"
        base = {'ho_ten': 'A', 'thanh_vien': [{'ho_ten': 'B'}]}
        self.assertInvalid(BIRTH, dict(base, da_ket_hon=True),
            ('ten_vo_chong', 'required'))
        for value in [False, None]:
            with self.subTest(value=value):
                cleaned, errors = self.validate(
                    BIRTH, dict(base, da_ket_hon=value, ten_vo_chong='X'))
                self.assertEqual(errors, [])
                self.assertNotIn('ten_vo_chong', cleaned)

    def test_condition_in_group(self):
        "Conditions on the same level and on the top level in a group"
        data = {'ho_ten': 'A', 'da_ket_hon': False, 'thanh_vien': [
                {'ho_ten': 'B', 'quan_he': 'khac'},
                {'ho_ten': 'C', 'quan_he': 'con', 'ghi_ro': 'x',
                    'vo_chong': 'D'},
                ]}
        self.assertInvalid(BIRTH, data, ('thanh_vien.0.ghi_ro', 'required'))
        data['thanh_vien'][0]['ghi_ro'] = 'Cháu'
        cleaned, errors = self.validate(BIRTH, data)
        self.assertEqual(errors, [])
        self.assertEqual(cleaned['thanh_vien'], [
                {'ho_ten': 'B', 'quan_he': 'khac', 'ghi_ro': 'Cháu'},
                {'ho_ten': 'C', 'quan_he': 'con'}])

    def test_condition_chain(self):
        "A field depending on a hidden field is hidden"
        definition = form(
            field('a', 'boolean'),
            field('b', 'selection', condition={'field': 'a', 'value': True},
                options=[{'value': 'x', 'label': 'X'}]),
            field('c', 'text', required=True,
                condition={'field': 'b', 'value': ['x']}))
        self.assertValid(definition, {'a': False, 'b': 'x'}, {'a': False})
        self.assertInvalid(definition, {'a': True, 'b': 'x'},
            ('c', 'required'))

    def test_condition_nearest_level(self):
        "The nearest level defining the key of a condition wins"
        definition = form(
            field('flag', 'boolean'),
            field('nhom', 'group', fields=[
                    field('flag', 'boolean'),
                    field('x', 'text', required=True,
                        condition={'field': 'flag', 'value': True})]))
        self.assertValid(definition,
            {'flag': True, 'nhom': {'flag': False}},
            {'flag': True, 'nhom': {'flag': False}})
        self.assertInvalid(definition,
            {'flag': False, 'nhom': {'flag': True}}, ('nhom.x', 'required'))

    def test_text(self):
        "Text and textarea"
        definition = form(
            field('t', 'text', max_length=5), field('d', 'text'),
            field('a', 'textarea', max_length=8))
        self.assertValid(definition,
            {'t': ' a  b ', 'a': ' x\r\ny ', 'd': 'e\u0301'},
            {'t': 'a b', 'a': 'x\ny', 'd': 'é'})
        errors = self.assertInvalid(definition,
            {'t': 'abcdef', 'd': 'x' * 256, 'a': 'x' * 9},
            ('t', 'too_long'), ('d', 'too_long'), ('a', 'too_long'))
        self.assertEqual(errors[0].params, {
                'field': 'T', 'max_length': '5', 'length': '6'})
        self.assertEqual(errors[1].params['max_length'], '255')
        self.assertInvalid(definition, {'t': 12, 'a': ['x']},
            ('t', 'invalid_value'), ('a', 'invalid_value'))

    def test_number_integer(self):
        "Integer numbers"
        definition = form(field('n', 'number', min=0, max=20))
        for value, result in [
                (0, 0), ('20', 20), (' 7 ', 7), (3.0, 3),
                ('5.00', 5), ('+4', 4)]:
            with self.subTest(value=value):
                self.assertValid(definition, {'n': value}, {'n': result})
        for value, error in [
                ('abc', 'invalid_number'), (True, 'invalid_number'),
                ('1e3', 'invalid_number'), ('1,5', 'invalid_number'),
                (float('nan'), 'invalid_number'), ([], 'invalid_number'),
                ('2.5', 'not_integer'), (-1, 'too_small'), (21, 'too_large')]:
            with self.subTest(value=value):
                self.assertInvalid(definition, {'n': value}, ('n', error))
        errors = self.assertInvalid(definition, {'n': 21}, ('n', 'too_large'))
        self.assertEqual(errors[0].params, {'field': 'N', 'max': '20'})

    def test_number_decimal(self):
        "Decimal numbers are cleaned as strings"
        definition = form(field('n', 'number', digits=2, min='0.5'))
        for value, result in [
                ('1.5', '1.50'), (2, '2.00'), (0.5, '0.50'),
                ('1234567.89', '1234567.89')]:
            with self.subTest(value=value):
                self.assertValid(definition, {'n': value}, {'n': result})
        errors = self.assertInvalid(
            definition, {'n': '1.234'}, ('n', 'too_many_decimals'))
        self.assertEqual(errors[0].params['digits'], '2')
        errors = self.assertInvalid(
            definition, {'n': '0.49'}, ('n', 'too_small'))
        self.assertEqual(errors[0].params['min'], '0.5')

    def test_date(self):
        "Dates in ISO or Vietnamese format"
        definition = form(
            field('d', 'date'),
            field('p', 'date', past=True),
            field('r', 'date', min='2020-01-01', max='2020-12-31'))
        for value in [
                '2026-12-31', '31/12/2026', dt.date(2026, 12, 31),
                dt.datetime(2026, 12, 31, 10, 30), ' 31/12/2026 ']:
            with self.subTest(value=value):
                self.assertValid(definition, {'d': value},
                    {'d': '2026-12-31'})
        self.assertValid(definition, {'d': '1/2/2020'}, {'d': '2020-02-01'})
        self.assertValid(definition, {'p': TODAY}, {'p': '2026-03-15'})
        for value in [
                '2026-02-30', '30/02/2026', '2026/01/01', '01-01-2026',
                'hôm nay', 20260101, '', ]:
            with self.subTest(value=value):
                if value == '':
                    self.assertValid(definition, {'d': value}, {})
                else:
                    self.assertInvalid(
                        definition, {'d': value}, ('d', 'invalid_date'))
        self.assertInvalid(definition, {'p': '16/03/2026'},
            ('p', 'date_in_future'))
        errors = self.assertInvalid(definition, {'r': '2019-12-31'},
            ('r', 'date_too_early'))
        self.assertEqual(errors[0].params, {'field': 'R', 'min': '01/01/2020'})
        errors = self.assertInvalid(definition, {'r': '2021-01-01'},
            ('r', 'date_too_late'))
        self.assertEqual(errors[0].params, {'field': 'R', 'max': '31/12/2020'})

    def test_boolean(self):
        "Booleans: false is a value"
        definition = form(field('b', 'boolean', required=True))
        self.assertValid(definition, {'b': False}, {'b': False})
        self.assertValid(definition, {'b': True}, {'b': True})
        self.assertInvalid(definition, {}, ('b', 'required'))
        self.assertInvalid(definition, {'b': 'true'}, ('b', 'invalid_value'))
        self.assertInvalid(definition, {'b': 1}, ('b', 'invalid_value'))

    def test_selection(self):
        "Selection values are among the options"
        definition = form(BIRTH['fields'][7])
        self.assertValid(definition, {'gioi_tinh': 'nu'}, {'gioi_tinh': 'nu'})
        for value in ['Nữ', 'NU', 1, ['nu']]:
            with self.subTest(value=value):
                errors = self.assertInvalid(definition, {'gioi_tinh': value},
                    ('gioi_tinh', 'invalid_choice'))
                self.assertEqual(errors[0].params['field'], "Giới tính")

    def test_address(self):
        "Address with a ward of its province"
        definition = form(field('a', 'address', required=True))
        self.assertValid(definition,
            {'a': {'province': DONG_NAI, 'ward': str(BIEN_HOA)}},
            {'a': {'province': DONG_NAI, 'ward': BIEN_HOA, 'street': ''}})
        self.assertInvalid(definition,
            {'a': {'province': None, 'ward': '', 'street': ' '}},
            ('a', 'required'))
        for value in [
                {'province': DONG_NAI, 'ward': HOAN_KIEM},
                {'province': 1, 'ward': BIEN_HOA},
                {'province': 999, 'ward': BIEN_HOA},
                {'province': DONG_NAI},
                {'ward': BIEN_HOA},
                {'province': DONG_NAI, 'ward': 'Biên Hòa'},
                {'province': True, 'ward': BIEN_HOA},
                {'province': DONG_NAI, 'ward': BIEN_HOA, 'house': '1'},
                ]:
            with self.subTest(value=value):
                self.assertInvalid(
                    definition, {'a': value}, ('a', 'invalid_address'))
        self.assertInvalid(
            definition, {'a': 'Biên Hòa'}, ('a', 'invalid_value'))
        self.assertInvalid(definition,
            {'a': {'province': DONG_NAI, 'ward': BIEN_HOA, 'street': 1}},
            ('a', 'invalid_value'))
        self.assertInvalid(definition,
            {'a': {
                    'province': DONG_NAI, 'ward': BIEN_HOA,
                    'street': 'x' * 256}},
            ('a', 'too_long'))

    def test_address_restricted(self):
        "Address restricted to provinces and with a required street"
        definition = form(field('a', 'address', provinces=[DONG_NAI],
                street_required=True))
        self.assertValid(definition,
            {'a': {
                    'province': DONG_NAI, 'ward': BIEN_HOA,
                    'street': ' Tổ 1 '}},
            {'a': {'province': DONG_NAI, 'ward': BIEN_HOA, 'street': 'Tổ 1'}})
        self.assertInvalid(definition,
            {'a': {'province': DONG_NAI, 'ward': BIEN_HOA}},
            ('a', 'invalid_address'))
        self.assertInvalid(definition,
            {'a': {'province': 1, 'ward': HOAN_KIEM, 'street': 'Tổ 1'}},
            ('a', 'invalid_address'))

    def test_cccd_tax_phone_email(self):
        "Identifier fields"
        definition = form(
            field('c', 'cccd'), field('t', 'tax_code'), field('p', 'phone'),
            field('e', 'email'))
        self.assertValid(definition, {
                'c': '075 090 012 345', 't': '0300588569',
                'p': '0251.3822.123', 'e': ' a.b+c@Dong-Nai.gov.vn '}, {
                'c': '075090012345', 't': '0300588569',
                'p': '02513822123', 'e': 'a.b+c@dong-nai.gov.vn'})
        self.assertValid(definition, {'t': '075090012345'},
            {'t': '075090012345'})
        self.assertValid(definition, {'t': '0300588569001'},
            {'t': '0300588569-001'})
        errors = self.assertInvalid(definition, {
                'c': '003090012345', 't': '0300588568', 'p': '0612345678',
                'e': 'a@b'},
            ('c', 'invalid_cccd'), ('t', 'invalid_tax_code'),
            ('p', 'invalid_phone'), ('e', 'invalid_email'))
        self.assertEqual(errors[0].params, {'field': 'C'})
        for value in ['a', 'a@', '@b.vn', 'a b@c.vn', 'a..b@c.vn', 'a@b_c.vn',
                'a@b.c', 'a@-b.vn', 'x' * 65 + '@b.vn', 5]:
            with self.subTest(value=value):
                self.assertInvalid(definition, {'e': value},
                    ('e', 'invalid_email'))

    def test_cccd_future_birth(self):
        "A CCCD with a birth year after today is refused"
        definition = form(field('c', 'cccd'))
        self.assertInvalid(definition, {'c': '075227000001'},
            ('c', 'invalid_cccd'))
        cleaned, errors = validate(
            definition, {'c': '075227000001'}, today=dt.date(2027, 1, 1))
        self.assertEqual(errors, [])

    def test_group_repeatable(self):
        "Repeatable groups: list of items with min and max"
        base = {'ho_ten': 'A'}
        self.assertInvalid(BIRTH, dict(base, thanh_vien=[]),
            ('thanh_vien', 'too_few_items'))
        errors = self.assertInvalid(BIRTH,
            dict(base, thanh_vien=[{'ho_ten': str(i)} for i in range(4)]),
            ('thanh_vien', 'too_many_items'))
        self.assertEqual(errors[0].params, {
                'field': "Thành viên hộ", 'max': '3'})
        self.assertInvalid(BIRTH,
            dict(base, thanh_vien=[{'ho_ten': 'B'}, {}, 'x']),
            ('thanh_vien.1.ho_ten', 'required'),
            ('thanh_vien.2', 'invalid_value'))
        self.assertInvalid(BIRTH, dict(base, thanh_vien={'ho_ten': 'B'}),
            ('thanh_vien', 'invalid_value'))

    def test_group_required(self):
        "A required repeatable group needs one item"
        definition = form(field('g', 'group', repeatable=True, required=True,
                fields=[field('x', 'text')]))
        self.assertInvalid(definition, {}, ('g', 'required'))
        self.assertInvalid(definition, {'g': []}, ('g', 'required'))
        self.assertValid(definition, {'g': [{'x': 'a'}]},
            {'g': [{'x': 'a'}]})
        optional = form(field('g', 'group', repeatable=True,
                fields=[field('x', 'text')]))
        self.assertValid(optional, {'g': []}, {})

    def test_group_single(self):
        "Non repeatable groups: a dict"
        definition = form(
            field('g', 'group', fields=[
                    field('x', 'text', required=True),
                    field('n', 'group', fields=[
                            field('y', 'number', required=True)])]))
        self.assertValid(definition, {'g': {'x': 'a', 'n': {'y': 1}}},
            {'g': {'x': 'a', 'n': {'y': 1}}})
        self.assertInvalid(definition, {},
            ('g.x', 'required'), ('g.n.y', 'required'))
        self.assertInvalid(definition, {'g': [{'x': 'a'}]},
            ('g', 'invalid_value'))
        optional = form(field('g', 'group', fields=[field('x', 'text')]))
        self.assertValid(optional, {'g': {'x': ''}}, {})


class EformDisplayTestCase(unittest.TestCase):
    "Test display"

    def test_display(self):
        "Display lines of the cleaned data"
        data = {
            'ho_ten': 'NGUYỄN VĂN AN',
            'so_con': 2,
            'ngay_sinh': '05/09/1990',
            'da_ket_hon': False,
            'ten_vo_chong': 'hidden',
            'gioi_tinh': 'nu',
            'dia_chi': {
                'province': DONG_NAI, 'ward': BIEN_HOA,
                'street': '12 Đường 30/4'},
            'so_cccd': '075090012345',
            'thanh_vien': [
                {'ho_ten': 'Nguyễn Văn Bình', 'quan_he': 'con'},
                {'ho_ten': 'Lê Văn Cường', 'quan_he': 'khac',
                    'ghi_ro': 'Cháu'},
                ],
            }
        cleaned, errors = validate(BIRTH, data, today=TODAY)
        self.assertEqual(errors, [])
        lines = display(BIRTH, cleaned, yes_no=('Có', 'Không'))
        self.assertEqual(lines, [
                ("Thông tin người được khai sinh", None),
                ("Họ và tên", 'NGUYỄN VĂN AN'),
                ("Số con", '2'),
                ("Ngày sinh", '05/09/1990'),
                ("Đã kết hôn", 'Không'),
                ("Giới tính", "Nữ"),
                ("Địa chỉ", '12 Đường 30/4, Phường Biên Hòa, Đồng Nai'),
                ("Số CCCD", '075090012345'),
                ("Mã số thuế", ''),
                ("Điện thoại", ''),
                ("Thư điện tử", ''),
                ("Mô tả", ''),
                ("Thành viên hộ 1", None),
                ("Họ và tên", 'Nguyễn Văn Bình'),
                ("Quan hệ", 'Con'),
                ("Thành viên hộ 2", None),
                ("Họ và tên", 'Lê Văn Cường'),
                ("Quan hệ", 'Khác'),
                ("Ghi rõ", 'Cháu'),
                ])

    def test_display_values(self):
        "Display of each type"
        definition = form(
            field('b', 'boolean'),
            field('n', 'number', digits=2),
            field('a', 'address'),
            field('g', 'group', fields=[field('x', 'text')]),
            field('r', 'group', repeatable=True, fields=[field('x', 'text')]),
            field('s', 'selection', options=[{'value': 'x', 'label': 'X'}]),
            field('d', 'date'))
        lines = display(definition, {
                'b': True, 'n': '1234.50',
                'a': {'province': DONG_NAI, 'ward': BIEN_HOA, 'street': ''},
                'g': {'x': 'y'}, 's': 'old', 'd': 'garbage'})
        self.assertEqual(lines, [
                ('B', '✓'),
                ('N', '1234,50'),
                ('A', 'Phường Biên Hòa, Đồng Nai'),
                ('G', None),
                ('X', 'y'),
                ('R', ''),
                ('S', 'old'),
                ('D', 'garbage'),
                ])
        self.assertEqual(display(definition, {'b': False, 'n': '2.5'},
                decimal_point='.')[:2],
            [('B', '✗'), ('N', '2.50')])


class EformSchemaTestCase(unittest.TestCase):
    "Test schema"

    def test_schema(self):
        "The schema of the example form"
        result = schema(BIRTH)
        self.assertEqual(json.loads(json.dumps(result)), result)
        fields = {f['key']: f for f in result['fields']}
        self.assertEqual(list(fields), [f['key'] for f in BIRTH['fields']])
        self.assertEqual(fields['phan_1'], {
                'key': 'phan_1', 'type': 'heading',
                'label': "Thông tin người được khai sinh"})
        self.assertEqual(fields['ho_ten'], {
                'key': 'ho_ten', 'type': 'text', 'label': "Họ và tên",
                'help': "Ghi bằng chữ in hoa", 'required': True,
                'max_length': 20})
        self.assertEqual(fields['so_con'], {
                'key': 'so_con', 'type': 'number', 'label': "Số con",
                'required': False, 'digits': 0, 'min': 0, 'max': 20})
        self.assertTrue(fields['ngay_sinh']['past'])
        self.assertEqual(fields['ten_vo_chong']['condition'], {
                'field': 'da_ket_hon', 'value': True})
        self.assertEqual(fields['gioi_tinh']['options'], [
                {'value': 'nam', 'label': "Nam"},
                {'value': 'nu', 'label': "Nữ"}])
        address = fields['dia_chi']
        self.assertEqual(len(address['provinces']), 34)
        self.assertIn({'code': DONG_NAI, 'name': 'Đồng Nai'},
            address['provinces'])
        self.assertNotIn('wards', address)
        group = fields['thanh_vien']
        self.assertEqual(
            (group['repeatable'], group['min'], group['max']), (True, 1, 3))
        self.assertEqual([f['key'] for f in group['fields']],
            ['ho_ten', 'quan_he', 'ghi_ro', 'vo_chong'])

    def test_schema_single_province(self):
        "An address restricted to one province lists its wards"
        result = schema(form(field('a', 'address', provinces=[DONG_NAI])))
        address = result['fields'][0]
        self.assertEqual(address['provinces'],
            [{'code': DONG_NAI, 'name': 'Đồng Nai'}])
        self.assertIn({'code': BIEN_HOA, 'name': 'Phường Biên Hòa'},
            address['wards'])
        self.assertEqual(len(address['wards']), len(wards(DONG_NAI)))

    def test_schema_date(self):
        "Date limits are given in ISO format"
        result = schema(form(field('d', 'date', min='01/01/2020')))
        self.assertEqual(result['fields'][0]['min'], '2020-01-01')
        self.assertFalse(result['fields'][0]['past'])
