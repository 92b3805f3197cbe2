"""The notice boards (公示牌) and the opinions workers leave through them: the pages of the
organization department and of the unions' contact cadres. The public page is liaison/public.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.boards import board, opinions
from liaison.boards.forms import OpinionAnswerForm, OpinionFilterForm
from liaison.models import Opinion
from records.terms.search import matching
from unions.assignments.selectors import assigned_union_ids
from unions.models import GrassrootsUnion, Street
from unions.permissions import is_contact_cadre, may
from unions.roles import cadre_of

OPINIONS_PER_PAGE = 20
SEARCH_RESULTS = 20


def _contact_cadre(user):
    """The user's cadre profile when they hold the cadre role, else None."""
    return cadre_of(user) if is_contact_cadre.test(user) else None


@login_required
@require_GET
def board_index(request):
    """Where boards are found: the organization department by street or by name; a cadre their
    own contact units of this year."""
    user = request.user
    year = timezone.localdate().year
    everything = board.sees_every_board(user)
    cadre = _contact_cadre(user)
    if not everything and cadre is None:
        raise PermissionDenied
    context = {"year": year, "everything": everything, "query": request.GET.get("q", "").strip()}
    if everything:
        counts = dict(
            GrassrootsUnion.objects.active()
            .order_by()
            .values_list("street")
            .annotate(n=Count("pk"))
        )
        context["streets"] = [(street, counts.get(street.value, 0)) for street in Street]
        context["union_count"] = sum(counts.values())
        if context["query"]:
            query = context["query"]
            context["found"] = list(
                GrassrootsUnion.objects.active()
                .filter(Q(name__icontains=query) | Q(credit_code__iexact=query))
                .order_by("name")[:SEARCH_RESULTS]
            )
    if cadre is not None:
        context["my_unions"] = list(
            GrassrootsUnion.objects.filter(pk__in=assigned_union_ids(cadre, year)).order_by("name")
        )
    return render(request, "liaison/board_index.html", context)


def _print(request, unions, title: str, *, single=None):
    context = {
        "boards": board.boards_for(request, unions),
        "title": title,
        "year": timezone.localdate().year,
        "single": single,
        "can_regenerate": single is not None
        and may(request.user, "liaison.regenerate_board_token", single),
        **board.board_context(),
    }
    return render(request, "liaison/board_print.html", context)


@login_required
@require_GET
def board_detail(request, pk: int):
    """One union's board, printable on one A4 page."""
    year = timezone.localdate().year
    union = board.get_board_union_for_user(request.user, pk, year)
    return _print(request, [union], union.name, single=union)


@login_required
@require_GET
def board_street(request, street: str):
    """Every active union's board in a street, one per page: the organization department."""
    if not board.sees_every_board(request.user):
        raise PermissionDenied
    if street not in Street.values:
        raise Http404
    unions = GrassrootsUnion.objects.active().filter(street=street).order_by("name", "pk")
    year = timezone.localdate().year
    return _print(request, board.board_unions(unions, year), Street(street).label)


@login_required
@require_GET
def board_all(request):
    """Every active union's board in the district, one per page, street by street."""
    if not board.sees_every_board(request.user):
        raise PermissionDenied
    unions = GrassrootsUnion.objects.active().order_by("street", "name", "pk")
    year = timezone.localdate().year
    return _print(request, board.board_unions(unions, year), _("All grassroots unions"))


@login_required
@require_POST
def token_regenerate(request, pk: int):
    """A new link for the union's page: the printed QR code stops working."""
    if not may(request.user, "liaison.regenerate_board_token"):
        raise PermissionDenied
    union = get_object_or_404(GrassrootsUnion.objects.active(), pk=pk)
    board.union_token_regenerate(union=union, user=request.user)
    messages.success(
        request,
        _("%(union)s has a new link. The old QR code no longer works: print the board again.")
        % {"union": union.name},
    )
    return redirect("boards:board", pk=union.pk)


@login_required
@require_GET
def opinion_list(request):
    """Opinions left for the user's contact units this year (all, for the organization
    department), newest first."""
    user = request.user
    year = timezone.localdate().year
    cadre = _contact_cadre(user)
    if not board.sees_every_board(user) and cadre is None:
        raise PermissionDenied
    filters = OpinionFilterForm(request.GET or None, years=range(year, year - 5, -1))
    shown = (
        Opinion.objects.visible_to(user, year)
        .select_related("union", "problem__record__cadre")
        .order_by("-created_at", "-pk")
    )
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"]:
            shown = shown.filter(status=data["status"])
        if data["category"]:
            shown = shown.filter(category=data["category"])
        if data["street"]:
            shown = shown.filter(union__street=data["street"])
        if data["year"]:
            shown = shown.filter(created_at__year=data["year"])
        if data["quarter"]:
            shown = shown.filter(created_at__quarter=data["quarter"])
        if data["q"]:
            shown = matching(shown, data["q"])
    page = Paginator(shown, OPINIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "liaison/opinion_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "year": year,
            "my_union_ids": assigned_union_ids(cadre, year) if cadre else set(),
            "me": cadre,
            "sees_all_records": board.sees_every_board(user),
            # The organization department answers any opinion (a contact cadre: their units').
            "answers_all": opinions.may_answer(user, None),
        },
    )


@login_required
@require_POST
def opinion_take_up(request, pk: int):
    """Turn an opinion into a problem on a new draft record sheet, and open the sheet."""
    opinion = opinions.get_opinion_for_user(request.user, pk)
    try:
        record = opinions.opinion_take_up(opinion=opinion, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("boards:opinion-list")
    messages.success(
        request,
        _(
            "The opinion is a problem on a new draft record sheet: complete the sheet after "
            "the contact and file it."
        ),
    )
    return redirect("records:record-edit", pk=record.pk)


def _back(request, opinion, next_url: str) -> str:
    """Where the answer came from (the problem's page), else the opinion in the list."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return f"{reverse('boards:opinion-list')}#opinion-{opinion.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def opinion_answer(request, pk: int):
    """The answer the worker reads with their receipt. The opinion list and the problem's page
    post their form here; an error is shown on this page, with what was typed."""
    opinion = opinions.get_opinion_for_user(request.user, pk)
    if not opinions.may_answer(request.user, opinion):
        raise PermissionDenied
    if request.method == "POST":
        form = OpinionAnswerForm(request.POST)
        if form.is_valid():
            try:
                opinions.opinion_answer(
                    opinion=opinion, user=request.user, answer=form.cleaned_data["answer"]
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    form.add_error(None, error)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(
                    request, _("The answer is on the worker's receipt page for them to read.")
                )
                return redirect(_back(request, opinion, form.cleaned_data["next"]))
        status = 400
    else:
        form = OpinionAnswerForm(
            initial={"answer": opinion.answer, "next": request.GET.get("next", "")}
        )
        status = 200
    return render(
        request, "liaison/opinion_answer.html", {"opinion": opinion, "form": form}, status=status
    )
