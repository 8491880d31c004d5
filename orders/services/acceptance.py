"""The artist's answer to a paid artist order: accept it, or refuse it (also
once accepted), and the refusal the system makes when the acceptance
deadline passes. Each service runs the steps of ``steps`` in one
transaction: lock, check who asks, transition, history row, refund, stock
and emails."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from marketplace.errors import Conflict
from marketplace.transitions import clean_text, run_transition

from ..models import (
    ArtistOrder,
    CancellationRequest,
    CancellationStatus,
    Refund,
    RefundReason,
)
from .changes import changed_by_buyer_meanwhile
from .discounts import give_code_use_back_if_unsold
from .history import log_transition, release_stock_of
from .steps import (
    REASON_MAX_LENGTH,
    artist_user_of,
    buyer_of,
    changing,
    conflict,
    email,
    refund_whole,
    require_artist,
)


def artist_order_accept(*, artist_order: ArtistOrder, by) -> ArtistOrder:
    """The artist accepts the order: ``accepted``; the buyer is emailed.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not awaiting acceptance, or the buyer changed it since
        ``artist_order`` was read (the artist accepts what they saw).
    """
    with changing(artist_order, check=require_artist(by)) as locked:
        if changed_by_buyer_meanwhile(artist_order, locked):
            raise Conflict(
                _(
                    "The buyer changed this order meanwhile: please look at it again before accepting."
                ),
                state=locked.state,
            )
        now = timezone.now()
        from_state = run_transition(
            locked, locked.accept, conflict=conflict, saved=("accepted_at",), at=now
        )
        log_transition(
            artist_order=locked,
            from_state=from_state,
            transition="accept",
            by=by,
            at=now,
        )
        email(
            recipient=buyer_of(locked),
            event="order_accepted",
            artist_order=locked,
            dedupe_key=f"order-accepted:{locked.pk}",
        )
    return artist_order


def _refuse(
    *, artist_order: ArtistOrder, by, reason: str, transition: str
) -> Refund | None:
    """Refuse (or time out) a locked artist order: refund the whole of it,
    put the stock back, settle an open cancellation request, email the
    buyer."""
    now = timezone.now()
    from_state = run_transition(
        artist_order,
        getattr(artist_order, transition),
        conflict=conflict,
        saved=("refusal_reason", "closed_at"),
        reason=reason,
        at=now,
    )
    log_transition(
        artist_order=artist_order,
        from_state=from_state,
        transition=transition,
        by=by,
        note=reason,
        at=now,
    )
    refund = refund_whole(
        artist_order=artist_order,
        reason=RefundReason.REFUSAL,
        key=f"refusal:{artist_order.pk}",
        by=by,
        note=reason,
    )
    release_stock_of(artist_orders=[artist_order])
    give_code_use_back_if_unsold(order=artist_order.order)
    accepted = CancellationRequest.objects.filter(
        artist_order=artist_order, status=CancellationStatus.OPEN
    ).update(status=CancellationStatus.ACCEPTED, resolved_at=now)
    email(
        recipient=buyer_of(artist_order),
        event="order_refused",
        artist_order=artist_order,
        dedupe_key=f"order-refused:{artist_order.pk}",
        refund_amount=refund.amount if refund is not None else artist_order.refunded,
        timed_out=transition == "time_out",
        cancellation_accepted=bool(accepted),
    )
    return refund


def artist_order_refuse(*, artist_order: ArtistOrder, by, reason: str) -> ArtistOrder:
    """The artist refuses the order (before or after accepting it):
    ``refused``, the whole artist order (items and its shipping) refunded at
    once, the stock put back, an open cancellation request accepted, the
    buyer emailed with the refund.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not awaiting acceptance nor accepted.
    :raises DomainError: no ``reason`` (field ``reason``).
    """
    with changing(artist_order, check=require_artist(by)) as locked:
        if not can_proceed(locked.refuse):
            raise conflict(locked)
        reason = clean_text(
            reason,
            field="reason",
            max_length=REASON_MAX_LENGTH,
            required=True,
            message=_("Tell the buyer why you refuse this order."),
        )
        _refuse(artist_order=locked, by=by, reason=reason, transition="refuse")
    return artist_order


def artist_order_time_out(*, artist_order: ArtistOrder, now=None) -> ArtistOrder:
    """The acceptance deadline passed (system): ``refused`` as on a refusal
    (refund, stock, buyer email) and the artist told. ``now`` is the time
    the periodic job runs for (default: now).

    :raises Conflict: not awaiting acceptance, or the deadline has not passed.
    """
    with changing(artist_order) as locked:
        if not can_proceed(locked.time_out):
            raise conflict(locked)
        deadline = locked.acceptance_deadline
        if deadline is not None and deadline > (now or timezone.now()):
            raise Conflict(
                _("The acceptance deadline has not passed yet."), state=locked.state
            )
        refund = _refuse(artist_order=locked, by=None, reason="", transition="time_out")
        email(
            recipient=artist_user_of(locked),
            event="order_timed_out",
            artist_order=locked,
            dedupe_key=f"order-timed-out:{locked.pk}",
            refund_amount=refund.amount if refund is not None else locked.refunded,
        )
    return artist_order
