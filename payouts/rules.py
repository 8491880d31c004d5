"""Money rules that change nothing: commission, its reversal, back-off."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from marketplace.money import CENT, ZERO

#: A payout that failed this many times in a row is left to staff (the
#: escalation queue) instead of being retried by the runs.
MAX_FAILED_PAYOUTS = 3


def commission_of(paid: Decimal, rate: Decimal) -> Decimal:
    """The commission on ``paid`` euros at ``rate`` (a fraction), to the cent,
    half-up."""
    return (Decimal(paid) * Decimal(rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def commission_reversal(
    *,
    commission: Decimal,
    paid: Decimal,
    refund: Decimal,
    refunded_before: Decimal,
    reversed_before: Decimal,
) -> Decimal:
    """The commission given back for a refund of ``refund`` euros on an artist
    order that was paid ``paid`` with ``commission`` taken: in proportion,
    to the cent, half-up. Rounding never gives back more than was taken, and
    the refund that brings the refunds to ``paid`` gives back the rest, so a
    fully refunded artist order keeps no commission."""
    if paid <= 0 or commission <= 0:
        return ZERO
    left = commission - reversed_before
    if refunded_before + refund >= paid:
        return max(left, ZERO)
    share = (commission * refund / paid).quantize(CENT, rounding=ROUND_HALF_UP)
    return max(min(share, left), ZERO)


def payout_backoff(failed: int) -> timedelta:
    """How long to wait before paying an artist again after ``failed``
    failed payouts in a row: 1 hour, then 6, then a day."""
    hours = {1: 1, 2: 6}.get(failed, 24)
    return timedelta(hours=hours)
