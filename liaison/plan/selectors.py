"""Reads of the contact calendar. Each page is a constant number of queries, whatever the
number of contacts: the sheets of the period, the calendar's overrides, the pace
(liaison.compliance.pace, reused as the home and the dashboard use it)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from liaison.compliance.pace import YearProgress, filed_days_subquery, pace_on, year_progress
from records.calendar import WorkingCalendar, days_in
from records.models import VisitRecord
from unions.models import Cadre, Department

ONE_DAY = datetime.timedelta(days=1)


@dataclass
class Day:
    date: datetime.date
    in_period: bool
    is_working_day: bool
    is_today: bool
    entries: list = field(default_factory=list)

    @property
    def is_holiday(self) -> bool:
        """A weekday the calendar makes a rest day (a statutory holiday)."""
        return not self.is_working_day and self.date.weekday() < 5

    @property
    def is_makeup(self) -> bool:
        """A Saturday or Sunday the calendar makes a working day (调休上班)."""
        return self.is_working_day and self.date.weekday() >= 5


def parse_month(text: str, today: datetime.date) -> datetime.date:
    """The first day of ?month=2026-11, or of this month when it is missing or not a month."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return datetime.date(year, month, 1)
    except (AttributeError, TypeError, ValueError):
        return today.replace(day=1)


def parse_week(text: str, today: datetime.date) -> datetime.date:
    """The Monday of ?week=2026-W48 (ISO week), or of this week."""
    try:
        year, week = text.split("-W")
        return datetime.date.fromisocalendar(int(year), int(week), 1)
    except (AttributeError, TypeError, ValueError):
        return today - datetime.timedelta(days=today.weekday())


def month_end(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=32)).replace(day=1) - ONE_DAY


def grid_span(first: datetime.date, last: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From the Monday on or before `first` to the Sunday on or after `last`."""
    return first - datetime.timedelta(days=first.weekday()), last + datetime.timedelta(
        days=6 - last.weekday()
    )


def records_between(records: QuerySet, first: datetime.date, last: datetime.date) -> QuerySet:
    """Sheets with a day in first..last (a sheet without an end date is its start date)."""
    return (
        records.filter(start_date__lte=last)
        .filter(Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first))
        .select_related("union", "cadre")
        .order_by("start_date", "cadre__name", "pk")
    )


def days_of(records, first: datetime.date, last: datetime.date, today: datetime.date) -> list[Day]:
    """Every date of the grid around first..last, its working-day answer (one query) and the
    sheets on it: a sheet of several days is on each of them."""
    start, end = grid_span(first, last)
    calendar = WorkingCalendar(start, end)
    days = {
        date: Day(date, first <= date <= last, calendar.is_working_day(date), date == today)
        for date in days_in(start, end)
    }
    for record in records:
        for date in days_in(
            max(record.start_date, start), min(record.end_date or record.start_date, end)
        ):
            days[date].entries.append(record)
    return list(days.values())


def weeks(days: list[Day]) -> list[list[Day]]:
    return [days[index : index + 7] for index in range(0, len(days), 7)]


@dataclass(frozen=True)
class Standing:
    """A cadre's year in the month's margin: the progress and the working days left."""

    progress: YearProgress

    @property
    def working_days_left(self) -> int:
        return self.progress.working_days_in_year - self.progress.working_days_elapsed

    @property
    def days_to_go(self) -> Decimal:
        return max(self.progress.target - self.progress.filed, Decimal("0"))


def cadre_month(user, cadre: Cadre, first: datetime.date, today: datetime.date) -> dict:
    """A cadre's month: the sheets `user` may read (their own drafts to the cadre alone, as
    everywhere), the grid, the month's filed days, the year's standing. Four queries."""
    last = month_end(first)
    records = list(
        records_between(VisitRecord.objects.visible_to(user).filter(cadre=cadre), first, last)
    )
    filed_days = sum(
        (
            r.days or 0
            for r in records
            if r.status == VisitRecord.Status.FILED and first <= r.start_date <= last
        ),
        Decimal("0"),
    )
    return {
        "days": days_of(records, first, last, today),
        "records": records,
        "filed_days": filed_days,
        "standing": Standing(year_progress(cadre, today)),
    }


@dataclass(frozen=True)
class CadreStanding:
    cadre: Cadre
    filed: Decimal
    pace: Decimal

    @property
    def gap(self) -> Decimal:
        return self.filed - self.pace


def standings(cadres: QuerySet, today: datetime.date) -> list[CadreStanding]:
    """Every cadre's filed days this year against today's pace. Two queries."""
    pace = pace_on(today).days
    rows = cadres.annotate(filed=filed_days_subquery(today.year)).select_related("department")
    return [CadreStanding(cadre, cadre.filed, pace) for cadre in rows]


def department_month(
    user, department: Department, first: datetime.date, today: datetime.date
) -> dict:
    """A department's month for its head: every cadre's sheets on the grid and each cadre's
    standing. Four queries."""
    last = month_end(first)
    records = list(
        records_between(
            VisitRecord.objects.visible_to(user).filter(cadre__department=department), first, last
        )
    )
    cadres = Cadre.objects.active().filter(department=department).order_by("name")
    return {
        "days": days_of(records, first, last, today),
        "records": records,
        "standings": standings(cadres, today),
    }


@dataclass
class DepartmentWeek:
    department: Department
    cadres: int = 0
    behind: int = 0
    contacts: int = 0
    days: Decimal = Decimal("0")


def federation_week(user, monday: datetime.date, today: datetime.date) -> dict:
    """The week across the federation: every sheet of the week by day, and per department its
    cadres, those behind the pace and the week's contacts. Four queries."""
    sunday = monday + datetime.timedelta(days=6)
    records = list(records_between(VisitRecord.objects.visible_to(user), monday, sunday))
    departments: dict[int, DepartmentWeek] = {}
    for row in standings(Cadre.objects.active(), today):
        entry = departments.setdefault(
            row.cadre.department_id, DepartmentWeek(row.cadre.department)
        )
        entry.cadres += 1
        entry.behind += row.gap < 0
    for record in records:
        entry = departments.get(record.cadre.department_id)
        if entry is not None:
            entry.contacts += 1
            entry.days += record.days or 0
    return {
        "days": days_of(records, monday, sunday, today),
        "records": records,
        "departments": sorted(
            departments.values(), key=lambda d: (d.department.order, d.department.name)
        ),
    }
