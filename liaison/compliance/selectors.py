"""Reads of quarterly compliance: every cadre's row, the department totals, street coverage and
the quarterly trend, live or from a frozen quarter. A few aggregate queries, whatever the number
of cadres; the definitions are in `liaison.compliance.rules`."""

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from liaison.compliance.pace import ZERO_DAYS, pace_on
from liaison.compliance.rules import (
    CadreRow,
    by_cadre,
    compliance_status,
    default_order,
    filed_between,
    one_place,
    period_of,
    points_current_on,
    problems_of_filed_between,
    scoped_cadres,
    share_of,
    timely_q,
)
from liaison.models import QuarterSnapshot
from records.calendar import quarter_bounds
from records.figures import bar_width, percent
from records.models import INTEGRITY_EXCEPTION, Problem, VisitRecord
from records.problems.selectors import overdue_q
from unions.models import Cadre, Department, GrassrootsUnion, Street, active_q
from unions.roles import Role, cadre_of, has_role, headed_department, sees_everything


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
    start, end, as_of = period_of(year, quarter, today)
    pace = pace_on(as_of).days
    target = Decimal(settings.ANNUAL_DAYS_TARGET)
    in_quarter = Q(start_date__gte=start)
    # The year's filed sheets up to the end of the quarter: no sheet is dated after today, so
    # those up to `as_of` are the year's so far, and those from `start` the quarter's.
    sheets = filed_between(datetime.date(year, 1, 1), end)
    if department is not None:
        sheets = sheets.filter(cadre__department=department)
    if cadre is not None:
        sheets = sheets.filter(cadre=cadre)
    records = by_cadre(
        sheets,
        "cadre",
        days_year=Coalesce(Sum("days", filter=Q(start_date__lte=as_of)), ZERO_DAYS),
        records_quarter=Count("pk", filter=in_quarter),
        records_timely=Count("pk", filter=in_quarter & timely_q()),
        integrity=Count("pk", filter=in_quarter & INTEGRITY_EXCEPTION),
    )
    quarter_problems = problems_of_filed_between(start, end)
    if department is not None:
        quarter_problems = quarter_problems.filter(record__cadre__department=department)
    if cadre is not None:
        quarter_problems = quarter_problems.filter(record__cadre=cadre)
    problems = by_cadre(
        quarter_problems,
        "record__cadre",
        problems_raised=Count("pk"),
        problems_transferred=Count("pk", filter=Q(resolution=Problem.Resolution.TRANSFER)),
        problems_overdue=Count("pk", filter=overdue_q(today)),
        problems_fed_back=Count("pk", filter=Q(feedback_on__isnull=False)),
    )
    contacted = Exists(sheets.filter(in_quarter, cadre=OuterRef("cadre"), union=OuterRef("union")))
    points = by_cadre(
        points_current_on(year, as_of),
        "cadre",
        units_assigned=Count("pk"),
        units_contacted=Count("pk", filter=Q(contacted)),
    )
    worked = [pk for pk, figures in records.items() if figures["records_quarter"]]
    cadres = scoped_cadres(
        Cadre.objects.filter(active_q() | Q(pk__in=worked)), department, cadre
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
    for c in default_order(cadres):
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
                days_filed_year=one_place(r["days_year"]),
                target=target,
                pace=pace,
                units_contacted_quarter=u["units_contacted"],
                records_filed_quarter=r["records_quarter"],
                records_timely_quarter=r["records_timely"],
                timely_share=share_of(r["records_timely"], r["records_quarter"]),
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
    period_of(year, quarter, today)
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
        return bar_width(self.on_track, self.cadres) if self.cadres else 0

    @property
    def behind_percent(self) -> int:
        # Rounded half up, two parts could pass 100 (12.5 % + 87.5 %): this one gives way.
        if not self.cadres:
            return 0
        return min(bar_width(self.behind, self.cadres), 100 - self.on_track_percent)

    @property
    def no_contact_percent(self) -> int:
        # What the other two leave, so the three parts of the bar always fill it.
        if not self.cadres:
            return 0
        return 100 - self.on_track_percent - self.behind_percent

    @property
    def contacted_percent(self) -> int:
        return bar_width(self.units_contacted, self.units_assigned)

    @property
    def timely_share(self) -> Decimal | None:
        return share_of(self.records_timely, self.records_filed)

    @property
    def timely_percent(self) -> Decimal | None:
        value = percent(self.timely_share, places=1)
        return None if value is None else value.normalize()


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
        return bar_width(self.contacted, self.units)

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
    start, end, _as_of = period_of(year, quarter, today)
    contacted = Exists(filed_between(start, end).filter(union=OuterRef("pk")))
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
    period_of(year, quarter, today)
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
    return [(q, one_place(totals[str(q)])) for q in (1, 2, 3, 4)]


# --- Freezing a quarter --------------------------------------------------------------------


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
