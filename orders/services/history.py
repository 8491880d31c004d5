"""The history of artist orders and the stock they hold."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from artists.stock import stock_release

from ..models import ArtistOrder, ArtistOrderEvent, OrderLine


def log_transition(
    *,
    artist_order: ArtistOrder,
    from_state: str,
    transition: str,
    by=None,
    note: str = "",
    at=None,
) -> ArtistOrderEvent:
    """Write the history row of a transition that just ran on ``artist_order``
    (call it in the transaction of the transition; ``by`` None is the system)."""
    return ArtistOrderEvent.objects.create(
        artist_order=artist_order,
        from_state=from_state,
        to_state=artist_order.state,
        transition=transition,
        by=by,
        note=note,
        at=at or timezone.now(),
    )


def release_stock_of(*, artist_orders) -> None:
    """Put back the stock held by the lines of ``artist_orders``, one update
    per variant in variant id order (the order checkout takes it in)."""
    quantities: dict[int, int] = defaultdict(int)
    lines = OrderLine.objects.filter(
        artist_order__in=[ao.pk for ao in artist_orders], variant__isnull=False
    )
    for variant_id, quantity in lines.values_list("variant_id", "quantity"):
        quantities[variant_id] += quantity
    for variant_id in sorted(quantities):
        stock_release(variant_id=variant_id, quantity=quantities[variant_id])
