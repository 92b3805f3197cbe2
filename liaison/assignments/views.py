"""The assignment desk (联系点分配) and the organization import: pages of the Organization &
Personnel Department only. Each view reads through the desk's selectors and writes through the
assignment services or the organization import."""

from io import BytesIO
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from liaison.assignments import selectors
from liaison.assignments.forms import (
    AssignForm,
    CoverageAssignForm,
    EndForm,
    OrgImportForm,
    UnionSearchForm,
)
from unions.assignments import services
from unions.models import Cadre, LiaisonAssignment, Street
from unions.org_import.points import org_import, template_workbook
from unions.permissions import may, require_permission

SEARCH_PER_PAGE = 20
LIST_PER_PAGE = 50
FIRST_YEAR, LAST_YEAR = 2016, 2100  # as LiaisonAssignment.year allows
TEMPLATE_FILENAME = "联系基层组织数据导入模板.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def get_cadre(pk: int) -> Cadre:
    return get_object_or_404(Cadre.objects.select_related("department"), pk=pk)


@require_permission("unions.manage_liaisonassignment")
@require_GET
def desk_current(request):
    return redirect("assignments:desk", year=timezone.localdate().year)


@require_permission("unions.manage_liaisonassignment")
@require_GET
def desk(request, year: int):
    _check_year(year)
    departments = selectors.desk_departments(year)
    return render(
        request,
        "liaison/assignment_desk.html",
        {
            "year": year,
            "departments": departments,
            "totals": selectors.desk_totals(year),
            "cadre_count": sum(len(d["cadres"]) for d in departments),
            "gap_count": sum(d["gaps"] for d in departments),
            "can_roll_over": year > FIRST_YEAR,
        },
    )


def _cadre_page(request, cadre: Cadre, year: int, bound_end: EndForm | None = None, pk=None):
    points = list(selectors.cadre_points(cadre, year))
    today = timezone.localdate()
    rows = [
        (
            point,
            bound_end
            if point.pk == pk
            else EndForm(
                initial={"ended_at": min(today, today.replace(year=point.year, month=12, day=31))}
            ),
        )
        for point in points
    ]
    search = UnionSearchForm(request.GET or None)
    page = None
    if search.is_valid() and search.cleaned_data["q"]:
        page = Paginator(
            selectors.union_search(search.cleaned_data["q"], year), SEARCH_PER_PAGE
        ).get_page(request.GET.get("page"))
    current = sum(1 for point in points if point.ended_at is None)
    return render(
        request,
        "liaison/assignment_cadre.html",
        {
            "year": year,
            "cadre": cadre,
            "rows": rows,
            "current": current,
            "quota": cadre.unit_quota,
            "full": not cadre.may_hold(current + 1),
            "assigned_ids": {point.union_id for point in points},
            "search": search,
            "search_query": urlencode({"q": search.cleaned_data["q"]}) if page else "",
            "page": page,
        },
        status=400 if bound_end is not None else 200,
    )


@require_permission("unions.manage_liaisonassignment")
@require_GET
def cadre(request, year: int, pk: int):
    return _cadre_page(request, get_cadre(pk), _check_year(year))


@require_permission("unions.add_liaisonassignment")
@require_POST
def assignment_add(request, year: int, pk: int):
    cadre = get_cadre(pk)
    _check_year(year)
    form = AssignForm(request.POST)
    back = reverse("assignments:cadre", kwargs={"year": year, "pk": cadre.pk})
    if not form.is_valid():
        messages.error(request, _("Choose a grassroots union from the search results."))
        return redirect(back)
    union = form.cleaned_data["union"]
    try:
        services.assignment_create(cadre=cadre, union=union, year=year, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(union)s is now a contact unit of %(cadre)s for %(year)s.")
            % {"union": union.name, "cadre": cadre.name, "year": year},
        )
    query = {k: form.cleaned_data[k] for k in ("q", "page") if form.cleaned_data.get(k)}
    return redirect(f"{back}?{urlencode(query)}" if query else back)


@require_permission("unions.change_liaisonassignment")
@require_POST
def assignment_end(request, pk: int):
    assignment = get_object_or_404(
        LiaisonAssignment.objects.select_related("cadre__department", "union"), pk=pk
    )
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_end(
                assignment=assignment,
                ended_at=form.cleaned_data["ended_at"],
                reason=form.cleaned_data["end_reason"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The contact point of %(cadre)s with %(union)s has ended.")
                % {"cadre": assignment.cadre.name, "union": assignment.union.name},
            )
            return redirect("assignments:cadre", year=assignment.year, pk=assignment.cadre_id)
    return _cadre_page(request, assignment.cadre, assignment.year, bound_end=form, pk=pk)


@require_permission("unions.manage_liaisonassignment")
@require_GET
def coverage(request, year: int):
    _check_year(year)
    return render(
        request,
        "liaison/assignment_coverage.html",
        {"year": year, "coverage": selectors.coverage(year)},
    )


def _coverage_list(request, year: int, kind: str, objects, title: str, **extra):
    _check_year(year)
    page = Paginator(objects, LIST_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "liaison/assignment_coverage_list.html",
        {"year": year, "kind": kind, "page": page, "title": title, "query": query.urlencode()}
        | extra,
    )


def _uncovered_page(request, year: int, form: CoverageAssignForm, status: int = 200):
    street = request.GET.get("street", "")
    if street and street not in Street.values:
        raise Http404
    label = Street(street).label if street else ""
    response = _coverage_list(
        request,
        year,
        "uncovered",
        selectors.uncovered_unions(year, street),
        _("Unions with no contact cadre in %(year)s") % {"year": year},
        street_label=label,
        form=form,
        may_assign=may(request.user, "unions.add_liaisonassignment"),
    )
    response.status_code = status
    return response


@require_permission("unions.manage_liaisonassignment")
@require_GET
def uncovered(request, year: int):
    return _uncovered_page(request, year, CoverageAssignForm(year=year))


@require_permission("unions.add_liaisonassignment")
@require_POST
def uncovered_assign(request, year: int):
    """Assign a union of the uncovered list to a cadre, through the assignment service (its
    rules refuse next to the cadre's field); back to the same list, street and page."""
    _check_year(year)
    form = CoverageAssignForm(request.POST, year=year)
    if form.is_valid():
        union, cadre = form.cleaned_data["union"], form.cleaned_data["cadre"]
        try:
            services.assignment_create(cadre=cadre, union=union, year=year, user=request.user)
        except ValidationError as error:
            form.add_error("cadre", error)
        else:
            messages.success(
                request,
                _("%(union)s is now a contact unit of %(cadre)s for %(year)s.")
                % {"union": union.name, "cadre": cadre.name, "year": year},
            )
            back = reverse("assignments:uncovered", args=[year])
            query = request.GET.urlencode()
            return redirect(f"{back}?{query}" if query else back)
    return _uncovered_page(request, year, form, status=400)


@require_permission("unions.manage_liaisonassignment")
@require_GET
def shared(request, year: int):
    return _coverage_list(
        request,
        year,
        "shared",
        selectors.shared_unions(year),
        _("Unions with more than one contact cadre in %(year)s") % {"year": year},
    )


@require_permission("unions.manage_liaisonassignment")
@require_GET
def cadres_without_units(request, year: int):
    return _coverage_list(
        request,
        year,
        "cadres",
        selectors.cadres_without_units(year),
        _("Active cadres with no contact unit in %(year)s") % {"year": year},
    )


@require_permission("unions.add_liaisonassignment")
@require_POST
def roll_over(request, year: int):
    _check_year(year)
    try:
        result = services.assignments_roll_over(from_year=year - 1, to_year=year, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assignments:desk", year=year)
    return render(request, "liaison/assignment_rollover.html", {"year": year, "result": result})


@require_permission("unions.import_organization")
def import_org(request):
    result = None
    if request.method == "POST":
        form = OrgImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = org_import(
                form.cleaned_data["file"],
                user=request.user,
                year=form.cleaned_data["year"],
                dry_run=form.cleaned_data["dry_run"],
            )
    else:
        form = OrgImportForm()
    refused = request.method == "POST" and (result is None or not result.ok)
    status = 400 if refused else 200
    return render(
        request, "liaison/org_import.html", {"form": form, "result": result}, status=status
    )


@require_permission("unions.import_organization")
@require_GET
def import_template(request):
    return FileResponse(
        BytesIO(template_workbook()),
        as_attachment=True,
        filename=TEMPLATE_FILENAME,
        content_type=XLSX,
    )
