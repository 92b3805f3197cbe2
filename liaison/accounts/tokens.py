"""One-time activation links for accounts created without a password (the org import, an
administrator): Django's password-reset token with its own key, valid settings.ACTIVATION_DAYS.

The token is signed over the user's password hash and last login, so it is spent the moment the
person sets a password (the hash changes) — and it tells apart a link that was used (the account
has a password now), one that is too old, and one that was never ours (tampered, or cut short
when copied)."""

from enum import StrEnum

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class LinkStatus(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    INVALID = "invalid"


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "liaison.accounts.tokens.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # Not the e-mail address (Django's reset token has it): an administrator correcting
        # someone's address does not void the sheet already handed out.
        login = "" if user.last_login is None else user.last_login.replace(microsecond=0)
        return f"{user.pk}{user.password}{login}{timestamp}"

    def status(self, user, token: str) -> LinkStatus:
        if user is None or not user.is_active:
            return LinkStatus.INVALID
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return LinkStatus.INVALID
        signed = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        if not signed:
            # Our own link once the password is set no longer matches its signature.
            return LinkStatus.USED if user.has_usable_password() else LinkStatus.INVALID
        age = self._num_seconds(self._now()) - timestamp
        if age > settings.ACTIVATION_DAYS * 24 * 3600:
            return LinkStatus.EXPIRED
        return LinkStatus.VALID

    def check_token(self, user, token) -> bool:
        return bool(user and token) and self.status(user, token) == LinkStatus.VALID


activation_tokens = ActivationTokenGenerator()
