"""Daily reminders of the problem loop: overdue, due soon, answers waiting for feedback — each once
per problem per day however often it runs."""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from records.calendar import add_working_days
from records.models import Notification, Problem
from records.notifications.services import (
    answerers_of,
    notify,
    organization_users,
    problem_url,
)
from records.problems.services import WITH_A_DEPARTMENT

Status = Problem.Status

# Reminders of what lives above records (the workers' opinions, in liaison), registered at
# start-up so that `send_reminders` sends them too without records importing liaison. Each is
# called as source(today=, dry_run=) and returns what it sent (or would send) as
# (item, kind, recipients, message), once per item per day like the problems' reminders.
SOURCES: list[Callable[..., list[tuple]]] = []


def reminder_source(function):
    if function not in SOURCES:
        SOURCES.append(function)
    return function


# --- Reminders -----------------------------------------------------------------------------


def reminders_due(today: datetime.date) -> list[tuple[Problem, str, list, str]]:
    """What `send_reminders` sends today: (problem, kind, recipients, message) for overdue
    problems (to the department and the organization department), deadlines within
    PROBLEM_DUE_SOON_DAYS working days (to the department), and answers still waiting for
    the cadre's feedback to the grassroots (to the cadre)."""
    soon = add_working_days(today, settings.PROBLEM_DUE_SOON_DAYS)
    problems = (
        Problem.objects.filter(
            Q(status__in=WITH_A_DEPARTMENT, deadline__isnull=False, deadline__lte=soon)
            | Q(status=Status.ANSWERED)
        )
        .select_related("record__cadre__user", "record__union", "department", "leader__user")
        .order_by("deadline", "pk")
    )
    organization = organization_users()
    due = []
    for problem in problems:
        union = problem.record.union
        if problem.status == Status.ANSWERED:
            due.append(
                (
                    problem,
                    Notification.Kind.FEEDBACK_DUE,
                    [problem.record.cadre.user],
                    _(
                        "Please give the answer to the problem from %(union)s back to the "
                        "grassroots."
                    )
                    % {"union": union},
                )
            )
        elif problem.deadline < today:
            due.append(
                (
                    problem,
                    Notification.Kind.OVERDUE,
                    [*answerers_of(problem), *organization],
                    _("The problem from %(union)s is overdue (deadline %(deadline)s).")
                    % {"union": union, "deadline": problem.deadline},
                )
            )
        else:
            due.append(
                (
                    problem,
                    Notification.Kind.DUE_SOON,
                    answerers_of(problem),
                    _("The problem from %(union)s is due on %(deadline)s.")
                    % {"union": union, "deadline": problem.deadline},
                )
            )
    return due


def reminders_send(*, today: datetime.date, dry_run: bool = False) -> list[tuple]:
    """Send today's reminders, each once per problem per day however often this runs: the
    ReminderLog row is claimed first, in the same transaction as the notifications. Then the
    registered SOURCES' reminders."""
    from records.models import ReminderLog

    sent = []
    for problem, kind, users, message in reminders_due(today):
        if dry_run:
            if not ReminderLog.objects.filter(problem=problem, kind=kind, day=today).exists():
                sent.append((problem, kind, users, message))
            continue
        with transaction.atomic():
            _log, created = ReminderLog.objects.get_or_create(problem=problem, kind=kind, day=today)
            if created:
                # The answer waiting for feedback opens at the feedback form.
                step = "feedback" if kind == Notification.Kind.FEEDBACK_DUE else ""
                notify(users, problem, kind, message, url=problem_url(problem, step))
                sent.append((problem, kind, users, message))
    for source in SOURCES:
        sent.extend(source(today=today, dry_run=dry_run))
    return sent


@task()
def send_todays_reminders() -> int:
    """The daily reminders, run by the tasks worker (`manage.py send_reminders --enqueue`, which
    the daily timer of deploy/ runs): how many were sent."""
    return len(reminders_send(today=timezone.localdate()))
