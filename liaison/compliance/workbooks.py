"""The organization department's workbooks of compliance: the quarterly compliance report (a
summary sheet and a sheet per department) and the annual assessment (the cadres' scores and the
grassroots unions). The figures come from `liaison.compliance`; this module only lays them out,
through `records.excel` (title and date rows, frozen filtered header, widths, A4 landscape)."""

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from liaison.compliance.assessment import CadreScore
from liaison.compliance.rules import CadreRow, ComplianceStatus
from liaison.compliance.selectors import DepartmentSummary, department_summary, overall_summary
from records import excel
from records.figures import percent
from unions.models import Street

# Excel's own "good / neutral / bad" colours: what its users read at a glance.
STATUS_FILLS = {
    ComplianceStatus.ON_TRACK: PatternFill("solid", fgColor="C6EFCE"),
    ComplianceStatus.BEHIND: PatternFill("solid", fgColor="FFEB9C"),
    ComplianceStatus.NO_CONTACT: PatternFill("solid", fgColor="FFC7CE"),
}
TOTAL_FILL = PatternFill("solid", fgColor="D9D9D9")
UNION_CHUNK_SIZE = 500


# --- The quarterly compliance report ---------------------------------------------------------

SUMMARY_COLUMNS = [
    excel.Column(gettext_lazy("Department"), 16),
    excel.Column(gettext_lazy("Cadres"), 8),
    excel.Column(ComplianceStatus.ON_TRACK.label, 8),
    excel.Column(ComplianceStatus.BEHIND.label, 8),
    excel.Column(ComplianceStatus.NO_CONTACT.label, 8),
    excel.Column(gettext_lazy("On track (%)"), 10),
    excel.Column(gettext_lazy("Days filed this year"), 12),
    excel.Column(gettext_lazy("Contact units"), 10),
    excel.Column(gettext_lazy("Units contacted"), 10),
    excel.Column(gettext_lazy("Records filed"), 10),
    excel.Column(gettext_lazy("Filed on time (%)"), 10),
    excel.Column(gettext_lazy("Problems raised"), 10),
    excel.Column(gettext_lazy("Transferred"), 10),
    excel.Column(gettext_lazy("Overdue"), 10),
    excel.Column(gettext_lazy("Fed back"), 10),
    excel.Column(gettext_lazy("Integrity exceptions"), 10),
]

CADRE_COLUMNS = [
    excel.Column(gettext_lazy("Cadre"), 10),
    excel.Column(gettext_lazy("Rank"), 10),
    excel.Column(gettext_lazy("Division level and above"), 9),
    excel.Column(gettext_lazy("Contact units"), 9),
    excel.Column(gettext_lazy("Unit quota"), 9),
    excel.Column(gettext_lazy("Days filed this year"), 11),
    excel.Column(gettext_lazy("Annual target"), 9),
    excel.Column(gettext_lazy("Pace"), 9),
    excel.Column(gettext_lazy("Days ahead of the pace"), 11),
    excel.Column(gettext_lazy("Units contacted"), 10),
    excel.Column(gettext_lazy("Records filed"), 9),
    excel.Column(gettext_lazy("Filed on time (%)"), 10),
    excel.Column(gettext_lazy("Problems raised"), 9),
    excel.Column(gettext_lazy("Transferred"), 9),
    excel.Column(gettext_lazy("Overdue"), 9),
    excel.Column(gettext_lazy("Fed back"), 9),
    excel.Column(gettext_lazy("Integrity exceptions"), 10),
    excel.Column(gettext_lazy("Status"), 9),
]


def _summary_row(summary: DepartmentSummary) -> list:
    return [
        summary.name,
        summary.cadres,
        summary.on_track,
        summary.behind,
        summary.no_contact,
        percent(summary.on_track, summary.cadres, places=1),
        summary.days_filed_year,
        summary.units_assigned,
        summary.units_contacted,
        summary.records_filed,
        percent(summary.timely_share, places=1),
        summary.problems_raised,
        summary.problems_transferred,
        summary.problems_overdue,
        summary.problems_fed_back,
        summary.integrity_exceptions,
    ]


def _cadre_row(row: CadreRow) -> list:
    yes = _("Yes")
    return [
        row.name,
        row.rank_label,
        yes if row.is_leader else "",
        row.units_assigned,
        row.unit_quota,
        row.days_filed_year,
        row.target,
        row.pace,
        row.days_gap,
        row.units_contacted_quarter,
        row.records_filed_quarter,
        percent(row.timely_share, places=1),
        row.problems_raised,
        row.problems_transferred,
        row.problems_overdue,
        row.problems_fed_back,
        row.integrity_exceptions,
        row.status_label,
    ]


def compliance_workbook(
    rows: list[CadreRow], *, year: int, quarter: int, as_of, frozen: bool
) -> Workbook:
    """The quarterly compliance report of `rows` (as `compliance_for_quarter` returns them: in
    the departments' order): a summary sheet with a total row, then a sheet per department,
    each cadre's row filled green (on track), amber (behind) or red (no contact)."""
    period = _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}
    figures = (_("frozen, figures as of %(date)s") if frozen else _("figures as of %(date)s")) % {
        "date": f"{as_of:%Y-%m-%d}"
    }
    summaries = department_summary(rows)
    workbook = excel.new_workbook()
    summary_rows = [_summary_row(s) for s in summaries]
    if len(summaries) > 1:
        summary_rows.append(_summary_row(overall_summary(rows)))
    excel.add_sheet(
        workbook,
        name=_("Summary"),
        title=_("Quarterly compliance report, %(period)s (%(figures)s)")
        % {"period": period, "figures": figures},
        columns=SUMMARY_COLUMNS,
        rows=summary_rows,
        row_count=len(summary_rows),
        fills=[None] * len(summaries) + [TOTAL_FILL] * (len(summary_rows) - len(summaries)),
    )
    for summary in summaries:
        own = [row for row in rows if row.department_id == summary.department_id]
        excel.add_sheet(
            workbook,
            name=summary.name,
            title=_("%(department)s: compliance, %(period)s (%(figures)s)")
            % {"department": summary.name, "period": period, "figures": figures},
            columns=CADRE_COLUMNS,
            rows=[_cadre_row(row) for row in own],
            row_count=len(own),
            fills=[STATUS_FILLS.get(row.status) for row in own],
        )
    return workbook


# --- The annual assessment -------------------------------------------------------------------


def score_columns(weights: list[tuple[str, str, int]]) -> list[excel.Column]:
    points = {
        key: excel.Column(
            _("%(criterion)s: points (of %(weight)s)") % {"criterion": label, "weight": weight},
            14,
        )
        for key, label, weight in weights
    }
    return [
        excel.Column(gettext_lazy("Department"), 14),
        excel.Column(gettext_lazy("Cadre"), 10),
        excel.Column(gettext_lazy("Rank"), 10),
        excel.Column(gettext_lazy("Days filed"), 9),
        excel.Column(gettext_lazy("Annual target"), 9),
        points["days"],
        *(
            excel.Column(
                _("Q%(quarter)s: units contacted / assigned") % {"quarter": q},
                11,
            )
            for q in (1, 2, 3, 4)
        ),
        excel.Column(gettext_lazy("Units contacted (%)"), 10),
        points["coverage"],
        excel.Column(gettext_lazy("Records filed"), 9),
        excel.Column(gettext_lazy("Filed on time"), 9),
        excel.Column(gettext_lazy("Filed on time (%)"), 10),
        points["timely"],
        excel.Column(gettext_lazy("Problems answered"), 9),
        excel.Column(gettext_lazy("Fed back"), 9),
        excel.Column(gettext_lazy("Fed back (%)"), 10),
        points["feedback"],
        excel.Column(gettext_lazy("Score"), 9),
    ]


def _score_row(score: CadreScore) -> list:
    contacts = {q.quarter: f"{q.contacted} / {q.assigned}" for q in score.quarters}
    return [
        score.department_name,
        score.name,
        score.rank_label,
        score.days_filed,
        score.target,
        score.days_points,
        *(contacts.get(q, "") for q in (1, 2, 3, 4)),
        percent(score.coverage_share, places=1),
        score.coverage_points,
        score.records_filed,
        score.records_timely,
        percent(score.timely_share, places=1),
        score.timely_points,
        score.problems_answered,
        score.problems_fed_back,
        percent(score.feedback_share, places=1),
        score.feedback_points,
        score.score,
    ]


UNION_COLUMNS = [
    excel.Column(gettext_lazy("Grassroots union"), 28),
    excel.Column(gettext_lazy("Street"), 10),
    excel.Column(gettext_lazy("Contact cadres"), 9),
    excel.Column(gettext_lazy("Contacted in Q1"), 9),
    excel.Column(gettext_lazy("Contacted in Q2"), 9),
    excel.Column(gettext_lazy("Contacted in Q3"), 9),
    excel.Column(gettext_lazy("Contacted in Q4"), 9),
    excel.Column(gettext_lazy("Problems raised"), 9),
    excel.Column(gettext_lazy("Solved on the spot"), 9),
    excel.Column(gettext_lazy("Fed back"), 9),
    excel.Column(gettext_lazy("Closed without feedback"), 10),
    excel.Column(gettext_lazy("Still open"), 9),
    excel.Column(gettext_lazy("Satisfied"), 9),
    excel.Column(gettext_lazy("Basically satisfied"), 9),
    excel.Column(gettext_lazy("Unsatisfied"), 9),
    excel.Column(gettext_lazy("Workers: satisfied"), 9),
    excel.Column(gettext_lazy("Workers: basically satisfied"), 9),
    excel.Column(gettext_lazy("Workers: unsatisfied"), 9),
]


def _union_rows(unions: QuerySet, quarters: Iterable[int]) -> Iterator[list]:
    yes, no = _("Yes"), _("No")
    streets = {value: str(label) for value, label in Street.choices}
    quarters = set(quarters)
    for union in unions.iterator(chunk_size=UNION_CHUNK_SIZE):
        yield [
            union.name,
            streets.get(union.street, union.street),
            union.contact_cadres,
            # A quarter the assessment does not cover yet stays empty.
            *(
                (yes if getattr(union, f"q{q}") else no) if q in quarters else ""
                for q in (1, 2, 3, 4)
            ),
            union.problems,
            union.solved_on_spot,
            union.fed_back,
            union.closed_without_feedback,
            union.still_open,
            union.satisfied,
            union.basically_satisfied,
            union.unsatisfied,
            union.workers_satisfied,
            union.workers_basically_satisfied,
            union.workers_unsatisfied,
        ]


def assessment_workbook(
    scores: list[CadreScore],
    unions: QuerySet | None,
    *,
    year: int,
    quarters: list[int],
    final: bool,
    weights: list[tuple[str, str, int]],
) -> Workbook:
    """The annual assessment: the cadres' scores (the criteria's weights in the title and in
    the points columns' headers), and, when `unions` is given, the grassroots unions (contacted
    in each quarter, how their problems ended), streamed from the queryset."""
    state = _("final") if final else _("provisional: the year is not over")
    weighting = " · ".join(
        _("%(label)s (%(weight)s)") % {"label": label, "weight": weight}
        for _key, label, weight in weights
    )
    workbook = excel.new_workbook()
    excel.add_sheet(
        workbook,
        name=_("Cadres' scores"),
        title=_("Annual assessment %(year)s: cadres' scores (%(state)s). Weights: %(weights)s")
        % {"year": year, "state": state, "weights": weighting},
        columns=score_columns(weights),
        rows=[_score_row(score) for score in scores],
        row_count=len(scores),
    )
    if unions is not None:
        excel.add_sheet(
            workbook,
            name=_("Grassroots unions"),
            title=_("Annual assessment %(year)s: grassroots unions (%(state)s)")
            % {"year": year, "state": state},
            columns=UNION_COLUMNS,
            rows=_union_rows(unions, quarters),
            row_count=unions.count(),
        )
    return workbook
