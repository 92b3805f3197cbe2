"""The summary workbook reported upward to the city federation (北京市总工会): one sheet per
table, laid out through `records.excel` as the other exports are (title and date rows, frozen
filtered header, text cells never formulas). The figures come from `liaison.reports.selectors`."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from liaison.compliance.selectors import DepartmentSummary, coverage_total
from liaison.compliance.workbooks import SUMMARY_COLUMNS, TOTAL_FILL, UNION_COLUMNS
from liaison.models import MeetingDecision
from liaison.reports.selectors import Breakdown, UpwardReport
from records import excel
from records.figures import percent


def _period(report: UpwardReport) -> str:
    if report.quarter is None:
        return _("%(year)s, whole year") % {"year": report.year}
    return _("%(year)s Q%(quarter)s") % {"year": report.year, "quarter": report.quarter}


def _title(report: UpwardReport, table: str) -> str:
    figures = _("frozen, figures as of %(date)s") if report.frozen else _("figures as of %(date)s")
    return _("%(table)s, %(period)s (%(figures)s)") % {
        "table": table,
        "period": _period(report),
        "figures": figures % {"date": f"{report.as_of:%Y-%m-%d}"},
    }


def _sheet(workbook, report, *, name, columns, rows, totals: int = 0) -> None:
    """A table's sheet; its last `totals` rows are totals (grey)."""
    excel.add_sheet(
        workbook,
        name=name,
        title=_title(report, name),
        columns=columns,
        rows=rows,
        row_count=len(rows),
        fills=[None] * (len(rows) - totals) + [TOTAL_FILL] * totals,
    )


# The compliance report's summary columns: department, cadres, the three statuses, on track
# (%); with the leaders after the cadres.
CADRE_COLUMNS = [
    *SUMMARY_COLUMNS[:2],
    excel.Column(gettext_lazy("Division level and above"), 10),
    *SUMMARY_COLUMNS[2:6],
]

UNIT_COLUMNS = [
    excel.Column(gettext_lazy("Department"), 16),
    excel.Column(gettext_lazy("Contact units"), 10),
    excel.Column(gettext_lazy("Units contacted"), 10),
    excel.Column(gettext_lazy("Units contacted (%)"), 10),
]

DAYS_COLUMNS = [
    excel.Column(gettext_lazy("Department"), 16),
    excel.Column(gettext_lazy("Cadre"), 10),
    excel.Column(gettext_lazy("Rank"), 10),
    excel.Column(gettext_lazy("Days filed this year"), 11),
    excel.Column(gettext_lazy("Annual target"), 9),
    excel.Column(gettext_lazy("Target reached"), 9),
    excel.Column(gettext_lazy("Pace"), 9),
    excel.Column(gettext_lazy("Days ahead of the pace"), 11),
    excel.Column(gettext_lazy("Status"), 9),
]

FORM_COLUMNS = [
    excel.Column(gettext_lazy("Form of contact"), 30),
    excel.Column(gettext_lazy("Records filed"), 10),
    excel.Column(gettext_lazy("Working days"), 10),
]

AREA_COLUMNS = [
    excel.Column(gettext_lazy("Content area"), 30),
    excel.Column(gettext_lazy("Records filed"), 10),
]

PROBLEM_COLUMNS = [
    excel.Column(gettext_lazy("Category"), 24),
    excel.Column(gettext_lazy("Problems raised"), 9),
    excel.Column(gettext_lazy("Solved on the spot"), 9),
    excel.Column(gettext_lazy("Transferred"), 9),
    excel.Column(gettext_lazy("Overdue"), 9),
    excel.Column(gettext_lazy("Fed back"), 9),
    # Closed without feedback, still open, and the three degrees of satisfaction: as in the
    # assessment's sheet of the unions.
    *UNION_COLUMNS[-5:],
]

OPINION_COLUMNS = [
    excel.Column(gettext_lazy("Category"), 24),
    excel.Column(gettext_lazy("Opinions left"), 9),
    excel.Column(gettext_lazy("Taken up as a problem"), 10),
    excel.Column(gettext_lazy("Not taken up yet"), 10),
    excel.Column(gettext_lazy("Answer fed back"), 10),
]


def _total(rows: list[Breakdown], label: str) -> list:
    return [label, *(sum(column) for column in zip(*(row.figures for row in rows), strict=True))]


def _with_total(rows: list[Breakdown]) -> list[list]:
    return [[row.label, *row.figures] for row in rows] + [_total(rows, _("Total"))]


def _cadre_row(summary: DepartmentSummary, leaders: int) -> list:
    return [
        summary.name,
        summary.cadres,
        leaders,
        summary.on_track,
        summary.behind,
        summary.no_contact,
        percent(summary.on_track, summary.cadres, places=1),
    ]


def _unit_row(summary: DepartmentSummary) -> list:
    return [
        summary.name,
        summary.units_assigned,
        summary.units_contacted,
        percent(summary.units_contacted, summary.units_assigned, places=1),
    ]


def report_workbook(report: UpwardReport) -> Workbook:
    """The report's tables, one sheet each, every breakdown with its total row."""
    workbook = excel.new_workbook()
    leaders: dict[int, int] = {}
    for row in report.rows:
        leaders[row.department_id] = leaders.get(row.department_id, 0) + row.is_leader
    total = report.total
    total.name = _("All departments")

    rows = [_cadre_row(s, leaders[s.department_id]) for s in report.departments]
    rows.append(_cadre_row(total, report.leaders))
    _sheet(
        workbook, report, name=_("Cadres and leaders"), columns=CADRE_COLUMNS, rows=rows, totals=1
    )

    rows = [_unit_row(s) for s in report.departments] + [_unit_row(total)]
    _sheet(workbook, report, name=_("Contact units"), columns=UNIT_COLUMNS, rows=rows, totals=1)

    quarters = list(report.coverage)
    columns = [excel.Column(gettext_lazy("Street"), 12), excel.Column(_("Active units"), 10)]
    for q in quarters:
        columns += [
            excel.Column(_("Q%(quarter)s: units contacted") % {"quarter": q}, 10),
            excel.Column(_("Q%(quarter)s: contacted (%%)") % {"quarter": q}, 10),
        ]
    streets = [report.coverage[q] for q in quarters]
    rows = []
    for per_quarter in [*zip(*streets, strict=True), [coverage_total(s) for s in streets]]:
        label = per_quarter[0].label if per_quarter[0].street else _("Total")
        row = [label, per_quarter[-1].units]
        for street in per_quarter:
            row += [street.contacted, percent(street.contacted, street.units, places=1)]
        rows.append(row)
    _sheet(workbook, report, name=_("Coverage by street"), columns=columns, rows=rows, totals=1)

    yes, no = _("Yes"), _("No")
    rows = [
        [
            row.department_name,
            row.name,
            row.rank_label,
            row.days_filed_year,
            row.target,
            yes if row.days_filed_year >= row.target else no,
            row.pace,
            row.days_gap,
            row.status_label,
        ]
        for row in report.rows
    ]
    rows.append(
        [_("All departments"), total.cadres, "", total.days_filed_year, "", report.reached_target]
        + ["", "", ""]
    )
    _sheet(workbook, report, name=_("Working days"), columns=DAYS_COLUMNS, rows=rows, totals=1)

    _sheet(
        workbook,
        report,
        name=_("Sheets by form of contact"),
        columns=FORM_COLUMNS,
        rows=_with_total(report.forms),
        totals=1,
    )
    # A sheet may cover several areas: no total.
    _sheet(
        workbook,
        report,
        name=_("Sheets by content area"),
        columns=AREA_COLUMNS,
        rows=[[row.label, *row.figures] for row in report.areas],
    )
    _sheet(
        workbook,
        report,
        name=_("Problems by category"),
        columns=PROBLEM_COLUMNS,
        rows=_with_total(report.problems),
        totals=1,
    )
    _sheet(
        workbook,
        report,
        name=_("Workers' opinions"),
        columns=OPINION_COLUMNS,
        rows=_with_total(report.opinions),
        totals=1,
    )
    _meetings_sheet(workbook, report)
    return workbook


def _meetings_sheet(workbook, report: UpwardReport) -> None:
    kinds = MeetingDecision.Kind
    columns = [
        excel.Column(gettext_lazy("Quarter"), 8),
        excel.Column(gettext_lazy("Meeting date"), 12),
        excel.Column(gettext_lazy("Attendees"), 9),
        excel.Column(gettext_lazy("Other attendees"), 20),
        excel.Column(gettext_lazy("Problems decided"), 9),
        *(excel.Column(label, 12) for label in kinds.labels),
    ]
    rows = [
        [
            _("Q%(quarter)s") % {"quarter": meeting.quarter},
            meeting.date,
            meeting.attendee_count,
            meeting.other_attendees,
            meeting.decision_count,
            *(getattr(meeting, f"decided_{kind}") for kind in kinds.values),
        ]
        for meeting in report.meetings
    ]
    _sheet(workbook, report, name=_("Quarterly meetings held"), columns=columns, rows=rows)
