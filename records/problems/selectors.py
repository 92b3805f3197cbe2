"""Reads of the problem loop: overdue computed in the query, a department's inbox."""

import datetime

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from records.models import Problem
from records.problems.services import WITH_A_DEPARTMENT
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
