"""What the workers ask, counted: needs recorded on sheets, problems by category, street and
quarter, with how the problems ended. One GROUP BY query per kind, whatever the rows; the
analysis page (liaison/analysis) adds the workers' opinions, a topic's page (records/topics)
reads its tagged sheets. Every count comes with the list behind it (see `links`)."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from records.calendar import quarter_bounds, quarter_of
from records.models import Problem, VisitRecord
from unions.models import Street

CATEGORIES = Problem.Category
S = Problem.Status


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def of(cls, day) -> "Quarter":
        return cls(day.year, quarter_of(day))

    def shifted(self, by: int) -> "Quarter":
        index = self.year * 4 + self.quarter - 1 + by
        return Quarter(index // 4, index % 4 + 1)

    @property
    def previous(self) -> "Quarter":
        return self.shifted(-1)

    @property
    def year_before(self) -> "Quarter":
        return self.shifted(-4)

    @property
    def bounds(self):
        return quarter_bounds(self.year, self.quarter)

    @property
    def label(self) -> str:
        return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}

    @property
    def short(self) -> str:
        return f"{self.year % 100:02d}Q{self.quarter}"

    def span(self, count: int) -> list["Quarter"]:
        """The `count` quarters up to this one, oldest first."""
        return [self.shifted(n) for n in range(1 - count, 1)]


# How a problem ended, each a count of the problems query (and a filter of the ledger).
OUTCOMES = {
    "total": Q(),
    "on_spot": Q(resolution=Problem.Resolution.ON_SPOT),
    "transferred": Q(resolution=Problem.Resolution.TRANSFER),
    "answered": Q(answered_at__isnull=False),
    "fed_back": Q(feedback_on__isnull=False),
    "satisfied": Q(satisfaction=Problem.Satisfaction.SATISFIED),
    "basically": Q(satisfaction=Problem.Satisfaction.BASICALLY),
    "unsatisfied": Q(satisfaction=Problem.Satisfaction.UNSATISFIED),
}
OUTCOME_LABELS = {
    "total": _("Number of problems"),
    "on_spot": _("Solved on the spot"),
    "transferred": _("Transferred"),
    "answered": _("Answered"),
    "fed_back": _("Fed back"),
    "satisfied": _("Satisfied"),
    "basically": _("Basically satisfied"),
    "unsatisfied": _("Unsatisfied"),
}
# The ledger's parameters that list each outcome's problems (records.problems.views).
OUTCOME_PARAMS = {
    "total": {},
    "on_spot": {"resolution": "on_spot"},
    "transferred": {"resolution": "transfer"},
    "answered": {"outcome": "answered"},
    "fed_back": {"outcome": "fed_back"},
    "satisfied": {"satisfaction": "satisfied"},
    "basically": {"satisfaction": "basically"},
    "unsatisfied": {"satisfaction": "unsatisfied"},
}


class Tally:
    """Counts by (category, street, quarter), summed up front at every level: a category of
    None is every category, a street of None every street, a quarter of None every quarter
    counted. Each key holds one count per field, added as a row (a few thousand rows, not one
    dictionary update per field and level: BENCHMARKS.md)."""

    def __init__(self, rows, fields=("total",)):
        self.index = {field: i for i, field in enumerate(fields)}
        self.counts: dict[tuple, list[int]] = {}
        for row in rows:
            values = [row[field] for field in fields]
            quarter = (row["y"], row["q"])
            category, street = row.get("category"), row["street"]
            # Each level once: a row without a category (the sheets) is counted under None once.
            keys = {
                (c, s, q) for c in (category, None) for s in (street, None) for q in (quarter, None)
            }
            for key in keys:
                total = self.counts.get(key)
                if total is None:
                    self.counts[key] = list(values)
                else:
                    for i, value in enumerate(values):
                        total[i] += value

    def get(self, quarter: Quarter | None, *, category=None, street=None, field="total") -> int:
        key = (category, street, (quarter.year, quarter.quarter) if quarter else None)
        total = self.counts.get(key)
        return total[self.index[field]] if total else 0


class SQLiteDatePart:
    """A part of a date in SQLite's own `strftime`: Django's extract on SQLite is a Python
    function called for every row (the analysis counts eight quarters of sheets:
    BENCHMARKS.md). `wrap` holds strftime's integer; PostgreSQL keeps EXTRACT."""

    strftime_format: str
    wrap = "{}"

    def as_sqlite(self, compiler, connection, **extra_context):
        if self.lhs.output_field.get_internal_type() != "DateField":
            return super().as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        part = f"CAST(strftime(%s, {sql}) AS INTEGER)"
        return self.wrap.format(part), (self.strftime_format, *params)


class DateYear(SQLiteDatePart, ExtractYear):
    strftime_format = "%Y"


class DateQuarter(SQLiteDatePart, ExtractQuarter):
    strftime_format = "%m"
    wrap = "(({} + 2) / 3)"  # months 1-3 -> 1, …, 10-12 -> 4


def by_quarter(queryset: QuerySet, date, street_field: str) -> QuerySet:
    """`queryset` with the year `y`, the quarter `q` of `date` (a date field or expression) and
    the street, to group by."""
    return queryset.annotate(
        y=DateYear(date), q=DateQuarter(date), street=F(street_field)
    ).order_by()


def problem_tally(problems: QuerySet, first: Quarter, last: Quarter) -> Tally:
    """The problems (a scoped queryset) raised on submitted sheets dated from `first` to
    `last`, counted by category, street and quarter with their outcomes. One query."""
    start, end = first.bounds[0], last.bounds[1]
    rows = (
        by_quarter(
            problems.filter(record__start_date__range=(start, end)).exclude(
                record__status=VisitRecord.Status.DRAFT
            ),
            "record__start_date",
            "record__union__street",
        )
        .values("category", "street", "y", "q")
        .annotate(**{name: Count("pk", filter=q) for name, q in OUTCOMES.items()})
    )
    return Tally(rows, fields=tuple(OUTCOMES))


def need_tally(sheets: QuerySet, first: Quarter, last: Quarter) -> Tally:
    """Filed sheets (a scoped queryset) that recorded workers' needs and opinions, by street
    and quarter. One query."""
    start, end = first.bounds[0], last.bounds[1]
    rows = (
        by_quarter(
            with_needs(sheets.filed().filter(start_date__range=(start, end))),
            "start_date",
            "union__street",
        )
        .values("street", "y", "q")
        .annotate(total=Count("pk"))
    )
    return Tally(rows)


def with_needs(sheets: QuerySet) -> QuerySet:
    """The sheets that recorded workers' needs and opinions (the record list's `needs` filter)."""
    return sheets.exclude(needs_and_opinions="")


# --- The lists behind the numbers -------------------------------------------------------------


def list_url(name: str, **params) -> str:
    """A list page with its filter's parameters, empty ones left out."""
    query = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def sheets_url(quarter: Quarter | None, *, street=None, topic=None) -> str:
    return list_url(
        "records:record-list",
        year=quarter.year if quarter else None,
        quarter=quarter.quarter if quarter else None,
        status=VisitRecord.Status.FILED,
        needs=1,
        street=street,
        topic=topic,
    )


def problems_url(
    quarter: Quarter | None, *, category=None, street=None, field="total", topic=None
) -> str:
    params = {"resolution": "all", **OUTCOME_PARAMS[field]}
    return list_url(
        "records:ledger",
        year=quarter.year if quarter else None,
        quarter=quarter.quarter if quarter else None,
        category=category,
        street=street,
        topic=topic,
        **params,
    )


# --- Figures for a page: the quarter against the one before and the same one last year ------


@dataclass
class Cell:
    value: int
    url: str


@dataclass
class Compared:
    """A count of the quarter with those it is compared with, each opening its list."""

    now: Cell
    previous: Cell
    year_before: Cell

    @property
    def change(self) -> int:
        return self.now.value - self.previous.value

    @property
    def change_on_year(self) -> int:
        return self.now.value - self.year_before.value


def compared(quarter: Quarter, count, url) -> Compared:
    """`count(q)` and `url(q)` for the quarter, the one before and the same one last year."""
    return Compared(
        *(Cell(count(q), url(q)) for q in (quarter, quarter.previous, quarter.year_before))
    )


TREND_QUARTERS = 8


def streets() -> list[tuple[str, str]]:
    return list(Street.choices)


def problem_outcomes(tally: Tally, quarter: Quarter | None, *, topic=None):
    """How the problems ended, per category and in all (the last row): each field a Cell.
    A quarter of None: every quarter the tally counted (a topic's page)."""
    rows = []
    for category, label in [*CATEGORIES.choices, (None, _("All categories"))]:
        cells = {
            field: Cell(
                tally.get(quarter, category=category, field=field),
                problems_url(quarter, category=category, field=field, topic=topic),
            )
            for field in OUTCOMES
        }
        rated = sum(cells[f].value for f in ("satisfied", "basically", "unsatisfied"))
        satisfied = cells["satisfied"].value + cells["basically"].value
        rows.append(
            {
                "category": category,
                "label": label,
                "cells": cells,
                "rate": round(100 * satisfied / rated) if rated else None,
            }
        )
    return rows


# --- The same figures in a workbook (records.excel's conventions) ---------------------------


def add_outcomes_sheet(workbook, outcomes: list[dict], *, title: str) -> None:
    """How the problems ended, a row per category and the total (problem_outcomes)."""
    from records import excel  # openpyxl only where a workbook is made

    columns = [
        excel.Column(_("Category"), 16),
        *(excel.Column(OUTCOME_LABELS[field], 10) for field in OUTCOMES),
        excel.Column(_("Satisfaction rate (%)"), 12),
    ]
    rows = [
        [row["label"], *(row["cells"][field].value for field in OUTCOMES), row["rate"]]
        for row in outcomes
    ]
    excel.add_sheet(
        workbook,
        name=_("Outcomes"),
        title=title,
        columns=columns,
        rows=rows,
        row_count=len(rows),
    )
