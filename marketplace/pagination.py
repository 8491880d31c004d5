"""A paginator that stops counting: a list of 200,000 rows is not counted in
full on every request (docs/performance.md)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most ``cap + 1`` rows (one query that stops there). Past the
    cap, ``capped`` is true, the count is ``cap + 1`` and the pages stop at
    the cap's page: say "more than ``cap``" rather than the count."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self):
        # No ORDER BY: a sort (the search's rank) would read every match.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
