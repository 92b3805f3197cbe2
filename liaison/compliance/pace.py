"""The 21 working days a year and the pace toward them: the days a cadre has filed, the share
of the year's working days gone, rounded to half a day."""

import datetime
import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import (
    DecimalField,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from records.calendar import WorkingCalendar
from records.figures import bar_width
from records.models import VisitRecord
from unions.models import Cadre

ZERO_DAYS = Value(Decimal("0"), output_field=DecimalField(max_digits=6, decimal_places=1))


def filed_days_subquery(year: int):
    """Days a cadre filed in `year`, as a subquery on `Cadre` (a Subquery per relation keeps
    record sums from multiplying with assignment rows — Django ticket #10060)."""
    return Coalesce(
        Subquery(
            VisitRecord.objects.filed()
            .for_year(year)
            .filter(cadre=OuterRef("pk"))
            .order_by()
            .values("cadre")
            .annotate(total=Sum("days"))
            .values("total")
        ),
        ZERO_DAYS,
    )


def round_to_half_day(value: Fraction) -> Decimal:
    """`value` rounded to the nearest half day, a quarter rounding up (half up on the half-day
    grid): 5.2 → 5, 5.25 → 5.5, 5.74 → 5.5, 5.75 → 6."""
    return Decimal(math.floor(value * 2 + Fraction(1, 2))) / 2


def format_days(days: Decimal) -> str:
    """A number of days without a trailing ".0": 12, 14.5, 0."""
    return f"{days.normalize():f}"


@dataclass(frozen=True)
class YearProgress:
    """A cadre's filed working days this year against the pace the annual target sets for
    today: target × (working days from 1 January to today) / (working days in the year)."""

    year: int
    target: Decimal
    filed: Decimal
    pace: Decimal
    working_days_elapsed: int
    working_days_in_year: int
    # Years whose calendar is Monday–Friday only, until the administrator enters it.
    estimated_years: tuple[int, ...] = ()

    @property
    def gap(self) -> Decimal:
        """Days ahead of the pace (negative: behind)."""
        return self.filed - self.pace

    @property
    def standing(self) -> str:
        if self.gap < 0:
            return "behind"
        return "ahead" if self.gap > 0 else "even"

    @property
    def estimated(self) -> bool:
        return bool(self.estimated_years)

    @property
    def filed_percent(self) -> int:
        return bar_width(self.filed, self.target)

    @property
    def pace_percent(self) -> int:
        return bar_width(self.pace, self.target)

    @property
    def words(self) -> str:
        """The progress in one sentence, e.g. 已累计 12 天，按进度应达 14.5 天，落后 2.5 天."""
        values = {
            "days": format_days(self.filed),
            "pace": format_days(self.pace),
            "gap": format_days(abs(self.gap)),
        }
        if self.standing == "behind":
            # Translators: a cadre's working days filed this year against today's pace.
            text = gettext(
                "%(days)s days filed; the pace for today is %(pace)s days; %(gap)s days behind"
            )
        elif self.standing == "ahead":
            text = gettext(
                "%(days)s days filed; the pace for today is %(pace)s days; %(gap)s days ahead"
            )
        else:
            text = gettext("%(days)s days filed; the pace for today is %(pace)s days; on pace")
        return text % values


@dataclass(frozen=True)
class Pace:
    """Where every cadre should be on a day: the same for all, from the year's calendar."""

    days: Decimal
    elapsed: int
    total: int
    estimated_years: tuple[int, ...]


def pace_on(today: datetime.date) -> Pace:
    """21 x (working days of the year up to `today`) / (working days in the year), rounded
    half up to the half-day steps days are filed in. One query (the calendar's overrides)."""
    year = today.year
    calendar = WorkingCalendar(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return _pace(today, calendar)


@functools.lru_cache(maxsize=64)
def _pace_for(today: datetime.date, overrides: frozenset) -> Pace:
    calendar = WorkingCalendar.with_overrides(
        datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31), dict(overrides)
    )
    working_days = calendar.working_days()
    elapsed = sum(1 for day in working_days if day <= today)
    target = Decimal(settings.ANNUAL_DAYS_TARGET)
    # Exact arithmetic (a Fraction) so that a pace falling on a quarter day rounds the same way
    # on every machine.
    days = (
        round_to_half_day(Fraction(target) * elapsed / len(working_days))
        if working_days
        else target
    )
    return Pace(days, elapsed, len(working_days), tuple(calendar.estimated_years()))


def _pace(today: datetime.date, calendar: WorkingCalendar) -> Pace:
    # Computed once per day and set of overrides (the overrides are read on every call, so an
    # administrator's change counts at once): walking the year's 365 dates was a millisecond
    # of every cadre's home (BENCHMARKS.md).
    return _pace_for(today, frozenset(calendar.overrides.items()))


def year_progress(
    cadre: Cadre, today: datetime.date, *, filed: Decimal | None = None
) -> YearProgress:
    """The cadre's progress toward the annual target (settings.ANNUAL_DAYS_TARGET) on `today`.
    Two queries: the filed days (unless the caller read them: `filed`, e.g. with
    `filed_days_subquery`), and the year's calendar overrides."""
    pace = pace_on(today)
    if filed is None:
        filed = (
            VisitRecord.objects.filed()
            .filter(cadre=cadre)
            .for_year(today.year)
            .aggregate(days=Coalesce(Sum("days"), ZERO_DAYS))["days"]
        )
    return YearProgress(
        year=today.year,
        target=Decimal(settings.ANNUAL_DAYS_TARGET),
        filed=filed,
        pace=pace.days,
        working_days_elapsed=pace.elapsed,
        working_days_in_year=pace.total,
        estimated_years=pace.estimated_years,
    )
