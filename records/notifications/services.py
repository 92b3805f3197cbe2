"""Notifications: who answers a problem, the organization department's users, and the in-app
notice (with an e-mail when the user has an address)."""

from functools import partial

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from records.models import Notification, Problem
from unions.roles import Role

Status = Problem.Status


def answerers_of(problem: Problem) -> list:
    """The users who answer for a problem: its department's heads and the leader named."""
    users = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=Role.DEPARTMENT_HEAD.group_name,
            cadre__department_id=problem.department_id,
        )
        .distinct()
    )
    if problem.leader_id and problem.leader.user not in users:
        users.append(problem.leader.user)
    return users


def organization_users() -> list:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ORGANIZATION.group_name)
        .distinct()
    )


def notify(users, problem: Problem | None, kind: str, message: str) -> None:
    """An in-app notification for each user, and an email to those with an address, handed to
    the tasks worker once the transaction commits (a refused step sends nothing; a slow mail
    server holds no page)."""
    unique = {user.pk: user for user in users if user is not None}.values()
    Notification.objects.bulk_create(
        Notification(recipient=user, problem=problem, kind=kind, message=message[:300])
        for user in unique
    )
    addresses = [user.email for user in unique if user.email]
    if addresses:
        subject = (
            f"[{_('Contact the grassroots, serve the workers')}] {Notification.Kind(kind).label}"
        )
        transaction.on_commit(partial(send_email.enqueue, str(subject), str(message), addresses))


@task()
def send_email(subject: str, message: str, addresses: list[str]) -> int:
    """One notification's e-mail (run by the tasks worker)."""
    return send_mail(subject, message, None, addresses, fail_silently=True)
