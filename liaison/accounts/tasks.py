"""Sending activation links, run by the tasks worker: the link is made at sending time from the
user's id, so no token sits in the task queue; a failed send is tried again like a
notification's (records/notifications/channels.py)."""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from liaison.accounts import services
from records.notifications import channels


def activation_message(user, link: str) -> tuple[str, str]:
    cadre = getattr(user, "cadre", None)
    name = cadre.name if cadre else user.get_username()
    subject = _("Your account for “Contact the grassroots, serve the workers”")
    text = _(
        "%(name)s, an account has been opened for you (login name: %(username)s). Open this "
        "link within %(days)s days to set your password; it works once:\n%(link)s"
    ) % {
        "name": name,
        "username": user.get_username(),
        "days": settings.ACTIVATION_DAYS,
        "link": link,
    }
    return str(subject), text


@task()
def send_activation(user_id: int, channel: str, base_url: str = "", attempt: int = 1) -> str:
    """One person's activation link through one channel."""
    user = services.accounts_to_activate().filter(pk=user_id).first()
    if user is None:
        return "nothing to send"  # activated (or removed) meanwhile
    if channel not in services.activation_channels(user):
        return "no channel"
    path = services.activation_path(user)
    link = urljoin(settings.PUBLIC_BASE_URL or base_url, path)
    subject, text = activation_message(user, link)
    try:
        if channel == channels.EMAIL:
            channels.email_send(address=user.email, subject=subject, body=text)
        else:
            channels.wecom_send(userid=user.preference.wecom_userid, text=text)
    except Exception as error:  # whatever failed, a later try may succeed
        return channels.retry_or_fail(send_activation, (user_id, channel, base_url), attempt, error)
    return "sent"
