"""Quarterly meeting pages: the organization department creates and records the meeting and
its decisions; department heads read it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from liaison.meetings import selectors
from liaison.meetings import services as meetings
from liaison.meetings.forms import (
    DecisionForm,
    MeetingCreateForm,
    MeetingRecordForm,
    TopicOfTheQuarterForm,
)
from liaison.models import MeetingDecision
from records import excel
from records.calendar import quarter_of
from records.models import Problem
from unions.models import Department
from unions.permissions import may


def _get_meeting(user, pk: int):
    return get_object_or_404(
        meetings.visible_meetings(user).select_related("topic__lead_department"), pk=pk
    )


def _form_errors_from(error: ValidationError, form) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def all_departments() -> dict:
    return {department.pk: department for department in Department.objects.all()}


@login_required
def meeting_list(request):
    visible = meetings.visible_meetings(request.user)
    if not may(request.user, "liaison.list_quarterlymeeting"):
        raise PermissionDenied
    form = None
    if may(request.user, "liaison.add_quarterlymeeting"):
        today = timezone.localdate()
        form = MeetingCreateForm(
            request.POST or None,
            initial={"year": today.year, "quarter": quarter_of(today), "date": today},
        )
        if request.method == "POST" and form.is_valid():
            try:
                meeting = meetings.meeting_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors_from(error, form)
            else:
                return redirect("meetings:detail", pk=meeting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "liaison/meeting_list.html",
        {"meetings": visible.prefetch_related("attendees"), "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def _topic_form(request, meeting, figures, bound=None):
    """The form that picks the topic of the quarter: the organizer's, until one is picked;
    the category that rose most is proposed."""
    if meeting.topic_id is not None or not may(request.user, "liaison.pick_quarter_topic"):
        return None
    if bound is not None:
        return bound
    initial = {"deadline": meeting.date}
    if figures["rising"]:
        initial["category"] = figures["rising"][0]["category"]
    return TopicOfTheQuarterForm(initial=initial)


def _detail(request, meeting, record_form=None, decision_forms=None, topic_form=None, status=200):
    """The agenda, each problem with its decision and, for the organizer, a decision form
    (once per problem, where it first appears; none for a closed problem); the quarter's
    figures and the topics of the quarter."""
    agenda = meetings.meeting_agenda(meeting)
    figures = selectors.agenda_figures(request.user, meeting, timezone.localdate())
    organizer = may(request.user, "liaison.change_quarterlymeeting", meeting)
    decision_forms = decision_forms or {}
    departments = all_departments()
    shown = set()
    sections = []
    titles = [
        ("open", _("Problems still open at the meeting (overdue first)")),
        ("raised", _("Problems raised this quarter")),
        ("unsatisfied", _("Demands that came back unsatisfied")),
    ]
    for key, title in titles:
        rows = []
        for problem in agenda[key]:
            form = None
            if organizer and problem.pk not in shown and problem.status != Problem.Status.CLOSED:
                form = decision_forms.get(problem.pk) or DecisionForm(
                    prefix=f"p{problem.pk}", departments=departments
                )
            anchor = problem.pk not in shown
            shown.add(problem.pk)
            rows.append(
                {
                    "problem": problem,
                    "decision": agenda["decisions"].get(problem.pk),
                    "form": form,
                    "anchor": anchor,
                }
            )
        sections.append((key, title, rows))
    return render(
        request,
        "liaison/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "organizer": organizer,
            "record_form": record_form
            or (MeetingRecordForm(instance=meeting) if organizer else None),
            "sections": sections,
            "figures": figures,
            "topic_form": _topic_form(request, meeting, figures, topic_form),
        },
        status=status,
    )


@login_required
def meeting_detail(request, pk: int):
    return _detail(request, _get_meeting(request.user, pk))


@login_required
@require_POST
def meeting_record(request, pk: int):
    meeting = _get_meeting(request.user, pk)
    if not may(request.user, "liaison.change_quarterlymeeting", meeting):
        raise PermissionDenied
    form = MeetingRecordForm(request.POST, instance=meeting)
    if form.is_valid():
        try:
            meetings.meeting_record(
                meeting=meeting,
                user=request.user,
                date=form.cleaned_data["date"],
                attendees=form.cleaned_data["attendees"],
                other_attendees=form.cleaned_data["other_attendees"],
                minutes=form.cleaned_data["minutes"],
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("The attendees and minutes are saved."))
            return redirect("meetings:detail", pk=meeting.pk)
    return _detail(request, meeting, record_form=form, status=400)


@login_required
@require_POST
def meeting_decide(request, pk: int, problem_pk: int):
    meeting = _get_meeting(request.user, pk)
    if not may(request.user, "liaison.change_quarterlymeeting", meeting):
        raise PermissionDenied
    problem = get_object_or_404(Problem, pk=problem_pk, resolution=Problem.Resolution.TRANSFER)
    form = DecisionForm(request.POST, prefix=f"p{problem.pk}", departments=all_departments())
    if form.is_valid():
        try:
            meetings.meeting_decide(
                meeting=meeting, problem=problem, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:  # NotAllowed included
            _form_errors_from(error, form)
        else:
            messages.success(request, _("The decision is recorded and carried out."))
            url = reverse("meetings:detail", args=[meeting.pk])
            return redirect(f"{url}#problem-{problem.pk}")
    return _detail(request, meeting, decision_forms={problem.pk: form}, status=400)


@login_required
@require_POST
def meeting_pick_topic(request, pk: int):
    meeting = _get_meeting(request.user, pk)
    if not may(request.user, "liaison.pick_quarter_topic"):
        raise PermissionDenied
    form = TopicOfTheQuarterForm(request.POST)
    if form.is_valid():
        try:
            meetings.meeting_pick_topic(meeting=meeting, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("The topic of the quarter is picked."))
            return redirect(f"{reverse('meetings:detail', args=[meeting.pk])}#topic")
    return _detail(request, meeting, topic_form=form, status=400)


@login_required
def meeting_print(request, pk: int):
    meeting = _get_meeting(request.user, pk)
    agenda = meetings.meeting_agenda(meeting)
    return render(
        request,
        "liaison/meeting_print.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "figures": selectors.agenda_figures(request.user, meeting, timezone.localdate()),
            "attendees": meeting.attendees.select_related("department"),
            "decisions": meeting.decisions.select_related(
                "problem__record__union", "problem__department", "department"
            ),
        },
    )


AGENDA_COLUMNS = [
    excel.Column(gettext_lazy("Agenda item"), 18),
    excel.Column(gettext_lazy("No."), 7),
    excel.Column(gettext_lazy("Grassroots union"), 28),
    excel.Column(gettext_lazy("Problem"), 40),
    excel.Column(gettext_lazy("Raised by"), 10),
    excel.Column(gettext_lazy("Department"), 14),
    excel.Column(gettext_lazy("Deadline"), 11),
    excel.Column(gettext_lazy("Status"), 9),
    excel.Column(gettext_lazy("Overdue"), 7),
    excel.Column(gettext_lazy("Decision"), 16),
    excel.Column(gettext_lazy("Decision note"), 40),
]


@login_required
def meeting_export(request, pk: int):
    meeting = _get_meeting(request.user, pk)
    agenda = meetings.meeting_agenda(meeting)
    decisions = agenda["decisions"]
    sections = [
        (_("Still open"), agenda["open"]),
        (_("Raised this quarter"), agenda["raised"]),
        (_("Unsatisfied"), agenda["unsatisfied"]),
    ]
    yes = _("Yes")
    rows = []
    for label, problems in sections:
        for p in problems:
            decision: MeetingDecision | None = decisions.get(p.pk)
            rows.append(
                [
                    label,
                    p.pk,
                    p.record.union.name,
                    p.description,
                    p.record.cadre.name,
                    p.department.name if p.department else "",
                    p.deadline,
                    p.get_status_display(),
                    yes if p.is_overdue else "",
                    decision.get_kind_display() if decision else "",
                    decision.note if decision else "",
                ]
            )
    workbook = excel.new_workbook()
    excel.add_sheet(
        workbook,
        name=_("Agenda"),
        title=_("%(meeting)s: agenda and decisions") % {"meeting": meeting},
        columns=AGENDA_COLUMNS,
        rows=rows,
        row_count=len(rows),
    )
    return excel.workbook_response(workbook, f"meeting-{meeting.year}-q{meeting.quarter}.xlsx")
