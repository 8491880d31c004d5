"""Whether an order line can be returned now, until when and why not: the
one place the rules live (pages, API and services all ask here).

- The artist order must be shipped, delivered or completed (in transit
  counts: it can no longer be cancelled).
- The windows count from delivery, or from shipping when delivery was never
  confirmed.
- Changed mind, wrong size, other: the artist's return window, never less
  than the 14 days of the right of withdrawal; refused for personalised
  items.
- Wrong item, damaged, not as described: the artist's window, never less
  than the 2 years of the legal guarantee of conformity.
- The quantity still returnable: bought minus what other requests hold
  (every request except rejected, withdrawn, expired and closed ones).
- A line refunded with a lost parcel, or an artist order refunded in full,
  is not returnable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import ArtistOrderState, OrderLine, RefundReason, RefundStatus

from .models import (
    ARTIST_FAULT_REASONS,
    CHANGE_OF_MIND_REASONS,
    OPEN_STATES,
    RELEASED_STATES,
    ReturnRequest,
    ReturnState,
)

WITHDRAWAL_DAYS = 14
GUARANTEE_DAYS = 730
RETURNABLE_ORDER_STATES = frozenset(
    {ArtistOrderState.SHIPPED, ArtistOrderState.DELIVERED, ArtistOrderState.COMPLETED}
)


@dataclass(frozen=True)
class LineEligibility:
    can_return: bool
    returnable_quantity: int
    change_of_mind_until: datetime | None
    fault_until: datetime | None
    exchange_allowed: bool
    allowed_reasons: frozenset[str] = field(default_factory=frozenset)
    why_not: str = ""
    # Why not, for programs: "" (returnable), "not_shipped", "cancelled",
    # "refunded", "quantity" (every piece already under a request) or
    # "period_over".
    code: str = ""

    @property
    def until(self) -> datetime | None:
        """The last moment any return is possible (the later window)."""
        dates = [
            d for d in (self.change_of_mind_until, self.fault_until) if d is not None
        ]
        return max(dates) if dates else None


def window_days(terms: dict) -> int:
    """The artist's return window in days, from the terms kept at purchase."""
    try:
        return max(int((terms or {}).get("return_window_days") or 0), 0)
    except (TypeError, ValueError):
        return 0


def held_quantity(*, line: OrderLine, exclude_pk=None) -> int:
    """How many pieces of ``line`` other requests hold (not released).
    Reads prefetched ``line.return_requests`` when there are."""
    prefetched = getattr(line, "_prefetched_objects_cache", {}).get("return_requests")
    if prefetched is not None:
        return sum(
            r.quantity
            for r in prefetched
            if r.state not in RELEASED_STATES
            and (exclude_pk is None or r.pk != exclude_pk)
        )
    requests = ReturnRequest.objects.filter(line=line).exclude(
        state__in=RELEASED_STATES
    )
    if exclude_pk is not None:
        requests = requests.exclude(pk=exclude_pk)
    return requests.aggregate(total=Sum("quantity"))["total"] or 0


def _refunded_away(artist_order) -> bool:
    """Lost and refunded, refused at customs (closed without delivery), or
    refunded in full: nothing left to send back."""
    if artist_order.paid > 0 and artist_order.refunded >= artist_order.paid:
        return True
    if (
        artist_order.state == ArtistOrderState.COMPLETED
        and artist_order.delivered_at is None
    ):
        return True
    prefetched = getattr(artist_order, "_prefetched_objects_cache", {}).get("refunds")
    if prefetched is not None:
        return any(
            r.reason == RefundReason.LOST_PARCEL and r.status != RefundStatus.FAILED
            for r in prefetched
        )
    return (
        artist_order.refunds.filter(reason=RefundReason.LOST_PARCEL)
        .exclude(status=RefundStatus.FAILED)
        .exists()
    )


def _held_why_not(line: OrderLine) -> str:
    """Why no piece of ``line`` is left to return, once requests hold them
    all: still running, or already refunded or exchanged (then there is no
    deadline to give)."""
    prefetched = getattr(line, "_prefetched_objects_cache", {}).get("return_requests")
    requests = (
        prefetched
        if prefetched is not None
        else ReturnRequest.objects.filter(line=line).only("state")
    )
    states = {r.state for r in requests if r.state not in RELEASED_STATES}
    if states and states <= {ReturnState.REFUNDED}:
        return _(
            "Every piece of this line was returned and refunded: there is nothing "
            "left to return."
        )
    if states and not states & OPEN_STATES:
        return _(
            "Every piece of this line was already returned or exchanged: there is "
            "nothing left to return."
        )
    return _("Every piece of this line is already under a return request.")


def line_eligibility(*, line: OrderLine, at=None) -> LineEligibility:
    """Whether ``line`` can be returned at ``at`` (default now), for which
    reasons, how many pieces, until when, and if not, why not (translated)."""
    at = at or timezone.now()
    artist_order = line.artist_order
    terms = artist_order.terms or {}
    exchange_allowed = bool(terms.get("accepts_exchanges", False))
    returnable_quantity = max(line.quantity - held_quantity(line=line), 0)

    def refused(
        why: str, *, code: str, change_of_mind_until=None, fault_until=None
    ) -> LineEligibility:
        return LineEligibility(
            can_return=False,
            returnable_quantity=returnable_quantity,
            change_of_mind_until=change_of_mind_until,
            fault_until=fault_until,
            exchange_allowed=exchange_allowed,
            allowed_reasons=frozenset(),
            why_not=why,
            code=code,
        )

    if artist_order.state not in RETURNABLE_ORDER_STATES:
        if artist_order.payment_failed:
            return refused(
                _("The payment was declined: nothing was charged or sent."),
                code="payment_declined",
            )
        if artist_order.state in (ArtistOrderState.REFUSED, ArtistOrderState.CANCELLED):
            return refused(
                _("This order was cancelled and refunded: there is nothing to return."),
                code="cancelled",
            )
        return refused(
            _("This item has not shipped yet: a return is possible once it has."),
            code="not_shipped",
        )
    start = artist_order.delivered_at or artist_order.shipped_at
    if start is None:  # cannot happen for a shipped order; be safe
        return refused(
            _("This item has not shipped yet: a return is possible once it has."),
            code="not_shipped",
        )
    days = window_days(terms)
    fault_until = start + timedelta(days=max(days, GUARANTEE_DAYS))
    change_of_mind_until = None
    if not line.personalised:
        change_of_mind_until = start + timedelta(days=max(days, WITHDRAWAL_DAYS))
    if _refunded_away(artist_order):
        return refused(
            _("This order has been refunded in full: there is nothing left to return."),
            code="refunded",
            change_of_mind_until=change_of_mind_until,
            fault_until=fault_until,
        )
    reasons: set[str] = set()
    if change_of_mind_until is not None and at <= change_of_mind_until:
        reasons |= set(CHANGE_OF_MIND_REASONS)
    if at <= fault_until:
        reasons |= set(ARTIST_FAULT_REASONS)
    if returnable_quantity <= 0:
        return refused(
            _held_why_not(line),
            code="quantity",
            change_of_mind_until=change_of_mind_until,
            fault_until=fault_until,
        )
    if not reasons:
        return refused(
            _("The return period of this item is over."),
            code="period_over",
            change_of_mind_until=change_of_mind_until,
            fault_until=fault_until,
        )
    return LineEligibility(
        can_return=True,
        returnable_quantity=returnable_quantity,
        change_of_mind_until=change_of_mind_until,
        fault_until=fault_until,
        exchange_allowed=exchange_allowed,
        allowed_reasons=frozenset(reasons),
        why_not="",
    )


def reason_refused_text(
    *, line: OrderLine, reason: str, eligibility: LineEligibility
) -> str:
    """Why ``reason`` is not possible for ``line`` now (translated)."""
    if reason in CHANGE_OF_MIND_REASONS and line.personalised:
        return _(
            "This item was personalised for you: it can only be returned if it is "
            "wrong, damaged or not as described."
        )
    if reason in CHANGE_OF_MIND_REASONS:
        return _(
            "The period for returning this item for this reason is over; it can "
            "still be returned if it is wrong, damaged or not as described."
        )
    return eligibility.why_not or _("The return period of this item is over.")
