"""The public page of a grassroots union, opened from the QR code on its notice board: no login,
plain HTML without scripts (it must work in WeChat's browser on any phone).

It shows the union's name, the forms of contact and what workers can raise — no one's name or
phone: the link travels (it is forwarded in chats), and a leaked link should give away nothing
but the union's name. The cadres' names and office phones are on the printed board only.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.boards import opinions, receipts
from liaison.boards.board import CONTENT_AREA_TEXT
from liaison.boards.forms import HONEYPOT_FIELD, OpinionForm, RatingForm, ReceiptFindForm
from liaison.errors.views import too_many_requests
from liaison.security import client_address
from records.models import ContactForm, ContentArea
from unions.models import GrassrootsUnion


def _union_for_token(token: str) -> GrassrootsUnion:
    return get_object_or_404(GrassrootsUnion.objects.active(), public_token=token)


def _render(request, union, form, *, status=200, rate_limited=False):
    return render(
        request,
        "liaison/public_opinion.html",
        {
            "union": union,
            "form": form,
            "honeypot_field": HONEYPOT_FIELD,
            "contact_forms": ContactForm,
            "content_areas": [(area, CONTENT_AREA_TEXT[area]) for area in ContentArea],
            "rate_limited": rate_limited,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def public_page(request, token: str):
    union = _union_for_token(token)
    if request.method != "POST":
        return _render(request, union, OpinionForm())

    form = OpinionForm(request.POST)
    if OpinionForm.honeypot_filled(request.POST):
        # Same answer as a real submission: a bot learns nothing; nothing is stored.
        return redirect("boards:public-thanks", token=token)
    if form.is_valid():
        address_hash = opinions.address_hash(client_address(request))
        try:
            _opinion, code = opinions.opinion_submit(
                union=union, address_hash=address_hash, **form.cleaned_data
            )
        except opinions.OpinionRateLimited:
            return _render(request, union, form, status=429, rate_limited=True)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            response = redirect("boards:public-thanks", token=token)
            _hand_over(response, token, code)
            return response
    return _render(request, union, form)


# The receipt code travels from the form to the thanks page in a signed cookie of that page
# alone, read and deleted there: shown once (a refresh shows the plain thanks), and never in
# the database in clear (a session would store it in the session table).
RECEIPT_COOKIE = "receipt"
RECEIPT_COOKIE_SALT = "liaison.boards.receipt"
RECEIPT_COOKIE_SECONDS = 600


def _hand_over(response, token: str, code: str) -> None:
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        code,
        salt=RECEIPT_COOKIE_SALT,
        max_age=RECEIPT_COOKIE_SECONDS,
        path=reverse("boards:public-thanks", args=[token]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@never_cache
@require_GET
def public_thanks(request, token: str):
    union = _union_for_token(token)
    code = request.get_signed_cookie(
        RECEIPT_COOKIE, default=None, salt=RECEIPT_COOKIE_SALT, max_age=RECEIPT_COOKIE_SECONDS
    )
    context = {"union": union, "code": code}
    if code:
        context["receipt_url"] = request.build_absolute_uri(_receipt_path(token, code))
    response = render(request, "liaison/public_thanks.html", context)
    path = reverse("boards:public-thanks", args=[token])
    response.delete_cookie(RECEIPT_COOKIE, path=path, samesite="Lax")
    return response


# --- The receipt: the worker's own opinion, its status and answer, and the rating ----------

# What the worker reads for each status (the cadres' list says it in its own words).
WORKER_STATUS = {
    opinions.Status.NEW: pgettext_lazy("worker's receipt", "Received"),
    opinions.Status.TAKEN_UP: pgettext_lazy("worker's receipt", "Taken up"),
    opinions.Status.ANSWERED: pgettext_lazy("worker's receipt", "Answered"),
    opinions.Status.CLOSED: pgettext_lazy("worker's receipt", "Concluded"),
}


def _receipt_path(token: str, code: str) -> str:
    return reverse("boards:receipt", args=[token, receipts.grouped(receipts.normalized(code))])


def _opinion_for_receipt(request, code: str):
    """The opinion of the code, or 404 — the same 404, on the same path, for a code that does
    not exist and for one that cannot exist. Refused (429) once the address is over its misses.
    The code alone finds the opinion: a link from before the board got a new link still works
    (the receipt page redirects it to the current one)."""
    address_hash = opinions.address_hash(client_address(request))
    if receipts.receipt_rate_limited(address_hash):
        return None, too_many_requests(
            request,
            _(
                "Too many receipt codes that do not exist have come from your network in the "
                "last hour. Please try again later, and check the code on your receipt."
            ),
            retry_after=settings.OPINION_RATE_WINDOW,
        )
    opinion = receipts.opinion_for_receipt(code)
    if opinion is None:
        receipts.receipt_miss(address_hash)
        raise Http404
    return opinion, None


def _render_receipt(request, opinion, code: str, form=None, *, status=200):
    return render(
        request,
        "liaison/public_receipt.html",
        {
            "union": opinion.union,
            "opinion": opinion,
            "code": receipts.grouped(receipts.normalized(code)),
            "status_label": WORKER_STATUS[opinion.status],
            "steps": list(WORKER_STATUS.items()),
            "form": form or RatingForm(),
        },
        status=status,
    )


@never_cache
@require_GET
def receipt(request, token: str, code: str):
    opinion, refused = _opinion_for_receipt(request, code)
    if refused:
        return refused
    canonical = _receipt_path(opinion.union.public_token, code)
    if request.path != canonical:  # typed otherwise, or the board's link has changed since
        return redirect(canonical)
    return _render_receipt(request, opinion, code)


@never_cache
@require_POST
def receipt_rate(request, token: str, code: str):
    opinion, refused = _opinion_for_receipt(request, code)
    if refused:
        return refused
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            opinions.opinion_rate(opinion=opinion, rating=form.cleaned_data["rating"])
        except ValidationError as error:
            form.add_error(None, error)
            if not hasattr(error, "error_dict"):  # nothing to rate (yet, or any more)
                return _render_receipt(request, opinion, code, form, status=409)
        else:
            return redirect(_receipt_path(opinion.union.public_token, code))
    return _render_receipt(request, opinion, code, form, status=400)


@never_cache
@require_GET
def receipt_find(request, token: str):
    """Where a worker types the code of a receipt: on to its page."""
    union = _union_for_token(token)
    form = ReceiptFindForm(request.GET or None)
    if form.is_valid():
        return redirect(_receipt_path(token, form.cleaned_data["code"]))
    return render(request, "liaison/public_receipt_find.html", {"union": union, "form": form})
