"""What the search page and the hot terms read, scoped to the viewer: the record sheets, problems
and opinions they may open today (the same querysets as the lists of each)."""

import datetime
from dataclasses import replace
from urllib.parse import urlencode

from django.urls import reverse

from liaison.models import Opinion
from records.models import Problem, VisitRecord
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
    user, *, year: int, quarter: int, limit: int = 20, today: datetime.date
) -> list[HotTerm]:
    """The viewer's hot terms of a quarter (records.terms.selectors.hot_terms over
    `searchable_for`), each with `url`: the search page for that term in that quarter, which
    lists exactly the texts counted. Three queries."""
    sources = searchable_for(user, today).values()
    return [
        replace(hot, url=search_url(hot.term, year, quarter))
        for hot in hot_terms(sources, year=year, quarter=quarter, limit=limit)
    ]


def within(queryset, year: int | None, quarter: int | None):
    """`queryset` narrowed to a year, or a quarter of it, by the date the hot terms count."""
    if year and quarter:
        return in_quarter(queryset, year, quarter)
    if year:
        return in_quarters(queryset, (year, 1), (year, 4))
    return queryset
