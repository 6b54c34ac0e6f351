# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The forms, registers and statistics of the demo dossiers, printed
through Tryton and read back (pdfminer.six, zxing-cpp, openpyxl)."""
import datetime as dt
import glob
import io
import os
import shutil
import subprocess
import tempfile

import openpyxl
import zxingcpp
from pdfminer.high_level import extract_text
from PIL import Image

from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.modules.egov_base.calendar import to_local
from trytond.modules.egov_base.tests.tools import as_user
from trytond.modules.egov_procedure.dossier import OPEN_STATES
from trytond.modules.egov_procedure.statistic import period_months
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .dossier_tests import CODE, DemoMixin

YEAR = {'from_date': dt.date(2026, 1, 1), 'to_date': dt.date(2026, 12, 31)}
FIGURES = ['received', 'processing', 'processing_overdue', 'finished',
    'early', 'on_time', 'late', 'online', 'rated', 'satisfied']


def pdf_text(pdf):
    "Return the text of the PDF with the white space collapsed"
    return ' '.join(extract_text(io.BytesIO(pdf)).split())


def qr_codes(pdf):
    "Return the texts of the QR codes of the first page"
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'form.pdf')
        with open(path, 'wb') as file:
            file.write(pdf)
        subprocess.run(['pdftoppm', '-r', '200', '-png', '-f', '1',
                '-l', '1', path, os.path.join(directory, 'page')],
            check=True)
        page, = glob.glob(os.path.join(directory, 'page*.png'))
        with Image.open(page) as image:
            barcodes = zxingcpp.read_barcodes(image)
    return [b.text for b in barcodes
        if b.format == zxingcpp.BarcodeFormat.QRCode]


def sheet_rows(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [[c.value for c in row] for row in workbook.active.iter_rows()]


class ReportTestMixin(DemoMixin):

    def execute(self, name, records, data=None):
        pool = Pool()
        Report = pool.get(name, type='report')
        return Report.execute([r.id for r in records], data or {})

    def print_pdf(self, name, dossier):
        kind, content, direct, filename = self.execute(name, [dossier])
        self.assertEqual(kind, 'pdf')
        self.assertTrue(content.startswith(b'%PDF-'))
        self.assertIn(dossier.code, filename)
        return pdf_text(content), content

    def assertDossierForm(self, text, dossier, *expected, agency=None):
        "The form names the dossier, its applicant and the issuing agency"
        self.assertIn(dossier.code, text)
        self.assertIn(dossier.applicant.name, text)
        self.assertIn((agency or dossier.company).rec_name.upper(),
            text.upper())
        for value in expected:
            if isinstance(value, dt.datetime):
                value = to_local(value).strftime('%d/%m/%Y')
            self.assertIn(value, text)

    @with_transaction()
    def test_dossier_forms(self):
        "The forms 01 to 06 of real dossiers"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.assertTrue(shutil.which('pdftoppm'),
            'pdftoppm (poppler-utils) is missing')
        self.setup_demo()
        city = self.agency['dongxoai']
        self.at(2026, 4, 24, 8, 0)
        dossier = self.at_specialist()

        with as_user('motcua.tanphu'):
            dossier = Dossier(dossier.id)
            text, pdf = self.print_pdf('egov.dossier.form01', dossier)
            self.assertDossierForm(text, dossier, dossier.due_date,
                '04/05/2026', '08 giờ 00 phút, ngày 24/04/2026',
                "Trần Thị Mai")
            self.assertEqual(qr_codes(pdf), [dossier.lookup_url])
            for component in dossier.components:
                self.assertIn(component.name[:40], text)
            for fee in dossier.procedure.fees:
                self.assertIn(fee.name[:30], text)
        # Tân Bình prints nothing of Tân Phú
        with as_user('motcua.tanbinh'), self.assertRaises(AccessError):
            self.execute('egov.dossier.form01', [dossier])

        with as_user('chuyenvien.dongxoai'):
            self.at(2026, 4, 28, 9, 0)
            record = Dossier(dossier.id)
            record.supplement_request = (
                "- Bản sao hợp đồng thuê địa điểm kinh doanh\n"
                "- Bản sao giấy tờ pháp lý của chủ hộ")
            record.save()
            text, _ = self.print_pdf('egov.dossier.form02', record)
            self.assertDossierForm(text, record,
                "Bản sao hợp đồng thuê địa điểm kinh doanh",
                "Bản sao giấy tờ pháp lý của chủ hộ", "Phạm Thị Hoa",
                agency=city)

            record.supplement_request = None
            record.extension_due = dt.date(2026, 5, 7)
            record.extension_reason = "Cần xác minh với Công an phường"
            record.save()
            Dossier.extend([record])
            record = Dossier(dossier.id)
            text, _ = self.print_pdf('egov.dossier.form04', record)
            self.assertDossierForm(text, record,
                '17 giờ 00 phút, ngày 04/05/2026',
                '17 giờ 00 phút, ngày 07/05/2026',
                "Cần xác minh với Công an phường", agency=city)

            record.stop_reason = "Người nộp đề nghị dừng giải quyết"
            record.save()
            Dossier.stop([record])
            record = Dossier(dossier.id)
            text, _ = self.print_pdf('egov.dossier.form05', record)
            self.assertDossierForm(text, record,
                "Người nộp đề nghị dừng giải quyết", '24/04/2026',
                agency=city)

            text, _ = self.print_pdf('egov.dossier.form06', record)
            self.assertDossierForm(text, record, record.due_date,
                "Trần Thị Mai", "Phạm Thị Hoa", "Thẩm định hồ sơ")
            self.assertIn(city.rec_name, text)

        refused = self.submitted(name="Lý Thị Quyên")
        with as_user('motcua.tanphu'):
            refused = Dossier(refused.id)
            refused.refusal_reason = (
                "Ngành nghề kinh doanh thuộc danh mục cấm")
            refused.save()
            Dossier.refuse([refused])
            text, _ = self.print_pdf('egov.dossier.form03', refused)
            self.assertDossierForm(text, Dossier(refused.id),
                "Ngành nghề kinh doanh thuộc danh mục cấm")

    @with_transaction()
    def test_registers(self):
        "The tracking register in PDF and XLSX has a row per dossier"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        with as_user('motcua.tanphu'):
            dossiers = Dossier.search([])
            self.assertEqual(len(dossiers), 5)
            kind, content, _, _ = self.execute(
                'egov.dossier.register', dossiers)
            self.assertEqual(kind, 'pdf')
            text = pdf_text(content).replace(' ', '')
            for dossier in dossiers:
                self.assertIn(dossier.code, text)
                self.assertIn(dossier.applicant.name.replace(' ', ''), text)

            kind, content, _, _ = self.execute(
                'egov.dossier.register.xlsx', dossiers)
            self.assertEqual(kind, 'xlsx')
        rows = [r for r in sheet_rows(content)
            if r and isinstance(r[0], str) and CODE.match(r[0])]
        self.assertEqual(sorted(r[0] for r in rows),
            sorted(d.code for d in dossiers))
        by_code = {r[0]: r for r in rows}
        for dossier in dossiers:
            row = by_code[dossier.code]
            self.assertIn(dossier.applicant.name, row)
            if dossier.due_date:
                self.assertIn(to_local(dossier.due_date).replace(
                        microsecond=0), row)

    def statistics(self, **context):
        pool = Pool()
        Statistic = pool.get('egov.dossier.statistic')
        with Transaction().set_context(YEAR, **context):
            records = Statistic.search([])
            totals = Statistic.totals(records)
        return records, totals

    @with_transaction()
    def test_statistics(self):
        "The figures of the city with its wards and of Tân Bình alone"
        pool = Pool()
        Export = pool.get('egov.dossier.statistic.export', type='wizard')
        Statistic = pool.get('egov.dossier.statistic')
        self.setup_demo()
        dongxoai, tanbinh = self.agency['dongxoai'], self.agency['tanbinh']

        records, totals = self.statistics(
            agency=dongxoai.id, subordinates=True)
        self.assertEqual([totals[f] for f in FIGURES],
            [6, 4, 1, 2, 1, 0, 1, 2, 2, 1])
        self.assertEqual(totals['on_time_rate'], 0.5)
        self.assertEqual(totals['online_rate'], round(2 / 6, 4))
        self.assertEqual(totals['satisfaction_rate'], 0.5)
        self.assertEqual({r.company for r in records},
            {self.agency['tanphu'], tanbinh})
        # The whole period by default, each month when asked
        self.assertEqual({r.month for r in records}, {None})
        records, _ = self.statistics(
            agency=dongxoai.id, subordinates=True, by_month=True)
        self.assertEqual({r.month for r in records},
            {dt.date(2026, 3, 1), dt.date(2026, 4, 1)})

        records, totals = self.statistics(
            agency=tanbinh.id, subordinates=False)
        self.assertEqual([totals[f] for f in FIGURES],
            [2, 1, 1, 1, 0, 0, 1, 1, 1, 0])
        self.assertEqual(totals['on_time_rate'], 0.0)
        late, = [r for r in records if r.late]
        self.assertEqual(late.progress_points, 0)

        records, totals = self.statistics(
            agency=dongxoai.id, subordinates=False)
        self.assertEqual(records, [])

        # The export wizard gives the same totals
        with Transaction().set_context(company=dongxoai.id):
            session_id, start, _ = Export.create()
            Export.execute(session_id, {}, start)
            view = Export.execute(session_id, {start: {
                        'agency': dongxoai.id, 'subordinates': True,
                        'from_date': YEAR['from_date'],
                        'to_date': YEAR['to_date']}}, 'export')
            result = view['view']['defaults']
            Export.delete(session_id)
        self.assertTrue(result['filename'].endswith('.xlsx'))
        rows = sheet_rows(result['file'])
        labels = Statistic.fields_get(FIGURES)
        header = next(r for r in rows if labels['received']['string'] in r)
        total, = [r for r in rows
            if r[0] == gettext('egov_procedure.msg_total')]
        self.assertEqual(
            [total[header.index(labels[f]['string'])] for f in FIGURES],
            [6, 4, 1, 2, 1, 0, 1, 2, 2, 1])
        # One row per agency, field and procedure: Tân Phú's three
        # procedures and Tân Bình's one
        self.assertEqual(len(rows) - rows.index(header) - 2, 4)

    def counted(self, dossiers, first, last):
        "The figures of the dossiers received from first to last, counted"
        dossiers = [d for d in dossiers if d.received_date
            and first <= to_local(d.received_date).date() <= last]
        open_ = [d for d in dossiers if d.state in OPEN_STATES]
        return [len(dossiers), len(open_),
            len([d for d in open_ if d.due_date < self.clock()]),
            len([d for d in dossiers if d.timing]),
            len([d for d in dossiers if d.timing == 'early']),
            len([d for d in dossiers if d.timing == 'on_time']),
            len([d for d in dossiers if d.timing == 'late']),
            len([d for d in dossiers if d.channel == 'online']),
            len([d for d in dossiers if d.rating]),
            len([d for d in dossiers if d.rating == 'satisfied'])]

    @with_transaction()
    def test_statistics_lines(self):
        """The counters kept by the transitions give the figures of the
        dossiers, before and after the night folds them, for whole months
        and for periods that cut months"""
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        Line = pool.get('egov.dossier.statistic.line')
        self.setup_demo()
        dongxoai = self.agency['dongxoai']
        dossiers = Dossier.search([])
        periods = [
            YEAR,
            {'from_date': dt.date(2026, 3, 1),
                'to_date': dt.date(2026, 3, 31)},
            # Cut months on both sides, and a period inside a month
            {'from_date': dt.date(2026, 3, 20),
                'to_date': dt.date(2026, 4, 10)},
            {'from_date': dt.date(2026, 4, 2),
                'to_date': dt.date(2026, 4, 20)},
            {'from_date': dt.date(2026, 4, 21),
                'to_date': dt.date(2026, 4, 21)},
            # Nothing received
            {'from_date': dt.date(2026, 2, 1),
                'to_date': dt.date(2026, 2, 10)},
            ]

        def figures():
            result = []
            for period in periods:
                for by_month, per_agency in [(False, True), (True, True),
                        (False, False), (True, False)]:
                    records, totals = self.statistics(agency=dongxoai.id,
                        subordinates=True, by_month=by_month,
                        per_agency=per_agency, **period)
                    result.append([totals[f] for f in FIGURES])
                    if not per_agency:
                        # A row for the city and its wards (per month)
                        self.assertEqual(
                            {(r.company, r.procedure) for r in records},
                            {(dongxoai, None)} if records else set())
                        self.assertEqual(len(records),
                            len({r.month for r in records}))
            return result

        # The demo's transitions appended a line at each change
        lines = Line.search([])
        self.assertGreater(len(lines), len({
                    (l.company, l.procedure, l.month) for l in lines}))
        kept = figures()
        expected = [self.counted(dossiers, p['from_date'], p['to_date'])
            for p in periods for _ in range(4)]
        self.assertEqual(kept, expected)
        self.assertEqual(expected[-1], [0] * len(FIGURES))
        self.assertEqual(len({e[0] for e in expected}), 4)

        Line.rebuild()
        lines = Line.search([])
        self.assertEqual(len(lines), len({
                    (l.company, l.procedure, l.month) for l in lines}))
        self.assertEqual(figures(), expected)

        # A change after the night is counted at once
        unsatisfied, = [d for d in dossiers
            if d.rating and d.rating != 'satisfied']
        Dossier.write([unsatisfied], {'rating': 'satisfied'})
        _, totals = self.statistics(agency=dongxoai.id, subordinates=True)
        self.assertEqual(totals['satisfied'], expected[0][-1] + 1)

    def test_period_months(self):
        "A period is split into whole months and the days of cut months"
        today = dt.date(2026, 11, 28)
        self.assertEqual(
            period_months(dt.date(2026, 1, 1), dt.date(2026, 12, 31), today),
            ((dt.date(2026, 1, 1), None), []))
        self.assertEqual(
            period_months(dt.date(2026, 1, 1), today, today),
            ((dt.date(2026, 1, 1), None), []))
        self.assertEqual(
            period_months(dt.date(2025, 3, 15), dt.date(2025, 6, 30), today),
            ((dt.date(2025, 4, 1), dt.date(2025, 7, 1)),
                [(dt.date(2025, 3, 15), dt.date(2025, 3, 31))]))
        self.assertEqual(
            period_months(dt.date(2025, 3, 1), dt.date(2025, 6, 10), today),
            ((dt.date(2025, 3, 1), dt.date(2025, 6, 1)),
                [(dt.date(2025, 6, 1), dt.date(2025, 6, 10))]))
        self.assertEqual(
            period_months(dt.date(2025, 3, 2), dt.date(2025, 3, 30), today),
            (None, [(dt.date(2025, 3, 2), dt.date(2025, 3, 30))]))
        self.assertEqual(
            period_months(dt.date(2025, 3, 2), dt.date(2025, 4, 30), today),
            ((dt.date(2025, 4, 1), dt.date(2025, 5, 1)),
                [(dt.date(2025, 3, 2), dt.date(2025, 3, 31))]))
        self.assertEqual(
            period_months(None, None, today), ((None, None), []))
