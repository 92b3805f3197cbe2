"""The record register (记录单备案登记表): a page to choose the period and department, and the
workbook. The organization department exports any department; a department head their own."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from records import exports
from records.files import file_response
from records.models import ExportJob
from records.register.forms import RegisterForm
from records.register.workbook import Period
from unions.models import Department
from unions.permissions import may
from unions.roles import headed_department

YEARS_BACK = 5


def _register_form(
    request, data=None, perm: str = "records.view_register"
) -> tuple[RegisterForm, Department | None]:
    """The form for this user and the department they are bound to, or 403: the organization
    department chooses any department (None), a department head only their own."""
    if not may(request.user, perm):
        raise PermissionDenied
    own = None
    if not may(request.user, "records.view_federation_register"):
        own = headed_department(request.user)
    today = timezone.localdate()
    form = RegisterForm(
        data,
        years=range(today.year, today.year - YEARS_BACK, -1),
        departments=None if own is None else Department.objects.filter(pk=own.pk),
        initial={"year": today.year},
    )
    return form, own


RECENT_EXPORTS = 5


def _register_page(request, form, status=200):
    recent = ExportJob.objects.of(request.user).filter(kind=ExportJob.Kind.REGISTER)
    context = {"form": form, "exports": recent[:RECENT_EXPORTS]}
    return render(request, "records/register.html", context, status=status)


@login_required
@require_GET
def register(request):
    form, _own = _register_form(request)
    return _register_page(request, form)


@login_required
@require_POST
def register_export(request):
    """Ask for the register: it is built off the request (records.exports) and its page shows
    the progress, then the file."""
    form, own = _register_form(request, request.POST, "records.export_register")
    if not form.is_valid():
        if own is not None and form.has_error("department"):
            raise PermissionDenied  # another department's register
        return _register_page(request, form, status=400)
    data = form.cleaned_data
    if data["start"]:
        period = Period.between(data["start"], data["end"])
        name = f"{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    else:
        period = Period.of_year(data["year"], data["quarter"])
        name = f"{data['year']}" + (f"-q{data['quarter']}" if data["quarter"] else "")
    department = own or data["department"]
    job = exports.request_export(
        user=request.user,
        kind=ExportJob.Kind.REGISTER,
        params={
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
            "department": department.pk if department else None,
        },
        title=_("Record register, %(period)s, %(department)s")
        % {
            "period": period.label,
            "department": department.name if department else _("All departments"),
        },
        filename=f"record-register-{name}.xlsx",
    )
    return redirect("records:export-detail", pk=job.pk)


@login_required
@require_GET
def export_detail(request, pk):
    """An export's progress, then its file: only for the person who asked for it."""
    job = get_object_or_404(ExportJob.objects.of(request.user), pk=pk)
    return render(request, "records/export_detail.html", {"job": job})


@login_required
@require_GET
def export_download(request, pk):
    job = get_object_or_404(ExportJob.objects.of(request.user), pk=pk, status=ExportJob.Status.DONE)
    if not job.file:
        raise Http404
    return file_response(job.file, filename=job.filename)
