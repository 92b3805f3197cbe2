"""Access: who the client is, the security log, the lockout page and the Content-Security-Policy.

The security log (logger "liaison.security") has one line for every login attempt, success or
failure, and for every request the app refused: 403, 429 (locked out, rate limited), and a 404
from a URL that matched a page (how the app refuses an object the user may not see: it answers
as if the id did not exist). A 404 for a path no page matches is noise from scanners, not logged.
Each of these is also a row of the audit trail (`AuditEvent`, read on /audit/).
"""

import logging
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.utils import timezone
from django.utils.translation import ngettext

from liaison.errors.views import too_many_requests

logger = logging.getLogger("liaison.security")

REFUSED_STATUSES = {401, 403, 429}


def client_address(request) -> str:
    """The client's address. REMOTE_ADDR, unless settings.TRUSTED_PROXY_COUNT says that many
    reverse proxies in front of the app each append to X-Forwarded-For: then the entry the
    outermost trusted proxy appended (what a client writes into the header itself is ignored).

    One rule for everything that counts by address: the login lockout (django-axes, through
    AXES_CLIENT_IP_CALLABLE), the public opinion limit, the security log."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return remote


def _who(user) -> str:
    if user is None or not user.is_authenticated:
        return "anonymous"
    return f"user {user.pk} ({user.get_username()})"


def _where(request) -> str:
    return (client_address(request) if request is not None else "") or "-"


def _when() -> str:
    return timezone.localtime().isoformat(timespec="seconds")


def record_event(kind: str, request=None, *, user=None, username: str = "", status=None):
    """One row of the audit trail (liaison.models.AuditEvent) for a login or a refusal."""
    from liaison.models import AuditEvent

    if user is not None and not user.is_authenticated:
        user = None
    AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        method=(getattr(request, "method", None) or "")[:10],
        path=(getattr(request, "path", None) or "")[:300],
        status=status,
        client=(client_address(request) if request is not None else "")[:45],
    )


def log_login(sender, request, user, **kwargs):
    record_event("login", request, user=user)
    logger.info(
        "login succeeded: %s from %s at %s",
        _who(user),
        _where(request),
        _when(),
        extra={"event": "login", "username": user.get_username()},
    )


def log_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is logged.
    username = credentials.get("username", "")
    record_event("login_failed", request, username=str(username))
    logger.warning(
        "login failed: username %r from %s at %s",
        username,
        _where(request),
        _when(),
        extra={"event": "login_failed", "username": username},
    )


def log_logout(sender, request, user, **kwargs):
    logger.info(
        "logout: %s from %s at %s",
        _who(user),
        _where(request),
        _when(),
        extra={"event": "logout"},
    )


def connect_signals():
    user_logged_in.connect(log_login, dispatch_uid="liaison.security.login", weak=False)
    user_login_failed.connect(
        log_login_failed, dispatch_uid="liaison.security.login_failed", weak=False
    )
    user_logged_out.connect(log_logout, dispatch_uid="liaison.security.logout", weak=False)


class RefusalLogMiddleware:
    """Logs every refused request: who, what (method, path, status), from where, when."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status in REFUSED_STATUSES or (
            status == 404 and getattr(request, "resolver_match", None) is not None
        ):
            record_event("refused", request, user=getattr(request, "user", None), status=status)
            logger.warning(
                "refused: %s %s %s -> %s, %s from %s at %s",
                request.method,
                request.path,
                f"({request.resolver_match.view_name})" if request.resolver_match else "",
                status,
                _who(getattr(request, "user", None)),
                _where(request),
                _when(),
                extra={"event": "refused", "status": status},
            )
        return response


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): the 429 page in
    Chinese saying for how long, with Retry-After."""
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    message = ngettext(
        "Too many wrong passwords for this account from your network. Logging in is locked "
        "for %(minutes)s minute; try again later, or ask the system administrator.",
        "Too many wrong passwords for this account from your network. Logging in is locked "
        "for %(minutes)s minutes; try again later, or ask the system administrator.",
        minutes,
    ) % {"minutes": minutes}
    return too_many_requests(request, message, retry_after=minutes * 60)


class ContentSecurityPolicyMiddleware:
    """Sends settings.SECURE_CSP as the Content-Security-Policy header of every response.

    A few lines of our own rather than django-csp: the policy is one fixed list (our own static
    files only: no nonces, no per-view changes), and the setting has the shape of Django 6.0's
    built-in SECURE_CSP, so on that upgrade this class is replaced by
    django.middleware.csp.ContentSecurityPolicyMiddleware and the setting stays."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = "; ".join(
            " ".join([directive, *values]) if values else directive
            for directive, values in settings.SECURE_CSP.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = self.header
        return response


class SessionIdleMiddleware:
    """Moves a logged-in session's end SESSION_IDLE_MINUTES after the latest request, writing
    the session at most once every SESSION_TOUCH_SECONDS: the idle limit holds to within that
    much, and a person clicking through pages does not cost a database write per page (with
    Django's SESSION_SAVE_EVERY_REQUEST every page view was an UPDATE: BENCHMARKS.md)."""

    KEY = "_touched"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[self.KEY] = now  # modified: saved, with a new expiry
        return response
