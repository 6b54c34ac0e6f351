# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Working calendar and the working-day deadline API.

Every moment handled here is a naive ``datetime`` in the local time of the
agency (Asia/Ho_Chi_Minh for the whole of Vietnam).  Callers holding UTC
values from the database convert them first (see :func:`to_local` and
:func:`to_utc`).
"""
import datetime as dt
from functools import cached_property

import holidays as holidays_lib

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import timezone as tz
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .audit import AuditMixin
from .exceptions import CalendarError, CalendarValidationError

WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]
LOCAL_TZ = 'Asia/Ho_Chi_Minh'
# The search for the next working day gives up after this many days: a
# calendar without any working time would otherwise loop for ever.
MAX_SEARCH_DAYS = 366


def to_local(value, timezone=LOCAL_TZ):
    "Convert a naive UTC datetime (as stored) to naive local time"
    zone = tz.ZoneInfo(timezone)
    return value.replace(tzinfo=dt.timezone.utc).astimezone(zone).replace(
        tzinfo=None)


def to_utc(value, timezone=LOCAL_TZ):
    "Convert a naive local datetime to naive UTC (as stored)"
    zone = tz.ZoneInfo(timezone)
    return value.replace(tzinfo=zone).astimezone(dt.timezone.utc).replace(
        tzinfo=None)


class Calendar(AuditMixin, ModelSQL, ModelView):
    "Working Calendar"
    __name__ = 'egov.calendar'

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One(
        'company.company', "Agency", ondelete='CASCADE',
        help="Leave empty for a calendar shared by the whole province.")
    default = fields.Boolean(
        "Province Default",
        help="The calendar used by agencies that have none of their own.")
    working_times = fields.One2Many(
        'egov.calendar.working_time', 'calendar', "Working Hours")
    holidays = fields.One2Many(
        'egov.calendar.holiday', 'calendar', "Holidays and Exceptions",
        order=[('date', 'ASC')])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'generate_holidays': {
                    'icon': 'tryton-launch',
                    },
                })

    @staticmethod
    def default_default():
        return False

    @classmethod
    def validate(cls, calendars):
        super().validate(calendars)
        defaults = cls.search([('default', '=', True)])
        if len(defaults) > 1:
            raise CalendarValidationError(gettext(
                    'egov_base.msg_calendar_default_unique'))

    @classmethod
    def get_default(cls):
        with Transaction().set_context(_check_access=False):
            calendars = cls.search([('default', '=', True)], limit=1)
        if not calendars:
            raise CalendarError(gettext('egov_base.msg_calendar_no_default'))
        calendar, = calendars
        return calendar

    @classmethod
    @ModelView.button_action('egov_base.wizard_generate_holidays')
    def generate_holidays(cls, calendars):
        pass

    def create_public_holidays(self, year):
        """Create the public holidays of Vietnam for the year from the
        holidays library (lunar Tết and Hùng Kings' day included);
        existing dates are kept."""
        pool = Pool()
        Holiday = pool.get('egov.calendar.holiday')
        language = Transaction().language or 'vi'
        known = {h.date for h in self.holidays if h.year == year}
        public = holidays_lib.country_holidays(
            'VN', years=year,
            language='vi' if language.startswith('vi') else 'en_US')
        to_create = []
        for date, name in sorted(public.items()):
            if date in known:
                continue
            to_create.append(Holiday(
                    calendar=self, year=year, date=date, name=name,
                    kind='holiday'))
        Holiday.save(to_create)
        return to_create

    # Deadline API
    @cached_property
    def _schedule(self):
        schedule = {}
        for period in self.working_times:
            schedule.setdefault(int(period.weekday), []).append(
                (period.start_time, period.end_time))
        for periods in schedule.values():
            periods.sort()
        return schedule

    @cached_property
    def _exceptions(self):
        off, working = set(), set()
        for holiday in self.holidays:
            if holiday.kind == 'working':
                working.add(holiday.date)
            else:
                off.add(holiday.date)
        return off, working

    def working_periods(self, date):
        "Return the (start, end) datetimes of work on the date"
        off, working = self._exceptions
        if date in working:
            # A swapped working day follows the schedule of a full weekday
            periods = next(
                (self._schedule[d] for d in range(5) if d in self._schedule),
                [])
        elif date in off:
            periods = []
        else:
            periods = self._schedule.get(date.weekday(), [])
        return [(dt.datetime.combine(date, s), dt.datetime.combine(date, e))
            for s, e in periods]

    def is_working_day(self, date):
        return bool(self.working_periods(date))

    def next_working_day(self, date):
        "Return the first working day strictly after date"
        for i in range(1, MAX_SEARCH_DAYS + 1):
            day = date + dt.timedelta(days=i)
            if self.is_working_day(day):
                return day
        raise CalendarError(gettext(
                'egov_base.msg_calendar_no_working_day',
                calendar=self.rec_name))

    @staticmethod
    def _paused(date, pauses):
        return any(
            start.date() <= date <= (end or dt.datetime.max).date()
            for start, end in pauses)

    def start_day(self, moment, cutoff=None):
        """Return the working day on which a dossier received at moment is
        counted as received: the same day when it is a working day and the
        moment is before the cut-off hour and the end of work, else the next
        working day."""
        date = moment.date()
        periods = self.working_periods(date)
        if (periods
                and (cutoff is None or moment.time() < cutoff)
                and moment < periods[-1][1]):
            return date
        return self.next_working_day(date)

    def add_working_days(self, moment, days, cutoff=None, pauses=()):
        """Return the due moment of a time limit of `days` working days from
        moment: the end of work of the `days`-th working day after the day
        of receipt (the day of receipt itself when days is 0).  Days that a
        pause (start, end) touches are not counted."""
        if days < 0:
            raise CalendarError(gettext('egov_base.msg_calendar_negative'))
        day = self.start_day(moment, cutoff)
        while self._paused(day, pauses):
            day = self.next_working_day(day)
        remaining = days
        while remaining:
            day = self.next_working_day(day)
            if not self._paused(day, pauses):
                remaining -= 1
        return self.working_periods(day)[-1][1]

    def add_working_hours(self, moment, hours, cutoff=None, pauses=()):
        """Return the due moment of a time limit of `hours` working hours
        from moment, skipping non-working time and pauses."""
        if hours < 0:
            raise CalendarError(gettext('egov_base.msg_calendar_negative'))
        remaining = dt.timedelta(hours=hours)
        day = self.start_day(moment, cutoff)
        current = moment if day == moment.date() else None
        for _ in range(MAX_SEARCH_DAYS * 10):
            for start, end in self.working_periods(day):
                if current is not None:
                    start = max(start, current)
                for p_start, p_end in pauses:
                    p_end = p_end or dt.datetime.max
                    if p_start <= start < p_end:
                        start = min(max(start, p_end), end)
                if start >= end:
                    continue
                available = end - start
                if remaining <= available:
                    return start + remaining
                remaining -= available
            day = self.next_working_day(day)
            current = None
        raise CalendarError(gettext(
                'egov_base.msg_calendar_no_working_day',
                calendar=self.rec_name))

    def working_days_between(self, start, end, pauses=()):
        """Return the number of working days after the day of start up to
        and including the day of end, pauses excluded (negative when end is
        before start)."""
        if end < start:
            return -self.working_days_between(end, start, pauses)
        count = 0
        day = start.date() + dt.timedelta(days=1)
        while day <= end.date():
            if self.is_working_day(day) and not self._paused(day, pauses):
                count += 1
            day += dt.timedelta(days=1)
        return count


class WorkingTime(ModelSQL, ModelView):
    "Working Time"
    __name__ = 'egov.calendar.working_time'

    calendar = fields.Many2One(
        'egov.calendar', "Calendar", required=True, ondelete='CASCADE')
    weekday = fields.Selection(WEEKDAYS, "Weekday", required=True, sort=False)
    start_time = fields.Time("Start", required=True)
    end_time = fields.Time("End", required=True,
        domain=[If(Eval('start_time'),
                ('end_time', '>', Eval('start_time')),
                ())])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('weekday', 'ASC'), ('start_time', 'ASC')]


class Holiday(ModelSQL, ModelView):
    "Holiday or Exception"
    __name__ = 'egov.calendar.holiday'

    calendar = fields.Many2One(
        'egov.calendar', "Calendar", required=True, ondelete='CASCADE')
    year = fields.Integer("Year", required=True)
    date = fields.Date("Date", required=True)
    name = fields.Char("Name", required=True)
    kind = fields.Selection([
            ('holiday', "Public Holiday"),
            ('off', "Day Off"),
            ('working', "Working Day"),
            ], "Kind", required=True,
        help="Public holidays come from the law; days off and working days "
        "are the yearly exceptions decided by the Prime Minister or the "
        "province (swapped days).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('date_unique', Unique(t, t.calendar, t.date),
                'egov_base.msg_calendar_holiday_unique'),
            ]
        cls._order = [('date', 'ASC')]

    @staticmethod
    def default_kind():
        return 'off'

    @staticmethod
    def default_year():
        return Pool().get('ir.date').today().year

    @classmethod
    def validate_fields(cls, holidays, field_names):
        super().validate_fields(holidays, field_names)
        for holiday in holidays:
            if holiday.date and holiday.date.year != holiday.year:
                raise CalendarValidationError(gettext(
                        'egov_base.msg_calendar_holiday_year',
                        date=holiday.date.strftime('%d/%m/%Y'),
                        year=holiday.year))


class GenerateHolidaysStart(ModelView):
    "Generate Public Holidays"
    __name__ = 'egov.calendar.generate_holidays.start'

    year = fields.Integer("Year", required=True,
        domain=[('year', '>=', 1990), ('year', '<=', 2100)])

    @staticmethod
    def default_year():
        return Pool().get('ir.date').today().year


class GenerateHolidays(Wizard):
    "Generate Public Holidays"
    __name__ = 'egov.calendar.generate_holidays'

    start = StateView('egov.calendar.generate_holidays.start',
        'egov_base.calendar_generate_holidays_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Generate", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateTransition()

    def transition_generate(self):
        for calendar in self.records:
            calendar.create_public_holidays(self.start.year)
        return 'end'
