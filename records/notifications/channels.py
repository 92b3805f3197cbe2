"""Delivering notifications beyond the bell: e-mail and WeChat Work (企业微信).

The in-app `Notification` is written first, in the transaction of the change that causes it
(records/notifications/services.py), and never depends on delivery. Once that transaction
commits, each channel the recipient wants is a task of its own (`deliver`), run by the tasks
worker. A delivery that fails (the mail server or the WeChat Work API unreachable, a refusal)
is enqueued again by the task itself — django-tasks retries nothing on its own — after
NOTIFY_RETRY_SECONDS, then twice as long each time, up to NOTIFY_ATTEMPTS tries; the last
failure is raised, so the worker records the task as failed. On a backend that cannot defer (the
immediate one of tests) the next try runs at once.

What a user wants is their `unions.UserPreference`: e-mail (when they have an address) and
WeChat Work (when it is configured and they have an account), each on unless they turned it off.
"""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from records.models import Notification
from records.notifications import wecom
from unions.links import absolute_url
from unions.models import UserPreference

logger = logging.getLogger(__name__)

EMAIL, WECOM = "email", "wecom"


def preference_of(user) -> UserPreference | None:
    """The user's preferences, or None (never chose anything: the defaults). A query."""
    return UserPreference.objects.filter(user=user).first()


def channels_for(user, preference: UserPreference | None) -> list[str]:
    """The channels a notification to `user` goes through besides the bell."""
    chosen = []
    if user.email and (preference is None or preference.notify_email):
        chosen.append(EMAIL)
    if wecom.configured() and preference and preference.wecom_userid and preference.notify_wecom:
        chosen.append(WECOM)
    return chosen


def deliveries_after_commit(notifications: list[Notification]) -> None:
    """Hand each notification to the channels its recipient wants, once the transaction commits
    (a refused change sends nothing; a slow mail server holds no page). One query."""
    preferences = {
        preference.user_id: preference
        for preference in UserPreference.objects.filter(
            user__in=[notification.recipient_id for notification in notifications]
        )
    }
    jobs = [
        (notification.pk, channel)
        for notification in notifications
        for channel in channels_for(
            notification.recipient, preferences.get(notification.recipient_id)
        )
    ]
    if jobs:
        transaction.on_commit(partial(_enqueue, jobs))


def _enqueue(jobs: list[tuple[int, str]]) -> None:
    for notification_id, channel in jobs:
        deliver.enqueue(notification_id, channel)


def retry_or_fail(task_, args: tuple, attempt: int, error: Exception) -> str:
    """After a failed try: enqueue `task_(*args, attempt + 1)` later (with a growing wait when
    the backend can defer), or, on the last try, raise the error for the worker to record."""
    if attempt >= settings.NOTIFY_ATTEMPTS:
        logger.error("%s%r failed after %s tries: %s", task_.name, args, attempt, error)
        raise error
    logger.warning("%s%r failed (try %s), trying again: %s", task_.name, args, attempt, error)
    if task_.get_backend().supports_defer:
        wait = settings.NOTIFY_RETRY_SECONDS * 2 ** (attempt - 1)
        task_ = task_.using(run_after=timezone.now() + datetime.timedelta(seconds=wait))
    task_.enqueue(*args, attempt + 1)
    return "retrying"


# --- The channels ------------------------------------------------------------------------------


def email_send(*, address: str, subject: str, body: str) -> None:
    """One e-mail; raises when the mail server refuses it (the caller retries)."""
    send_mail(subject, body, None, [address], fail_silently=False)


def wecom_send(*, userid: str, text: str) -> None:
    """One WeChat Work text message; raises wecom.WeComError (the caller retries)."""
    wecom.send_text(userid, text)


def notification_text(notification: Notification) -> tuple[str, str]:
    """The subject and the text of a notification outside the site, with its absolute link."""
    programme = _("Contact the grassroots, serve the workers")
    subject = f"[{programme}] {notification.get_kind_display()}"
    text = notification.message
    if notification.url:
        text += "\n\n" + _("Open: %(link)s") % {"link": absolute_url(notification.url)}
    return subject, text


@task()
def deliver(notification_id: int, channel: str, attempt: int = 1) -> str:
    """Deliver one notification through one channel (run by the tasks worker)."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None:
        return "gone"  # deleted meanwhile (its user or problem deleted)
    user = notification.recipient
    preference = preference_of(user)
    if channel not in channels_for(user, preference):
        return "no longer wanted"  # the address removed or the channel turned off meanwhile
    with translation.override((preference and preference.language) or settings.LANGUAGE_CODE):
        subject, text = notification_text(notification)
    try:
        if channel == EMAIL:
            email_send(address=user.email, subject=subject, body=text)
        else:
            wecom_send(userid=preference.wecom_userid, text=text)
    except wecom.WeComUnknownUser as error:
        logger.error("WeChat Work does not know %s's account: %s", user, error)
        return "unknown account"
    except Exception as error:  # whatever failed (SMTP, network, API), a later try may succeed
        return retry_or_fail(deliver, (notification_id, channel), attempt, error)
    return "sent"
