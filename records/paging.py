"""Pages of long lists that cost the same whatever the table holds: the count behind "N record
sheets" stops at COUNT_LIMIT. Counting every row the user may see is the one part of a page of
20 rows that grew with the data (a million sheets at ten times the district: BENCHMARKS.md,
"Scale")."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000


class CappedPaginator(Paginator):
    """A Paginator that counts at most `limit` rows. Past that, `count` is `limit`, `capped` is
    true (the page says "more than …" and the filters narrow the list), and only the pages up
    to the limit are offered."""

    def __init__(self, object_list, per_page, *, limit: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit or COUNT_LIMIT

    @cached_property
    def _counted(self) -> int:
        if isinstance(self.object_list, InTurn):
            return self.object_list.count_upto(self.limit + 1)
        # One row past the limit tells whether there are more: COUNT(*) over a subquery with
        # LIMIT, which stops reading there — without the list's order, which does not change
        # the count and would make the database sort every row first (a search's hits).
        if hasattr(self.object_list, "query"):
            return self.object_list.order_by()[: self.limit + 1].count()
        return len(self.object_list[: self.limit + 1])

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.limit)

    @property
    def capped(self) -> bool:
        return self._counted > self.limit


class InTurn:
    """Two ordered querysets read as one list: every row of `first`, then those of `second`.
    A list ordered by "what is still open first" cannot be read from an index (the database
    sorts every row to give the first 30); split in two, the open rows are few and the others
    come in an index's order (the problem ledger: BENCHMARKS.md, "Scale"). Each page and each
    count reads both parts, so a page costs the same queries wherever it falls."""

    def __init__(self, first, second):
        self.first, self.second = first, second

    @cached_property
    def first_count(self) -> int:
        return self.first.count()

    def count_upto(self, limit: int) -> int:
        # The second part counted only up to what the limit leaves (at least one row), without
        # its order: the count is the same, and the database need not sort every row first.
        rest = self.second.order_by()[: max(limit - self.first_count, 1)].count()
        return self.first_count + rest

    def __getitem__(self, key: slice) -> list:
        start, stop = key.start or 0, key.stop
        split = self.first_count
        # Both parts are read for every page (past its end the first gives nothing; within it
        # the second gives a row at most, dropped), so that the page's queries do not depend on
        # where it falls.
        rows = list(self.first[start:stop])
        low, high = max(start - split, 0), max(stop - split, 0)
        more = list(self.second[low : max(high, low + 1)])
        return rows + (more if high > low else [])
