"""The working-day calendar: is this date a working day, and who says so.

One rule, in one place: an administrator's `CalendarDay` override first, then the statutory
calendar of the `chinese_calendar` library (holidays and adjusted working days, 调休), then
Monday–Friday for years the library does not cover yet (it raises NotImplementedError past its
last year; new years arrive in a November release after the State Council's notice).
"""

import datetime
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

import chinese_calendar
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from records.models import CalendarDay
from unions import cache as generations


class Source(StrEnum):
    OVERRIDE = "override"  # an administrator's CalendarDay
    STATUTORY = "statutory"  # the chinese_calendar library
    WEEKDAYS = "weekdays"  # Monday–Friday: an estimate for a year nobody has confirmed


SOURCE_LABELS = {
    Source.OVERRIDE: _("set by the administrator"),
    Source.STATUTORY: _("statutory calendar"),
    Source.WEEKDAYS: _("Monday to Friday (estimate)"),
}


@functools.lru_cache(maxsize=16384)
def _statutory(date: datetime.date) -> bool | None:
    """The library's answer for one date (None past its last year). Cached: the answer is fixed
    for the life of the process (a new year arrives with a new release, i.e. a restart), and a
    page's pace asks for every date of the year — 365 library calls, several milliseconds, on
    every cadre's home and every compliance dashboard (BENCHMARKS.md)."""
    try:
        return chinese_calendar.is_workday(date)
    except NotImplementedError:
        return None


def library_covers(year: int) -> bool:
    return _statutory(datetime.date(year, 7, 1)) is not None


def days_in(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    for offset in range((end - start).days + 1):
        yield start + datetime.timedelta(days=offset)


class WorkingCalendar:
    """Answers for every date of a span from one query for the overrides in that span."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start, self.end = start, end
        self.overrides = dict(
            CalendarDay.objects.filter(date__range=(start, end)).values_list(
                "date", "is_working_day"
            )
        )

    @classmethod
    def with_overrides(cls, start: datetime.date, end: datetime.date, overrides: dict):
        """A calendar of overrides already read (no query)."""
        calendar = cls.__new__(cls)
        calendar.start, calendar.end, calendar.overrides = start, end, overrides
        return calendar

    def lookup(self, date: datetime.date) -> tuple[bool, Source]:
        if not self.start <= date <= self.end:
            raise ValueError(f"{date} is outside {self.start}–{self.end}")
        if date in self.overrides:
            return self.overrides[date], Source.OVERRIDE
        statutory = _statutory(date)
        if statutory is not None:
            return statutory, Source.STATUTORY
        return date.weekday() < 5, Source.WEEKDAYS

    def is_working_day(self, date: datetime.date) -> bool:
        return self.lookup(date)[0]

    def working_days(self) -> list[datetime.date]:
        return [date for date in days_in(self.start, self.end) if self.is_working_day(date)]

    def count(self) -> int:
        return len(self.working_days())

    def estimated_years(self) -> list[int]:
        """Years of the span answered by Monday–Friday alone: pages relying on them say so.
        A year the administrator has entered overrides for counts as confirmed."""
        override_years = {date.year for date in self.overrides}
        return [
            year
            for year in range(self.start.year, self.end.year + 1)
            if not library_covers(year) and year not in override_years
        ]


def quarter_of(day: datetime.date) -> int:
    """The quarter (1–4) `day` falls in."""
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a quarter of `year` (Q4 = October to December)."""
    start = datetime.date(year, 3 * quarter - 2, 1)
    if quarter == 4:
        return start, datetime.date(year, 12, 31)
    return start, datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)


def quarter_span(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the quarter `day` falls in."""
    return quarter_bounds(day.year, quarter_of(day))


def is_working_day(date: datetime.date) -> bool:
    return WorkingCalendar(date, date).is_working_day(date)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days from `start` to `end`, both included."""
    if end < start:
        return 0
    return WorkingCalendar(start, end).count()


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (not counting `start` itself)."""
    horizon = start + datetime.timedelta(days=days * 3 + 30)
    calendar = WorkingCalendar(start, horizon)
    later = [
        d
        for d in days_in(start + datetime.timedelta(days=1), horizon)
        if calendar.is_working_day(d)
    ]
    return later[days - 1]


@dataclass(frozen=True)
class Override:
    """One date's answer set by hand: a rest day or a working day, and why (the holiday)."""

    date: datetime.date
    is_working_day: bool
    note: str = ""


@transaction.atomic
def calendar_days_set(
    *,
    overrides: Iterable[Override] = (),
    remove: Iterable[datetime.date] = (),
    replace_year: int | None = None,
    user=None,
) -> list[CalendarDay]:
    """The one way overrides of the calendar are written — the year's holidays form, the admin,
    the library's load all call it. Every date of `overrides` is created or changed, every date
    of `remove` deleted; with `replace_year`, every other override of that year is deleted too
    (the year's form holds the whole year). One transaction: all of it or nothing. Each row
    changed keeps its history, naming `user`. Returns the rows written."""
    overrides = list(overrides)
    wanted = {override.date: override for override in overrides}
    if len(wanted) != len(overrides):
        raise ValueError("a date is given twice")
    doomed = set(remove)
    if replace_year is not None:
        if any(date.year != replace_year for date in wanted):
            raise ValueError(f"a date outside {replace_year}")
        doomed |= set(
            CalendarDay.objects.filter(date__year=replace_year).values_list("date", flat=True)
        )
    doomed -= wanted.keys()
    stored = {day.date: day for day in CalendarDay.objects.filter(date__in=[*wanted, *doomed])}
    written = []
    for date in sorted(wanted):
        override = wanted[date]
        day = stored.get(date) or CalendarDay(date=date)
        if day.pk and (day.is_working_day, day.note) == (override.is_working_day, override.note):
            written.append(day)
            continue
        day.is_working_day, day.note = override.is_working_day, override.note[:100]
        day.full_clean()
        day._history_user = user  # simple_history names who did it
        day.save()
        written.append(day)
    for date in sorted(doomed):
        if date in stored:
            stored[date]._history_user = user
            stored[date].delete()
    # Every home's pace counts working days: an override changes them all.
    generations.everyone_changed()
    return written


def calendar_load_year(*, year: int, user=None) -> int:
    """Copy the statutory calendar of `year` into `CalendarDay` rows, where it differs from
    Monday–Friday (holidays on weekdays, working weekends), so the administrator can edit it.
    Existing rows are left as they are. Returns the number of rows created; each has its
    history row, naming `user`."""
    if not library_covers(year):
        raise ValueError(year)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    stored = set(
        CalendarDay.objects.filter(date__range=(first, last)).values_list("date", flat=True)
    )
    new = []
    for date in days_in(first, last):
        working = chinese_calendar.is_workday(date)
        if working == (date.weekday() < 5) or date in stored:
            continue
        _on_holiday, name = chinese_calendar.get_holiday_detail(date)
        note = str(name or "") if not working else f"{name or ''} 调休上班".strip()
        new.append(Override(date, working, note))
    return len(calendar_days_set(overrides=new, user=user))
