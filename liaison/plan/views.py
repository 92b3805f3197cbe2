"""The contact calendar's pages. Who sees what is declared in liaison/permissions.py; a cadre
or department the user may not see is answered 404, as if it did not exist."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from liaison.plan import selectors
from unions.models import Cadre, Department
from unions.permissions import may, require_permission
from unions.roles import cadre_of, headed_department


def get_cadre_for_user(user, pk: int) -> Cadre:
    cadre = get_object_or_404(Cadre.objects.select_related("department"), pk=pk)
    if not may(user, "liaison.view_cadre_plan", cadre):
        raise Http404
    return cadre


def get_department_for_user(user, pk: int) -> Department:
    department = get_object_or_404(Department, pk=pk)
    if not may(user, "liaison.view_department_plan", department):
        if not may(user, "liaison.view_plan") or headed_department(user) is None:
            raise PermissionDenied  # not a page for a cadre
        raise Http404
    return department


def _links(first: datetime.date, previous: datetime.date, following: datetime.date, key: str, fmt):
    return {
        "previous": f"?{key}={fmt(previous)}",
        "next": f"?{key}={fmt(following)}",
        "first": first,
    }


def _month_links(first: datetime.date) -> dict:
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return _links(first, previous, following, "month", lambda d: f"{d:%Y-%m}")


def _iso_week(monday: datetime.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


@require_permission("liaison.view_plan")
def index(request):
    """The calendar the user plans with: the week for the organization department, the
    department's month for a head, the cadre's own month otherwise."""
    user = request.user
    if may(user, "liaison.view_federation_plan"):
        return redirect("plan:week")
    department = headed_department(user)
    if department is not None:
        return redirect("plan:department", pk=department.pk)
    return redirect("plan:cadre", pk=cadre_of(user).pk)


@require_permission("liaison.view_plan")
def cadre_month(request, pk: int):
    cadre = get_cadre_for_user(request.user, pk)
    today = timezone.localdate()
    first = selectors.parse_month(request.GET.get("month"), today)
    context = selectors.cadre_month(request.user, cadre, first, today)
    return render(
        request,
        "liaison/plan_month.html",
        {
            **context,
            "cadre": cadre,
            "nav": _month_links(first),
            "weeks": selectors.weeks(context["days"]),
        },
    )


@require_permission("liaison.view_plan")
def department_month(request, pk: int):
    department = get_department_for_user(request.user, pk)
    today = timezone.localdate()
    first = selectors.parse_month(request.GET.get("month"), today)
    context = selectors.department_month(request.user, department, first, today)
    return render(
        request,
        "liaison/plan_month.html",
        {
            **context,
            "department": department,
            "nav": _month_links(first),
            "weeks": selectors.weeks(context["days"]),
        },
    )


@require_permission("liaison.view_federation_plan")
def federation_week(request):
    today = timezone.localdate()
    monday = selectors.parse_week(request.GET.get("week"), today)
    context = selectors.federation_week(request.user, monday, today)
    week = datetime.timedelta(days=7)
    nav = _links(monday, monday - week, monday + week, "week", _iso_week)
    return render(
        request,
        "liaison/plan_week.html",
        {
            **context,
            "nav": nav,
            "weeks": selectors.weeks(context["days"]),
            "week": _iso_week(monday),
            "sunday": monday + datetime.timedelta(days=6),
        },
    )
