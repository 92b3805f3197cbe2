"""The figures of the summary reported upward to the city federation (北京市总工会), for a
quarter or a year. The cadres, their days and their contact units are the compliance
dashboard's own figures (`liaison.compliance.selectors`); the tables the dashboard has no
place for (sheets by form and content, problems by category, opinions, meetings) count the same
sheets and problems through the same definitions (`liaison.compliance.rules`). A few aggregate
queries per table, whatever the number of rows."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from liaison.compliance import selectors as compliance
from liaison.compliance.pace import ZERO_DAYS
from liaison.compliance.rules import (
    UNANSWERED,
    CadreRow,
    filed_between,
    one_place,
    problems_of_filed_between,
)
from liaison.compliance.selectors import DepartmentSummary, StreetCoverage
from liaison.models import MeetingDecision, Opinion, QuarterlyMeeting
from records.calendar import quarter_bounds
from records.models import CONTENT_AREA_FIELDS, ContactForm, ContentArea, Problem
from records.problems.selectors import overdue_q


def report_quarters(year: int, quarter: int | None, today: datetime.date) -> list[int]:
    """The quarters the report covers: the one asked for, or those of the year started by
    `today` (a year's report under way stops at the current quarter)."""
    if quarter is not None:
        return [quarter]
    return [q for q in (1, 2, 3, 4) if quarter_bounds(year, q)[0] <= today]


@dataclass
class Breakdown:
    """A row of a breakdown: a label and its figures, in the columns' order."""

    label: str
    figures: list


@dataclass
class UpwardReport:
    year: int
    quarter: int | None  # None: the whole year
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    frozen: bool
    rows: list[CadreRow]
    departments: list[DepartmentSummary]
    total: DepartmentSummary
    coverage: dict[int, list[StreetCoverage]]
    forms: list[Breakdown] = field(default_factory=list)
    areas: list[Breakdown] = field(default_factory=list)
    problems: list[Breakdown] = field(default_factory=list)
    opinions: list[Breakdown] = field(default_factory=list)
    meetings: list[QuarterlyMeeting] = field(default_factory=list)

    @property
    def leaders(self) -> int:
        return sum(1 for row in self.rows if row.is_leader)

    @property
    def reached_target(self) -> int:
        return sum(1 for row in self.rows if row.days_filed_year >= row.target)


def sheets_by_form(start: datetime.date, end: datetime.date) -> list[Breakdown]:
    """Filed sheets and their working days per form of contact. One query."""
    totals = filed_between(start, end).aggregate(
        **{f"n_{value}": Count("pk", filter=Q(contact_form=value)) for value in ContactForm.values},
        **{
            f"d_{value}": Coalesce(Sum("days", filter=Q(contact_form=value)), ZERO_DAYS)
            for value in ContactForm.values
        },
    )
    return [
        Breakdown(str(label), [totals[f"n_{value}"], one_place(totals[f"d_{value}"])])
        for value, label in ContactForm.choices
    ]


def sheets_by_area(start: datetime.date, end: datetime.date) -> list[Breakdown]:
    """Filed sheets covering each content area (a sheet may cover several). One query."""
    totals = filed_between(start, end).aggregate(
        **{name: Count("pk", filter=Q(**{name: True})) for name in CONTENT_AREA_FIELDS.values()}
    )
    return [Breakdown(str(area.label), [totals[CONTENT_AREA_FIELDS[area]]]) for area in ContentArea]


def problems_by_category(
    start: datetime.date, end: datetime.date, today: datetime.date
) -> list[Breakdown]:
    """The period's problems (as the dashboard counts them) per category: raised, solved on
    the spot, transferred, overdue, fed back, closed without feedback, still open, and the
    grassroots' satisfaction. One query."""
    transfer = Q(resolution=Problem.Resolution.TRANSFER)
    satisfaction = Problem.Satisfaction
    rows = {
        row.pop("category"): row
        for row in problems_of_filed_between(start, end)
        .order_by()
        .values("category")
        .annotate(
            raised=Count("pk"),
            on_spot=Count("pk", filter=Q(resolution=Problem.Resolution.ON_SPOT)),
            transferred=Count("pk", filter=transfer),
            overdue=Count("pk", filter=overdue_q(today)),
            fed_back=Count("pk", filter=Q(feedback_on__isnull=False)),
            closed=Count(
                "pk", filter=transfer & Q(status=Problem.Status.CLOSED, feedback_on__isnull=True)
            ),
            open=Count("pk", filter=transfer & Q(status__in=UNANSWERED)),
            satisfied=Count("pk", filter=Q(satisfaction=satisfaction.SATISFIED)),
            basically=Count("pk", filter=Q(satisfaction=satisfaction.BASICALLY)),
            unsatisfied=Count("pk", filter=Q(satisfaction=satisfaction.UNSATISFIED)),
        )
    }
    keys = (
        "raised",
        "on_spot",
        "transferred",
        "overdue",
        "fed_back",
        "closed",
        "open",
        "satisfied",
        "basically",
        "unsatisfied",
    )
    empty = dict.fromkeys(keys, 0)
    return [
        Breakdown(str(label), [rows.get(value, empty)[key] for key in keys])
        for value, label in Problem.Category.choices
    ]


def opinions_by_category(start: datetime.date, end: datetime.date) -> list[Breakdown]:
    """Workers' opinions left in the period (Beijing dates) per category: left, taken up as a
    problem, still new, and of those taken up the ones whose answer was fed back. One query."""
    rows = {
        row.pop("category"): row
        for row in Opinion.objects.filter(created_at__date__range=(start, end))
        .order_by()
        .values("category")
        .annotate(
            left=Count("pk"),
            taken_up=Count("pk", filter=Q(status=Opinion.Status.TAKEN_UP)),
            new=Count("pk", filter=Q(status=Opinion.Status.NEW)),
            fed_back=Count("pk", filter=Q(problem__feedback_on__isnull=False)),
        )
    }
    keys = ("left", "taken_up", "new", "fed_back")
    empty = dict.fromkeys(keys, 0)
    return [
        Breakdown(str(label), [rows.get(value, empty)[key] for key in keys])
        for value, label in Problem.Category.choices
    ]


def meetings_held(year: int, quarters: list[int]) -> list[QuarterlyMeeting]:
    """The quarterly meetings of the period, each with `attendee_count` and its decisions by
    kind (`decisions`, `decided_<kind>`). One query (counts with distinct=True: two reverse
    relations in one annotate)."""
    kinds = {
        f"decided_{kind}": Count("decisions", filter=Q(decisions__kind=kind), distinct=True)
        for kind in MeetingDecision.Kind.values
    }
    return list(
        QuarterlyMeeting.objects.filter(year=year, quarter__in=quarters)
        .annotate(
            attendee_count=Count("attendees", distinct=True),
            decision_count=Count("decisions", distinct=True),
            **kinds,
        )
        .order_by("quarter")
    )


def upward_report(*, year: int, quarter: int | None, today: datetime.date) -> UpwardReport:
    """The report of a quarter (`quarter`) or of the year (`quarter` None). The cadres' rows
    are the dashboard's of the period's last quarter (frozen when it is): for a year, the days
    filed are the year's and the units contacted those of its last quarter; coverage is each
    quarter's as the dashboard shows it. Raises ValueError for a period not started."""
    quarters = report_quarters(year, quarter, today)
    if not quarters:
        raise ValueError(f"{year} has not started on {today}")
    last = quarters[-1]
    snapshot = compliance.quarter_snapshot(year, last)
    rows = compliance.compliance_for_quarter(
        year=year, quarter=last, today=today, snapshot=snapshot
    )
    coverage = {
        last: compliance.street_coverage(year=year, quarter=last, today=today, snapshot=snapshot)
    }
    for q in quarters[:-1]:
        coverage[q] = compliance.street_coverage(year=year, quarter=q, today=today)
    start = quarter_bounds(year, quarters[0])[0]
    end = quarter_bounds(year, last)[1]
    as_of = snapshot.as_of if snapshot else min(end, today)
    return UpwardReport(
        year=year,
        quarter=quarter,
        start=start,
        end=end,
        as_of=as_of,
        frozen=snapshot is not None,
        rows=rows,
        departments=compliance.department_summary(rows),
        total=compliance.overall_summary(rows),
        coverage=dict(sorted(coverage.items())),
        forms=sheets_by_form(start, end),
        areas=sheets_by_area(start, end),
        problems=problems_by_category(start, end, today),
        opinions=opinions_by_category(start, end),
        meetings=meetings_held(year, quarters),
    )
