"""Hot terms (热点): the words workers use most in a quarter, from the stored terms."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections, models
from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

# Single characters ("钱", "难") say too little alone to be a hot term; they stay searchable.
MIN_TERM_LENGTH = 2


@dataclass(frozen=True)
class HotTerm:
    term: str
    count: int  # texts of the quarter that use the term
    previous: int  # texts of the quarter before that use it
    url: str = ""  # the texts behind it (filled by the caller that knows the search page)

    @property
    def rise(self) -> int:
        return self.count - self.previous


def quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, 3 * quarter - 2, 1)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def _date_field(model, path: str) -> models.Field:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def in_quarters(queryset: QuerySet, first: tuple[int, int], last: tuple[int, int]) -> QuerySet:
    """The rows of `queryset` dated (by its model's TERMS_DATE) from the start of quarter
    `first` to the end of quarter `last`, each a (year, quarter); a moment counts in the
    quarter of its day in the site's time zone."""
    start = quarter_start(*first)
    end_year, end_quarter = last
    end = (
        quarter_start(end_year + 1, 1)
        if end_quarter == 4
        else quarter_start(end_year, end_quarter + 1)
    )
    path = queryset.model.TERMS_DATE
    if isinstance(_date_field(queryset.model, path), models.DateTimeField):
        midnight = datetime.time.min
        start = timezone.make_aware(datetime.datetime.combine(start, midnight))
        end = timezone.make_aware(datetime.datetime.combine(end, midnight))
    return queryset.filter(**{f"{path}__gte": start, f"{path}__lt": end})


def in_quarter(queryset: QuerySet, year: int, quarter: int) -> QuerySet:
    return in_quarters(queryset, (year, quarter), (year, quarter))


def _count_in_python(rows: QuerySet, first_day, now: Counter, then: Counter) -> None:
    path = rows.model.TERMS_DATE
    for dated, terms in rows.order_by().values_list(path, "terms").iterator(chunk_size=5000):
        if isinstance(dated, datetime.datetime):
            dated = timezone.localdate(dated)
        counter = now if dated >= first_day else then
        counter.update({t for t in terms.split() if len(t) >= MIN_TERM_LENGTH})


def _count_in_sql(rows: QuerySet, first_day, now: Counter, then: Counter) -> None:
    """What _count_in_python counts, by PostgreSQL: each text's words once (DISTINCT over its
    unnested terms), grouped by word. The rows never cross to Python: the analysis page read
    two quarters of the federation's texts (~23,000) to count them (~120 ms of its ~400)."""
    path = rows.model.TERMS_DATE
    if isinstance(_date_field(rows.model, path), models.DateTimeField):
        rows = rows.annotate(day=TruncDate(path))  # in the site's time zone
        path = "day"
    inner, params = rows.order_by().values_list(path, "terms").query.sql_with_params()
    sql = (
        "SELECT t.term, COUNT(*) FILTER (WHERE s.day >= %s), COUNT(*) FILTER (WHERE s.day < %s) "
        f"FROM ({inner}) AS s(day, terms) "
        "CROSS JOIN LATERAL (SELECT DISTINCT unnest(string_to_array(s.terms, ' ')) AS term) t "
        "WHERE char_length(t.term) >= %s GROUP BY t.term"
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, [first_day, first_day, *params, MIN_TERM_LENGTH])
        for term, in_quarter_count, before_count in cursor.fetchall():
            if in_quarter_count:
                now[term] += in_quarter_count
            if before_count:
                then[term] += before_count


def hot_terms(
    sources: Iterable[QuerySet], *, year: int, quarter: int, limit: int = 20
) -> list[HotTerm]:
    """The `limit` terms used in the most texts of quarter `quarter` of `year`, with how many
    texts used them the quarter before, most used first (a tie: the larger rise first).

    `sources` are querysets of models that store terms (records.terms.stored): the caller
    scopes them to what the viewer may open, e.g. `VisitRecord.objects.visible_to(user)` — the
    search page's `liaison.search.selectors.hot_terms_for(user, …)` does. A text counts once
    per term however often it repeats it. Reads the stored terms of the two quarters, one
    query per source; nothing is segmented here."""
    before = previous_quarter(year, quarter)
    first_day = quarter_start(year, quarter)
    now: Counter[str] = Counter()
    then: Counter[str] = Counter()
    for source in sources:
        rows = in_quarters(source, before, (year, quarter)).exclude(terms="")
        count = _count_in_sql if connections[rows.db].vendor == "postgresql" else _count_in_python
        count(rows, first_day, now, then)
    ranked = sorted(now.items(), key=lambda item: (-item[1], -(item[1] - then[item[0]]), item[0]))
    return [HotTerm(term, count, then[term]) for term, count in ranked[:limit]]


@dataclass(frozen=True)
class TermCount:
    term: str
    counts: tuple[int, ...]  # texts using the term, one count per source

    @property
    def total(self) -> int:
        return sum(self.counts)


def term_counts(sources: Iterable[QuerySet], *, limit: int = 20) -> list[TermCount]:
    """The `limit` terms used in the most texts of `sources` whatever their dates (a research
    topic's sheets and problems), each with how many texts of each source use it, most used
    first. A text counts once per term. One query per source; nothing is segmented here."""
    counters: list[Counter[str]] = []
    for source in sources:
        counter: Counter[str] = Counter()
        rows = source.exclude(terms="").order_by().values_list("terms", flat=True)
        for terms in rows.iterator(chunk_size=5000):
            counter.update({t for t in terms.split() if len(t) >= MIN_TERM_LENGTH})
        counters.append(counter)
    total = sum(counters, Counter())
    ranked = sorted(total.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [TermCount(term, tuple(c[term] for c in counters)) for term, _n in ranked]
