"""职工诉求分析: what the workers asked in a quarter — needs recorded on sheets, problems and the
workers' own opinions — by category, street and quarter, against the quarter before and the same
quarter last year, with how the problems ended. Three GROUP BY queries (records.counts), each
over what the viewer may read today; every number carries the URL of the list behind it."""

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.compliance.rules import LocalDate
from liaison.models import Opinion
from records import counts
from records.counts import CATEGORIES, TREND_QUARTERS, Cell, Quarter, Tally, compared
from records.models import Problem, VisitRecord

# The categories that rose most: at most this many, and only those that rose.
RISING = 3

KINDS = {
    "needs": _("Workers' needs recorded on sheets"),
    "problems": _("Problems raised"),
    "opinions": _("Workers' opinions"),
}


def opinion_tally(opinions: QuerySet, first: Quarter, last: Quarter) -> Tally:
    """Opinions (a scoped queryset) left from `first` to `last`, by category, street and
    quarter (in Beijing time). One query."""
    start, end = first.bounds[0], last.bounds[1]
    # As a range of times, not of dates: read from the index on created_at (a date of each
    # row in Beijing time is computed for every row).
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    until = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    rows = (
        counts.by_quarter(
            opinions.filter(created_at__gte=since, created_at__lt=until),
            LocalDate("created_at"),
            "union__street",
        )
        .values("category", "street", "y", "q")
        .annotate(total=Count("pk"))
    )
    return Tally(rows)


def opinions_url(quarter: Quarter | None, *, category=None, street=None) -> str:
    return counts.list_url(
        "boards:opinion-list",
        year=quarter.year if quarter else None,
        quarter=quarter.quarter if quarter else None,
        category=category,
        street=street,
    )


def tallies_for(user, quarter: Quarter, today: datetime.date) -> dict[str, Tally]:
    """The three tallies of the `TREND_QUARTERS` quarters up to `quarter`, scoped to `user`:
    their filed sheets, their problems, the opinions of their contact units (all of them for
    the organization department)."""
    first = quarter.shifted(1 - TREND_QUARTERS)
    return {
        "needs": counts.need_tally(VisitRecord.objects.visible_to(user), first, quarter),
        "problems": counts.problem_tally(Problem.objects.visible_to(user), first, quarter),
        "opinions": opinion_tally(Opinion.objects.visible_to(user, today.year), first, quarter),
    }


def analysis_figures(user, quarter: Quarter, today: datetime.date) -> dict:
    """Everything the analysis page, its workbook and the quarterly meeting's agenda show."""
    tallies = tallies_for(user, quarter, today)
    needs, problems, opinions = tallies["needs"], tallies["problems"], tallies["opinions"]
    summary = [
        ("needs", KINDS["needs"], compared(quarter, needs.get, counts.sheets_url)),
        ("problems", KINDS["problems"], compared(quarter, problems.get, counts.problems_url)),
        ("opinions", KINDS["opinions"], compared(quarter, opinions.get, opinions_url)),
    ]
    categories = []
    for category, label in CATEGORIES.choices:
        row = {
            "category": category,
            "label": label,
            "problems": compared(
                quarter,
                lambda q, c=category: problems.get(q, category=c),
                lambda q, c=category: counts.problems_url(q, category=c),
            ),
            "opinions": compared(
                quarter,
                lambda q, c=category: opinions.get(q, category=c),
                lambda q, c=category: opinions_url(q, category=c),
            ),
        }
        row["rise"] = row["problems"].change + row["opinions"].change
        categories.append(row)
    rising = sorted(
        (row for row in categories if row["rise"] > 0), key=lambda row: (-row["rise"], row["label"])
    )[:RISING]
    return {
        "quarter": quarter,
        "summary": summary,
        "categories": categories,
        "rising": rising,
        "heat": heat_table(problems, quarter),
        "street_needs": [
            (
                street,
                label,
                Cell(needs.get(quarter, street=street), counts.sheets_url(quarter, street=street)),
                Cell(opinions.get(quarter, street=street), opinions_url(quarter, street=street)),
            )
            for street, label in counts.streets()
        ],
        "trends": trends(problems, opinions, quarter),
        "outcomes": counts.problem_outcomes(problems, quarter),
    }


def heat_table(problems: Tally, quarter: Quarter) -> dict:
    """Problems of the quarter by street (rows) and category (columns), each cell a Cell."""
    rows = []
    for street, label in counts.streets():
        cells = [
            Cell(
                problems.get(quarter, category=category, street=street),
                counts.problems_url(quarter, category=category, street=street),
            )
            for category in CATEGORIES.values
        ]
        total = Cell(
            problems.get(quarter, street=street), counts.problems_url(quarter, street=street)
        )
        rows.append({"street": street, "label": label, "cells": cells, "total": total})
    peak = max((cell.value for row in rows for cell in row["cells"]), default=0)
    return {"columns": CATEGORIES.labels, "rows": rows, "peak": peak}


def trends(problems: Tally, opinions: Tally, quarter: Quarter) -> dict:
    """Per category, its problems and opinions over the last TREND_QUARTERS quarters."""
    quarters = quarter.span(TREND_QUARTERS)
    lines = [
        {
            "category": category,
            "label": label,
            "problems": [problems.get(q, category=category) for q in quarters],
            "opinions": [opinions.get(q, category=category) for q in quarters],
        }
        for category, label in CATEGORIES.choices
    ]
    return {"quarters": quarters, "lines": lines}
