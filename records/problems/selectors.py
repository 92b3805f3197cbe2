"""Reads of the problem loop: overdue computed in the query, a department's inbox."""

import datetime

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from records.models import Problem, VisitRecord, topic_problems_q
from records.problems.forms import LedgerFilterForm
from records.problems.services import WITH_A_DEPARTMENT
from records.terms.search import matching
from unions.models import Cadre
from unions.permissions import sees_everything
from unions.roles import cadre_of, headed_department

Status = Problem.Status


def with_overdue(problems: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Annotate `is_overdue`: with a department past its deadline and not answered yet.
    Computed in the query, never stored."""
    today = today or timezone.localdate()
    return problems.annotate(
        is_overdue=Case(
            When(overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def overdue_q(today: datetime.date) -> Q:
    return Q(status__in=WITH_A_DEPARTMENT, deadline__lt=today)


def inbox_for(user) -> QuerySet:
    """Problems waiting for the user's department (as its head) or for the user as the leader
    named: overdue first, then by deadline."""
    department = headed_department(user)
    cadre = cadre_of(user)
    scope = Q(pk__in=[])
    if department is not None:
        scope |= Q(department=department)
    if cadre is not None:
        scope |= Q(leader=cadre)
    return (
        with_overdue(Problem.objects.filter(scope, status__in=WITH_A_DEPARTMENT))
        .select_related("record__cadre", "record__union", "department")
        # The columns the inbox shows, not every text of the problems and their sheets.
        .only(
            "description",
            "status",
            "urgent",
            "deadline",
            "record__cadre__name",
            "record__union__name",
            "department__name",
        )
        .order_by("-is_overdue", "deadline", "pk")
    )


# --- Who may act ---------------------------------------------------------------------------


LEDGER_YEARS = 5


def filtered_problems(user, data) -> tuple[LedgerFilterForm, QuerySet]:
    """The ledger's filter form for `user` and the problems it selects, in the ledger's order:
    the one filter of the ledger, its export and its bulk steps. Each user's share (the
    organization department every problem, a head their department's, a cadre those they
    raised: Problem.objects.visible_to) is only narrowed; the cadres offered are those of that
    share, and a form with an error selects nothing."""
    today = timezone.localdate()
    visible = Problem.objects.visible_to(user)
    # Every cadre for those who see every problem: asking which cadres raised one read every
    # problem with its sheet (~16 ms of the ledger on the bench data, PostgreSQL).
    cadres = (
        Cadre.objects.all()
        if sees_everything(user)
        else Cadre.objects.filter(pk__in=visible.values("record__cadre"))
    )
    filters = LedgerFilterForm(
        data or None,
        years=range(today.year, today.year - LEDGER_YEARS, -1),
        cadres=cadres.order_by("name", "pk"),
    )
    problems = with_overdue(visible, today).select_related(
        "record__cadre__department", "record__union", "department", "leader"
    )
    # What still needs someone comes first: overdue, then open by deadline (a fed-back problem
    # is still open: services.OPEN), then the closed ones.
    still_open = Case(When(status=Problem.Status.CLOSED, then=Value(1)), default=Value(0))
    problems = problems.order_by("-is_overdue", still_open, "deadline", "-pk")
    if data and not filters.is_valid():
        return filters, problems.none()
    data = filters.cleaned_data if data else {}
    resolution = data.get("resolution")
    if resolution in ("on_spot", "all", "transfer"):
        # A problem on a draft is not raised yet (the analysis counts the same).
        problems = problems.exclude(record__status=VisitRecord.Status.DRAFT)
        if resolution == "on_spot":
            problems = problems.filter(resolution=Problem.Resolution.ON_SPOT)
        elif resolution == "transfer":
            problems = problems.filter(resolution=Problem.Resolution.TRANSFER)
    else:
        problems = problems.filter(resolution=Problem.Resolution.TRANSFER)
    if not data:
        return filters, problems
    if data["status"] == "open":
        problems = problems.exclude(status=Problem.Status.CLOSED)
    elif data["status"] == "waiting":
        problems = problems.filter(status__in=WITH_A_DEPARTMENT)
    exact = {
        "status": data["status"] if data["status"] not in ("open", "waiting") else "",
        "department": data["department"],
        "record__cadre": data["cadre"],
        "record__cadre__department": data["cadre_department"],
        "record__union": data["union"],
        "record__union__street": data["street"],
        "category": data["category"],
        "record__start_date__year": data["year"],
        "record__start_date__quarter": data["quarter"],
        "record__start_date__gte": data["start"],
        "record__start_date__lte": data["end"],
        "satisfaction": data["satisfaction"],
    }
    problems = problems.filter(**{name: value for name, value in exact.items() if value})
    if data["filed"]:
        problems = problems.filter(record__status=VisitRecord.Status.FILED)
    if data["overdue"]:
        problems = problems.filter(overdue_q(today))
    if data["outcome"] == "answered":
        problems = problems.filter(answered_at__isnull=False)
    elif data["outcome"] == "fed_back":
        problems = problems.filter(feedback_on__isnull=False)
    if data["topic"]:
        problems = problems.filter(topic_problems_q(data["topic"]))
    if data["q"]:
        problems = matching(problems, data["q"])
    return filters, problems
