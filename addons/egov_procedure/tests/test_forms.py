# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Tests of the forms of the one-stop desk (PDF) and of the spreadsheets

The PDF are read back with pdfminer.six and the QR code of form 01 is
decoded with zxing-cpp from the page rasterised by pdftoppm."""
import datetime as dt
import glob
import io
import os
import shutil
import subprocess
import tempfile
import unittest

import openpyxl
import zxingcpp
from pdfminer.high_level import extract_pages, extract_text
from PIL import Image

from trytond.modules.egov_procedure import forms
from trytond.modules.egov_signature import fonts as signature_fonts

CODE = '000.20.23.H10-261005-0001'
LOOKUP_URL = (
    'https://dichvucong.binhphuoc.gov.vn/tra-cuu-ho-so?ma=' + CODE)
NAME = 'Nguyễn Thị Ánh Tuyết'
AGENCY = 'Ủy ban nhân dân phường Tân Phú'
PROCEDURE = 'Đăng ký khai sinh'
RECEIVED_AT = dt.datetime(2026, 10, 5, 8, 30)
DUE_AT = dt.datetime(2026, 10, 6, 16, 0)


def applicant():
    return {
        'name': NAME,
        'id_number': '070186001234',
        'tax_code': None,
        'address': ('Số 12, đường Hùng Vương, khu phố Tân Trà, phường Tân '
            'Phú, thành phố Đồng Xoài, tỉnh Bình Phước'),
        'phone': '0912 345 678',
        'email': 'anhtuyet@example.vn',
        }


def sample(number):
    "Return realistic data for the form number"
    data = {
        'parent_agency': 'UBND thành phố Đồng Xoài',
        'agency': AGENCY,
        'number': '125/PTN-UBND',
        'place': 'Đồng Xoài',
        'date': dt.date(2026, 10, 5),
        'signer_title': 'NGƯỜI TIẾP NHẬN HỒ SƠ',
        'signer_name': 'Trần Văn Bình',
        }
    if number == '01':
        del data['number']
        data.update({
                'code': CODE,
                'lookup_url': LOOKUP_URL,
                'applicant': applicant(),
                'submitter_name': 'Lê Văn Hùng',
                'procedure': PROCEDURE,
                'components': [{
                        'name': 'Tờ khai đăng ký khai sinh theo mẫu',
                        'kind': 'original',
                        'quantity': 1,
                        }, {
                        'name': 'Giấy chứng sinh',
                        'kind': 'Bản chính',
                        'quantity': 1,
                        }, {
                        'name': 'Giấy chứng nhận kết hôn của cha, mẹ',
                        'kind': 'certified_copy',
                        'quantity': 1,
                        }],
                'copies': 1,
                'legal_time': '01 ngày làm việc',
                'received_at': RECEIVED_AT,
                'due_at': DUE_AT,
                'return_place': 'Bộ phận Một cửa phường Tân Phú',
                'fees': [{
                        'name': 'Lệ phí đăng ký khai sinh',
                        'amount': 50000,
                        }],
                })
    elif number == '02':
        data.update({
                'code': CODE,
                'applicant': applicant(),
                'procedure': PROCEDURE,
                'received_at': RECEIVED_AT,
                'items': [
                    'Bổ sung bản sao chứng thực Giấy chứng nhận kết hôn',
                    'Ghi đầy đủ quê quán của người mẹ trong tờ khai',
                    ],
                'reason': 'Hồ sơ chưa đầy đủ thành phần theo quy định',
                'officer': 'Trần Văn Bình',
                'officer_phone': '0271 3879 123',
                'signer_title': 'NGƯỜI HƯỚNG DẪN',
                })
    elif number == '03':
        data.update({
                'code': CODE,
                'applicant': applicant(),
                'procedure': PROCEDURE,
                'legal_basis': 'Luật Hộ tịch năm 2014',
                'reasons': [
                    'Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban '
                    'nhân dân phường Tân Phú',
                    ],
                })
    elif number == '04':
        data.update({
                'code': CODE,
                'applicant': applicant(),
                'procedure': PROCEDURE,
                'received_at': RECEIVED_AT,
                'due_at': DUE_AT,
                'reason': 'Cần xác minh thông tin với cơ quan đăng ký cư trú',
                'new_due_at': dt.datetime(2026, 10, 9, 16, 0),
                'signer_title': 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH',
                'signer_name': 'Phạm Minh Quang',
                })
    elif number == '05':
        data.update({
                'code': CODE,
                'applicant': applicant(),
                'procedure': PROCEDURE,
                'received_at': RECEIVED_AT,
                'reason': 'Người yêu cầu rút hồ sơ để bổ sung giấy tờ',
                'requested_by_applicant': True,
                'request_date': dt.date(2026, 10, 6),
                'signer_title': 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH',
                'signer_name': 'Phạm Minh Quang',
                })
    elif number == '06':
        del data['number'], data['signer_title'], data['signer_name']
        data.update({
                'code': CODE,
                'applicant': applicant(),
                'procedure': PROCEDURE,
                'received_at': RECEIVED_AT,
                'due_at': DUE_AT,
                'handling_agency': 'Công chức Tư pháp - Hộ tịch',
                'rows': [{
                        'agency': 'Giao: Bộ phận Một cửa; Nhận: công chức '
                        'Tư pháp - Hộ tịch',
                        'from_name': 'Trần Văn Bình',
                        'to_name': 'Lê Thị Hoa',
                        'handed_at': dt.datetime(2026, 10, 5, 9, 15),
                        'result': 'early',
                        'note': '',
                        }, {
                        'agency': 'Giao: công chức Tư pháp - Hộ tịch; '
                        'Nhận: Chủ tịch UBND phường',
                        'from_name': 'Lê Thị Hoa',
                        'to_name': 'Phạm Minh Quang',
                        'handed_at': dt.datetime(2026, 10, 6, 10, 0),
                        'result': 'on_time',
                        'note': 'Ký số',
                        }],
                })
    elif number == '07':
        del data['number'], data['signer_title'], data['signer_name']
        data.update({
                'agency': 'Bộ phận Một cửa phường Tân Phú',
                'title_period': 'Tháng 10 năm 2026',
                'rows': [{
                        'code': CODE,
                        'procedure': PROCEDURE,
                        'applicant': NAME,
                        'address': 'Khu phố Tân Trà, phường Tân Phú',
                        'phone': '0912 345 678',
                        'received_at': RECEIVED_AT,
                        'due_at': DUE_AT,
                        'handed_to': 'Công chức Tư pháp - Hộ tịch',
                        'result_at': dt.datetime(2026, 10, 6, 10, 30),
                        'returned_at': dt.date(2026, 10, 6),
                        'note': '',
                        }],
                })
    return data


def pdf_text(pdf):
    "Return the text of the PDF with the white space collapsed"
    return ' '.join(extract_text(io.BytesIO(pdf)).split())


def pdf_pages(pdf):
    return len(list(extract_pages(io.BytesIO(pdf))))


class FormsTestCase(unittest.TestCase):
    "Test the PDF forms"

    def assertForm(self, number, data, texts):
        pdf = forms.render_form(number, data)
        self.assertTrue(pdf.startswith(b'%PDF-'))
        self.assertIn(b'/FontFile2', pdf)
        text = pdf_text(pdf)
        for expected in [
                'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
                'Độc lập - Tự do - Hạnh phúc',
                forms.FORM_TITLES[number],
                'ỦY BAN NHÂN DÂN PHƯỜNG TÂN PHÚ'
                if number != '07' else 'BỘ PHẬN MỘT CỬA PHƯỜNG TÂN PHÚ',
                'UBND THÀNH PHỐ ĐỒNG XOÀI',
                'Đồng Xoài, ngày 05 tháng 10 năm 2026',
                ] + texts:
            self.assertIn(expected, text)
        return pdf, text

    def test_form01(self):
        "Test the receipt and appointment slip"
        pdf, text = self.assertForm('01', sample('01'), [
                'Số: ' + CODE,
                NAME,
                '070186001234',
                'anhtuyet@example.vn',
                'Nội dung yêu cầu giải quyết: ' + PROCEDURE,
                '1. Thành phần hồ sơ nộp gồm:',
                'Tờ khai đăng ký khai sinh theo mẫu',
                'Bản sao chứng thực',
                '2. Số lượng hồ sơ: 01 bộ',
                '3. Thời gian giải quyết hồ sơ theo quy định là: '
                '01 ngày làm việc',
                '4. Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 05/10/2026',
                '5. Thời gian trả kết quả giải quyết hồ sơ: '
                '16 giờ 00 phút, ngày 06/10/2026',
                '6. Đăng ký nhận kết quả tại: Bộ phận Một cửa phường Tân Phú',
                'Lệ phí đăng ký khai sinh: 50.000 đồng',
                'NGƯỜI NỘP HỒ SƠ',
                'NGƯỜI TIẾP NHẬN HỒ SƠ',
                '(Ký và ghi rõ họ tên)',
                'Lê Văn Hùng',
                'Trần Văn Bình',
                ])
        self.assertEqual(pdf_pages(pdf), 1)

    def test_form01_qr_code(self):
        "Test the QR code of the receipt decodes as the lookup URL"
        # make test installs poppler-utils: its absence is a failure
        self.assertTrue(shutil.which('pdftoppm'),
            'pdftoppm (poppler-utils) is missing')
        pdf = forms.form01(sample('01'))
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'form01.pdf')
            with open(path, 'wb') as file:
                file.write(pdf)
            subprocess.run(['pdftoppm', '-r', '200', '-png', '-f', '1',
                    '-l', '1', path, os.path.join(directory, 'page')],
                check=True)
            page, = glob.glob(os.path.join(directory, 'page*.png'))
            with Image.open(page) as image:
                barcodes = zxingcpp.read_barcodes(image)
        self.assertEqual(
            [b.text for b in barcodes
                if b.format == zxingcpp.BarcodeFormat.QRCode],
            [LOOKUP_URL])

    def test_form01_minimal(self):
        "Test the receipt without the optional values"
        data = {
            'agency': AGENCY,
            'code': 'H10-0001',
            'applicant': {'name': 'Công ty TNHH A & B <Việt Nam>',
                'tax_code': '3801234567'},
            'procedure': PROCEDURE,
            }
        text = pdf_text(forms.render_form('1', data))
        self.assertIn('Công ty TNHH A & B <Việt Nam>', text)
        self.assertIn('Mã số thuế: 3801234567', text)
        self.assertIn('7. Phí, lệ phí: Không', text)
        self.assertIn('ngày ...... tháng ...... năm ......', text)
        self.assertNotIn('UBND', text)

    def test_form01_fees(self):
        "Test the receipt with several fees and many components"
        data = sample('01')
        data['fees'] = [
            {'name': 'Lệ phí đăng ký khai sinh', 'amount': 50000},
            {'name': 'Phí cấp bản sao trích lục', 'amount': 1250000},
            ]
        data['components'] = data['components'] * 12
        pdf = forms.form01(data)
        text = pdf_text(pdf)
        self.assertIn('Phí cấp bản sao trích lục: 1.250.000 đồng', text)
        self.assertIn('Tổng cộng: 1.300.000 đồng', text)
        self.assertGreater(pdf_pages(pdf), 1)

    def test_form02(self):
        "Test the request to supplement"
        self.assertForm('02', sample('02'), [
                'Số: 125/PTN-UBND',
                'Mã hồ sơ: ' + CODE,
                'Hồ sơ của: ' + NAME,
                'Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:',
                '1. Bổ sung bản sao chứng thực Giấy chứng nhận kết hôn',
                'Lý do: Hồ sơ chưa đầy đủ thành phần theo quy định',
                '0271 3879 123',
                'ngày 05/10/2026',
                'NGƯỜI HƯỚNG DẪN',
                ])

    def test_form03(self):
        "Test the refusal"
        self.assertForm('03', sample('03'), [
                'Mã hồ sơ: ' + CODE,
                NAME,
                'Căn cứ quy định tại Luật Hộ tịch năm 2014',
                'từ chối tiếp nhận, giải quyết hồ sơ này vì lý do sau:',
                '1. Hồ sơ không thuộc thẩm quyền giải quyết',
                ])

    def test_form04(self):
        "Test the apology and new date"
        self.assertForm('04', sample('04'), [
                'Kính gửi: ' + NAME,
                CODE,
                '16 giờ 00 phút, ngày 06/10/2026',
                '16 giờ 00 phút, ngày 09/10/2026',
                'Cần xác minh thông tin với cơ quan đăng ký cư trú',
                'TM. ỦY BAN NHÂN DÂN CHỦ TỊCH',
                'Phạm Minh Quang',
                'Nơi nhận:',
                '- Như trên;',
                '- Lưu: VT.',
                ])

    def test_form05(self):
        "Test the stop of processing"
        data = sample('05')
        self.assertForm('05', data, [
                'Kính gửi: ' + NAME,
                CODE,
                'Theo đề nghị dừng giải quyết hồ sơ của Ông/Bà/Tổ chức '
                'ngày 06/10/2026',
                'Ngày 05/10/2026, Ủy ban nhân dân phường Tân Phú tiếp nhận',
                ])
        data.update(requested_by_applicant=False,
            reason='Hồ sơ giả mạo giấy tờ')
        text = pdf_text(forms.form05(data))
        self.assertIn('Lý do: Hồ sơ giả mạo giấy tờ', text)
        self.assertNotIn('Theo đề nghị', text)

    def test_form06(self):
        "Test the control sheet"
        self.assertForm('06', sample('06'), [
                'Mã hồ sơ: ' + CODE,
                NAME,
                'THỜI GIAN GIAO, NHẬN HỒ SƠ',
                'Người giao',
                'Người nhận',
                '16 giờ 00 phút, ngày 06/10/2026',
                '09 giờ 15 phút',
                'Lê Thị Hoa',
                'Trước hạn',
                'Đúng hạn',
                ])

    def test_form07(self):
        "Test the tracking register"
        data = sample('07')
        pdf, text = self.assertForm('07', data, [
                'Tháng 10 năm 2026',
                # The code is split at a hyphen to fit its column
                '000.20.23.H10- 261005-0001',
                NAME,
                '05/10/2026 08:30',
                '06/10/2026 16:00',
                'Công chức Tư pháp - Hộ tịch',
                ])
        self.assertEqual(pdf_pages(pdf), 1)
        data['rows'] = data['rows'] * 40
        pdf = forms.form07(data)
        self.assertGreater(pdf_pages(pdf), 1)
        # The header row is repeated on each page
        self.assertEqual(pdf_text(pdf).count('Ngày hẹn trả kết quả'),
            pdf_pages(pdf))

    def test_render_form_unknown(self):
        "Test rendering an unknown form"
        with self.assertRaises(ValueError):
            forms.render_form('08', {})

    def test_place_date(self):
        "Test the place and date as Decree 30/2020/NĐ-CP writes them"
        self.assertEqual(forms._place_date('Đồng Xoài', dt.date(2026, 1, 5)),
            'Đồng Xoài, ngày 05 tháng 01 năm 2026')
        self.assertEqual(forms._place_date('Đồng Xoài', dt.date(2026, 3, 9)),
            'Đồng Xoài, ngày 09 tháng 3 năm 2026')
        self.assertEqual(
            forms._place_date('Đồng Xoài', dt.date(2026, 12, 25)),
            'Đồng Xoài, ngày 25 tháng 12 năm 2026')

    def test_money(self):
        "Test the amounts in VND"
        self.assertEqual(forms._money(50000), '50.000 đồng')
        self.assertEqual(forms._money(1250000), '1.250.000 đồng')
        self.assertEqual(forms._money(0), '0 đồng')

    def test_font_variant(self):
        "Test the lookup of the bold and italic faces"
        with tempfile.TemporaryDirectory() as directory:
            def touch(name):
                path = os.path.join(directory, name)
                open(path, 'wb').close()
                return path
            regular = touch('LiberationSerif-Regular.ttf')
            bold = touch('LiberationSerif-Bold.ttf')
            self.assertEqual(signature_fonts._variant(regular, 'Bold'), bold)
            self.assertIsNone(signature_fonts._variant(regular, 'Italic'))
            regular = touch('DejaVuSerif.ttf')
            italic = touch('DejaVuSerif-Italic.ttf')
            bold_italic = touch('DejaVuSerif-BoldItalic.ttf')
            self.assertEqual(
                signature_fonts._variant(regular, 'Italic'), italic)
            self.assertEqual(
                signature_fonts._variant(regular, 'BoldItalic'), bold_italic)

    def test_fonts(self):
        "Test the fonts are registered once"
        faces = forms.fonts()
        self.assertIs(forms.fonts(), faces)
        self.assertEqual(
            set(faces), {'normal', 'bold', 'italic', 'boldItalic'})


class SpreadsheetTestCase(unittest.TestCase):
    "Test the spreadsheets"

    columns = [
        ('code', 'Mã hồ sơ', 'text'),
        ('applicant', 'Người nộp', 'text'),
        ('received', 'Ngày nhận', 'date'),
        ('due', 'Hẹn trả', 'datetime'),
        ('copies', 'Số bộ', 'int'),
        ]

    def load(self, content):
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        return workbook.active

    def test_register(self):
        "Test the register"
        rows = [{
                'code': CODE,
                'applicant': NAME,
                'received': dt.date(2026, 10, 5),
                'due': DUE_AT,
                'copies': 2,
                }, [
                'H10-0002', 'Trần Văn Bình', RECEIVED_AT, None, 1,
                ]]
        sheet = self.load(forms.register_xlsx(
                'Sổ theo dõi hồ sơ: tháng 10/2026', self.columns, rows))
        self.assertEqual(sheet.title, 'Sổ theo dõi hồ sơ tháng 102026')
        self.assertEqual(sheet['A1'].value, 'Sổ theo dõi hồ sơ: tháng 10/2026')
        self.assertEqual([c.value for c in sheet[3]],
            ['Mã hồ sơ', 'Người nộp', 'Ngày nhận', 'Hẹn trả', 'Số bộ'])
        self.assertTrue(sheet['A3'].font.b)
        self.assertEqual(sheet['A4'].value, CODE)
        self.assertEqual(sheet['B4'].value, NAME)
        self.assertEqual(sheet['C4'].value, dt.datetime(2026, 10, 5))
        self.assertTrue(sheet['C4'].is_date)
        self.assertEqual(sheet['C4'].number_format, 'dd/mm/yyyy')
        self.assertEqual(sheet['C5'].value, dt.datetime(2026, 10, 5))
        self.assertEqual(sheet['D4'].value, DUE_AT)
        self.assertEqual(sheet['D4'].number_format, 'dd/mm/yyyy hh:mm')
        self.assertIsNone(sheet['D5'].value)
        self.assertEqual(sheet['E4'].value, 2)
        self.assertIsInstance(sheet['E4'].value, int)
        self.assertEqual(sheet.freeze_panes, 'A4')
        self.assertEqual(sheet.auto_filter.ref, 'A3:E5')
        self.assertGreater(sheet.column_dimensions['B'].width, len(NAME))

    def test_statistics(self):
        "Test the statistics with totals"
        columns = [
            ('agency', 'Cơ quan', 'text'),
            ('received', 'Tiếp nhận', 'int'),
            ('on_time', 'Đúng hạn', 'int'),
            ('rate', 'Tỷ lệ đúng hạn', 'percent'),
            ]
        rows = [
            {'agency': AGENCY, 'received': 120, 'on_time': 114,
                'rate': 0.95},
            {'agency': 'Ủy ban nhân dân phường Tân Bình', 'received': 80,
                'on_time': 80, 'rate': 1.0},
            ]
        totals = {'received': 200, 'on_time': 194, 'rate': 0.97}
        sheet = self.load(forms.statistics_xlsx(
                'Thống kê quý IV năm 2026', columns, rows, totals=totals))
        self.assertEqual([c.value for c in sheet[3]],
            ['Cơ quan', 'Tiếp nhận', 'Đúng hạn', 'Tỷ lệ đúng hạn'])
        self.assertEqual(sheet['B4'].value, 120)
        self.assertEqual(sheet['D4'].value, 0.95)
        self.assertEqual(sheet['D4'].number_format, '0.0%')
        self.assertEqual(sheet['A6'].value, 'Tổng cộng')
        self.assertTrue(sheet['A6'].font.b)
        self.assertEqual(sheet['B6'].value, 200)
        self.assertEqual(sheet.auto_filter.ref, 'A3:D5')
        self.assertEqual(sheet.freeze_panes, 'A4')
