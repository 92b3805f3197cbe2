"""Pages of the problem loop: my problems, the department inbox, a problem with its timeline
and the steps the user may take, the organization department's ledger and its export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from records import excel
from records.models import Problem, VisitRecord, topic_problems_q
from records.paging import CappedPaginator, InTurn
from records.problems import selectors
from records.problems import services as loop
from records.problems.forms import (
    AnswerForm,
    BulkApplyForm,
    BulkForm,
    CloseForm,
    DeadlineForm,
    FeedbackForm,
    LedgerFilterForm,
    NoteForm,
    ReasonForm,
    RetransferForm,
    TransferForm,
)
from records.problems.panels import render_panels
from records.problems.rows import ledger_rows_html, problem_items_html
from records.terms.search import matching
from records.versions import EditConflict
from unions.permissions import may
from unions.roles import cadre_of

PER_PAGE = 30

# Each step: its form, and how the cleaned form calls the service.
STEPS = {
    "transfer": (
        TransferForm,
        lambda p, u, d: loop.problem_transfer(
            problem=p,
            user=u,
            department=d["department"],
            leader=d["leader"],
            urgent=d["urgent"],
            note=d["note"],
            version=d["version"],
        ),
    ),
    "accept": (
        NoteForm,
        lambda p, u, d: loop.problem_accept(
            problem=p, user=u, note=d["note"], version=d["version"]
        ),
    ),
    "answer": (
        AnswerForm,
        lambda p, u, d: loop.problem_answer(
            problem=p, user=u, answer=d["answer"], version=d["version"]
        ),
    ),
    "hand_back": (
        ReasonForm,
        lambda p, u, d: loop.problem_hand_back(
            problem=p, user=u, reason=d["reason"], version=d["version"]
        ),
    ),
    "feedback": (
        FeedbackForm,
        lambda p, u, d: loop.problem_feedback(
            problem=p,
            user=u,
            on=d["feedback_on"],
            method=d["feedback_method"],
            satisfaction=d["satisfaction"],
            note=d["note"],
            version=d["version"],
        ),
    ),
    "urge": (
        NoteForm,
        lambda p, u, d: loop.problem_urge(problem=p, user=u, note=d["note"], version=d["version"]),
    ),
    "retransfer": (
        RetransferForm,
        lambda p, u, d: loop.problem_retransfer(
            problem=p,
            user=u,
            department=d["department"],
            leader=d["leader"],
            note=d["note"],
            version=d["version"],
        ),
    ),
    "set_deadline": (
        DeadlineForm,
        lambda p, u, d: loop.problem_set_deadline(
            problem=p, user=u, deadline=d["deadline"], note=d["note"], version=d["version"]
        ),
    ),
    "close": (
        CloseForm,
        lambda p, u, d: loop.problem_close(
            problem=p, user=u, reason=d["reason"], version=d["version"]
        ),
    ),
}
DONE = {
    "transfer": gettext_lazy("The problem is transferred."),
    "accept": gettext_lazy("The problem is accepted."),
    "answer": gettext_lazy("The answer is sent to the cadre who raised the problem."),
    "hand_back": gettext_lazy("The problem is handed back."),
    "feedback": gettext_lazy("The feedback is recorded."),
    "urge": gettext_lazy("The department is urged."),
    "retransfer": gettext_lazy("The problem is transferred to the other department."),
    "set_deadline": gettext_lazy("The deadline is changed."),
    "close": gettext_lazy("The problem is closed."),
}


STEP_LABELS = {
    "transfer": gettext_lazy("Transfer"),
    "accept": gettext_lazy("Accept"),
    "answer": gettext_lazy("Answer"),
    "hand_back": gettext_lazy("Hand back"),
    "feedback": gettext_lazy("Feedback to the grassroots"),
    "urge": gettext_lazy("Urge"),
    "retransfer": gettext_lazy("Transfer to another department"),
    "set_deadline": gettext_lazy("Change the deadline"),
    "close": gettext_lazy("Close"),
}


def get_problem_for_user(user, pk: int) -> Problem:
    """The problem, if `user` may view it (records.view_problem); 404 else."""
    problem = get_object_or_404(
        selectors.with_overdue(Problem.objects.all()).select_related(
            "record__cadre__department",
            "record__cadre__user",
            "record__union",
            "department",
            "leader",
        ),
        pk=pk,
    )
    if not may(user, "records.view_problem", problem):
        raise Http404
    return problem


def _detail(request, problem: Problem, bound: dict | None = None, status: int = 200):
    steps = []
    for action in loop.allowed_actions(problem, request.user):
        form = (bound or {}).get(action) or STEPS[action][0](prefix=action)
        if not form.is_bound:
            form.fields["version"].initial = problem.version
        if action == "feedback" and not form.is_bound:
            form.initial = {"feedback_on": timezone.localdate()}
        url = reverse(f"records:problem-{action.replace('_', '-')}", args=[problem.pk])
        steps.append({"action": action, "form": form, "url": url, "label": STEP_LABELS[action]})
    events = problem.events.select_related("actor__cadre")
    return render(
        request,
        "records/problem_detail.html",
        {
            "problem": problem,
            "events": events,
            "steps": steps,
            "panels": render_panels(request, problem),
        },
        status=status,
    )


@login_required
def problem_detail(request, pk: int):
    return _detail(request, get_problem_for_user(request.user, pk))


@login_required
@require_POST
def problem_act(request, pk: int, action: str):
    if action not in STEPS:
        raise Http404
    problem = get_problem_for_user(request.user, pk)
    form_class, call = STEPS[action]
    form = form_class(request.POST, prefix=action)
    try:
        # Before the form: a step the user may not take (any more) is refused as such, not
        # answered with errors on a form the page no longer shows.
        loop.check_allowed(problem, action, request.user)
        if form.is_valid():
            call(problem, request.user, form.cleaned_data)
            messages.success(request, DONE[action])
            return redirect("records:problem-detail", pk=problem.pk)
    except loop.NotAllowed as refused:
        messages.error(request, " ".join(refused.messages))
        problem = get_problem_for_user(request.user, pk)
        return _detail(request, problem, status=409)
    except EditConflict as conflict:
        # Someone else acted since the page was shown: nothing was saved. The page shows the
        # problem as it is now, with this step's form as the user filled it in; it carries
        # the current version, so submitting it again (knowingly) is taken.
        form.add_error(None, conflict)
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = conflict.current
        problem = get_problem_for_user(request.user, pk)
        if action not in loop.allowed_actions(problem, request.user):
            messages.error(request, " ".join(conflict.messages))
        return _detail(request, problem, bound={action: form}, status=409)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    return _detail(request, problem, bound={action: form}, status=400)


@login_required
def my_problems(request):
    if not may(request.user, "records.view_own_problem"):
        raise PermissionDenied
    cadre = cadre_of(request.user)
    mine = selectors.with_overdue(
        Problem.objects.filter(record__cadre=cadre, resolution=Problem.Resolution.TRANSFER)
    ).select_related("record__union", "department", "leader")
    S = Problem.Status
    lists = [
        (_("Waiting for my feedback to the grassroots"), mine.filter(status=S.ANSWERED)),
        (
            _("Waiting for an answer"),
            mine.filter(status__in=loop.WITH_A_DEPARTMENT).order_by("-is_overdue", "deadline"),
        ),
        (_("Not transferred yet (or handed back)"), mine.filter(status=S.RAISED)),
        (
            _("Fed back and closed"),
            mine.filter(status__in=[S.FED_BACK, S.CLOSED]).order_by("-updated_at")[:20],
        ),
    ]
    groups = []
    for title, problems in lists:
        problems = list(problems)
        groups.append((title, problems, problem_items_html(problems)))
    return render(request, "records/my_problems.html", {"groups": groups})


@login_required
def inbox(request):
    if not may(request.user, "records.view_problem_inbox"):
        raise PermissionDenied
    page = Paginator(selectors.inbox_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "records/inbox.html",
        {"page": page, "items_html": problem_items_html(page.object_list, show_cadre=True)},
    )


def _ledger_queryset(request):
    if not may(request.user, "records.list_problems"):
        raise PermissionDenied
    today = timezone.localdate()
    filters = LedgerFilterForm(request.GET or None, years=range(today.year, today.year - 5, -1))
    # Each user's share: the organization department every problem, a head their department's,
    # a cadre those they raised (Problem.objects.visible_to).
    problems = selectors.with_overdue(Problem.objects.visible_to(request.user), today)
    problems = problems.select_related(
        "record__cadre__department", "record__union", "department", "leader"
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    resolution = data.get("resolution")
    if resolution in ("on_spot", "all"):
        # A problem on a draft is not raised yet (the analysis counts the same).
        problems = problems.exclude(record__status=VisitRecord.Status.DRAFT)
        if resolution == "on_spot":
            problems = problems.filter(resolution=Problem.Resolution.ON_SPOT)
    else:
        problems = problems.filter(resolution=Problem.Resolution.TRANSFER)
    if data:
        if data["status"]:
            problems = problems.filter(status=data["status"])
        if data["department"]:
            problems = problems.filter(department=data["department"])
        if data["street"]:
            problems = problems.filter(record__union__street=data["street"])
        if data["category"]:
            problems = problems.filter(category=data["category"])
        if data["year"]:
            problems = problems.filter(record__start_date__year=data["year"])
        if data["quarter"]:
            problems = problems.filter(record__start_date__quarter=data["quarter"])
        if data["overdue"]:
            problems = problems.filter(selectors.overdue_q(today))
        if data["q"]:
            problems = matching(problems, data["q"])
        if data["outcome"] == "answered":
            problems = problems.filter(answered_at__isnull=False)
        elif data["outcome"] == "fed_back":
            problems = problems.filter(feedback_on__isnull=False)
        if data["satisfaction"]:
            problems = problems.filter(satisfaction=data["satisfaction"])
        if data["topic"]:
            problems = problems.filter(topic_problems_q(data["topic"]))
    # What still needs someone comes first: overdue, then open by deadline (a fed-back problem
    # is still open: services.OPEN), then the closed ones.
    still_open = Case(When(status=Problem.Status.CLOSED, then=Value(1)), default=Value(0))
    return filters, problems.order_by("-is_overdue", still_open, "deadline", "-pk")


def in_turn(problems) -> InTurn:
    """The ledger's order in two parts: the open problems (few; overdue first, then by
    deadline), then the closed ones by deadline, read in the order of the index
    "problem_closed_by_deadline". One ORDER BY over both sorted every transferred problem for a
    page of 30 (BENCHMARKS.md, "Scale")."""
    ids = problems.values("pk")
    closed = Problem.Status.CLOSED
    # Named, not `exclude(status=closed)`: an IN list is read from the (status, …) indexes, a
    # "not equal" scans the table.
    still_open = [status for status in Problem.Status.values if status != closed]
    return InTurn(
        ids.filter(status__in=still_open).order_by("-is_overdue", "deadline", "-pk"),
        ids.filter(status=closed).order_by("deadline", "-pk"),
    )


def narrow_page(queryset, number):
    """A page of `queryset` in two steps, one query: the page's ids are chosen on the problems
    alone (ordering and filters), and only those rows are joined to their sheets, cadres and
    unions. Ordering every transferred problem joined to the 100,000 sheets read all of the
    sheets' table for 30 rows (BENCHMARKS.md: the ledger's first page). The count stops at
    records.paging.COUNT_LIMIT."""
    page = CappedPaginator(in_turn(queryset), PER_PAGE).get_page(number)
    page.object_list = queryset.filter(pk__in=[row["pk"] for row in page.object_list])
    return page


@login_required
def ledger(request):
    filters, problems = _ledger_queryset(request)
    bulk = BulkForm() if may(request.user, "records.act_on_many_problems") else None
    return _ledger_page(request, filters, problems, bulk)


def _bulk_allowed(request):
    if not may(request.user, "records.act_on_many_problems"):
        raise PermissionDenied


def _ledger_page(request, filters, problems, bulk: BulkForm | None, status: int = 200):
    """The ledger; `bulk` is the bulk bar (None: the user may not act on many at once)."""
    page = narrow_page(problems, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # The problems ticked stay ticked when the bulk bar is sent back with an error.
    selected = set(bulk.cleaned_data.get("problems") or []) if bulk and bulk.is_bound else set()
    return render(
        request,
        "records/ledger.html",
        {
            "filters": filters,
            "page": page,
            "rows_html": ledger_rows_html(page.object_list, selected, selectable=bulk is not None),
            "query": query.urlencode(),
            "bulk": bulk,
        },
        status=status,
    )


# --- Many problems in one step: the ledger's bulk bar, its preview, then the step -------------


def _bulk_problems(problems, ids=None, *, overdue=False):
    """The ledger's problems (as filtered) chosen for a bulk step: those of `ids`, or every
    overdue one; at most BULK_LIMIT + 1 (one more says there are too many)."""
    if overdue:
        problems = problems.filter(selectors.overdue_q(timezone.localdate()))
    else:
        problems = problems.filter(pk__in=ids)
    return list(problems.order_by("pk")[: loop.BULK_LIMIT + 1])


def _preview(request, form, chosen, status: int = 200):
    data = form.cleaned_data
    outcomes = loop.bulk_preview(
        chosen,
        action=data["action"],
        user=request.user,
        deadline=data.get("deadline"),
        department=data.get("department"),
    )
    query = request.GET.copy()
    return render(
        request,
        "records/ledger_bulk_preview.html",
        {
            "form": form,
            "step": dict(BulkForm.base_fields["action"].choices)[data["action"]],
            "outcomes": outcomes,
            "taken": [o for o in outcomes if not o.refusal],
            "left_out": [o for o in outcomes if o.refusal],
            "query": query.urlencode(),
        },
        status=status,
    )


@login_required
@require_POST
def ledger_bulk_preview(request):
    """What the step will do to each problem chosen, before anything is written."""
    _bulk_allowed(request)
    filters, problems = _ledger_queryset(request)
    form = BulkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        chosen = _bulk_problems(
            problems, data["problems"], overdue=data["scope"] == BulkForm.OVERDUE
        )
        if not chosen:
            form.add_error("scope", _("No problem of the ledger matches: nothing to do."))
        elif len(chosen) > loop.BULK_LIMIT:
            form.add_error(
                "scope",
                _("At most %(limit)s problems in one step; narrow them down with the filters.")
                % {"limit": loop.BULK_LIMIT},
            )
        else:
            return _preview(request, form, chosen)
    return _ledger_page(request, filters, problems, form, status=400)


@login_required
@require_POST
def ledger_bulk_apply(request):
    """The step previewed, on every problem at the version the preview showed: all of them,
    or (one refused) none."""
    _bulk_allowed(request)
    _filters, problems = _ledger_queryset(request)
    form = BulkApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect(f"{reverse('records:ledger')}?{request.GET.urlencode()}")
    data = form.cleaned_data
    try:
        done = loop.problems_bulk(
            problem_ids=list(data["versions"]),
            action=data["action"],
            user=request.user,
            note=data["note"],
            deadline=data.get("deadline"),
            department=data.get("department"),
            versions=data["versions"],
        )
    except ValidationError as refused:
        # Nothing was written. The preview again, as the problems are now, with the reason.
        messages.error(request, " ".join(refused.messages))
        chosen = _bulk_problems(problems, list(data["versions"]))
        return _preview(request, form, chosen, status=409)
    messages.success(
        request,
        _("%(step)s: done for %(n)s problems.")
        % {"step": dict(BulkForm.base_fields["action"].choices)[data["action"]], "n": len(done)},
    )
    return redirect(f"{reverse('records:ledger')}?{request.GET.urlencode()}")


LEDGER_COLUMNS = [
    excel.Column(gettext_lazy("No."), 7),
    excel.Column(gettext_lazy("Raised on"), 11),
    excel.Column(gettext_lazy("Grassroots union"), 28),
    excel.Column(gettext_lazy("Street"), 12),
    excel.Column(gettext_lazy("Raised by"), 10),
    excel.Column(gettext_lazy("Category"), 12),
    excel.Column(gettext_lazy("Problem"), 40),
    excel.Column(gettext_lazy("Department"), 14),
    excel.Column(gettext_lazy("Leader"), 10),
    excel.Column(gettext_lazy("Deadline"), 11),
    excel.Column(gettext_lazy("Status"), 9),
    excel.Column(gettext_lazy("Overdue"), 7),
    excel.Column(gettext_lazy("Answer"), 40),
    excel.Column(gettext_lazy("Feedback date"), 11),
    excel.Column(gettext_lazy("Satisfaction"), 10),
]


@login_required
def ledger_export(request):
    filters, problems = _ledger_queryset(request)
    yes, no = _("Yes"), ""

    def rows():
        for p in problems.iterator(chunk_size=2000):
            yield [
                p.pk,
                p.record.start_date,
                p.record.union.name,
                p.record.union.get_street_display(),
                p.record.cadre.name,
                p.get_category_display(),
                p.description,
                p.department.name if p.department else "",
                p.leader.name if p.leader else "",
                p.deadline,
                p.get_status_display(),
                yes if p.is_overdue else no,
                p.answer,
                p.feedback_on,
                p.get_satisfaction_display(),
            ]

    workbook = excel.new_workbook()
    excel.add_sheet(
        workbook,
        name=_("Problem ledger"),
        title=_("Problem ledger of the contact work"),
        columns=LEDGER_COLUMNS,
        rows=rows(),
        row_count=problems.count(),
    )
    filename = f"problem-ledger-{timezone.localdate():%Y%m%d}.xlsx"
    return excel.workbook_response(workbook, filename)
