"""The error pages (400, 403, 404, 500 and a refused CSRF token), in Chinese and in the site's
layout: a worker who followed a QR code (/u/…) gets the public page's layout, without the staff
menu; everyone else the site's. The 500 page renders nothing that could fail again (no database,
no menu)."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.translation import gettext as _

PUBLIC_PREFIX = "/u/"


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
    if request.path.startswith(PUBLIC_PREFIX):
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


def server_error(request):
    return HttpResponseServerError(get_template("errors/500.html").render())
