"""Quarterly compliance (季度达标) and the annual assessment (年度考核): every cadre's contact work
measured against their contact points and the annual target of working days.

Every figure comes from a few aggregate queries — a Subquery per figure, never two reverse
relations aggregated in one annotate (Django ticket #10060) — so the number of queries does not
grow with the cadres. Python only loops over the resulting cadre rows (to build the dataclasses,
the department totals, the order the page asks for), never over record sheets.

The definitions, also written in the README ("Quarterly compliance", "Annual assessment"):

- A record sheet counts for a quarter when it is filed (备案; a draft or a sheet returned for
  revision does not count) and its start date falls in the quarter; for the year when its start
  date falls between 1 January and the end of the period.
- The period ends at the end of the quarter, or today for the quarter under way (`as_of`).
- A contact point counts as assigned when it belongs to the year and was not ended on or before
  the period end. A unit is contacted in the quarter when one of the cadre's filed sheets of the
  quarter is with it. An assignment ended during the quarter no longer counts, as assigned or as
  contacted (its sheets still count as records and days).
- A sheet is filed on time when it was filed (the local date of `filed_at`) at most
  settings.COMPLIANCE_TIMELY_DAYS days after its end date.
- Problems are those raised on the cadre's filed sheets of the quarter: transferred = needing
  transfer; overdue = with a department past its deadline today; fed back = the outcome was fed
  back to the grassroots (a feedback date, even if the grassroots were unsatisfied).
- Status: 未联系 no contact = no filed sheet in the quarter; 滞后 behind = days filed this year
  below the pace for the period end, or fewer units contacted than assigned; else 达标 on track.

`quarter_freeze` stores a quarter's figures as a `QuarterSnapshot` once the quarter has ended;
`compliance_for_quarter` and `street_coverage` then answer for that quarter from the snapshot.
"""

import dataclasses
import datetime
import functools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from liaison.meetings import quarter_bounds
from liaison.models import LiaisonAssignment, QuarterSnapshot
from liaison.selectors import ZERO_DAYS, pace_on
from records.models import INTEGRITY_EXCEPTION, Problem, VisitRecord
from records.problems import overdue_q
from unions.models import Cadre, Department, GrassrootsUnion, Street
from unions.roles import Role, cadre_of, has_role, headed_department, sees_everything

FILED = VisitRecord.Status.FILED
DAYS = DecimalField(max_digits=8, decimal_places=1)
SHARE_PLACES = Decimal("0.001")
POINT_PLACES = Decimal("0.1")
# Problems still waiting for an answer (the union table's "still open").
UNANSWERED = (
    Problem.Status.RAISED,
    Problem.Status.TRANSFERRED,
    Problem.Status.ACCEPTED,
    Problem.Status.ANSWERED,
)


class ComplianceStatus(TextChoices):
    ON_TRACK = "on_track", pgettext_lazy("compliance", "On track")
    BEHIND = "behind", pgettext_lazy("compliance", "Behind")
    NO_CONTACT = "no_contact", pgettext_lazy("compliance", "No contact")


STATUS_BADGES = {
    ComplianceStatus.ON_TRACK: "text-bg-success",
    ComplianceStatus.BEHIND: "text-bg-warning",
    ComplianceStatus.NO_CONTACT: "text-bg-danger",
}

# The order "sort by status" uses: the cadres needing attention first.
STATUS_ORDER = {
    ComplianceStatus.NO_CONTACT: 0,
    ComplianceStatus.BEHIND: 1,
    ComplianceStatus.ON_TRACK: 2,
}


def compliance_status(
    *, records: int, days: Decimal, pace: Decimal, contacted: int, assigned: int
) -> str:
    """The rule, in one place: no filed sheet in the quarter is 未联系; days below the pace or a
    unit not contacted is 滞后; everything else 达标."""
    if records == 0:
        return ComplianceStatus.NO_CONTACT.value
    if days < pace or contacted < assigned:
        return ComplianceStatus.BEHIND.value
    return ComplianceStatus.ON_TRACK.value


@functools.cache
def choice_labels(choices: type[TextChoices], language: str | None) -> dict[str, str]:
    """A choices class's labels in `language`, translated once: hundreds of rows, each asking
    for its label, made the dashboard's template translate the same words hundreds of times."""
    return {value: str(label) for value, label in choices.choices}


def _plain_number(value: Decimal) -> str:
    """12, 14.5, 66.7: a Decimal without trailing zeros (what `floatformat` shows)."""
    return f"{value.normalize():f}"


def _percent(value: Decimal | int, whole: Decimal | int) -> int:
    """`value` as a whole percentage of `whole`, at most 100 (a bar's width)."""
    if not whole:
        return 100
    return min(100, int(Decimal(value) * 100 / Decimal(whole)))


def _one_place(days) -> Decimal:
    """Days as a Decimal with one place, whatever the database returned (3 or 3.0)."""
    return Decimal(days or 0).quantize(Decimal("0.1"))


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES, ROUND_HALF_UP)


# --- The quarter's rows --------------------------------------------------------------------


@dataclass
class CadreRow:
    """One cadre's figures for a quarter: what the dashboard shows, the workbook exports and a
    snapshot stores (`to_json`)."""

    cadre_id: int
    name: str
    department_id: int
    department_name: str
    department_order: int
    rank: str
    is_leader: bool
    units_assigned: int
    unit_quota: int
    days_filed_year: Decimal
    target: Decimal
    pace: Decimal
    units_contacted_quarter: int
    records_filed_quarter: int
    records_timely_quarter: int
    timely_share: Decimal | None
    problems_raised: int
    problems_transferred: int
    problems_overdue: int
    problems_fed_back: int
    integrity_exceptions: int
    status: str

    DECIMALS = ("days_filed_year", "target", "pace", "timely_share")

    @property
    def rank_label(self) -> str:
        return choice_labels(Cadre.Rank, get_language()).get(self.rank, self.rank)

    @property
    def status_label(self) -> str:
        return choice_labels(ComplianceStatus, get_language())[self.status]

    @property
    def status_class(self) -> str:
        """The status badge's colour (Bootstrap): green, amber, red."""
        return STATUS_BADGES[self.status]

    @functools.cached_property
    def progress_percent(self) -> int:
        """Days filed this year as a share of the target: the width of the row's bar."""
        return _percent(self.days_filed_year, self.target)

    @functools.cached_property
    def pace_percent(self) -> int:
        """Where the pace stands on the same bar (its marker)."""
        return _percent(self.pace, self.target)

    @property
    def days_gap(self) -> Decimal:
        """Days ahead of the pace (negative: behind)."""
        return self.days_filed_year - self.pace

    @functools.cached_property
    def days_text(self) -> str:
        """Days filed as the table shows them (12, 14.5): formatted here once, not by a
        template filter per row (BENCHMARKS.md)."""
        return _plain_number(self.days_filed_year)

    @functools.cached_property
    def timely_text(self) -> str:
        return "" if self.timely_percent is None else _plain_number(self.timely_percent)

    @functools.cached_property
    def timely_percent(self) -> Decimal | None:
        return None if self.timely_share is None else (self.timely_share * 100).normalize()

    def to_json(self) -> dict:
        data = dataclasses.asdict(self)
        for name in self.DECIMALS:
            if data[name] is not None:
                data[name] = str(data[name])
        return data

    @classmethod
    def from_json(cls, data: dict) -> "CadreRow":
        values = {f.name: data[f.name] for f in dataclasses.fields(cls)}
        for name in cls.DECIMALS:
            if values[name] is not None:
                values[name] = Decimal(values[name])
        return cls(**values)


def _scalar(queryset: QuerySet, key: str, aggregate, output_field=None) -> Subquery:
    """One figure of `queryset` (filtered on the outer row through `key`) as a scalar subquery.
    Grouping by `key` leaves one group — the outer row's — whose aggregate is the answer."""
    return Subquery(
        queryset.order_by().values(key).annotate(figure=aggregate).values("figure"),
        output_field=output_field,
    )


def _count(queryset: QuerySet, key: str):
    return Coalesce(_scalar(queryset, key, Count("pk"), IntegerField()), 0)


def _days(queryset: QuerySet, key: str):
    return Coalesce(_scalar(queryset, key, Sum("days"), DAYS), ZERO_DAYS)


def timely_days() -> int:
    return settings.COMPLIANCE_TIMELY_DAYS


def _fixed_offset_minutes() -> int | None:
    """The current time zone's UTC offset in minutes if it is the same all year (Asia/Shanghai
    has been UTC+8 since 1991), else None."""
    zone = timezone.get_current_timezone()
    year = timezone.now().year
    offsets = {
        datetime.datetime(year, month, 1, tzinfo=datetime.UTC).astimezone(zone).utcoffset()
        for month in (1, 7)
    }
    return int(offsets.pop().total_seconds() // 60) if len(offsets) == 1 else None


class LocalDate(TruncDate):
    """The local date of a datetime column (Django's TruncDate). On SQLite through SQLite's own
    date() shifted by the zone's fixed offset: Django's SQLite TruncDate calls a Python function
    for every row, which was most of the compliance dashboard's time (BENCHMARKS.md)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        minutes = _fixed_offset_minutes()
        if minutes is None:
            return super().as_sqlite(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, %s)", (*params, f"{minutes:+d} minutes")


class DaysAfter(Func):
    """A date column plus a number of days, as a date, in each database's own SQL (Django's
    date arithmetic on SQLite is a Python function called row by row)."""

    output_field = DateField()

    def __init__(self, expression, days: int):
        super().__init__(expression)
        self.days = int(days)

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL: a date plus an integer is a date.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + %s)", (*params, self.days)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", (*params, f"{self.days:+d} days")


def timely_q(days: int | None = None) -> Q:
    """Filed at most `days` (settings.COMPLIANCE_TIMELY_DAYS) days after the contact's end
    date, comparing the local date of `filed_at` (in the current time zone)."""
    days = timely_days() if days is None else days
    return Q(filed_at__isnull=False) & Q(
        LessThanOrEqual(LocalDate("filed_at"), DaysAfter("end_date", days))
    )


def points_current_on(year: int, day: datetime.date) -> QuerySet:
    """The contact points of `year` not ended on or before `day`."""
    return LiaisonAssignment.objects.for_year(year).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=day)
    )


def _filed_between(start: datetime.date, end: datetime.date) -> QuerySet:
    return VisitRecord.objects.filed().filter(start_date__range=(start, end))


def _contacted_points(year: int, start: datetime.date, end: datetime.date, as_of):
    """The cadre's (OuterRef pk) points current at `as_of` with a filed sheet in start–end."""
    return (
        points_current_on(year, as_of)
        .filter(cadre=OuterRef("pk"))
        .filter(
            Exists(
                _filed_between(start, end).filter(cadre=OuterRef("cadre"), union=OuterRef("union"))
            )
        )
    )


def _period(year: int, quarter: int, today: datetime.date) -> tuple[datetime.date, ...]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter {quarter} is not 1 to 4")
    start, end = quarter_bounds(year, quarter)
    if start > today:
        raise ValueError(f"{year} Q{quarter} has not started on {today}")
    return start, end, min(end, today)


def _scoped(cadres: QuerySet, department, cadre) -> QuerySet:
    if department is not None:
        cadres = cadres.filter(department=department)
    if cadre is not None:
        cadres = cadres.filter(pk=cadre.pk if isinstance(cadre, Cadre) else cadre)
    return cadres


def _order(cadres: QuerySet) -> QuerySet:
    # The rank codes sort bureau, division, section, staff: leaders come first.
    return cadres.order_by("department__order", "department__name", "rank", "name", "pk")


def _by_cadre(queryset: QuerySet, key: str, **figures) -> dict[int, dict]:
    """`figures` (aggregates) of `queryset` grouped by the cadre at `key`: {cadre id: row}."""
    rows = queryset.order_by().values(key).annotate(**figures)
    return {row.pop(key): row for row in rows}


def live_compliance(
    *,
    year: int,
    quarter: int,
    today: datetime.date,
    department: Department | None = None,
    cadre: Cadre | None = None,
) -> list[CadreRow]:
    """The quarter's figures computed from the records as they are now (what a freeze stores).
    Five queries, whatever the number of cadres and records: the calendar (for the pace), then
    one GROUP BY pass each over the year's filed sheets, the quarter's problems and the contact
    points, and the cadres themselves. (A subquery per figure and per cadre, as this was first
    written, read the quarter's sheets ten times over: BENCHMARKS.md.)

    The cadres are the active ones, and those no longer active who filed a sheet in the
    quarter (they were at work then)."""
    start, end, as_of = _period(year, quarter, today)
    pace = pace_on(as_of).days
    target = Decimal(settings.ANNUAL_DAYS_TARGET)
    in_quarter = Q(start_date__gte=start)
    # The year's filed sheets up to the end of the quarter: no sheet is dated after today, so
    # those up to `as_of` are the year's so far, and those from `start` the quarter's.
    sheets = _filed_between(datetime.date(year, 1, 1), end)
    if department is not None:
        sheets = sheets.filter(cadre__department=department)
    if cadre is not None:
        sheets = sheets.filter(cadre=cadre)
    records = _by_cadre(
        sheets,
        "cadre",
        days_year=Coalesce(Sum("days", filter=Q(start_date__lte=as_of)), ZERO_DAYS),
        records_quarter=Count("pk", filter=in_quarter),
        records_timely=Count("pk", filter=in_quarter & timely_q()),
        integrity=Count("pk", filter=in_quarter & INTEGRITY_EXCEPTION),
    )
    problems = _by_cadre(
        Problem.objects.filter(record__in=sheets.filter(in_quarter).values("pk")),
        "record__cadre",
        problems_raised=Count("pk"),
        problems_transferred=Count("pk", filter=Q(resolution=Problem.Resolution.TRANSFER)),
        problems_overdue=Count("pk", filter=overdue_q(today)),
        problems_fed_back=Count("pk", filter=Q(feedback_on__isnull=False)),
    )
    contacted = Exists(sheets.filter(in_quarter, cadre=OuterRef("cadre"), union=OuterRef("union")))
    points = _by_cadre(
        points_current_on(year, as_of),
        "cadre",
        units_assigned=Count("pk"),
        units_contacted=Count("pk", filter=Q(contacted)),
    )
    worked = [pk for pk, figures in records.items() if figures["records_quarter"]]
    cadres = _scoped(
        Cadre.objects.filter(Q(active=True) | Q(pk__in=worked)), department, cadre
    ).select_related("department")
    no_records = {
        "days_year": Decimal(0),
        "records_quarter": 0,
        "records_timely": 0,
        "integrity": 0,
    }
    no_problems = dict.fromkeys(
        ("problems_raised", "problems_transferred", "problems_overdue", "problems_fed_back"), 0
    )
    no_points = {"units_assigned": 0, "units_contacted": 0}
    rows = []
    for c in _order(cadres):
        r = records.get(c.pk, no_records)
        p = problems.get(c.pk, no_problems)
        u = points.get(c.pk, no_points)
        rows.append(
            CadreRow(
                cadre_id=c.pk,
                name=c.name,
                department_id=c.department_id,
                department_name=c.department.name,
                department_order=c.department.order,
                rank=c.rank,
                is_leader=c.is_leader,
                units_assigned=u["units_assigned"],
                unit_quota=c.unit_quota,
                days_filed_year=_one_place(r["days_year"]),
                target=target,
                pace=pace,
                units_contacted_quarter=u["units_contacted"],
                records_filed_quarter=r["records_quarter"],
                records_timely_quarter=r["records_timely"],
                timely_share=_share(r["records_timely"], r["records_quarter"]),
                integrity_exceptions=r["integrity"],
                status=compliance_status(
                    records=r["records_quarter"],
                    days=r["days_year"],
                    pace=pace,
                    contacted=u["units_contacted"],
                    assigned=u["units_assigned"],
                ),
                **p,
            )
        )
    return rows


# "Not fetched yet": the snapshot arguments' default, as None means "fetched: not frozen".
UNKNOWN = object()


def quarter_snapshot(year: int, quarter: int) -> QuarterSnapshot | None:
    """The quarter's snapshot, with who froze it, or None while it is not frozen. One query."""
    return (
        QuarterSnapshot.objects.select_related("frozen_by__cadre")
        .filter(year=year, quarter=quarter)
        .first()
    )


def snapshot_rows(
    snapshot: QuarterSnapshot, *, department: Department | None = None, cadre=None
) -> list[CadreRow]:
    rows = [CadreRow.from_json(data) for data in snapshot.rows]
    if department is not None:
        department_id = getattr(department, "pk", department)
        rows = [row for row in rows if row.department_id == department_id]
    if cadre is not None:
        cadre_id = getattr(cadre, "pk", cadre)
        rows = [row for row in rows if row.cadre_id == cadre_id]
    return rows


def compliance_for_quarter(
    *,
    year: int,
    quarter: int,
    today: datetime.date,
    department: Department | None = None,
    cadre: Cadre | None = None,
    snapshot: QuarterSnapshot | None | object = UNKNOWN,
) -> list[CadreRow]:
    """Every cadre's figures for the quarter (of one department, or one cadre): the frozen
    ones when the quarter has a snapshot, else computed now. Three queries at most, however
    many cadres (two when the caller passes the `quarter_snapshot` it already fetched).
    Raises ValueError for a quarter that has not started on `today`."""
    _period(year, quarter, today)
    if snapshot is UNKNOWN:
        snapshot = quarter_snapshot(year, quarter)
    if snapshot is not None:
        return snapshot_rows(snapshot, department=department, cadre=cadre)
    return live_compliance(
        year=year, quarter=quarter, today=today, department=department, cadre=cadre
    )


# --- Totals per department and per street --------------------------------------------------


@dataclass
class DepartmentSummary:
    """A department's cadres by status and its totals for the quarter."""

    department_id: int | None
    name: str
    order: int = 0
    cadres: int = 0
    on_track: int = 0
    behind: int = 0
    no_contact: int = 0
    units_assigned: int = 0
    units_contacted: int = 0
    records_filed: int = 0
    records_timely: int = 0
    days_filed_year: Decimal = Decimal("0.0")
    problems_raised: int = 0
    problems_transferred: int = 0
    problems_overdue: int = 0
    problems_fed_back: int = 0
    integrity_exceptions: int = 0

    def add(self, row: CadreRow) -> None:
        self.cadres += 1
        setattr(self, row.status, getattr(self, row.status) + 1)
        self.units_assigned += row.units_assigned
        self.units_contacted += row.units_contacted_quarter
        self.records_filed += row.records_filed_quarter
        self.records_timely += row.records_timely_quarter
        self.days_filed_year += row.days_filed_year
        self.problems_raised += row.problems_raised
        self.problems_transferred += row.problems_transferred
        self.problems_overdue += row.problems_overdue
        self.problems_fed_back += row.problems_fed_back
        self.integrity_exceptions += row.integrity_exceptions

    @property
    def on_track_percent(self) -> int:
        return _percent(self.on_track, self.cadres) if self.cadres else 0

    @property
    def behind_percent(self) -> int:
        return _percent(self.behind, self.cadres) if self.cadres else 0

    @property
    def no_contact_percent(self) -> int:
        # What the other two leave, so the three parts of the bar always fill it.
        if not self.cadres:
            return 0
        return 100 - self.on_track_percent - self.behind_percent

    @property
    def contacted_percent(self) -> int:
        return _percent(self.units_contacted, self.units_assigned)

    @property
    def timely_share(self) -> Decimal | None:
        return _share(self.records_timely, self.records_filed)

    @property
    def timely_percent(self) -> Decimal | None:
        share = self.timely_share
        return None if share is None else (share * 100).normalize()


def department_summary(rows: list[CadreRow]) -> list[DepartmentSummary]:
    """The rows' totals per department, in the departments' order."""
    summaries: dict[int, DepartmentSummary] = {}
    for row in rows:
        if row.department_id not in summaries:
            summaries[row.department_id] = DepartmentSummary(
                department_id=row.department_id,
                name=row.department_name,
                order=row.department_order,
            )
        summaries[row.department_id].add(row)
    return sorted(summaries.values(), key=lambda s: (s.order, s.name))


def overall_summary(rows: list[CadreRow]) -> DepartmentSummary:
    """The rows' totals over all departments (the federation, or the rows shown)."""
    total = DepartmentSummary(department_id=None, name=_("All departments"))
    for row in rows:
        total.add(row)
    return total


@dataclass
class StreetCoverage:
    """Active grassroots units of a street, and how many were contacted in the quarter."""

    street: str
    units: int
    contacted: int

    @property
    def label(self) -> str:
        return str(Street(self.street).label) if self.street in Street.values else self.street

    @property
    def percent(self) -> int:
        return _percent(self.contacted, self.units)

    @property
    def uncontacted(self) -> int:
        return self.units - self.contacted

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


STREET_ORDER = {value: index for index, value in enumerate(Street.values)}
# The same order in a query: the district's streets as the Street choices list them.
STREET_RANK = Case(
    *[When(street=value, then=Value(index)) for value, index in STREET_ORDER.items()],
    default=Value(len(STREET_ORDER)),
    output_field=IntegerField(),
)


def live_street_coverage(*, year: int, quarter: int, today: datetime.date):
    """Per street: active units, and those with a filed sheet (by anyone) in the quarter. One
    query."""
    start, end, _as_of = _period(year, quarter, today)
    contacted = Exists(_filed_between(start, end).filter(union=OuterRef("pk")))
    streets = [
        StreetCoverage(street=row["street"], units=row["units"], contacted=row["contacted"])
        for row in GrassrootsUnion.objects.active()
        .order_by()
        .values("street")
        .annotate(units=Count("pk"), contacted=Count("pk", filter=Q(contacted)))
    ]
    return sorted(streets, key=lambda s: STREET_ORDER.get(s.street, len(STREET_ORDER)))


def street_coverage(
    *,
    year: int,
    quarter: int,
    today: datetime.date,
    snapshot: QuarterSnapshot | None | object = UNKNOWN,
) -> list[StreetCoverage]:
    """Units contacted at least once in the quarter / all active units, street by street (in
    the order of the district's streets); from the snapshot when the quarter is frozen."""
    _period(year, quarter, today)
    if snapshot is UNKNOWN:
        snapshot = quarter_snapshot(year, quarter)
    if snapshot is not None:
        return [StreetCoverage(**data) for data in snapshot.streets]
    return live_street_coverage(year=year, quarter=quarter, today=today)


def coverage_total(streets: list[StreetCoverage]) -> StreetCoverage:
    return StreetCoverage(
        street="",
        units=sum(s.units for s in streets),
        contacted=sum(s.contacted for s in streets),
    )


def quarterly_trend(
    *, year: int, department: Department | None = None
) -> list[tuple[int, Decimal]]:
    """Working days filed in each quarter of `year` (by the sheets' start dates), for the
    federation or one department: [(1, days), (2, days), (3, days), (4, days)]. One query.
    Always from the records as they are now, frozen quarters included."""
    records = VisitRecord.objects.filed().for_year(year)
    if department is not None:
        records = records.filter(cadre__department=department)
    # A sum per quarter over date ranges (the index on start date answers the ranges), not a
    # GROUP BY on the quarter extracted from each date: SQLite computes that extraction in
    # Python, row by row (BENCHMARKS.md).
    totals = records.aggregate(
        **{
            str(q): Sum("days", filter=Q(start_date__range=quarter_bounds(year, q)))
            for q in (1, 2, 3, 4)
        }
    )
    return [(q, _one_place(totals[str(q)])) for q in (1, 2, 3, 4)]


# --- Freezing a quarter --------------------------------------------------------------------


@transaction.atomic
def quarter_freeze(*, year: int, quarter: int, user) -> QuarterSnapshot:
    """Store the quarter's figures as they are now, with who froze it and when. The
    organization department only, once the quarter has ended, once per quarter."""
    if not has_role(user, Role.ORGANIZATION):
        raise PermissionDenied
    today = timezone.localdate()
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": [_("Choose a quarter from 1 to 4.")]})
    end = quarter_bounds(year, quarter)[1]
    if end >= today:
        raise ValidationError(
            _("%(year)s Q%(quarter)s can be frozen once it has ended (after %(end)s).")
            % {"year": year, "quarter": quarter, "end": end.isoformat()},
            code="not_ended",
        )
    already = _("%(year)s Q%(quarter)s is already frozen.") % {"year": year, "quarter": quarter}
    if QuarterSnapshot.objects.filter(year=year, quarter=quarter).exists():
        raise ValidationError(already, code="frozen")
    snapshot = QuarterSnapshot(
        year=year,
        quarter=quarter,
        as_of=end,
        timely_days=settings.COMPLIANCE_TIMELY_DAYS,
        frozen_by=user,
    )
    # The year's range and the rest, before any figure is computed (the figures come next).
    snapshot.full_clean(exclude=["rows", "streets"])
    snapshot.rows = [
        row.to_json() for row in live_compliance(year=year, quarter=quarter, today=today)
    ]
    snapshot.streets = [
        street.to_json() for street in live_street_coverage(year=year, quarter=quarter, today=today)
    ]
    try:
        # Two people freezing at once: the unique constraint lets one through.
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:
        raise ValidationError(already, code="frozen") from None
    return snapshot


# --- Who sees what -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What part of the compliance pages a user sees: everything (the organization department
    and administrators), one department (its head), or one cadre's own row."""

    everything: bool = False
    department: Department | None = None
    cadre: Cadre | None = None


def compliance_scope(user) -> Scope:
    """The user's scope, or PermissionDenied for a user with none of those roles."""
    if sees_everything(user):
        return Scope(everything=True)
    department = headed_department(user)
    if department is not None:
        return Scope(department=department)
    cadre = cadre_of(user)
    if cadre is not None and has_role(user, Role.CADRE):
        return Scope(cadre=cadre)
    raise PermissionDenied


# --- The annual assessment (年度考核) --------------------------------------------------------

ASSESSMENT_CRITERIA = {
    "days": gettext_lazy("Working days filed against the annual target"),
    "coverage": gettext_lazy("Assigned units contacted in each quarter"),
    "timely": gettext_lazy("Record sheets filed on time"),
    "feedback": gettext_lazy("Answered problems fed back to the grassroots"),
}


def assessment_weights() -> list[tuple[str, str, int]]:
    """The criteria with their labels and weights (settings.ASSESSMENT_WEIGHTS), for the page."""
    weights = settings.ASSESSMENT_WEIGHTS
    return [(key, str(label), weights[key]) for key, label in ASSESSMENT_CRITERIA.items()]


def _points(weight: int | Decimal, share: Decimal) -> Decimal:
    return (Decimal(weight) * min(share, Decimal(1))).quantize(POINT_PLACES, ROUND_HALF_UP)


@dataclass
class QuarterContact:
    quarter: int
    contacted: int
    assigned: int

    @property
    def share(self) -> Decimal | None:
        if not self.assigned:
            return None
        return min(Decimal(1), Decimal(self.contacted) / Decimal(self.assigned))


@dataclass
class CadreScore:
    """A cadre's annual assessment: the figures of each criterion and the points they earn."""

    cadre_id: int
    name: str
    department_id: int
    department_name: str
    department_order: int
    rank: str
    is_leader: bool
    days_filed: Decimal
    target: Decimal
    quarters: list[QuarterContact]
    records_filed: int
    records_timely: int
    problems_answered: int
    problems_fed_back: int
    weights: dict = field(default_factory=dict)

    @property
    def rank_label(self) -> str:
        return str(Cadre.Rank(self.rank).label) if self.rank in Cadre.Rank.values else self.rank

    @property
    def days_points(self) -> Decimal:
        return _points(self.weights["days"], self.days_filed / self.target)

    @property
    def coverage_share(self) -> Decimal | None:
        """The mean over the quarters in which the cadre held units; None when none did."""
        shares = [q.share for q in self.quarters if q.share is not None]
        return sum(shares) / len(shares) if shares else None

    @property
    def coverage_points(self) -> Decimal:
        share = self.coverage_share
        return _points(self.weights["coverage"], Decimal(1) if share is None else share)

    @property
    def timely_share(self) -> Decimal | None:
        return _share(self.records_timely, self.records_filed)

    @property
    def timely_points(self) -> Decimal:
        share = self.timely_share
        return _points(self.weights["timely"], share if share is not None else Decimal(0))

    @property
    def feedback_share(self) -> Decimal | None:
        return _share(self.problems_fed_back, self.problems_answered)

    @property
    def feedback_points(self) -> Decimal:
        share = self.feedback_share
        return _points(self.weights["feedback"], share if share is not None else Decimal(1))

    @property
    def score(self) -> Decimal:
        return self.days_points + self.coverage_points + self.timely_points + self.feedback_points


def assessed_quarters(year: int, today: datetime.date) -> list[int]:
    """The quarters of `year` the assessment covers: all four of a past year, up to the one
    under way for the current year."""
    if year > today.year:
        raise ValueError(f"{year} has not started on {today}")
    if year < today.year:
        return [1, 2, 3, 4]
    return list(range(1, (today.month - 1) // 3 + 2))


def assessment_for_year(
    *,
    year: int,
    today: datetime.date,
    department: Department | None = None,
    cadre: Cadre | None = None,
) -> tuple[list[CadreScore], QuerySet]:
    """The annual assessment of `year` as of `today` (final once the year has ended).

    Returns the cadres' scores (one query) and the grassroots unions as a lazy QuerySet (to
    paginate, or to stream into a workbook), each annotated with `q1`..`q4` (contacted — a
    filed sheet by anyone — in that quarter), `contact_cadres` (current contact points) and its
    problems of the year by how they ended: `problems`, `solved_on_spot`, `fed_back` (feedback
    given, closed or not), `closed_without_feedback`, `still_open`, and the grassroots'
    satisfaction `satisfied`, `basically_satisfied`, `unsatisfied`.
    """
    quarters = assessed_quarters(year, today)
    year_end = min(datetime.date(year, 12, 31), today)
    weights = dict(settings.ASSESSMENT_WEIGHTS)
    year_records = _filed_between(datetime.date(year, 1, 1), year_end).filter(cadre=OuterRef("pk"))
    # Problems the cadre could feed back: transferred ones whose answer reached them (answered,
    # or already fed back — an unsatisfied feedback reopens the problem and clears its answer).
    answered = Problem.objects.filter(
        record__cadre=OuterRef("pk"),
        record__status=FILED,
        record__start_date__range=(datetime.date(year, 1, 1), year_end),
        resolution=Problem.Resolution.TRANSFER,
    ).filter(Q(answered_at__isnull=False) | Q(feedback_on__isnull=False))
    per_quarter = {}
    for q in quarters:
        start, end = quarter_bounds(year, q)
        as_of = min(end, today)
        per_quarter[f"assigned_q{q}"] = _count(
            points_current_on(year, as_of).filter(cadre=OuterRef("pk")), "cadre"
        )
        per_quarter[f"contacted_q{q}"] = _count(_contacted_points(year, start, end, as_of), "cadre")
    cadres = (
        _scoped(Cadre.objects.filter(Q(active=True) | Exists(year_records)), department, cadre)
        .select_related("department")
        .annotate(
            days_year=_days(year_records, "cadre"),
            records_year=_count(year_records, "cadre"),
            timely_year=_count(year_records.filter(timely_q()), "cadre"),
            answered=_count(answered, "record__cadre"),
            fed_back=_count(answered.filter(feedback_on__isnull=False), "record__cadre"),
            **per_quarter,
        )
    )
    target = Decimal(settings.ANNUAL_DAYS_TARGET)
    scores = [
        CadreScore(
            cadre_id=c.pk,
            name=c.name,
            department_id=c.department_id,
            department_name=c.department.name,
            department_order=c.department.order,
            rank=c.rank,
            is_leader=c.is_leader,
            days_filed=_one_place(c.days_year),
            target=target,
            quarters=[
                QuarterContact(
                    quarter=q,
                    contacted=getattr(c, f"contacted_q{q}"),
                    assigned=getattr(c, f"assigned_q{q}"),
                )
                for q in quarters
            ],
            records_filed=c.records_year,
            records_timely=c.timely_year,
            problems_answered=c.answered,
            problems_fed_back=c.fed_back,
            weights=weights,
        )
        for c in _order(cadres)
    ]
    return scores, union_assessment(year=year, today=today)


def union_assessment(*, year: int, today: datetime.date) -> QuerySet:
    """The grassroots unions of the assessment (active ones, and those no longer active that
    were contacted in `year`), each annotated as `assessment_for_year` says. Lazy."""
    year_end = min(datetime.date(year, 12, 31), today)
    year_records = _filed_between(datetime.date(year, 1, 1), year_end).filter(union=OuterRef("pk"))
    contacted = {}
    for q in (1, 2, 3, 4):
        start, end = quarter_bounds(year, q)
        contacted[f"q{q}"] = Exists(_filed_between(start, end).filter(union=OuterRef("pk")))
    problems = Problem.objects.filter(
        record__union=OuterRef("pk"),
        record__status=FILED,
        record__start_date__range=(datetime.date(year, 1, 1), year_end),
    )
    transferred = problems.filter(resolution=Problem.Resolution.TRANSFER)
    satisfaction = Problem.Satisfaction
    key = "record__union"
    return (
        GrassrootsUnion.objects.filter(Q(active=True) | Exists(year_records))
        .annotate(
            **contacted,
            contact_cadres=_count(
                points_current_on(year, year_end).filter(union=OuterRef("pk")), "union"
            ),
            problems=_count(problems, key),
            solved_on_spot=_count(problems.filter(resolution=Problem.Resolution.ON_SPOT), key),
            fed_back=_count(
                transferred.exclude(status__in=UNANSWERED).filter(feedback_on__isnull=False), key
            ),
            closed_without_feedback=_count(
                transferred.filter(status=Problem.Status.CLOSED, feedback_on__isnull=True), key
            ),
            still_open=_count(transferred.filter(status__in=UNANSWERED), key),
            satisfied=_count(transferred.filter(satisfaction=satisfaction.SATISFIED), key),
            basically_satisfied=_count(
                transferred.filter(satisfaction=satisfaction.BASICALLY), key
            ),
            unsatisfied=_count(transferred.filter(satisfaction=satisfaction.UNSATISFIED), key),
        )
        .order_by(STREET_RANK, "name", "pk")
    )
