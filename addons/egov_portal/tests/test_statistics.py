# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The public statistics page of the portal: shares per agency and field,
filters of the address, no personal data."""
import datetime as dt
import os
import re
import unittest.mock

import polib

from trytond import config
from trytond.modules.egov_base import demo as base_demo
from trytond.modules.egov_base.calendar import to_utc
from trytond.modules.egov_procedure import demo
from trytond.modules.egov_procedure import dossier as dossier_module
from trytond.modules.egov_procedure import statistic as statistic_module
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
D = dt.datetime
# The clock of the tests (Vietnam time): mid-May 2026
MOMENT = D(2026, 5, 15, 10, 0)
BIRTH = demo.BIRTH  # Hộ tịch
COPY = demo.COPY_CERTIFICATION  # Chứng thực

# (agency, procedure, applicant, CCCD, channel, state, received (local
# time), due (local), timing, rating)
DOSSIERS = [
    ('tanphu', COPY, "Nguyễn Văn Thống", '074096000123', 'online',
        'returned', D(2026, 2, 10, 9), D(2026, 2, 12, 17), 'early',
        'satisfied'),
    ('tanphu', COPY, "Trần Thị Kê", '074185000456', 'direct',
        'returned', D(2026, 3, 5, 9), D(2026, 3, 6, 17), 'on_time',
        'normal'),
    # Received at 06:30 on 1 April in Vietnam (still 31 March in UTC)
    ('tanphu', COPY, "Lê Minh Số", '070088000789', 'online',
        'returned', D(2026, 4, 1, 6, 30), D(2026, 4, 2, 17), 'late',
        None),
    ('tanphu', COPY, "Phạm Thị Liệu", '074190001122', 'direct',
        'processing', D(2026, 5, 10, 9), D(2026, 5, 30, 17), None, None),
    ('tanbinh', BIRTH, "Hoàng Văn Công", '074095003344', 'online',
        'returned', D(2026, 4, 20, 9), D(2026, 4, 21, 17), 'on_time',
        'satisfied'),
    ('tanbinh', BIRTH, "Võ Thị Khai", '074192005566', 'direct',
        'processing', D(2026, 4, 25, 9), D(2026, 5, 1, 17), None, None),
    ('tanlap', BIRTH, "Đặng Văn Riêng", '074087007788', 'direct',
        'returned', D(2026, 1, 15, 9), D(2026, 1, 16, 17), 'late',
        'unsatisfied'),
    # Not received yet: not counted
    ('tanlap', BIRTH, "Bùi Thị Nháp", '074096000999', 'online',
        'submitted', None, None, None, None),
    # The previous year
    ('tanphu', COPY, "Đỗ Văn Cũ", '074096001111', 'online',
        'returned', D(2025, 6, 1, 9), D(2025, 6, 2, 17), 'on_time',
        'satisfied'),
    ]
NAMES = [d[2] for d in DOSSIERS]
NUMBERS = [d[3] for d in DOSSIERS]


def utc(moment):
    return to_utc(moment) if moment else None


class Clock:
    def __call__(self):
        return to_utc(MOMENT)


def cells(html, name):
    "The texts of the cells of the row of the table headed by name"
    match = re.search(
        r'<th scope="row">%s</th>(.*?)</tr>' % re.escape(name), html,
        re.S)
    if not match:
        return None
    return [re.sub(r'<[^>]+>', '', c).split('–')[0].strip()
        for c in re.findall(r'<td[^>]*>(.*?)</td>', match.group(1), re.S)]


def totals(html):
    "The big figures of the totals, in order"
    section = html.split('id="totals-title"', 1)[1].split('</section>')[0]
    return [re.sub(r'<[^>]+>', '', v)
        for v in re.findall(r'<p class="lead"><strong>(.*?)</strong>',
            section)]


class PortalStatisticsTestCase(RouteTestCase):
    "Test the public statistics of the portal"
    module = 'egov_portal'

    @classmethod
    def setUpClass(cls):
        if not config.has_section('egov_portal'):
            config.add_section('egov_portal')
        config.set('egov_portal', 'database', DB_NAME)
        for module in [dossier_module, statistic_module]:
            patcher = unittest.mock.patch.object(module, 'now', Clock())
            patcher.start()
            cls.addClassCleanup(patcher.stop)
        super().setUpClass()

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Company = pool.get('company.company')
        Dossier = pool.get('egov.dossier')
        Party = pool.get('party.party')
        base_demo.load_demo()
        procedures = demo.load_catalog()
        codes = {code: key for key, _, _, _, code, _ in base_demo.AGENCIES}
        agencies = {codes[c.agency_code]: c for c in Company.search([
                    ('agency_code', 'in', list(codes))])}
        vlist = []
        for i, (agency, code, name, number, channel, state, received, due,
                timing, rating) in enumerate(DOSSIERS):
            party = Party(name=name)
            party.save()
            vlist.append({
                    'code': 'TEST-%04d' % i,
                    'procedure': procedures[code].id,
                    'company': agencies[agency].id,
                    'applicant': party.id,
                    'applicant_kind': 'citizen',
                    'applicant_id_number': number,
                    'channel': channel,
                    'state': state,
                    'submitted_date': utc(received),
                    'received_date': utc(received),
                    'due_date': utc(due),
                    'finished_date': utc(due) if timing else None,
                    'timing': timing,
                    'rating': rating,
                    })
        Dossier.create(vlist)

    def setUp(self):
        super().setUp()
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            Company = pool.get('company.company')
            Field = pool.get('egov.procedure.field')
            self.agency = {c.agency_code: (c.id, c.rec_name)
                for c in Company.search([('agency_code', '!=', None)])}
            self.field = {f.name: f.id for f in Field.search([])}

    def agency_name(self, key):
        code = next(a[4] for a in base_demo.AGENCIES if a[0] == key)
        return self.agency[code][1]

    def agency_id(self, key):
        code = next(a[4] for a in base_demo.AGENCIES if a[0] == key)
        return self.agency[code][0]

    def get(self, **query):
        response = self.client().get('/portal/thong-ke', query_string=query)
        self.assertEqual(response.status_code, 200)
        return response.get_data(as_text=True)

    def test_default_year(self):
        "The page shows the current year of the province, per agency"
        html = self.get()
        self.assertIn('Năm 2026', html)
        self.assertIn('Toàn tỉnh', html)
        # received, finished, on time, online, satisfied
        self.assertEqual(totals(html), ['7', '5', '60,0%', '42,9%', '50,0%'])
        tanphu = cells(html, self.agency_name('tanphu'))
        self.assertEqual(tanphu, ['4', '3', '66,7%', '50,0%', '50,0%'])
        tanbinh = cells(html, self.agency_name('tanbinh'))
        self.assertEqual(tanbinh, ['2', '1', '100,0%', '50,0%', '100,0%'])
        tanlap = cells(html, self.agency_name('tanlap'))
        self.assertEqual(tanlap, ['1', '1', '0,0%', '0,0%', '0,0%'])
        # Agencies without dossiers have no row; most dossiers first
        self.assertIsNone(cells(html, self.agency_name('dongphu')))
        names = re.findall(r'<th scope="row">(.*?)</th>', html)
        self.assertEqual(names, [self.agency_name(k)
                for k in ['tanphu', 'tanbinh', 'tanlap']])
        self.assertIn('id="co-quan"', html)
        self.assertNotIn('role="status"', html)

    def test_bars(self):
        "The bars are SVG attributes, no inline style or script"
        html = self.get(nam='2026')
        # 66.7% of 120 pixels
        self.assertIn('<rect width="80.0" height="12"', html)
        self.assertNotIn('style=', html)
        self.assertNotIn('<script>', html)
        self.assertIn('aria-hidden="true" focusable="false"', html)
        self.assertIn('<caption>', html)

    def test_agency(self):
        "An agency counts with its subordinate agencies"
        html = self.get(**{'co-quan': str(self.agency_id('dongxoai'))})
        self.assertIn(self.agency_name('dongxoai'), html)
        self.assertEqual(totals(html), ['6', '4', '75,0%', '50,0%', '66,7%'])
        self.assertIsNone(cells(html, self.agency_name('tanlap')))
        self.assertIsNotNone(cells(html, self.agency_name('tanphu')))

        html = self.get(**{'co-quan': str(self.agency_id('tanlap'))})
        self.assertEqual(totals(html), ['1', '1', '0,0%', '0,0%', '0,0%'])

    def test_field(self):
        "The figures per field"
        html = self.get(theo='linh-vuc')
        self.assertEqual(totals(html), ['7', '5', '60,0%', '42,9%', '50,0%'])
        self.assertEqual(cells(html, "Chứng thực"),
            ['4', '3', '66,7%', '50,0%', '50,0%'])
        self.assertEqual(cells(html, "Hộ tịch"),
            ['3', '2', '50,0%', '33,3%', '50,0%'])
        self.assertIn('value="linh-vuc" checked', html)

        html = self.get(theo='linh-vuc',
            **{'co-quan': str(self.agency_id('tanlap'))})
        self.assertEqual(cells(html, "Hộ tịch"),
            ['1', '1', '0,0%', '0,0%', '0,0%'])
        self.assertIsNone(cells(html, "Chứng thực"))

    def test_year_month(self):
        "A year and a month of Vietnam's calendar"
        html = self.get(nam='2025')
        self.assertIn('Năm 2025', html)
        self.assertEqual(totals(html),
            ['1', '1', '100,0%', '100,0%', '100,0%'])

        html = self.get(nam='2026', thang='4')
        self.assertIn('Tháng 4/2026', html)
        # The dossier received on 1 April at 06:30 is April's
        self.assertEqual(totals(html), ['3', '2', '50,0%', '66,7%', '100,0%'])

        html = self.get(nam='2026', thang='6')
        self.assertEqual(totals(html)[:2], ['0', '0'])
        self.assertIn('Không có hồ sơ nào', html)

    def test_bad_parameters(self):
        "Bad parameters fall back to their default"
        for query in [
                {'nam': 'abc'}, {'nam': '1999'}, {'nam': '2100'},
                {'nam': '-1'}, {'nam': '9' * 40}, {'thang': '13'},
                {'thang': 'x'}, {'co-quan': '-5'}, {'co-quan': 'abc'},
                {'co-quan': '999999'}, {'co-quan': '9' * 40},
                {'theo': 'x'}, {'theo': "'; DROP TABLE"}]:
            with self.subTest(query=query):
                html = self.get(**query)
                self.assertIn('role="status"', html)
                self.assertEqual(totals(html)[0], '7')
        # A party that is not an agency
        with Transaction().start(DB_NAME, 0):
            Company = Pool().get('company.company')
            others = Company.search([('agency_code', '=', None)])
        for other in others:
            html = self.get(**{'co-quan': str(other.id)})
            self.assertIn('role="status"', html)

    def test_english(self):
        "The page in English"
        html = self.get(lang='en', nam='2026')
        self.assertIn('Year 2026', html)
        self.assertIn('66.7%', html)

    def test_no_personal_data(self):
        "No applicant's name or identity number in the page"
        for query in [{}, {'theo': 'linh-vuc'}, {'nam': '2025'},
                {'co-quan': str(self.agency_id('tanphu'))}]:
            html = self.get(**query)
            for text in NAMES + NUMBERS + ['TEST-0']:
                with self.subTest(query=query, text=text):
                    self.assertNotIn(text, html)

    def test_translations(self):
        "Every text of the page has its Vietnamese translation"
        pattern = re.compile(r'''\b_\(\s*(?:"((?:[^"\\]|\\.)*)"'''
            r'''|'((?:[^'\\]|\\.)*)')''')
        texts = set()
        for path in ['statistics.py', os.path.join(
                    'templates', 'statistics.html')]:
            with open(os.path.join(HERE, path), encoding='utf-8') as file:
                for double, single in pattern.findall(file.read()):
                    texts.add(double or single)
        catalog = {e.msgid: e.msgstr for e in polib.pofile(os.path.join(
                    HERE, 'locale', 'portal', 'statistics.vi.po'))
            if e.msgstr and 'fuzzy' not in e.flags}
        self.assertEqual(sorted(texts - set(catalog)), [])
        self.assertEqual(sorted(set(catalog) - texts), [])
