"""What payouts paid, artist order by artist order, in four queries whatever
their number (``selectors.payout_parts`` for one, the API's list for a page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from marketplace.money import ZERO, to_money
from orders.models import ArtistOrder

from .models import (
    Account,
    EntryKind,
    LedgerEntry,
    Payout,
    TransactionKind,
    money_sum,
)


@dataclass
class PayoutPart:
    """One artist order in a payout (``artist_order`` None: adjustments)."""

    artist_order: ArtistOrder | None
    sale: Decimal = ZERO
    commission: Decimal = ZERO
    refunds: Decimal = ZERO
    adjustments: Decimal = ZERO
    net: Decimal = ZERO
    paid: Decimal = ZERO


def parts_by_payout(payouts: Iterable[Payout]) -> dict[int, list[PayoutPart]]:
    """``{payout id: its parts}``, each list as ``payout_parts`` gives it:
    sorted by artist order, the part not tied to an artist order (an
    adjustment) last."""
    payouts = list(payouts)
    paid: dict[int, dict[int | None, object]] = {payout.pk: {} for payout in payouts}
    for row in LedgerEntry.objects.filter(
        transaction__payout__in=payouts,
        transaction__kind=TransactionKind.PAYOUT,
        account=Account.ARTIST,
    ).values("transaction__payout_id", "artist_order_id", "amount"):
        paid[row["transaction__payout_id"]][row["artist_order_id"]] = row["amount"]
    ids = {pk for parts in paid.values() for pk in parts if pk is not None}
    sums = (
        LedgerEntry.objects.filter(account=Account.ARTIST, artist_order_id__in=ids)
        .values("artist_order_id")
        .annotate(
            sale=money_sum(filter=Q(kind=EntryKind.SALE)),
            commission=money_sum(
                filter=Q(
                    kind__in=[EntryKind.COMMISSION, EntryKind.COMMISSION_REVERSAL]
                ),
            ),
            refunds=money_sum(
                filter=Q(kind__in=[EntryKind.REFUND, EntryKind.REFUND_FAILED]),
            ),
            adjustments=money_sum(filter=Q(kind=EntryKind.ADJUSTMENT)),
        )
        .order_by()
    )
    by_order = {row["artist_order_id"]: row for row in sums}
    orders = ArtistOrder.objects.select_related("order").in_bulk(ids)
    return {
        payout_id: [
            _part(order_id, amount, by_order.get(order_id, {}), orders.get(order_id))
            for order_id, amount in sorted(
                parts.items(), key=lambda item: (item[0] is None, item[0] or 0)
            )
        ]
        for payout_id, parts in paid.items()
    }


def _part(order_id, amount, row: dict, artist_order) -> PayoutPart:
    part = PayoutPart(
        artist_order=artist_order,
        sale=to_money(row.get("sale") or ZERO),
        commission=-to_money(row.get("commission") or ZERO),
        refunds=-to_money(row.get("refunds") or ZERO),
        adjustments=to_money(row.get("adjustments") or ZERO),
        paid=-to_money(amount),
    )
    part.net = part.sale - part.commission - part.refunds + part.adjustments
    if order_id is None:
        part.adjustments = part.paid
        part.net = part.paid
    return part
