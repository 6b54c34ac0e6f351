# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Tests of the parser of the catalog of administrative procedures."""
import csv
import io
import json
import os
import random
import unicodedata
import unittest
import zipfile
from decimal import Decimal

import openpyxl

from trytond.modules.egov_procedure.catalog import (
    KEYS, MAX_ERRORS, CatalogError, parse_catalog)

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'data')
JSON_SAMPLE = os.path.join(DATA, 'procedures_sample.json')
CSV_SAMPLE = os.path.join(DATA, 'procedures_sample.csv')

FORMAT = 'egov_procedure.msg_catalog_format'
ENCODING = 'egov_procedure.msg_catalog_encoding'
MISSING_COLUMN = 'egov_procedure.msg_catalog_missing_column'
DUPLICATE_COLUMN = 'egov_procedure.msg_catalog_duplicate_column'
REQUIRED = 'egov_procedure.msg_catalog_required'
INVALID_CODE = 'egov_procedure.msg_catalog_invalid_code'
DUPLICATE_CODE = 'egov_procedure.msg_catalog_duplicate_code'
INVALID_DEADLINE = 'egov_procedure.msg_catalog_invalid_deadline'
INVALID_AMOUNT = 'egov_procedure.msg_catalog_invalid_amount'
INVALID_VALUE = 'egov_procedure.msg_catalog_invalid_value'
EMPTY = 'egov_procedure.msg_catalog_empty'


def read(path):
    with open(path, 'rb') as file:
        return file.read()


def sample_rows():
    "Return the header and the rows of the CSV sample"
    text = read(CSV_SAMPLE).decode('utf-8-sig')
    rows = list(csv.reader(io.StringIO(text, newline='')))
    return rows[0], rows[1:]


def to_csv(header, rows, delimiter=','):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator='\r\n')
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode('utf-8')


class CatalogTestCase(unittest.TestCase):
    "Test the catalog parser"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.procedures = parse_catalog(read(JSON_SAMPLE), 'sample.json')
        cls.by_code = {p['code']: p for p in cls.procedures}

    def assertErrors(self, data, filename, expected):
        "Parse data and check the (row, msg_id) of the errors"
        with self.assertRaises(CatalogError) as context:
            parse_catalog(data, filename)
        errors = context.exception.errors
        self.assertEqual(
            sorted((r, m) for r, _, m, _ in errors),
            sorted(expected), msg=errors)
        for error in errors:
            self.assertEqual(len(error), 4)
            self.assertIsInstance(error[3], dict)
        return errors

    def column(self, header, heading):
        return header.index(heading)

    # -- the sample ---------------------------------------------------------

    def test_json_sample(self):
        "The JSON sample holds at least 22 real procedures of all levels"
        self.assertGreaterEqual(len(self.procedures), 22)
        codes = [p['code'] for p in self.procedures]
        self.assertEqual(len(codes), len(set(codes)))
        levels = {level for p in self.procedures for level in p['levels']}
        self.assertTrue({'province', 'district', 'commune'} <= levels)
        for procedure in self.procedures:
            self.assertEqual(set(procedure), set(KEYS))
            self.assertRegex(procedure['code'], r'^\d\.\d{6}$')
            self.assertIsInstance(procedure['deadline'], Decimal)
            self.assertGreaterEqual(procedure['deadline'], 0)
            self.assertTrue(procedure['name'])
            self.assertTrue(procedure['field_name'])
            self.assertTrue(procedure['deciding_act'])
            self.assertTrue(procedure['components'])
            self.assertTrue(procedure['legal_bases'])
            for fee in procedure['fees']:
                self.assertIsInstance(fee['amount'], int)
                self.assertGreaterEqual(fee['amount'], 0)

    def test_json_sample_birth_registration(self):
        "Birth registration is free and done in the day"
        birth = self.by_code['1.001193']
        self.assertEqual(birth['name'], 'Thủ tục đăng ký khai sinh')
        self.assertEqual(birth['levels'], ['commune'])
        self.assertEqual(birth['deadline'], Decimal(0))
        self.assertEqual(birth['deadline_unit'], 'working_day')
        self.assertEqual(birth['cutoff'], '15:00')
        self.assertEqual([f['amount'] for f in birth['fees']], [0])
        self.assertIn('Hộ tịch', birth['field_name'])
        cases = {c['case'] for c in birth['components']}
        self.assertIn('', cases)
        self.assertIn('Trẻ em bị bỏ rơi', cases)
        self.assertIn('60/2014/QH13',
            [b['number'] for b in birth['legal_bases']])

    def test_json_sample_certification_fee(self):
        "Certification of copies costs 2.000 dong per page"
        copy = self.by_code['2.000815']
        self.assertEqual(copy['fees'][0]['amount'], 2000)
        self.assertEqual(copy['channels'], ['direct'])

    def test_csv_sample(self):
        "The CSV sample gives the same values as the JSON sample"
        procedures = parse_catalog(read(CSV_SAMPLE), 'sample.csv')
        self.assertGreaterEqual(len(procedures), 5)
        for procedure in procedures:
            self.assertEqual(procedure, self.by_code[procedure['code']])

    def test_csv_semicolon_and_tab(self):
        "The delimiter of the CSV is sniffed"
        header, rows = sample_rows()
        for delimiter in (';', '\t'):
            data = to_csv(header, rows[:3], delimiter=delimiter)
            procedures = parse_catalog(data, 'catalog.txt')
            self.assertEqual(
                [p['code'] for p in procedures], [r[0] for r in rows[:3]])

    def test_english_keys(self):
        "The English keys are accepted as CSV headings"
        header, rows = sample_rows()
        english = ['code', 'name', 'deciding_act', 'levels', 'type',
            'field_name', 'subjects', 'competent_agency',
            'performing_agency', 'authorised_agency', 'cooperating_agency',
            'submission_place', 'steps', 'channels', 'deadline', 'fees',
            'components', 'legal_bases', 'conditions', 'results',
            'online_level', 'keywords']
        self.assertEqual(len(english), len(header))
        procedures = parse_catalog(to_csv(english, rows[:2]), 'en.csv')
        for procedure in procedures:
            self.assertEqual(procedure, self.by_code[procedure['code']])

    def test_headings_without_diacritics(self):
        "Headings are matched ignoring case and diacritics"
        header, rows = sample_rows()
        plain = []
        for heading in header:
            heading = heading.replace('đ', 'd').replace('Đ', 'D')
            plain.append(unicodedata.normalize('NFD', heading).encode(
                    'ascii', 'ignore').decode().upper())
        procedures = parse_catalog(to_csv(plain, rows[:1]), 'plain.csv')
        self.assertEqual(procedures[0], self.by_code[rows[0][0]])

    def test_xlsx(self):
        "An XLSX with Vietnamese headings and a title row is parsed"
        header, rows = sample_rows()
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(['DANH MỤC THỦ TỤC HÀNH CHÍNH'])
        sheet.append(header)
        for row in rows[:4]:
            sheet.append(row)
        # a code typed as a number
        sheet.cell(row=3, column=1, value=float(rows[0][0]))
        buffer = io.BytesIO()
        workbook.save(buffer)
        procedures = parse_catalog(buffer.getvalue(), 'export.bin')
        self.assertEqual(len(procedures), 4)
        for procedure in procedures:
            self.assertEqual(procedure, self.by_code[procedure['code']])

    def test_xlsx_errors_rows(self):
        "The errors of an XLSX name the rows of the sheet"
        header, rows = sample_rows()
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(header)
        for row in rows[:3]:
            sheet.append(row)
        sheet.cell(row=3, column=1, value='1.0012')
        buffer = io.BytesIO()
        workbook.save(buffer)
        self.assertErrors(buffer.getvalue(), 'export.xlsx',
            [(3, INVALID_CODE)])

    def test_json_object_with_procedures(self):
        "A JSON object holding a list of procedures is accepted"
        content = json.loads(read(JSON_SAMPLE).decode('utf-8'))
        data = json.dumps({'procedures': content[:2]}, ensure_ascii=False)
        procedures = parse_catalog(
            b'\xef\xbb\xbf\n ' + data.encode('utf-8'), 'catalog.csv')
        self.assertEqual(procedures, self.procedures[:2])

    def test_json_vietnamese_keys_and_cells(self):
        "JSON accepts Vietnamese keys and the cell syntax of CSV"
        procedures = parse_catalog(json.dumps([{
                        'Mã thủ tục': '1.004873',
                        'Tên thủ tục': (
                            'Thủ tục cấp Giấy xác nhận tình trạng hôn nhân'),
                        'Lĩnh vực': 'Hộ tịch',
                        'Cấp thực hiện': 'Cấp Xã',
                        'Đối tượng thực hiện': (
                            'Công dân Việt Nam, Người Việt Nam định cư '
                            'ở nước ngoài'),
                        'Cách thức thực hiện': 'Trực tuyến\nTrực tiếp',
                        'Thời hạn giải quyết': '03 ngày làm việc',
                        'Thành phần hồ sơ': (
                            'Tờ khai cấp Giấy xác nhận tình trạng hôn nhân'
                            ' | | 1 | 0 | bắt buộc'),
                        'Mức độ': 'Toàn trình',
                        }]).encode('utf-8'), 'x.json')
        procedure, = procedures
        self.assertEqual(procedure['levels'], ['commune'])
        self.assertEqual(procedure['subjects'], ['citizen'])
        self.assertEqual(procedure['channels'], ['online', 'direct'])
        self.assertEqual(procedure['deadline'], Decimal(3))
        self.assertEqual(procedure['deadline_unit'], 'working_day')
        self.assertEqual(procedure['online_level'], 'full')
        self.assertEqual(procedure['components'][0]['originals'], 1)
        self.assertEqual(procedure['type'], 'administrative')

    def test_deadline_texts(self):
        "The deadline is parsed from the texts of the portal"
        header, rows = sample_rows()
        index = self.column(header, 'Thời hạn giải quyết')
        for text, deadline, unit, cutoff in [
                ('05 ngày làm việc', Decimal(5), 'working_day', None),
                ('Trong ngày', Decimal(0), 'working_day', '15:00'),
                ('03 ngày', Decimal(3), 'calendar_day', None),
                ('8 giờ làm việc', Decimal(8), 'working_hour', None),
                ('1,5 ngày làm việc', Decimal('1.5'), 'working_day', None),
                ('Trong thời hạn 15 ngày kể từ ngày nhận đủ hồ sơ',
                    Decimal(15), 'calendar_day', None),
                ]:
            row = list(rows[0])
            row[index] = text
            procedure, = parse_catalog(to_csv(header, [row]), 'd.csv')
            self.assertEqual(
                (procedure['deadline'], procedure['deadline_unit'],
                    procedure['cutoff']),
                (deadline, unit, cutoff), msg=text)

    # -- malformed files ----------------------------------------------------

    def test_not_a_catalog(self):
        "Random bytes, a PNG or a zip are not a catalog"
        noise = random.Random(42).randbytes(2048)
        png = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10'
            b'\x00\x00\x00\x10\x08\x02\x00\x00\x00\x90\x91h6')
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, 'w') as file:
            file.writestr('readme.txt', 'not a workbook')
        for data, filename in [
                (noise, 'catalog.csv'),
                (png, 'catalog.xlsx'),
                (archive.getvalue(), 'catalog.xlsx'),
                (b'[{"code": "1.001193",', 'catalog.json'),
                ]:
            errors = self.assertErrors(data, filename, [(None, FORMAT)])
            self.assertEqual(errors[0][3]['filename'], filename)

    def test_empty(self):
        "An empty file or a file without rows is empty"
        header, _ = sample_rows()
        for data in [b'', b'  \r\n', b'\xef\xbb\xbf', b'[]',
                to_csv(header, [])]:
            self.assertErrors(data, 'empty.csv', [(None, EMPTY)])

    def test_encoding(self):
        "A CSV not in UTF-8 is refused"
        header, rows = sample_rows()
        text = to_csv(header, rows[:2]).decode('utf-8')
        # windows-1258 keeps some diacritics as combining marks
        cp1258 = unicodedata.normalize('NFD', text).encode(
            'cp1258', errors='replace')
        latin1 = 'Mã thủ tục,Tên thủ tục\r\n1.001193,Café\r\n'.encode(
            'latin-1', errors='replace')
        for data in (cp1258, latin1):
            errors = self.assertErrors(data, 'win.csv', [(None, ENCODING)])
            self.assertIn('position', errors[0][3])

    def test_missing_column(self):
        "A missing required column is reported on the header row"
        header, rows = sample_rows()
        index = self.column(header, 'Thời hạn giải quyết')
        header = header[:index] + header[index + 1:]
        rows = [r[:index] + r[index + 1:] for r in rows[:3]]
        errors = self.assertErrors(to_csv(header, rows), 'c.csv',
            [(1, MISSING_COLUMN)])
        self.assertEqual(errors[0][3], {'column': 'Thời hạn giải quyết'})

    def test_duplicate_column(self):
        "Two columns for the same field are refused"
        header, rows = sample_rows()
        header = header + ['code']
        rows = [r + [r[0]] for r in rows[:2]]
        self.assertErrors(to_csv(header, rows), 'c.csv',
            [(1, DUPLICATE_COLUMN)])

    def test_bad_code(self):
        "A code out of the pattern is reported on its row"
        header, rows = sample_rows()
        rows = [list(r) for r in rows[:3]]
        rows[1][0] = '1.00119'
        errors = self.assertErrors(to_csv(header, rows), 'c.csv',
            [(3, INVALID_CODE)])
        self.assertEqual(errors[0][1], 'Mã thủ tục')
        self.assertEqual(errors[0][3], {'value': '1.00119'})

    def test_duplicate_code(self):
        "A code given twice is reported on the second row"
        header, rows = sample_rows()
        rows = [list(r) for r in rows[:3]] + [list(rows[0])]
        errors = self.assertErrors(to_csv(header, rows), 'c.csv',
            [(5, DUPLICATE_CODE)])
        self.assertEqual(errors[0][3],
            {'code': rows[0][0], 'first_row': 2})

    def test_bad_deadline(self):
        "A deadline that is not a duration is reported"
        header, rows = sample_rows()
        index = self.column(header, 'Thời hạn giải quyết')
        rows = [list(r) for r in rows[:3]]
        rows[0][index] = 'theo quy định'
        rows[2][index] = '-3 ngày làm việc'
        self.assertErrors(to_csv(header, rows), 'c.csv',
            [(2, INVALID_DEADLINE), (4, INVALID_DEADLINE)])

    def test_negative_fee(self):
        "A negative fee is reported"
        header, rows = sample_rows()
        index = self.column(header, 'Phí, lệ phí')
        rows = [list(r) for r in rows[:3]]
        rows[1][index] = 'Lệ phí đăng ký kết hôn | -10.000'
        errors = self.assertErrors(to_csv(header, rows), 'c.csv',
            [(3, INVALID_AMOUNT)])
        self.assertEqual(errors[0][3], {'value': '-10.000'})

    def test_required_value(self):
        "A required cell left empty is reported"
        header, rows = sample_rows()
        index = self.column(header, 'Tên thủ tục')
        rows = [list(r) for r in rows[:2]]
        rows[1][index] = ' '
        self.assertErrors(to_csv(header, rows), 'c.csv', [(3, REQUIRED)])

    def test_invalid_values(self):
        "Unknown levels, subjects, flags and dates are reported"
        header, rows = sample_rows()
        row = list(rows[0])
        row[self.column(header, 'Cấp thực hiện')] = 'Cấp Thôn'
        row[self.column(header, 'Đối tượng thực hiện')] = 'Ai cũng được'
        row[self.column(header, 'Thành phần hồ sơ')] = (
            'Tờ khai | | một | 0 | có lẽ')
        row[self.column(header, 'Căn cứ pháp lý')] = (
            '60/2014/QH13 | Luật Hộ tịch | 31/02/2014 | Quốc hội')
        errors = self.assertErrors(to_csv(header, [row]), 'c.csv',
            [(2, INVALID_VALUE)] * 5)
        values = {e[3]['value'] for e in errors}
        self.assertEqual(values,
            {'Cấp Thôn', 'Ai cũng được', 'một', 'có lẽ', '31/02/2014'})

    def test_two_bad_rows_of_five(self):
        "All the bad rows of a file are reported, not only the first"
        header, rows = sample_rows()
        rows = [list(r) for r in rows[:5]]
        rows[1][0] = 'TTHC-01'
        rows[3][self.column(header, 'Phí, lệ phí')] = 'Lệ phí | mười nghìn'
        self.assertErrors(to_csv(header, rows), 'c.csv',
            [(3, INVALID_CODE), (5, INVALID_AMOUNT)])

    def test_json_errors(self):
        "The errors of JSON name the index of the object and the key"
        content = json.loads(read(JSON_SAMPLE).decode('utf-8'))[:3]
        del content[0]['deadline']
        content[2]['fees'][0]['amount'] = -1
        content[2]['levels'] = ['galaxy']
        errors = self.assertErrors(
            json.dumps(content, ensure_ascii=False).encode('utf-8'),
            'c.json', [(1, MISSING_COLUMN), (3, INVALID_AMOUNT),
                (3, INVALID_VALUE)])
        self.assertIn((1, 'deadline'), [(e[0], e[1]) for e in errors])

    def test_error_cap(self):
        "At most MAX_ERRORS errors are collected"
        header, rows = sample_rows()
        row = list(rows[0])
        bad = []
        for number in range(MAX_ERRORS + 200):
            row = list(row)
            row[0] = 'x%d' % number
            bad.append(row)
        with self.assertRaises(CatalogError) as context:
            parse_catalog(to_csv(header, bad), 'big.csv')
        self.assertEqual(len(context.exception.errors), MAX_ERRORS)
        self.assertEqual(context.exception.errors[0][0], 2)


def load_tests(loader, tests, pattern):
    return loader.loadTestsFromTestCase(CatalogTestCase)
