"""A discount code's use given back when the order that used it sold
nothing: its payment failed, or every artist order of it was cancelled or
refused before shipping. One rule for the code's global count
(``times_used``) and for the count per buyer (``pricing.discount_uses_by_buyer``,
which counts the orders that still sell something)."""

from __future__ import annotations

from django.db.models import F

from ..models import ArtistOrder, DiscountCode, Order
from ..pricing import UNSOLD_STATES


def give_code_use_back_if_unsold(*, order: Order) -> bool:
    """Give ``order``'s code use back when none of its artist orders sells
    anything any more. Call inside the transaction that closed one of them,
    after saving its state, with its row locked.

    The code's row is locked before the artist orders are read: of two
    artist orders of the order closed at once, the second to get the lock
    sees the first one closed, so the use comes back once, and only when
    the last one closes (artist orders first, then the code: the order in
    which checkout and ``fail_order_payment`` take them too). Returns
    whether the use came back.
    """
    if not order.discount_code:
        return False
    code = (
        DiscountCode.objects.select_for_update()
        .filter(code=order.discount_code)
        .first()
    )
    if code is None:
        return False
    if (
        ArtistOrder.objects.filter(order_id=order.pk)
        .exclude(state__in=UNSOLD_STATES)
        .exists()
    ):
        return False
    return bool(
        DiscountCode.objects.filter(pk=code.pk, times_used__gt=0).update(
            times_used=F("times_used") - 1
        )
    )
