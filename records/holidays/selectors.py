"""Reads for the year's holidays form: the rows it opens with (the year's overrides, or the
statutory calendar's holidays, or the notice's seven names), and the preview of a save."""

import datetime
import hashlib
import importlib.metadata
from dataclasses import dataclass
from itertools import groupby

import chinese_calendar

from records.calendar import Override, WorkingCalendar, days_in, library_covers
from records.holidays.forms import WORKING_NOTE, short
from records.models import CalendarDay

# The holidays of every notice since 2008, in its order.
NOTICE_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


def blank_rows() -> list[dict]:
    return [{"name": name} for name in NOTICE_NAMES]


def _runs(days: list[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """Dates joined into ranges; only weekend days between two of them keep them together
    (an override of a year loaded from the library stores the weekdays of a holiday alone)."""
    runs: list[list[datetime.date]] = []
    for day in sorted(days):
        if runs and all(
            gap.weekday() >= 5 for gap in days_in(runs[-1][1], day) if gap not in (runs[-1][1], day)
        ):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def _rows(rest: dict[str, list], working: dict[str, list]) -> list[dict]:
    """One row per run of rest days, the holiday's make-up days on its first row."""
    rows = []
    for name in sorted({*rest, *working}, key=lambda n: min(rest.get(n) or working[n])):
        runs = _runs(rest.get(name, [])) or [(None, None)]
        for index, (first, last) in enumerate(runs):
            makeup = working.get(name, []) if index == 0 else []
            rows.append(
                {
                    "name": name,
                    "rest_start": short(first) if first else "",
                    "rest_end": short(last) if last else "",
                    "makeup": "、".join(short(day) for day in sorted(makeup)),
                }
            )
    return rows


def stored_rows(year: int) -> list[dict]:
    """The year's overrides as the form's rows (empty when there are none)."""
    rest: dict[str, list] = {}
    working: dict[str, list] = {}
    for day in CalendarDay.objects.filter(date__year=year):
        if day.is_working_day:
            name = day.note.removesuffix(WORKING_NOTE).strip() or day.note
            working.setdefault(name or "调休", []).append(day.date)
        else:
            rest.setdefault(day.note or "休息日", []).append(day.date)
    return _rows(rest, working)


def _chinese_name(english: str) -> str:
    name = chinese_calendar.Holiday(english).chinese
    return name if name.endswith(("节", "旦", "日")) else f"{name}节"


def library_rows(year: int) -> list[dict]:
    """The statutory calendar's holidays and make-up days of `year` (it must know the year)."""
    rest: dict[str, list] = {}
    working: dict[str, list] = {}
    for source, target in ((chinese_calendar.holidays, rest), (chinese_calendar.workdays, working)):
        for day, english in source.items():
            if day.year == year:
                target.setdefault(_chinese_name(english), []).append(day)
    return _rows(rest, working)


def library_reach() -> tuple[str, int]:
    """The installed package's version and the last year it knows."""
    last = max(day.year for day in chinese_calendar.holidays)
    while not library_covers(last):
        last -= 1
    return importlib.metadata.version("chinesecalendar"), last


@dataclass(frozen=True)
class Preview:
    year: int
    weekdays_resting: list[Override]  # Monday–Friday dates that become rest days
    weekends_working: list[Override]  # Saturdays and Sundays that become working days
    weekdays_count: int  # working days of the year by Monday–Friday alone
    current_count: int  # as the system counts them now
    after_count: int  # after the save
    removed: int  # overrides of the year the save deletes
    digest: str  # what was previewed, so the save can tell it is what is saved


def digest_of(overrides: list[Override]) -> str:
    text = "|".join(f"{o.date:%Y-%m-%d}:{int(o.is_working_day)}:{o.note}" for o in overrides)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def holiday_preview(year: int, overrides: list[Override]) -> Preview:
    """What saving `overrides` as the year's calendar changes, against Monday–Friday. One
    query: the year's overrides now."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    now = WorkingCalendar(first, last)
    after = WorkingCalendar.with_overrides(
        first, last, {o.date: o.is_working_day for o in overrides}
    )
    weekdays = sum(1 for day in days_in(first, last) if day.weekday() < 5)
    return Preview(
        year=year,
        weekdays_resting=[o for o in overrides if not o.is_working_day and o.date.weekday() < 5],
        weekends_working=[o for o in overrides if o.is_working_day and o.date.weekday() >= 5],
        weekdays_count=weekdays,
        current_count=now.count(),
        after_count=after.count(),
        removed=len(now.overrides.keys() - {o.date for o in overrides}),
        digest=digest_of(overrides),
    )


def by_holiday(overrides: list[Override]) -> list[tuple[str, list[Override]]]:
    """The preview's lists grouped by holiday, in the year's order."""
    named = sorted(overrides, key=lambda o: (o.note.removesuffix(WORKING_NOTE), o.date))
    groups = [
        (name, list(days))
        for name, days in groupby(named, key=lambda o: o.note.removesuffix(WORKING_NOTE))
    ]
    return sorted(groups, key=lambda group: group[1][0].date)
