"""What the staff's money pages read that ``selectors`` does not: the failed
payouts left to staff (the escalation queue and the payout list's filter)
and the ledger transactions of a payout."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from .models import LedgerTransaction, Payout, PayoutStatus
from .rules import MAX_FAILED_PAYOUTS


def payouts_left_to_staff() -> QuerySet[Payout]:
    """Failed payouts that the runs no longer retry: the artist's payouts
    failed ``MAX_FAILED_PAYOUTS`` times in a row and this one is the
    artist's latest. Oldest failure first."""
    later = Payout.objects.filter(
        artist_id=OuterRef("artist_id"), pk__gt=OuterRef("pk")
    )
    return (
        Payout.objects.filter(
            status=PayoutStatus.FAILED,
            artist__payout_account__failed_payouts__gte=MAX_FAILED_PAYOUTS,
        )
        .filter(~Exists(later))
        .select_related("artist__payout_account")
        .order_by("failed_at", "id")
    )


def payout_transactions(payout: Payout) -> list[LedgerTransaction]:
    """The ledger transactions of ``payout`` (sent, then failed if it
    failed), with their entries and artist orders, oldest first."""
    return list(
        LedgerTransaction.objects.filter(payout=payout)
        .prefetch_related("entries__artist_order__order")
        .order_by("created_at", "id")
    )
