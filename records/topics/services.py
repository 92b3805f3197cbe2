"""Research topics (调研课题): opening one, and a quarterly meeting's topic of the quarter with
the problems it follows as one."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from records.calendar import quarter_bounds
from records.models import Problem, ResearchTopic, VisitRecord
from unions.models import Department
from unions.permissions import may


@transaction.atomic
def topic_create(
    *,
    user,
    title: str,
    question: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    departments=(),
    kind: str = ResearchTopic.Kind.RESEARCH,
    category: str = "",
    lead_department: Department | None = None,
    deadline: datetime.date | None = None,
    year: int | None = None,
    quarter: int | None = None,
) -> ResearchTopic:
    """Open a topic (the organization department's)."""
    if not may(user, "records.add_researchtopic"):
        raise PermissionDenied
    topic = ResearchTopic(
        title=title,
        question=question,
        starts_on=starts_on,
        ends_on=ends_on,
        kind=kind,
        category=category,
        lead_department=lead_department,
        deadline=deadline,
        year=year,
        quarter=quarter,
        created_by=user,
    )
    topic.full_clean()
    topic.save()
    topic.departments.set(departments)
    return topic


@transaction.atomic
def topic_of_the_quarter_create(
    *,
    user,
    year: int,
    quarter: int,
    title: str,
    question: str,
    category: str,
    lead_department: Department,
    deadline: datetime.date,
    starts_on: datetime.date,
) -> ResearchTopic:
    """本季一题: the hot issue a quarterly meeting picked — a topic led by `lead_department`
    until `deadline`, following as one the quarter's problems of `category` that are not
    closed and not yet followed with another topic."""
    topic = topic_create(
        user=user,
        title=title,
        question=question,
        starts_on=starts_on,
        ends_on=max(deadline, starts_on),
        departments=[lead_department],
        kind=ResearchTopic.Kind.QUARTER,
        category=category,
        lead_department=lead_department,
        deadline=deadline,
        year=year,
        quarter=quarter,
    )
    first, last = quarter_bounds(year, quarter)
    followed = list(
        Problem.objects.filter(
            category=category, record__start_date__range=(first, last), topic__isnull=True
        )
        .exclude(status=Problem.Status.CLOSED)
        .exclude(record__status=VisitRecord.Status.DRAFT)
    )
    for problem in followed:
        problem.topic = topic
    # Through the history helper: each problem's history says when it joined the topic.
    bulk_update_with_history(followed, Problem, ["topic"], default_user=user)
    return topic
