"""Notifications: who answers a problem, the organization department's users, and the in-app
notice — delivered too through the channels each recipient chose (channels.py)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from records.models import Notification, Problem
from records.notifications.channels import deliveries_after_commit
from unions import cache as generations
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


def problem_url(problem: Problem, step: str = "") -> str:
    """A problem's page, opened at the form of `step` (e.g. "feedback") when given."""
    url = reverse("records:problem-detail", args=[problem.pk])
    return f"{url}#step-{step}" if step else url


def notify(users, problem: Problem | None, kind: str, message: str, url: str = "") -> None:
    """An in-app notification for each user, linking to `url` (the page to act on; the
    problem's page when not given), delivered by e-mail and WeChat Work as each recipient
    chose once the transaction commits (a refused step sends nothing)."""
    notify_all(notices(users, problem, kind, message, url))


def notices(users, problem: Problem | None, kind: str, message: str, url: str = "") -> list:
    """The notifications `notify` writes, not saved yet: many steps at once (the ledger's bulk
    actions) write all of theirs with one `notify_all`."""
    if not url and problem is not None:
        url = problem_url(problem)
    unique = {user.pk: user for user in users if user is not None}.values()
    return [
        Notification(recipient=user, problem=problem, kind=kind, message=message[:300], url=url)
        for user in unique
    ]


def notify_all(notifications: list[Notification]) -> None:
    """Save `notifications` (one statement) and deliver them once the transaction commits."""
    deliveries_after_commit(Notification.objects.bulk_create(notifications))
    generations.inboxes_changed(*{n.recipient_id for n in notifications})


# --- The bell --------------------------------------------------------------------------------


def mark_all_read(user) -> None:
    Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())
    generations.inboxes_changed(user.pk)


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        generations.inboxes_changed(notification.recipient_id)


def unread_count(user_id: int, generation: int | None = None) -> int:
    """The user's unread notifications. With the current generation of their inbox (read by
    the cadre home with its own generations: unions/cache.py) the count is kept in this
    process's memory under it: exact, since every write above bumps it on commit."""
    unread = Notification.objects.filter(recipient_id=user_id).unread()
    if generation is None:
        return unread.count()
    local = caches["local"]
    key = f"unread:{user_id}:{generation}"
    count = local.get(key)
    if count is None:
        count = unread.count()
        local.set(key, count, settings.HOME_CACHE_SECONDS)
    return count
