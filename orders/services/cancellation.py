"""The buyer cancelling: one artist order, or the whole order at once. While
the artist has not accepted, the cancellation is instant (refund, stock
back, both emailed); once accepted, it is a cancellation request the artist
answers by refusing the order (which refunds it) or by shipping it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict
from marketplace.transitions import clean_text, run_transition

from ..models import (
    ArtistOrder,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
    Order,
    RefundReason,
    order_status,
)
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
    require_buyer,
)

S = ArtistOrderState


def _cancel_now(*, artist_order: ArtistOrder, by, reason: str, now) -> None:
    """Cancel a locked artist order awaiting acceptance: whole refund, stock
    back, the buyer and the artist emailed."""
    from_state = run_transition(
        artist_order,
        artist_order.cancel,
        conflict=conflict,
        saved=("closed_at",),
        at=now,
    )
    log_transition(
        artist_order=artist_order,
        from_state=from_state,
        transition="cancel",
        by=by,
        note=reason,
        at=now,
    )
    refund = refund_whole(
        artist_order=artist_order,
        reason=RefundReason.CANCELLATION,
        key=f"cancellation:{artist_order.pk}",
        by=by,
        note=reason,
    )
    release_stock_of(artist_orders=[artist_order])
    give_code_use_back_if_unsold(order=artist_order.order)
    email(
        recipient=buyer_of(artist_order),
        event="order_cancelled",
        artist_order=artist_order,
        dedupe_key=f"order-cancelled:{artist_order.pk}",
        refund_amount=refund.amount if refund is not None else artist_order.refunded,
    )
    email(
        recipient=artist_user_of(artist_order),
        event="order_cancelled_by_buyer",
        artist_order=artist_order,
        dedupe_key=f"order-cancelled-by-buyer:{artist_order.pk}",
        reason=reason,
    )


def _request_cancellation(*, artist_order: ArtistOrder, by, reason: str, now) -> bool:
    """File a cancellation request on a locked accepted artist order and
    email the artist; False when one is already open."""
    if CancellationRequest.objects.filter(
        artist_order=artist_order, status=CancellationStatus.OPEN
    ).exists():
        return False
    try:
        with transaction.atomic():
            request = CancellationRequest.objects.create(
                artist_order=artist_order,
                requested_by=by,
                reason=reason,
                created_at=now,
            )
    except IntegrityError:  # a concurrent request got there first
        return False
    log_transition(
        artist_order=artist_order,
        from_state=artist_order.state,
        transition="request_cancellation",
        by=by,
        note=reason,
        at=now,
    )
    email(
        recipient=artist_user_of(artist_order),
        event="cancellation_requested",
        artist_order=artist_order,
        dedupe_key=f"cancellation-requested:{request.pk}",
        reason=reason,
    )
    return True


def cancel_locked(*, artist_order: ArtistOrder, by, reason: str) -> str | None:
    """Cancel (awaiting acceptance) or ask to cancel (accepted) a locked
    artist order: ``"cancelled"`` or ``"requested"``; None when neither is
    possible now."""
    now = timezone.now()
    if artist_order.state == S.AWAITING_ACCEPTANCE:
        _cancel_now(artist_order=artist_order, by=by, reason=reason, now=now)
        return "cancelled"
    if artist_order.state == S.ACCEPTED and _request_cancellation(
        artist_order=artist_order, by=by, reason=reason, now=now
    ):
        return "requested"
    return None


def artist_order_cancel(*, artist_order: ArtistOrder, by, reason: str = "") -> str:
    """The buyer cancels one artist order: ``"cancelled"`` at once while it
    awaits acceptance (whole refund, stock back, both emailed), or
    ``"requested"`` once accepted (a cancellation request; the artist is
    emailed and answers by refusing the order, or by shipping it).

    :raises PermissionDenied: ``by`` is not the buyer.
    :raises Conflict: any other state, or a request already open.
    :raises DomainError: ``reason`` too long.
    """
    with changing(artist_order, check=require_buyer(by)) as locked:
        reason = clean_text(
            reason, field="reason", max_length=REASON_MAX_LENGTH, required=False
        )
        outcome = cancel_locked(artist_order=locked, by=by, reason=reason)
        if outcome is None:
            if locked.state == S.ACCEPTED:
                raise conflict(
                    locked,
                    _(
                        "You have already asked to cancel this order: the artist will answer soon."
                    ),
                )
            raise conflict(locked)
    return outcome


def order_cancel(*, order: Order, by, reason: str = "") -> dict[int, str]:
    """The buyer's "cancel my order": for every artist order of ``order``,
    an instant cancellation or a cancellation request, whichever is possible.
    Returns ``{artist order id: "cancelled" | "requested"}`` for those that
    changed.

    :raises PermissionDenied: ``by`` is not the buyer.
    :raises Conflict: no artist order of the order can be cancelled now
        (``state`` is the order's status).
    """
    with transaction.atomic():
        locked_order = Order.objects.select_for_update().get(pk=order.pk)
        if by is None or locked_order.buyer_id != by.pk:
            raise PermissionDenied(_("Only the buyer of this order can do this."))
        reason = clean_text(
            reason, field="reason", max_length=REASON_MAX_LENGTH, required=False
        )
        artist_orders = list(
            ArtistOrder.objects.select_for_update(of=("self",))
            .select_related("order__buyer", "artist__user")
            .filter(order=locked_order)
            .order_by("id")
        )
        outcomes = {}
        for artist_order in artist_orders:
            outcome = cancel_locked(artist_order=artist_order, by=by, reason=reason)
            if outcome is not None:
                outcomes[artist_order.pk] = outcome
        if not outcomes:
            raise Conflict(
                _("Nothing in this order can be cancelled any more."),
                state=order_status(locked_order),
            )
    return outcomes


def cancellation_request_withdraw(
    *, artist_order: ArtistOrder, by
) -> CancellationRequest:
    """The buyer withdraws its open cancellation request: ``withdrawn``; the
    artist is emailed that the order goes on as usual. The request no
    longer holds the artist's payout nor shows in staff's queue (both read
    open requests only).

    :raises PermissionDenied: ``by`` is not the buyer.
    :raises Conflict: no open cancellation request (never filed, or already
        answered by the artist: refused or shipped).
    """
    with changing(artist_order, check=require_buyer(by)) as locked:
        request = (
            CancellationRequest.objects.select_for_update()
            .filter(artist_order=locked, status=CancellationStatus.OPEN)
            .first()
        )
        if request is None:
            raise conflict(
                locked,
                _("There is no open cancellation request on this order to withdraw."),
            )
        now = timezone.now()
        request.status = CancellationStatus.WITHDRAWN
        request.resolved_at = now
        request.save(update_fields=["status", "resolved_at"])
        log_transition(
            artist_order=locked,
            from_state=locked.state,
            transition="withdraw_cancellation",
            by=by,
            at=now,
        )
        email(
            recipient=artist_user_of(locked),
            event="cancellation_withdrawn",
            artist_order=locked,
            dedupe_key=f"cancellation-withdrawn:{request.pk}",
        )
    return request
