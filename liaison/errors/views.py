"""The error pages (400, 403, 404, 429, 500, 503 and a refused CSRF token), in Chinese and in
the site's layout: a worker who followed a QR code (/u/…) gets the public page's layout, without
the staff menu; everyone else the site's. The 500 and 503 pages render nothing that could fail
again (no database, no menu).

503: the database went away during the request (PostgreSQL restarting, a failover, the
connection dropped). Whatever raised it — a view, a context processor, a middleware saving the
session — Django hands the uncaught exception to handler500, which tells that case apart and
answers "try again shortly" with Retry-After instead of "something went wrong"."""

import re
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.translation import gettext as _

PUBLIC_PREFIX = "/u/"
RECEIPT_PATH = re.compile(r"^/u/[^/]+/r/[^/]+/")
# Seconds a client is asked to wait after a 503: long enough for PostgreSQL to restart.
RETRY_AFTER_UNAVAILABLE = 30


def _error(request, status: int, title: str, message: str):
    public = request.path.startswith(PUBLIC_PREFIX)
    return render(
        request,
        "errors/public.html" if public else "errors/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def bad_request(request, exception=None):
    return _error(
        request,
        400,
        _("The request could not be understood"),
        _("Please go back, check what you entered and try again."),
    )


def permission_denied(request, exception=None):
    return _error(
        request,
        403,
        _("You may not open this page"),
        _(
            "This page is not part of your role's work. If you think you should see it, ask the "
            "Organization & Personnel Department."
        ),
    )


def page_not_found(request, exception=None):
    if RECEIPT_PATH.match(request.path):
        # A code no opinion has, however it is wrong (liaison/boards/receipts.py).
        message = _(
            "No message has this receipt code. Check the code against your receipt: 16 letters "
            "and digits, case and dashes do not matter."
        )
    elif request.path.startswith(PUBLIC_PREFIX):
        message = _(
            "This link is no longer valid. The notice board may have been given a new QR code: "
            "scan the code on the board again, or call the supervision phone on it."
        )
    else:
        message = _("The page does not exist, or it was removed. Check the address.")
    return _error(request, 404, _("Page not found"), message)


def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        _("The form has expired"),
        _(
            "The page was open too long or was opened in another window. Go back, reload the "
            "page and submit it again; what you typed may need to be entered again."
        ),
    )


def too_many_requests(request, message: str, *, retry_after: int):
    """429, with the message saying what was refused and for how long (the login lockout:
    liaison.security.lockout_response). The public opinion form answers its own 429, on the
    form itself, so that what the worker wrote stays on the page."""
    response = _error(request, 429, _("Too many attempts"), message)
    response["Retry-After"] = str(retry_after)
    return response


def server_error(request):
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return service_unavailable(request)
    return _standalone(
        request,
        500,
        _("Something went wrong"),
        _(
            "The system could not complete this request. Please try again later; if it keeps "
            "happening, tell the system administrator the time it happened."
        ),
    )


def service_unavailable(request):
    response = _standalone(
        request,
        503,
        _("Please try again shortly"),
        _(
            "The system cannot handle requests at the moment. Please try again in a minute; "
            "what you were saving may need to be submitted again."
        ),
    )
    response["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
    return response


def _standalone(request, status: int, title: str, message: str) -> HttpResponse:
    """A page without the database: no context processors, no menu (the public layout on
    /u/, which uses none either)."""
    public = request.path.startswith(PUBLIC_PREFIX)
    template = get_template("errors/public.html" if public else "errors/standalone.html")
    context = {"status": status, "title": title, "message": message}
    return HttpResponse(template.render(context), status=status)
