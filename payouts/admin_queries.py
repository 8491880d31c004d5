"""What the staff's money pages read that ``selectors`` does not: the failed
payouts left to staff (the escalation queue and the payout list's filter),
the ledger transactions of a payout, and the one write the balance list
needs (every artist gets its payout account row, so that every artist has
a line in it)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from artists.models import Artist

from .models import LedgerTransaction, Payout, PayoutAccount, PayoutStatus
from .rules import MAX_FAILED_PAYOUTS


def accounts_create_missing() -> int:
    """Create the payout account of every artist that has none yet (as a
    payout run does for the artists it pays), so that the balance list has
    one row per artist. Idempotent and safe to race. Returns how many
    artists had none."""
    missing = list(
        Artist.objects.filter(payout_account__isnull=True).values_list("pk", flat=True)
    )
    if missing:
        PayoutAccount.objects.bulk_create(
            [PayoutAccount(artist_id=pk) for pk in missing], ignore_conflicts=True
        )
    return len(missing)


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
