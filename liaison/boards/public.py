"""The public page of a grassroots union, opened from the QR code on its notice board: no login,
plain HTML without scripts (it must work in WeChat's browser on any phone).

It shows the union's name, the forms of contact and what workers can raise — no one's name or
phone: the link travels (it is forwarded in chats), and a leaked link should give away nothing
but the union's name. The cadres' names and office phones are on the printed board only.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from liaison.boards import opinions
from liaison.boards.board import CONTENT_AREA_TEXT
from liaison.boards.forms import HONEYPOT_FIELD, OpinionForm
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
            opinions.opinion_submit(union=union, address_hash=address_hash, **form.cleaned_data)
        except opinions.OpinionRateLimited:
            return _render(request, union, form, status=429, rate_limited=True)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect("boards:public-thanks", token=token)
    return _render(request, union, form)


@never_cache
@require_GET
def public_thanks(request, token: str):
    return render(request, "liaison/public_thanks.html", {"union": _union_for_token(token)})
