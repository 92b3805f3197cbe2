"""The compliance dashboard (季度达标情况), the freeze of a quarter, and the annual assessment
(年度考核). Figures come from `liaison.compliance`; the views only pick the user's scope, the
period, the filters and the order."""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template import engines
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from liaison.compliance import assessment as compliance_assessment
from liaison.compliance import rules, services
from liaison.compliance import selectors as compliance
from liaison.compliance.forms import SORT_CHOICES, AssessmentForm, DashboardForm, RankFilter
from liaison.compliance.workbooks import assessment_workbook, compliance_workbook
from records import excel
from records.calendar import quarter_bounds
from unions.models import Cadre
from unions.permissions import may, require_permission

UNIONS_PER_PAGE = 50
RANK_ORDER = {rank: index for index, rank in enumerate(Cadre.Rank.values)}

# How each sortable column orders the rows. Rows arrive in the default order (department,
# leaders first, name) and Python's sort is stable, so equal figures keep that order.
SORT_KEYS = {
    "department": lambda r: (r.department_order, r.department_name),
    "name": lambda r: r.name,
    "rank": lambda r: RANK_ORDER.get(r.rank, len(RANK_ORDER)),
    "units": lambda r: (r.units_assigned, r.unit_quota),
    "days": lambda r: r.days_filed_year,
    "contacted": lambda r: r.units_contacted_quarter,
    "records": lambda r: r.records_filed_quarter,
    "timely": lambda r: r.timely_share,
    "raised": lambda r: r.problems_raised,
    "transferred": lambda r: r.problems_transferred,
    "overdue": lambda r: r.problems_overdue,
    "fed_back": lambda r: r.problems_fed_back,
    "integrity": lambda r: r.integrity_exceptions,
    "status": lambda r: rules.STATUS_ORDER[r.status],
}


def sort_rows(rows: list, sort: str, descending: bool) -> list:
    """The rows by one column; rows without the figure (no sheet to time) always come last."""
    key = SORT_KEYS.get(sort)
    if key is None:
        return list(rows)
    known = [row for row in rows if key(row) is not None]
    unknown = [row for row in rows if key(row) is None]
    return sorted(known, key=key, reverse=descending) + unknown


def filter_rows(rows: list, *, rank: str = "", status: str = "") -> list:
    if rank:
        leaders = rank == RankFilter.LEADER
        rows = [row for row in rows if row.is_leader == leaders]
    if status:
        rows = [row for row in rows if row.status == status]
    return rows


TEXT_COLUMNS = ("department", "name", "rank", "status")


def _headers(request, sort: str, descending: bool) -> list[dict]:
    """Each column's label and the link that sorts by it (a second click reverses it)."""
    headers = []
    for key, label in SORT_CHOICES:
        params = request.GET.copy()
        params["sort"] = key
        active = key == sort
        params["dir"] = "asc" if active and descending else ("desc" if active else "asc")
        headers.append(
            {
                "key": key,
                "label": label,
                "numeric": key not in TEXT_COLUMNS,
                "url": f"?{params.urlencode()}",
                "active": active,
                "descending": active and descending,
            }
        )
    return headers


@dataclass(frozen=True)
class TrendBar:
    quarter: int
    days: Decimal
    x: int
    y: int
    height: int


CHART_HEIGHT = 120  # the tallest bar of a trend chart, in SVG units
CHART_BASE = 140  # the bars' baseline, leaving room above for the figures


def trend_bars(trend: list[tuple[int, Decimal]]) -> list[TrendBar]:
    """The geometry of a trend's inline SVG bar chart (four bars, the tallest full height)."""
    most = max((days for _quarter, days in trend), default=Decimal(0)) or Decimal(1)
    bars = []
    for index, (quarter, days) in enumerate(trend):
        height = int(days * CHART_HEIGHT / most)
        bars.append(
            TrendBar(
                quarter=quarter,
                days=days,
                x=20 + index * 70,
                y=CHART_BASE - height,
                height=height,
            )
        )
    return bars


def rows_html(rows: list, list_url: str = "", ledger_url: str = "") -> str:
    """The table's rows, one per cadre: by Jinja2, several times faster than Django's templates
    at thousands of rows (docs/decisions/0007-dashboard-rows-in-jinja2.md). Every word the rows
    show is translated here, once. `list_url`: the record list of the quarter's filed sheets,
    which each cadre's sheet counts open (with their cadre, and integrity exceptions);
    `ledger_url`: the ledger of the quarter, which each cadre's problem counts open."""
    if not rows:
        return ""
    pace = floatformat(rows[0].pace) if rows[0].pace is not None else ""
    return mark_safe(  # noqa: S308 — Jinja2's autoescape escaped every value
        engines["jinja2"]
        .get_template("liaison/_compliance_rows.html")
        .render(
            {
                "rows": rows,
                "list_url": list_url,
                "ledger_url": ledger_url,
                "raised_title": _("The problems raised, in the ledger"),
                "transferred_title": _("The problems transferred, in the ledger"),
                "overdue_title": _("The overdue problems, in the ledger"),
                "fed_back_title": _("The problems fed back, in the ledger"),
                "target": floatformat(rows[0].target),
                "units_title": _("Contact units held / units to hold"),
                "days_label": _("Working days filed"),
                "pace_title": _("Pace: %(pace)s days") % {"pace": pace},
            }
        )
    )


def _frozen_by(snapshot) -> str:
    user = snapshot.frozen_by
    cadre = getattr(user, "cadre", None)
    return cadre.name if cadre is not None else user.get_username()


@require_permission("liaison.view_compliance")
@require_GET
def dashboard(request):
    scope = compliance.compliance_scope(request.user)
    today = timezone.localdate()
    form = DashboardForm(
        request.GET, choose_department=scope.everything, choose_rows=scope.cadre is None
    )
    form.is_valid()
    data = form.cleaned_data
    context = {"form": form, "scope": scope}
    if form.has_error("year") or form.has_error("quarter"):
        return render(request, "liaison/compliance_dashboard.html", context, status=400)

    year, quarter = data["year"], data["quarter"]
    end = quarter_bounds(year, quarter)[1]
    department = scope.department or data.get("department")
    snapshot = compliance.quarter_snapshot(year, quarter)
    rows = compliance.compliance_for_quarter(
        year=year,
        quarter=quarter,
        today=today,
        department=department,
        cadre=scope.cadre,
        snapshot=snapshot,
    )
    total = compliance.overall_summary(rows)
    sort = data.get("sort") or ""
    descending = data.get("dir") == "desc"
    shown = sort_rows(
        filter_rows(rows, rank=data.get("rank") or "", status=data.get("status") or ""),
        sort,
        descending,
    )
    context.update(
        {
            "year": year,
            "quarter": quarter,
            "as_of": snapshot.as_of if snapshot else min(end, today),
            "current": end >= today,
            "quarters": [q for q in (1, 2, 3, 4) if quarter_bounds(year, q)[0] <= today],
            "department": department,
            "snapshot": snapshot,
            "frozen_by": _frozen_by(snapshot) if snapshot else "",
            "timely_days": snapshot.timely_days if snapshot else rules.timely_days(),
            "can_freeze": may(request.user, "liaison.freeze_quarter")
            and snapshot is None
            and end < today,
            "rows": shown,
            "rows_html": rows_html(
                shown,
                f"{reverse('records:record-list')}?year={year}&quarter={quarter}&status=filed",
                f"{reverse('records:ledger')}?year={year}&quarter={quarter}",
            ),
            "row_count": len(rows),
            "total": total,
            # The total's sheets filed: a link inside a translated sentence, built here.
            "records_total_link": format_html(
                '<a href="{}?year={}&amp;quarter={}&amp;status=filed{}" data-testid="records-link"'
                ' title="{}">{}</a>',
                reverse("records:record-list"),
                year,
                quarter,
                f"&department={department.pk}" if department is not None else "",
                _("The sheets filed, in the record list"),
                total.records_filed,
            ),
            "departments": compliance.department_summary(rows) if scope.cadre is None else [],
            "headers": _headers(request, sort, descending),
            "pace": rows[0].pace if rows else None,
        }
    )
    if scope.everything:
        streets = compliance.street_coverage(
            year=year, quarter=quarter, today=today, snapshot=snapshot
        )
        context["streets"] = streets
        context["streets_total"] = compliance.coverage_total(streets)
        context["federation_trend"] = trend_bars(compliance.quarterly_trend(year=year))
    if department is not None:
        context["department_trend"] = trend_bars(
            compliance.quarterly_trend(year=year, department=department)
        )
    return render(request, "liaison/compliance_dashboard.html", context)


@login_required
@require_POST
def freeze(request, year: int, quarter: int):
    if not may(request.user, "liaison.freeze_quarter"):
        raise PermissionDenied
    try:
        services.quarter_freeze(year=year, quarter=quarter, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(year)s Q%(quarter)s is frozen: its figures will no longer change.")
            % {"year": year, "quarter": quarter},
        )
    url = reverse("compliance:dashboard")
    return redirect(f"{url}?{urlencode({'year': year, 'quarter': quarter})}")


@require_permission("liaison.view_compliance")
@require_GET
def assessment(request):
    scope = compliance.compliance_scope(request.user)
    today = timezone.localdate()
    form = AssessmentForm(request.GET, choose_department=scope.everything)
    form.is_valid()
    data = form.cleaned_data
    if form.has_error("year"):
        context = {"form": form, "scope": scope}
        return render(request, "liaison/compliance_assessment.html", context, status=400)
    year = data["year"]
    department = scope.department or data.get("department")
    scores, unions = compliance_assessment.assessment_for_year(
        year=year, today=today, department=department, cadre=scope.cadre
    )
    if request.GET.get("sort") == "score":
        scores = sorted(scores, key=lambda s: s.score, reverse=True)
    context = {
        "form": form,
        "scope": scope,
        "year": year,
        "final": year < today.year,
        "quarters": compliance_assessment.assessed_quarters(year, today),
        "scores": scores,
        "weights": compliance_assessment.assessment_weights(),
        "department": department,
        "by_score": request.GET.get("sort") == "score",
    }
    if scope.everything:
        street = data.get("street") or ""
        if street:
            unions = unions.filter(street=street)
        params = request.GET.copy()
        params.pop("page", None)
        page = Paginator(unions, UNIONS_PER_PAGE).get_page(request.GET.get("page"))
        for union in page:
            # None for a quarter the assessment does not cover yet (shown as a dash).
            union.quarter_flags = [
                getattr(union, f"q{q}") if q in context["quarters"] else None for q in (1, 2, 3, 4)
            ]
        context["union_page"] = page
        context["union_query"] = params.urlencode()
    return render(request, "liaison/compliance_assessment.html", context)


# --- The workbooks, under /compliance/export/ (namespace "workbooks"): scoped as the pages are;
# a cadre, who sees only their own row on the page, gets no workbook.


def _scope(user) -> compliance.Scope:
    if not may(user, "liaison.export_compliance"):
        raise PermissionDenied
    return compliance.compliance_scope(user)


@login_required
@require_GET
def compliance_export(request):
    """The quarter of the dashboard's `year` and `quarter` (and `department`, for the
    organization department); its rank and status filters and its order are for the screen."""
    scope = _scope(request.user)
    today = timezone.localdate()
    form = DashboardForm(request.GET, choose_department=scope.everything)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.errors.get("quarter", [])))
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    department = scope.department or form.cleaned_data.get("department")
    snapshot = compliance.quarter_snapshot(year, quarter)
    rows = compliance.compliance_for_quarter(
        year=year, quarter=quarter, today=today, department=department, snapshot=snapshot
    )
    workbook = compliance_workbook(
        rows,
        year=year,
        quarter=quarter,
        as_of=snapshot.as_of if snapshot else min(quarter_bounds(year, quarter)[1], today),
        frozen=snapshot is not None,
    )
    suffix = f"-{department.pk}" if department is not None else ""
    return excel.workbook_response(workbook, f"compliance-{year}-q{quarter}{suffix}.xlsx")


@login_required
@require_GET
def assessment_export(request):
    """The assessment of the page's `year` (and `department`, `street` for the organization
    department). The grassroots unions' sheet is the organization department's, as on the page."""
    scope = _scope(request.user)
    today = timezone.localdate()
    form = AssessmentForm(request.GET, choose_department=scope.everything)
    if not form.is_valid():
        return HttpResponseBadRequest()
    year = form.cleaned_data["year"]
    department = scope.department or form.cleaned_data.get("department")
    scores, unions = compliance_assessment.assessment_for_year(
        year=year, today=today, department=department
    )
    if scope.everything:
        if form.cleaned_data.get("street"):
            unions = unions.filter(street=form.cleaned_data["street"])
    else:
        unions = None
    workbook = assessment_workbook(
        scores,
        unions,
        year=year,
        quarters=compliance_assessment.assessed_quarters(year, today),
        final=year < today.year,
        weights=compliance_assessment.assessment_weights(),
    )
    suffix = f"-{department.pk}" if department is not None else ""
    return excel.workbook_response(workbook, f"assessment-{year}{suffix}.xlsx")
