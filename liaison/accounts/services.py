"""Accounts: activating an account created without a password, the links that do it, and what
a user sets for themselves on their settings page.

Why in `liaison` (the top layer) although it is about users: sending the links goes through
`records`' delivery channels (e-mail, WeChat Work), and the printed sheet uses the boards' QR
code. The data it writes stays in `unions` (`UserPreference`) and Django's `User`.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from liaison.accounts.tokens import LinkStatus, activation_tokens
from records.notifications import wecom
from unions.links import absolute_url
from unions.models import UserPreference

# --- Reads -----------------------------------------------------------------------------------


def accounts_to_activate():
    """Active accounts that never had a password and never logged in, with their cadre and
    department. Administrators' own accounts (staff, superusers) are never listed: a link
    for one would hand the admin site to whoever holds the sheet."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=False,
            is_superuser=False,
            last_login__isnull=True,
            password__startswith=UNUSABLE_PASSWORD_PREFIX,
        )
        .select_related("cadre__department", "preference")
        .order_by("cadre__department__order", "cadre__department__name", "cadre__name", "username")
    )


def activation_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:activate", args=[uid, activation_tokens.make_token(user)])


def activation_link(user, request=None) -> str:
    """The absolute one-time link (PUBLIC_BASE_URL, else the request's address)."""
    return absolute_url(activation_path(user), request)


def user_for_link(uidb64: str):
    """The user a link names, or None."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return get_user_model().objects.filter(pk=pk).first()


def link_status(user, token: str) -> LinkStatus:
    return activation_tokens.status(user, token)


# --- Writes ----------------------------------------------------------------------------------


@transaction.atomic
def account_activate(*, user, token: str, password: str):
    """Set the person's first password through their link. Refused unless the link is valid
    (never used, not expired, ours); the password must pass the site's validators."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if link_status(user, token) != LinkStatus.VALID:
        raise ValidationError(_("This activation link can no longer be used."))
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def activation_channels(user) -> list[str]:
    """How a link can reach the person: e-mail when they have an address, WeChat Work when it
    is configured and their account is known."""
    chosen = ["email"] if user.email else []
    preference = getattr(user, "preference", None)
    if wecom.configured() and preference is not None and preference.wecom_userid:
        chosen.append("wecom")
    return chosen


def activation_links_send(*, users, base_url: str = "") -> tuple[int, int]:
    """Send each person their link, by every channel they can be reached by, after commit
    (tasks: the link is made when it is sent, and never stored). Returns (people reached,
    people with no channel — their card must be printed)."""
    from liaison.accounts.tasks import send_activation

    jobs, unreachable = [], 0
    for user in users:
        channels = activation_channels(user)
        jobs += [(user.pk, channel) for channel in channels]
        unreachable += not channels
    reached = len({pk for pk, _channel in jobs})

    def enqueue():
        for pk, channel in jobs:
            send_activation.enqueue(pk, channel, base_url)

    if jobs:
        transaction.on_commit(enqueue)
    return reached, unreachable


@transaction.atomic
def account_settings_update(
    *,
    user,
    email: str,
    mobile: str,
    notify_email: bool,
    notify_wecom: bool,
    wecom_userid: str | None = None,
):
    """What a user sets for themselves: their e-mail address, mobile, the channels of their
    notifications and, where allowed (WECOM_USERID_EDITABLE, checked by the caller's form), their
    WeChat Work account (None: unchanged). Errors by field."""
    email = email.strip()
    errors = {}
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            errors["email"] = error.messages
    preference, _created = UserPreference.objects.get_or_create(user=user)
    # As people write it: 138 1234 5678, 138-1234-5678.
    preference.mobile = re.sub(r"[\s-]", "", mobile)
    preference.notify_email = notify_email
    preference.notify_wecom = notify_wecom
    if wecom_userid is not None:
        preference.wecom_userid = wecom_userid.strip()
    try:
        preference.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    preference.save()
    if user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    return preference
