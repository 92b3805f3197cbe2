"""The analysis as a workbook, in the other exports' conventions (records.excel: a title and the
date, the header frozen and filtered, every text safe against formulas)."""

from django.utils.translation import gettext as _

from records import excel
from records.counts import CATEGORIES, add_outcomes_sheet


def _compared_columns(first: str) -> list:
    return [
        excel.Column(first, 24),
        excel.Column(_("This quarter"), 10),
        excel.Column(_("Previous quarter"), 10),
        excel.Column(_("Change on the previous quarter"), 12),
        excel.Column(_("Same quarter last year"), 12),
        excel.Column(_("Change on last year"), 12),
    ]


def _compared(c) -> list:
    return [c.now.value, c.previous.value, c.change, c.year_before.value, c.change_on_year]


def analysis_workbook(figures: dict):
    quarter = figures["quarter"]
    book = excel.new_workbook()
    title = _("Workers' demands, %(quarter)s") % {"quarter": quarter.label}
    summary = [[label, *_compared(c)] for _key, label, c in figures["summary"]]
    excel.add_sheet(
        book,
        name=_("Summary"),
        title=title,
        columns=_compared_columns(_("Figure")),
        rows=summary,
        row_count=len(summary),
    )
    by_category = []
    for row in figures["categories"]:
        by_category.append([row["label"], _("Number of problems"), *_compared(row["problems"])])
        by_category.append([row["label"], _("Workers' opinions"), *_compared(row["opinions"])])
    excel.add_sheet(
        book,
        name=_("By category"),
        title=title,
        columns=[excel.Column(_("Category"), 16), *_compared_columns(_("Figure"))],
        rows=by_category,
        row_count=len(by_category),
    )
    heat = figures["heat"]
    needs = {street: (n.value, o.value) for street, _l, n, o in figures["street_needs"]}
    streets = [
        [
            row["label"],
            *(cell.value for cell in row["cells"]),
            row["total"].value,
            *needs[row["street"]],
        ]
        for row in heat["rows"]
    ]
    excel.add_sheet(
        book,
        name=_("Street × category"),
        title=_("Problems by street and category, %(quarter)s") % {"quarter": quarter.label},
        columns=[
            excel.Column(_("Street"), 14),
            *(excel.Column(label, 10) for label in CATEGORIES.labels),
            excel.Column(_("Number of problems"), 10),
            excel.Column(_("Workers' needs recorded on sheets"), 12),
            excel.Column(_("Workers' opinions"), 10),
        ],
        rows=streets,
        row_count=len(streets),
    )
    trends = figures["trends"]
    trend_rows = []
    for line in trends["lines"]:
        trend_rows.append([line["label"], _("Number of problems"), *line["problems"]])
        trend_rows.append([line["label"], _("Workers' opinions"), *line["opinions"]])
    excel.add_sheet(
        book,
        name=_("Trends"),
        title=_("By category over the last quarters"),
        columns=[
            excel.Column(_("Category"), 16),
            excel.Column(_("Figure"), 12),
            *(excel.Column(str(q.label), 12) for q in trends["quarters"]),
        ],
        rows=trend_rows,
        row_count=len(trend_rows),
    )
    add_outcomes_sheet(
        book,
        figures["outcomes"],
        title=_("How the problems ended, %(quarter)s") % {"quarter": quarter.label},
    )
    return book
