# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Working calendar tests on the real calendars of 2026 and 2027."""
import datetime as dt

from trytond.modules.egov_base.exceptions import (
    CalendarError, CalendarValidationError)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

D = dt.datetime
T = dt.time


class CalendarTestMixin:

    def province_calendar(self, *years):
        pool = Pool()
        Calendar = pool.get('egov.calendar')
        calendar = Calendar.get_default()
        for year in years:
            calendar.create_public_holidays(year)
        return Calendar(calendar.id)

    @with_transaction()
    def test_public_holidays_2026(self):
        "The public holidays of 2026 come from the lunar calendar too"
        calendar = self.province_calendar(2026)
        dates = {h.date for h in calendar.holidays}
        for date in [
                dt.date(2026, 1, 1),
                # Tết Bính Ngọ: lunar new year on 17 February 2026
                dt.date(2026, 2, 16), dt.date(2026, 2, 17),
                dt.date(2026, 2, 18), dt.date(2026, 2, 19),
                dt.date(2026, 2, 20),
                # Hùng Kings: 10/3 lunar = Sunday 26 April, observed Monday
                dt.date(2026, 4, 26), dt.date(2026, 4, 27),
                dt.date(2026, 4, 30), dt.date(2026, 5, 1),
                dt.date(2026, 9, 1), dt.date(2026, 9, 2),
                ]:
            self.assertIn(date, dates)
        self.assertTrue(all(h.kind == 'holiday' for h in calendar.holidays))

        # Generating again creates nothing twice
        count = len(calendar.holidays)
        calendar.create_public_holidays(2026)
        self.assertEqual(len(self.province_calendar().holidays), count)

    @with_transaction()
    def test_public_holidays_2027(self):
        "Tết Đinh Mùi falls on 6 February 2027"
        calendar = self.province_calendar(2027)
        dates = {h.date for h in calendar.holidays}
        for day in range(5, 11):
            self.assertIn(dt.date(2027, 2, day), dates)
        self.assertIn(dt.date(2027, 4, 16), dates)  # Hùng Kings
        self.assertFalse(calendar.is_working_day(dt.date(2027, 2, 8)))
        self.assertTrue(calendar.is_working_day(dt.date(2027, 2, 11)))

    @with_transaction()
    def test_add_working_days_over_tet(self):
        "Working days skip the weekends and Tết"
        calendar = self.province_calendar(2026, 2027)
        # Friday before Tết 2026, 3 working days: 23, 24, 25 February
        self.assertEqual(
            calendar.add_working_days(D(2026, 2, 13, 10), 3),
            D(2026, 2, 25, 17))
        # Wednesday before Tết 2027, 1 working day: Thursday 11 February
        self.assertEqual(
            calendar.add_working_days(D(2027, 2, 3, 9), 1),
            D(2027, 2, 11, 17))
        # Same day (0 days) before the end of work
        self.assertEqual(
            calendar.add_working_days(D(2026, 3, 2, 9), 0),
            D(2026, 3, 2, 17))
        # Received on a Saturday: counted from Monday
        self.assertEqual(
            calendar.add_working_days(D(2026, 3, 7, 9), 1),
            D(2026, 3, 10, 17))

    @with_transaction()
    def test_add_working_days_cutoff(self):
        "Received after the cut-off hour counts from the next working day"
        calendar = self.province_calendar(2026)
        # Friday 24 April 2026 at 15:30, cut-off 15:00; Monday 27 April is
        # the observed Hùng Kings' day: received on Tuesday 28
        self.assertEqual(
            calendar.add_working_days(D(2026, 4, 24, 15, 30), 0,
                cutoff=T(15)),
            D(2026, 4, 28, 17))
        self.assertEqual(
            calendar.add_working_days(D(2026, 4, 24, 14, 59), 0,
                cutoff=T(15)),
            D(2026, 4, 24, 17))
        # 30 April and 1 May are holidays, then the weekend
        self.assertEqual(
            calendar.add_working_days(D(2026, 4, 24, 15, 30), 2,
                cutoff=T(15)),
            D(2026, 5, 4, 17))
        # National Day 2026: 31 August (swapped), 1 and 2 September
        self.assertEqual(
            calendar.add_working_days(D(2026, 8, 28, 8), 2),
            D(2026, 9, 4, 17))

    @with_transaction()
    def test_add_working_days_pauses(self):
        "Days under a supplement request do not count"
        calendar = self.province_calendar(2026)
        self.assertEqual(
            calendar.add_working_days(D(2026, 3, 2, 9), 5),
            D(2026, 3, 9, 17))
        pauses = [(D(2026, 3, 4, 10), D(2026, 3, 5, 15))]
        self.assertEqual(
            calendar.add_working_days(D(2026, 3, 2, 9), 5, pauses=pauses),
            D(2026, 3, 11, 17))
        # An open pause (applicant has not answered yet) never ends
        with self.assertRaises(CalendarError):
            calendar.add_working_days(D(2026, 3, 2, 9), 5,
                pauses=[(D(2026, 3, 3, 8), None)])

    @with_transaction()
    def test_add_working_hours(self):
        "Working hours skip the lunch break, nights and holidays"
        calendar = self.province_calendar(2026)
        self.assertEqual(
            calendar.add_working_hours(D(2026, 3, 2, 16), 8),
            D(2026, 3, 3, 16, 30))
        self.assertEqual(
            calendar.add_working_hours(D(2026, 3, 2, 10), 2),
            D(2026, 3, 2, 14))
        self.assertEqual(
            calendar.add_working_hours(D(2026, 3, 2, 15, 30), 4,
                cutoff=T(15)),
            D(2026, 3, 3, 11, 30))
        # Friday afternoon before Tết to the first day after it
        self.assertEqual(
            calendar.add_working_hours(D(2026, 2, 13, 16), 2),
            D(2026, 2, 23, 8, 30))
        # A pause of the afternoon
        self.assertEqual(
            calendar.add_working_hours(D(2026, 3, 2, 10), 2,
                pauses=[(D(2026, 3, 2, 11), D(2026, 3, 2, 17))]),
            D(2026, 3, 3, 8, 30))

    @with_transaction()
    def test_working_days_between(self):
        "Count the working days between two moments"
        calendar = self.province_calendar(2026)
        self.assertEqual(calendar.working_days_between(
                D(2026, 2, 13, 10), D(2026, 2, 25, 10)), 3)
        self.assertEqual(calendar.working_days_between(
                D(2026, 2, 25, 10), D(2026, 2, 13, 10)), -3)
        self.assertEqual(calendar.working_days_between(
                D(2026, 3, 2, 9), D(2026, 3, 2, 16)), 0)
        self.assertEqual(calendar.working_days_between(
                D(2026, 3, 2, 9), D(2026, 3, 11, 9),
                pauses=[(D(2026, 3, 4, 10), D(2026, 3, 5, 15))]), 5)

    @with_transaction()
    def test_exceptions(self):
        "Yearly exceptions: extra days off and swapped working days"
        pool = Pool()
        Holiday = pool.get('egov.calendar.holiday')
        calendar = self.province_calendar(2026)
        Holiday.create([{
                    'calendar': calendar.id, 'year': 2026,
                    'date': dt.date(2026, 5, 9), 'kind': 'working',
                    'name': "Làm bù",
                    }, {
                    'calendar': calendar.id, 'year': 2026,
                    'date': dt.date(2026, 5, 8), 'kind': 'off',
                    'name': "Nghỉ bù",
                    }])
        calendar = self.province_calendar()
        self.assertFalse(calendar.is_working_day(dt.date(2026, 5, 8)))
        self.assertTrue(calendar.is_working_day(dt.date(2026, 5, 9)))
        self.assertEqual(
            calendar.add_working_days(D(2026, 5, 7, 9), 1),
            D(2026, 5, 9, 17))

        with self.assertRaises(CalendarValidationError) as cm:
            Holiday.create([{
                        'calendar': calendar.id, 'year': 2026,
                        'date': dt.date(2027, 1, 2), 'kind': 'off',
                        'name': "Ngoài năm",
                        }])
        self.assertIn('02/01/2027', cm.exception.message)

    @with_transaction()
    def test_saturday_morning_unit(self):
        "A unit that also works on Saturday morning has its own calendar"
        pool = Pool()
        Calendar = pool.get('egov.calendar')
        Company = pool.get('company.company')
        from trytond.modules.company.tests import create_company
        province = self.province_calendar(2026)
        hours = [(str(d), T(7, 30), T(11, 30)) for d in range(6)] + [
            (str(d), T(13, 30), T(17)) for d in range(5)]
        calendar, = Calendar.create([{
                    'name': "Bộ phận một cửa",
                    'working_times': [('create', [{
                                    'weekday': w, 'start_time': s,
                                    'end_time': e} for w, s, e in hours])],
                    }])
        unit = create_company("Bộ phận một cửa")
        parent = create_company("UBND xã")
        unit.parent = parent
        unit.calendar = calendar
        unit.save()
        self.assertEqual(unit.get_calendar(), calendar)
        self.assertEqual(Company(parent.id).get_calendar(), province)
        self.assertEqual(
            calendar.add_working_days(D(2026, 3, 6, 9), 1),
            D(2026, 3, 7, 11, 30))

    @with_transaction()
    def test_one_default_calendar(self):
        "Only one calendar is the province default"
        pool = Pool()
        Calendar = pool.get('egov.calendar')
        with self.assertRaises(CalendarValidationError):
            Calendar.create([{'name': "Thứ hai", 'default': True}])

    def test_local_time(self):
        "Stored UTC moments convert to Vietnam's time and back"
        from trytond.modules.egov_base.calendar import to_local, to_utc
        self.assertEqual(to_local(D(2026, 3, 2, 1, 30)), D(2026, 3, 2, 8, 30))
        self.assertEqual(to_utc(D(2026, 3, 2, 8, 30)), D(2026, 3, 2, 1, 30))

    @with_transaction()
    def test_calendar_without_working_time(self):
        "A calendar without working hours gives a clear error"
        pool = Pool()
        Calendar = pool.get('egov.calendar')
        calendar, = Calendar.create([{'name': "Trống"}])
        with self.assertRaises(CalendarError):
            calendar.add_working_days(D(2026, 3, 2, 9), 1)
