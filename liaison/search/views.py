"""The search page: the viewer's record sheets, problems and opinions whose words match, one
kind at a time (a tab each, with its count), the matched passage marked; without words, the
viewer's hot terms of the quarter, each opening its texts here."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.search import selectors
from liaison.search.forms import SearchForm
from records.paging import CappedPaginator
from records.terms.search import highlight, query_terms
from records.terms.selectors import previous_quarter

PER_PAGE = 20
# Each tab counts its hits up to here ("1000+"): past it, more words narrow a search better
# than pages do, and counting every hit of a common word reads every text that has it.
COUNT_LIMIT = 1000
HOT_TERMS = 30

# Each kind: its tab, what its rows read along, and the text whose passage is shown.
KINDS = {
    "sheets": (_("Record sheets"), ("cadre", "union"), "needs_and_opinions"),
    "problems": (_("Problems"), ("record__cadre", "record__union"), "description"),
    "opinions": (_("Workers' opinions"), ("union",), "text"),
}


def _link(kind: str, row, q: str) -> str:
    if kind == "sheets":
        return reverse("records:record-detail", args=[row.pk])
    if kind == "problems":
        return reverse("records:problem-detail", args=[row.pk])
    # Opinions have no page of their own: their list, narrowed by the same words.
    return f"{reverse('boards:opinion-list')}?{urlencode({'q': q})}#opinion-{row.pk}"


@login_required
def search(request):
    today = timezone.localdate()
    form = SearchForm(request.GET or None, years=range(today.year, today.year - 5, -1))
    data = form.cleaned_data if form.is_valid() else {}
    q = data.get("q", "")
    context = {"form": form, "q": q}
    if not q:
        year, quarter = today.year, (today.month - 1) // 3 + 1
        if data.get("year") and data.get("quarter"):
            year, quarter = data["year"], data["quarter"]
        context["hot"] = selectors.hot_terms_for(
            request.user, year=year, quarter=quarter, limit=HOT_TERMS, today=today
        )
        context["hot_year"], context["hot_quarter"] = year, quarter
        context["before"] = previous_quarter(year, quarter)
        return render(request, "liaison/search.html", context)

    words = query_terms(q)
    found = selectors.hits_for(
        request.user, words, year=data.get("year"), quarter=data.get("quarter"), today=today
    )
    pages = {
        kind: CappedPaginator(rows.select_related(*KINDS[kind][1]), PER_PAGE, limit=COUNT_LIMIT)
        for kind, rows in found.items()
    }
    kind = request.GET.get("kind")
    if kind not in KINDS:  # the first kind with a hit
        kind = next((k for k, p in pages.items() if p.count), "sheets")
    field = KINDS[kind][2]
    page = pages[kind].get_page(request.GET.get("page"))
    hits = [
        {"row": row, "url": _link(kind, row, q), "passage": highlight(getattr(row, field), words)}
        for row in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("kind", None)
    context.update(
        words=words,
        kind=kind,
        tabs=[(k, KINDS[k][0], pages[k]) for k in KINDS],
        page=page,
        hits=hits,
        base_query=query.urlencode(),
        query=f"{query.urlencode()}&kind={kind}",
    )
    return render(request, "liaison/search.html", context)
