"""Reads for the home pages: each figure comes from one aggregate query, never a loop over rows."""

import datetime
import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from liaison.models import LiaisonAssignment
from records.calendar import WorkingCalendar
from records.models import Problem, VisitRecord
from unions.models import Cadre, Department, GrassrootsUnion, Street

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


# Each list on the cadre's home page shows this many rows, with the full count beside it.
HOME_LIST_LIMIT = 10

# Problems the cadre raised that still wait on someone: an answer from the department or
# leader they were transferred to, or — once answered — the cadre's feedback to the grassroots.
WAITING_STATUSES = (Problem.Status.TRANSFERRED, Problem.Status.ACCEPTED, Problem.Status.ANSWERED)


def assigned_union_ids(cadre: Cadre, year: int) -> set[int]:
    """The unions of the cadre's current (not ended) contact points in `year`. One query.

    `records` calls it through settings.RECORDS_ASSIGNED_UNITS, without importing this app."""
    return set(
        LiaisonAssignment.objects.for_year(year)
        .current()
        .filter(cadre=cadre)
        .values_list("union_id", flat=True)
    )


def quarter_span(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the quarter `day` falls in (Q4 = October to December)."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    if first_month == 10:
        return start, datetime.date(day.year, 12, 31)
    return start, datetime.date(day.year, first_month + 3, 1) - datetime.timedelta(days=1)


def _count(records):
    """The number of `records` as a Subquery that is 0, not NULL, when there are none."""
    return Coalesce(Subquery(records.values("union").annotate(n=Count("pk")).values("n")), 0)


def cadre_units(cadre: Cadre, today: datetime.date) -> list[LiaisonAssignment]:
    """This year's contact points of the cadre, current ones first, ended ones after. Each
    carries `last_contact` (the start date of the cadre's last filed sheet with that union, any
    year), `records_this_year` and `records_this_quarter` (filed sheets). One query: a Subquery
    per figure, never two reverse relations aggregated in one annotate (Django ticket #10060)."""
    quarter_start, quarter_end = quarter_span(today)
    filed = (
        VisitRecord.objects.filed()
        .filter(cadre=OuterRef("cadre"), union=OuterRef("union"))
        .order_by()
    )
    return list(
        LiaisonAssignment.objects.for_year(today.year)
        .filter(cadre=cadre)
        .select_related("union")
        .annotate(
            last_contact=Subquery(filed.order_by("-start_date").values("start_date")[:1]),
            records_this_year=_count(filed.for_year(today.year)),
            records_this_quarter=_count(
                filed.filter(start_date__range=(quarter_start, quarter_end))
            ),
        )
        .order_by(F("ended_at").asc(nulls_first=True), "union__name")
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
        return _percent(self.filed, self.target)

    @property
    def pace_percent(self) -> int:
        return _percent(self.pace, self.target)

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


def _percent(days: Decimal, target: Decimal) -> int:
    return min(100, int(days * 100 / target)) if target else 100


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


def year_progress(cadre: Cadre, today: datetime.date) -> YearProgress:
    """The cadre's progress toward the annual target (settings.ANNUAL_DAYS_TARGET) on `today`.
    Two queries: the filed days, and the year's calendar overrides."""
    pace = pace_on(today)
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


def cadre_worklist(cadre: Cadre, limit: int = HOME_LIST_LIMIT) -> dict:
    """What the cadre still has to do, each a short list with its full count: drafts to finish,
    sheets returned for revision, and transferred problems waiting for an answer or for the
    cadre's feedback to the grassroots. Four queries, whatever the number of rows: the three
    counts, then each list."""
    records = VisitRecord.objects.filter(cadre=cadre)
    waiting = Problem.objects.filter(
        record__cadre=cadre,
        resolution=Problem.Resolution.TRANSFER,
        status__in=WAITING_STATUSES,
    )

    def count(rows, key):
        # Grouped by the cadre (one group: the rows are all this cadre's) to count in SQL.
        grouped = rows.order_by().values(key).annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(grouped, output_field=IntegerField()), 0)

    # One query for the three counts, each a subquery on its own index (a join of sheets to
    # problems with COUNT(DISTINCT …) made PostgreSQL sort them). Every list is read, empty or
    # not, so that the page's queries are the same for every cadre.
    counts = (
        Cadre.objects.filter(pk=cadre.pk)
        .annotate(
            drafts=count(records.filter(status=VisitRecord.Status.DRAFT), "cadre"),
            returned=count(records.filter(status=VisitRecord.Status.RETURNED), "cadre"),
            problems=count(waiting, "record__cadre"),
        )
        .values("drafts", "returned", "problems")
        .get()
    )
    latest_first = ("-updated_at", "-pk")
    # Only the columns the lists show: a sheet's row carries all its texts, a problem's row its
    # sheet's too (select_related), and the home page is the one every cadre opens.
    listed = records.select_related("union").only("start_date", "return_reason", "union__name")
    problems = (
        Problem.objects.filter(
            record__cadre=cadre,
            resolution=Problem.Resolution.TRANSFER,
            status__in=WAITING_STATUSES,
        )
        .select_related("department", "record__union")
        .only(
            "description",
            "deadline",
            "status",
            "record__union__name",
            "department__name",
        )
        .order_by(F("deadline").asc(nulls_last=True), "pk")
    )

    return {
        "drafts": list(
            listed.filter(status=VisitRecord.Status.DRAFT).order_by(*latest_first)[:limit]
        ),
        "draft_count": counts["drafts"],
        "returned": list(
            listed.filter(status=VisitRecord.Status.RETURNED).order_by(*latest_first)[:limit]
        ),
        "returned_count": counts["returned"],
        "problems": list(problems[:limit]),
        "problem_count": counts["problems"],
    }


def cadre_home(cadre: Cadre, today: datetime.date) -> dict:
    """Everything of the cadre's own part of the home page (我的联系点)."""
    units = cadre_units(cadre, today)
    return {
        "units": units,
        "current_units": sum(1 for unit in units if unit.ended_at is None),
        "quota": cadre.unit_quota,
        "progress": year_progress(cadre, today),
        **cadre_worklist(cadre),
    }


def department_cadre_rows(department: Department, year: int):
    """The department's active cadres, each with this year's units, filed days and records."""
    return (
        Cadre.objects.active()
        .filter(department=department)
        .annotate(
            units=Count(
                "assignments",
                filter=Q(assignments__year=year, assignments__ended_at__isnull=True),
                distinct=True,
            ),
            days_filed=filed_days_subquery(year),
        )
        .order_by("name")
    )


def federation_summary(year: int) -> dict:
    """The organization department's overview of the federation for the year."""
    records = VisitRecord.objects.for_year(year).aggregate(
        filed=Count("pk", filter=Q(status=VisitRecord.Status.FILED)),
        days=Coalesce(Sum("days", filter=Q(status=VisitRecord.Status.FILED)), ZERO_DAYS),
        integrity=Count(
            "pk",
            filter=Q(status=VisitRecord.Status.FILED)
            & (Q(transport_accepted=True) | Q(gifts_accepted=True) | Q(banquet_accepted=True)),
        ),
    )
    assigned = LiaisonAssignment.objects.for_year(year).current()
    unions = GrassrootsUnion.objects.active().aggregate(
        total=Count("pk"),
        covered=Count("pk", filter=Q(pk__in=assigned.values("union"))),
    )
    problems = Problem.objects.aggregate(
        open=Count("pk", filter=~Q(status=Problem.Status.CLOSED)),
        waiting=Count(
            "pk",
            filter=Q(status__in=[Problem.Status.TRANSFERRED, Problem.Status.ACCEPTED]),
        ),
    )
    return {
        "records": records,
        "unions": unions,
        "problems": problems,
        "cadres": Cadre.objects.active().count(),
        "target": settings.ANNUAL_DAYS_TARGET,
    }


def department_rows(year: int):
    """Every department with its active cadres, this year's filed records and days."""
    return Department.objects.annotate(
        cadre_count=Count("cadres", filter=Q(cadres__active=True), distinct=True),
        days_filed=Coalesce(
            Subquery(
                VisitRecord.objects.filed()
                .for_year(year)
                .filter(cadre__department=OuterRef("pk"))
                .order_by()
                .values("cadre__department")
                .annotate(total=Sum("days"))
                .values("total")
            ),
            ZERO_DAYS,
        ),
        records_filed=Coalesce(
            Subquery(
                VisitRecord.objects.filed()
                .for_year(year)
                .filter(cadre__department=OuterRef("pk"))
                .order_by()
                .values("cadre__department")
                .annotate(total=Count("pk"))
                .values("total")
            ),
            0,
        ),
    )


# --- The assignment desk (组织人事部): contact points and coverage of a year -----------------


def current_points(year: int):
    """The year's current contact points held by active cadres: what makes a union covered."""
    return LiaisonAssignment.objects.for_year(year).current().filter(cadre__active=True)


def desk_departments(year: int) -> list[dict]:
    """Every active cadre, department by department (leaders first), each with `units` (current
    contact points in `year`), `quota` and `gap` (units still to assign; 0 when complete). One
    query."""
    cadres = (
        Cadre.objects.active()
        .select_related("department")
        .annotate(
            units=Count(
                "assignments",
                filter=Q(assignments__year=year, assignments__ended_at__isnull=True),
            )
        )
        # The rank codes sort bureau, division, section, staff: leaders come first.
        .order_by("department__order", "department__name", "rank", "name")
    )
    departments: list[dict] = []
    for cadre in cadres:
        cadre.quota = cadre.unit_quota
        cadre.gap = max(cadre.quota - cadre.units, 0)
        if not departments or departments[-1]["department"].pk != cadre.department_id:
            departments.append({"department": cadre.department, "cadres": [], "gaps": 0})
        departments[-1]["cadres"].append(cadre)
        departments[-1]["gaps"] += 1 if cadre.gap else 0
    return departments


def desk_totals(year: int) -> dict:
    """Current contact points of `year` and of the year before (for the rollover). One query."""
    return LiaisonAssignment.objects.current().aggregate(
        this_year=Count("pk", filter=Q(year=year)),
        last_year=Count("pk", filter=Q(year=year - 1)),
    )


def _contacts(year: int):
    """A union's number of contact cadres in `year`, as a Subquery that is 0, not NULL."""
    return Coalesce(
        Subquery(
            current_points(year)
            .filter(union=OuterRef("pk"))
            .order_by()
            .values("union")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def _covered(year: int):
    return Exists(current_points(year).filter(union=OuterRef("pk")))


def coverage(year: int) -> dict:
    """Coverage of the active unions and cadres in `year`: unions with no contact cadre (in all
    and street by street), unions with more than one, active cadres with none. Three queries."""
    unions = GrassrootsUnion.objects.active().annotate(contacts=_contacts(year))
    totals = unions.aggregate(
        total=Count("pk"),
        uncovered=Count("pk", filter=Q(contacts=0)),
        shared=Count("pk", filter=Q(contacts__gt=1)),
    )
    labels = dict(Street.choices)
    streets = [
        {"street": row["street"], "label": labels.get(row["street"], row["street"]), **row}
        for row in GrassrootsUnion.objects.active()
        .values("street")
        .annotate(total=Count("pk"), uncovered=Count("pk", filter=~Q(_covered(year))))
        .order_by("street")
    ]
    cadres = Cadre.objects.active().aggregate(
        total=Count("pk"),
        without_units=Count(
            "pk", filter=~Q(Exists(current_points(year).filter(cadre=OuterRef("pk"))))
        ),
    )
    return {"unions": totals, "streets": streets, "cadres": cadres}


def uncovered_unions(year: int, street: str = ""):
    """Active unions with no contact cadre in `year` (optionally of one street)."""
    unions = GrassrootsUnion.objects.active().filter(~Q(_covered(year)))
    if street:
        unions = unions.filter(street=street)
    return unions.order_by("street", "name")


def shared_unions(year: int):
    """Active unions with more than one contact cadre in `year`, each with `points` (its
    current contact points, cadre and department selected: one more query per page)."""
    return (
        GrassrootsUnion.objects.active()
        .annotate(contacts=_contacts(year))
        .filter(contacts__gt=1)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=current_points(year).select_related("cadre__department"),
                to_attr="points",
            )
        )
        .order_by("street", "name")
    )


def cadres_without_units(year: int):
    """Active cadres with no current contact point in `year`."""
    return (
        Cadre.objects.active()
        .filter(~Q(Exists(current_points(year).filter(cadre=OuterRef("pk")))))
        .select_related("department")
        .order_by("department__order", "department__name", "rank", "name")
    )


def cadre_points(cadre: Cadre, year: int):
    """The cadre's contact points of `year`, current ones first."""
    return (
        LiaisonAssignment.objects.for_year(year)
        .filter(cadre=cadre)
        .select_related("union", "assigned_by")
        .order_by(F("ended_at").asc(nulls_first=True), "union__name")
    )


def union_search(term: str, year: int):
    """Active unions whose name contains `term`, whose street's name (in the language of the
    page) contains it, or whose credit code starts with it; each with `contacts` in `year`."""
    term = term.strip()
    streets = [value for value, label in Street.choices if term in str(label)]
    return (
        GrassrootsUnion.objects.active()
        .filter(
            Q(name__icontains=term)
            | Q(street__in=streets)
            | Q(credit_code__startswith=term.upper())
        )
        .annotate(contacts=_contacts(year))
        .order_by("name", "pk")
    )
