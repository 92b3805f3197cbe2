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
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
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
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy

from liaison.compliance.pace import ZERO_DAYS
from records.calendar import quarter_bounds
from records.figures import bar_width, percent
from records.models import Problem, VisitRecord
from unions.models import Cadre, LiaisonAssignment

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


def one_place(days) -> Decimal:
    """Days as a Decimal with one place, whatever the database returned (3 or 3.0)."""
    return Decimal(days or 0).quantize(Decimal("0.1"))


def share_of(part: int, whole: int) -> Decimal | None:
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
        return bar_width(self.days_filed_year, self.target)

    @functools.cached_property
    def pace_percent(self) -> int:
        """Where the pace stands on the same bar (its marker)."""
        return bar_width(self.pace, self.target)

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
        value = percent(self.timely_share, places=1)
        return None if value is None else value.normalize()

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


def count_by(queryset: QuerySet, key: str):
    return Coalesce(_scalar(queryset, key, Count("pk"), IntegerField()), 0)


def days_by(queryset: QuerySet, key: str):
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


def filed_between(start: datetime.date, end: datetime.date) -> QuerySet:
    return VisitRecord.objects.filed().filter(start_date__range=(start, end))


def problems_of_filed_between(start: datetime.date, end: datetime.date) -> QuerySet:
    """The problems the compliance figures count for a period: those raised on the sheets filed
    with a start date in it (joined once to their sheets, not `record__in` the sheets, which
    PostgreSQL answered by hashing every problem of every year, in parallel)."""
    return Problem.objects.filter(record__status=FILED, record__start_date__range=(start, end))


def contacted_points(year: int, start: datetime.date, end: datetime.date, as_of):
    """The cadre's (OuterRef pk) points current at `as_of` with a filed sheet in start–end."""
    return (
        points_current_on(year, as_of)
        .filter(cadre=OuterRef("pk"))
        .filter(
            Exists(
                filed_between(start, end).filter(cadre=OuterRef("cadre"), union=OuterRef("union"))
            )
        )
    )


def period_of(year: int, quarter: int, today: datetime.date) -> tuple[datetime.date, ...]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter {quarter} is not 1 to 4")
    start, end = quarter_bounds(year, quarter)
    if start > today:
        raise ValueError(f"{year} Q{quarter} has not started on {today}")
    return start, end, min(end, today)


def scoped_cadres(cadres: QuerySet, department, cadre) -> QuerySet:
    if department is not None:
        cadres = cadres.filter(department=department)
    if cadre is not None:
        cadres = cadres.filter(pk=cadre.pk if isinstance(cadre, Cadre) else cadre)
    return cadres


def default_order(cadres: QuerySet) -> QuerySet:
    # The rank codes sort bureau, division, section, staff: leaders come first.
    return cadres.order_by("department__order", "department__name", "rank", "name", "pk")


def by_cadre(queryset: QuerySet, key: str, **figures) -> dict[int, dict]:
    """`figures` (aggregates) of `queryset` grouped by the cadre at `key`: {cadre id: row}."""
    rows = queryset.order_by().values(key).annotate(**figures)
    return {row.pop(key): row for row in rows}
