from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from records import exports
from records.access import get_attachment_for_user, get_own_record, get_record_for_user
from records.calendar import WorkingCalendar
from records.files import file_response
from records.models import Attachment, ExportJob, Problem, VisitRecord
from records.paging import CappedPaginator
from records.sheets import selectors, services
from records.sheets.forms import (
    AttachmentForm,
    ProblemFormSet,
    ReturnForm,
    VisitRecordForm,
)
from records.versions import EditConflict
from unions.assignments.selectors import assigned_union_ids
from unions.models import GrassrootsUnion, Street
from unions.permissions import may
from unions.roles import cadre_of

RECORDS_PER_PAGE = 20
SEARCH_RESULTS = 20


def _cadre_or_403(user):
    if not may(user, "records.add_visitrecord"):
        raise PermissionDenied
    return cadre_of(user)


@login_required
def record_list(request):
    filters, records = selectors.filtered_records(request.user, request.GET)
    page = CappedPaginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "records/record_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "only_mine": not may(request.user, "records.view_others_visitrecord"),
            "may_export": may(request.user, "records.export_register"),
        },
    )


@login_required
@require_POST
def record_list_export(request):
    """The record list as filtered, in the register's workbook (built off the request): the
    same filter (selectors.filtered_records) in the asker's scope, run again when it is built."""
    if not may(request.user, "records.export_register"):
        raise PermissionDenied
    filters, records = selectors.filtered_records(request.user, request.GET)
    if request.GET and not filters.is_valid():
        return redirect(f"{reverse('records:record-list')}?{request.GET.urlencode()}")
    params = {name: values for name, values in request.GET.lists() if name != "page"}
    title = _("Work record sheets as filtered, %(date)s") % {
        "date": timezone.localdate().isoformat()
    }
    job = exports.request_export(
        user=request.user,
        kind=ExportJob.Kind.REGISTER,
        params={"filters": params, "label": title},
        title=title,
        filename=f"record-sheets-{timezone.localdate():%Y%m%d}.xlsx",
    )
    return redirect("records:export-detail", pk=job.pk)


@login_required
def record_create(request):
    cadre = _cadre_or_403(request.user)
    today = timezone.localdate()
    record = VisitRecord(cadre=cadre)
    initial = {"start_date": today, "end_date": today}
    union = request.GET.get("union", "")
    if union.isdigit() and GrassrootsUnion.objects.active().filter(pk=union).exists():
        initial["union"] = int(union)
    return _edit_sheet(request, record, initial)


@login_required
def record_edit(request, pk: int):
    _cadre_or_403(request.user)
    record = get_own_record(request.user, pk)
    if not record.is_editable:
        messages.info(request, _("This record sheet is filed and read-only."))
        return redirect("records:record-detail", pk=record.pk)
    return _edit_sheet(request, record)


def _edit_sheet(request, record: VisitRecord, initial=None):
    """The record sheet: save as a draft, or file it. On any error everything typed stays,
    the chosen files included (they are stored at once, pending, and carried by id)."""
    year = (record.start_date or timezone.localdate()).year
    # Read only if the page is shown (a sheet saved at once never shows it).
    my_union_ids = SimpleLazyObject(lambda: assigned_union_ids(record.cadre, year))
    recent_texts = SimpleLazyObject(lambda: selectors.recent_texts(record.cadre, exclude=record))
    topics = selectors.topics_to_tag(request.user, record)
    pending: list[Attachment] = []
    status = 400 if request.method == "POST" else 200
    if request.method == "POST":
        form = VisitRecordForm(
            request.POST,
            instance=record,
            my_union_ids=my_union_ids,
            recent_texts=recent_texts,
            topics=topics,
        )
        formset = ProblemFormSet(
            request.POST,
            instance=record,
            prefix="problems",
            queryset=services.editable_problems(record),
        )
        uploads = AttachmentForm(request.POST, request.FILES, prefix="attach")
        uploads_valid = uploads.is_valid()
        # Files kept from an earlier try stay kept even when a newly chosen one is refused.
        pending_ids = uploads.cleaned_data.get("pending", [])
        pending = list(
            Attachment.objects.filter(
                pk__in=pending_ids, record__isnull=True, uploaded_by=request.user
            )
        )
        if uploads_valid:
            pending += services.attachments_store_pending(
                checked_files=uploads.cleaned_data["files"], user=request.user
            )
        to_file = request.POST.get("action") == "file"
        form_valid, formset_valid = form.is_valid(), formset.is_valid()
        problem_forms = [
            f
            for f in formset.forms
            if f not in formset.deleted_forms and (f.instance.pk or f.has_changed())
        ]
        if to_file and not (form_valid and formset_valid and uploads_valid):
            # One answer lists every error: the filing rules too, not only what the form
            # itself refused (a missing union used to hide every other rule).
            _add_filing_errors(form, problem_forms)
        if form_valid and formset_valid and uploads_valid:
            try:
                services.record_save(
                    record=form.instance,
                    user=request.user,
                    problems=[f.instance for f in problem_forms],
                    deleted_problems=[f.instance for f in formset.deleted_forms],
                    attachment_ids=[a.pk for a in pending],
                    file=to_file,
                    version=form.cleaned_data["version"],
                )
            except EditConflict as conflict:
                # Saved by someone else since this page was shown: nothing was written. The
                # page comes back with everything typed, and now carries the stored version,
                # so saving again (after comparing) is a deliberate choice.
                form.add_error(None, conflict)
                form.data = form.data.copy()
                form.data[form.add_prefix("version")] = conflict.current
                status = 409
            except services.FilingRefused as refused:
                for field, errors in refused.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                for index, errors in refused.problem_errors.items():
                    for field, field_errors in errors.items():
                        problem_forms[index].add_error(field, field_errors)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if to_file:
                    messages.success(request, _("The record sheet is filed."))
                else:
                    messages.success(request, _("The draft is saved."))
                return redirect("records:record-detail", pk=record.pk)
    else:
        form = VisitRecordForm(
            instance=record,
            initial=initial,
            my_union_ids=my_union_ids,
            recent_texts=recent_texts,
            topics=topics,
        )
        formset = ProblemFormSet(
            instance=record, prefix="problems", queryset=services.editable_problems(record)
        )
        uploads = AttachmentForm(prefix="attach")
    return render(
        request,
        "records/record_form.html",
        {
            "record": record,
            "form": form,
            "formset": formset,
            "errors": _error_summary(form, formset, uploads) if form.is_bound else [],
            "days_planner": selectors.days_planner(
                record.cadre, today=timezone.localdate(), record=record
            ),
            "uploads": uploads,
            "pending": pending,
            "pending_ids": ",".join(str(a.pk) for a in pending),
            "attachments": record.attachments.all() if record.pk else [],
            "problems_in_loop": (
                record.problems.exclude(
                    pk__in=services.editable_problems(record).values("pk")
                ).select_related("department")
                if record.pk
                else []
            ),
        },
        status=status,
    )


def _add_filing_errors(form, problem_forms) -> None:
    """The filing rules' errors on the fields the form has not already refused."""
    for field, errors in services.record_filing_errors(form.instance).items():
        if field not in form.errors:
            form.add_error(field if field in form.fields else None, errors)
    for problem_form in problem_forms:
        for field, errors in services.problem_filing_errors(problem_form.instance).items():
            if field not in problem_form.errors:
                problem_form.add_error(field, errors)


def _field_anchor(bound_field) -> str:
    """The id a link to a field goes to: its input, or the first choice of a group."""
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"


def _error_summary(form, formset, uploads) -> list[dict]:
    """Every error of a refused sheet, in the page's order, each with the field it links to."""
    items = [{"message": error, "anchor": ""} for error in form.non_field_errors()]
    for field in form:
        items += [
            {"label": field.label, "message": error, "anchor": _field_anchor(field)}
            for error in field.errors
        ]
    for number, problem in enumerate(formset, start=1):
        items += [{"message": error, "anchor": ""} for error in problem.non_field_errors()]
        for field in problem:
            items += [
                {
                    "label": f"{_('Problem %(n)s') % {'n': number}} · {field.label}",
                    "message": error,
                    "anchor": _field_anchor(field),
                }
                for error in field.errors
            ]
    items += [{"message": error, "anchor": ""} for error in formset.non_form_errors()]
    items += [
        {"label": uploads["files"].label, "message": error, "anchor": "id_attach-files"}
        for error in uploads["files"].errors
    ]
    # The hidden list of kept files: only a forged page gets it wrong, still said.
    items += [
        {"message": error, "anchor": ""}
        for error in [*uploads.non_field_errors(), *uploads["pending"].errors]
    ]
    return items


def _detail_context(request, record: VisitRecord, return_form=None) -> dict:
    user = request.user
    history = list(
        record.history.select_related("history_user__cadre").order_by("history_date", "history_id")
    )
    changes = []
    previous = None
    for entry in history:
        if previous is None:
            fields = []
        else:
            fields = [
                str(VisitRecord._meta.get_field(change.field).verbose_name)
                for change in entry.diff_against(previous).changes
                if change.field not in ("updated_at", "version")
            ]
        changes.append({"entry": entry, "fields": fields})
        previous = entry
    problems = list(record.problems.select_related("department", "leader"))
    for problem in problems:
        problem.record = record  # the permission reads its cadre: no query per problem
        # Answered and waiting for this user's feedback to the grassroots: the sheet links
        # straight to that form.
        problem.feedback_due = problem.status == Problem.Status.ANSWERED and may(
            user, "records.feedback_problem", problem
        )
    calendar_estimate = []
    if record.start_date and record.end_date and record.end_date >= record.start_date:
        calendar_estimate = WorkingCalendar(record.start_date, record.end_date).estimated_years()
    return {
        "record": record,
        "problems": problems,
        "attachments": record.attachments.all(),
        "history": list(reversed(changes)),
        "can_edit": may(user, "records.change_visitrecord", record),
        "can_return": may(user, "records.return_visitrecord", record)
        and record.status == VisitRecord.Status.FILED,
        "return_form": return_form or ReturnForm(),
        "zero_days_reason": services.zero_days_reason(record),
        "calendar_estimate": calendar_estimate,
    }


@login_required
def record_detail(request, pk: int):
    record = get_record_for_user(request.user, pk)
    return render(request, "records/record_detail.html", _detail_context(request, record))


@login_required
def record_print(request, pk: int):
    record = get_record_for_user(request.user, pk)
    return render(request, "records/record_print.html", _detail_context(request, record))


@login_required
@require_POST
def record_return(request, pk: int):
    if not may(request.user, "records.return_visitrecord"):
        raise PermissionDenied
    record = get_record_for_user(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.record_return(
                record=record, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The record sheet is returned to its cadre."))
            return redirect("records:record-detail", pk=record.pk)
    context = _detail_context(request, record, return_form=form)
    return render(request, "records/record_detail.html", context, status=400)


@login_required
def attachment_download(request, pk: int):
    attachment = get_attachment_for_user(request.user, pk)
    return file_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
    )


@login_required
@require_GET
def union_search(request):
    """Grassroots unions matching part of a name, a street or the start of a credit code."""
    _cadre_or_403(request.user)
    term = request.GET.get("q", "").strip()[:50]
    if not term:
        return JsonResponse({"results": []})
    streets = [value for value, label in Street.choices if term in str(label)]
    unions = (
        GrassrootsUnion.objects.active()
        .filter(
            Q(name__icontains=term)
            | Q(street__in=streets)
            | Q(credit_code__startswith=term.upper())
        )
        .order_by("name")[:SEARCH_RESULTS]
    )
    return JsonResponse(
        {
            "results": [
                {"id": u.pk, "name": u.name, "street": u.get_street_display()} for u in unions
            ]
        }
    )
