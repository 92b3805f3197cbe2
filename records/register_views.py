"""The record register (记录单备案登记表): a page to choose the period and department, and the
workbook. The organization department exports any department; a department head their own."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from records import excel
from records.forms import RegisterForm
from records.register import Period, register_workbook
from unions.models import Department
from unions.roles import Role, has_role, headed_department

YEARS_BACK = 5


def _register_form(request, data=None) -> tuple[RegisterForm, Department | None]:
    """The form for this user and the department they are bound to, or 403: the organization
    department chooses any department (None), a department head only their own."""
    own = None
    if not has_role(request.user, Role.ORGANIZATION):
        own = headed_department(request.user)
        if own is None:
            raise PermissionDenied
    today = timezone.localdate()
    form = RegisterForm(
        data,
        years=range(today.year, today.year - YEARS_BACK, -1),
        departments=None if own is None else Department.objects.filter(pk=own.pk),
        initial={"year": today.year},
    )
    return form, own


@login_required
def register(request):
    form, _own = _register_form(request)
    return render(request, "records/register.html", {"form": form})


@login_required
def register_export(request):
    form, own = _register_form(request, request.GET)
    if not form.is_valid():
        if own is not None and form.has_error("department"):
            raise PermissionDenied  # another department's register
        return render(request, "records/register.html", {"form": form}, status=400)
    data = form.cleaned_data
    if data["start"]:
        period = Period.between(data["start"], data["end"])
        name = f"{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    else:
        period = Period.of_year(data["year"], data["quarter"])
        name = f"{data['year']}" + (f"-q{data['quarter']}" if data["quarter"] else "")
    workbook = register_workbook(period=period, department=own or data["department"])
    return excel.workbook_response(workbook, f"record-register-{name}.xlsx")
