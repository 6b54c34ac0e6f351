# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Working calendar and the working-day deadline API.

Every moment handled here is a naive ``datetime`` in the local time of the
agency (Asia/Ho_Chi_Minh for the whole of Vietnam).  Callers holding UTC
values from the database convert them first (see :func:`to_local` and
:func:`to_utc`).
"""
import datetime as dt

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
    __string__ = "Working Calendar"
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

    # Deadline API: the record builds a WorkingSchedule once per call
    def schedule(self):
        "Return the pure-Python schedule of the calendar"
        periods = {}
        for period in self.working_times:
            periods.setdefault(int(period.weekday), []).append(
                (period.start_time, period.end_time))
        off, working = set(), set()
        for holiday in self.holidays:
            (working if holiday.kind == 'working' else off).add(holiday.date)
        return WorkingSchedule(periods, off, working, name=self.rec_name)

    def is_working_day(self, date):
        return self.schedule().is_working_day(date)

    def add_working_days(self, moment, days, cutoff=None, pauses=()):
        return self.schedule().add_working_days(moment, days, cutoff, pauses)

    def add_working_hours(self, moment, hours, cutoff=None, pauses=()):
        return self.schedule().add_working_hours(
            moment, hours, cutoff, pauses)

    def working_days_between(self, start, end, pauses=()):
        return self.schedule().working_days_between(start, end, pauses)


class WorkingSchedule:
    """Working time of a calendar: weekly periods, days off and swapped
    working days.  Kept apart from the record so that a deadline
    computation reads the calendar once, whatever the number of days it
    walks through."""

    def __init__(self, periods, off=(), working=(), name=''):
        self.periods = {d: sorted(p) for d, p in periods.items()}
        self.off = set(off)
        self.working = set(working)
        self.name = name

    def working_periods(self, date):
        "Return the (start, end) datetimes of work on the date"
        if date in self.working:
            # A swapped working day follows the schedule of a full weekday
            periods = next(
                (self.periods[d] for d in range(5) if d in self.periods),
                [])
        elif date in self.off:
            periods = []
        else:
            periods = self.periods.get(date.weekday(), [])
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
                'egov_base.msg_calendar_no_working_day', calendar=self.name))

    @staticmethod
    def _check_closed(pauses):
        "A due date is unknown while the clock is stopped"
        if any(end is None for _, end in pauses):
            raise CalendarError(gettext('egov_base.msg_calendar_paused'))

    @staticmethod
    def _paused(date, pauses):
        return any(
            start.date() <= date <= end.date() for start, end in pauses)

    def start_day(self, moment, cutoff=None):
        """Return the working day on which something received at moment
        counts as received: the same day when it is a working day and the
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
        self._check_closed(pauses)
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
        self._check_closed(pauses)
        remaining = dt.timedelta(hours=hours)
        day = self.start_day(moment, cutoff)
        current = moment if day == moment.date() else None
        for _ in range(MAX_SEARCH_DAYS):
            for start, end in self.working_periods(day):
                if current is not None:
                    start = max(start, current)
                for free_start, free_end in self._subtract(
                        start, end, pauses):
                    available = free_end - free_start
                    if remaining <= available:
                        return free_start + remaining
                    remaining -= available
            day = self.next_working_day(day)
            current = None
        raise CalendarError(gettext(
                'egov_base.msg_calendar_no_working_day', calendar=self.name))

    @staticmethod
    def _subtract(start, end, pauses):
        "Return the parts of [start, end) outside the pauses, in order"
        parts = []
        for p_start, p_end in sorted(pauses):
            if p_end <= start or p_start >= end:
                continue
            if p_start > start:
                parts.append((start, p_start))
            start = max(start, p_end)
        if start < end:
            parts.append((start, end))
        return parts

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
    __string__ = "Working Time"
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
        cls._order = [
            ('weekday', 'ASC'), ('start_time', 'ASC'), ('id', 'ASC')]


class Holiday(ModelSQL, ModelView):
    __string__ = "Holiday or Exception"
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
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

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
    __string__ = "Generate Public Holidays"
    __name__ = 'egov.calendar.generate_holidays.start'

    year = fields.Integer("Year", required=True,
        domain=[('year', '>=', 1990), ('year', '<=', 2100)])

    @staticmethod
    def default_year():
        return Pool().get('ir.date').today().year


class GenerateHolidays(Wizard):
    __string__ = "Generate Public Holidays"
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
