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
        # One row past the limit tells whether there are more: COUNT(*) over a subquery with
        # LIMIT, which stops reading there.
        rows = self.object_list[: self.limit + 1]
        return rows.count() if hasattr(rows, "query") else len(rows)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.limit)

    @property
    def capped(self) -> bool:
        return self._counted > self.limit
