"""Excel exports of the compliance pages, under /compliance/export/ (namespace "workbooks"): the
quarterly compliance report and the annual assessment. Scoped as the pages are: the
organization department (and administrators) everything, a department head their own
department; a cadre, who sees only their own row on the page, gets no workbook."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison import compliance
from liaison.compliance_forms import AssessmentForm, DashboardForm
from liaison.meetings import quarter_bounds
from liaison.workbooks import assessment_workbook, compliance_workbook
from records import excel


def _scope(user) -> compliance.Scope:
    scope = compliance.compliance_scope(user)
    if scope.cadre is not None:
        raise PermissionDenied
    return scope


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
    scores, unions = compliance.assessment_for_year(year=year, today=today, department=department)
    if scope.everything:
        if form.cleaned_data.get("street"):
            unions = unions.filter(street=form.cleaned_data["street"])
    else:
        unions = None
    workbook = assessment_workbook(
        scores,
        unions,
        year=year,
        quarters=compliance.assessed_quarters(year, today),
        final=year < today.year,
        weights=compliance.assessment_weights(),
    )
    suffix = f"-{department.pk}" if department is not None else ""
    return excel.workbook_response(workbook, f"assessment-{year}{suffix}.xlsx")
