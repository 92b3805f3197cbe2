"""What the search page and the hot terms read, scoped to the viewer: the record sheets, problems
and opinions they may open today (the same querysets as the lists of each)."""

import datetime
from dataclasses import replace
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from liaison.models import Opinion
from records.models import Problem, VisitRecord
from records.terms.search import matching
from records.terms.selectors import HotTerm, hot_terms, in_quarter, in_quarters


def searchable_for(user, today: datetime.date) -> dict:
    """The viewer's texts by kind: a cadre their own sheets (and their problems) and the
    opinions of their contact units this year; a department head also their department's filed
    sheets and problems; the organization department every one."""
    return {
        "sheets": VisitRecord.objects.visible_to(user),
        "problems": Problem.objects.visible_to(user),
        "opinions": Opinion.objects.visible_to(user, today.year),
    }


def search_url(q: str, year: int | None = None, quarter: int | None = None) -> str:
    params = {"q": q}
    if year:
        params["year"] = year
    if quarter:
        params["quarter"] = quarter
    return f"{reverse('search:search')}?{urlencode(params)}"


def hot_terms_for(
    user, *, year: int, quarter: int, limit: int = 20, today: datetime.date | None = None
) -> list[HotTerm]:
    """The hot terms of quarter `quarter` of `year` for `user`: the `limit` words used in the
    most of the texts they may open today (`searchable_for`; `today` defaults to the local
    date), most used first, each a `HotTerm(term, count, previous, url)` with `rise` = count -
    previous, and `url` the search page for that word in that quarter — it lists exactly the
    texts counted. Three queries, whatever the number of texts (records.terms.selectors)."""
    sources = searchable_for(user, today or timezone.localdate()).values()
    return [
        replace(hot, url=search_url(hot.term, year, quarter))
        for hot in hot_terms(sources, year=year, quarter=quarter, limit=limit)
    ]


def hits_for(
    user, words: list[str], *, year: int | None, quarter: int | None, today: datetime.date
) -> dict:
    """The viewer's texts holding every one of `words`, by kind, newest first, narrowed to a
    year or a quarter of it when given (by the date the hot terms count)."""
    return {
        kind: within(matching(rows, words), year, quarter).order_by("-pk")
        for kind, rows in searchable_for(user, today).items()
    }


def within(queryset, year: int | None, quarter: int | None):
    """`queryset` narrowed to a year, or a quarter of it, by the date the hot terms count."""
    if year and quarter:
        return in_quarter(queryset, year, quarter)
    if year:
        return in_quarters(queryset, (year, 1), (year, 4))
    return queryset
