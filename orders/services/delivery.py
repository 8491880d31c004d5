"""From the workshop to the buyer: the artist ships, the buyer (or the
system) confirms delivery, the system completes the sale once the return
period is over; a parcel that does not arrive is reported by the buyer and
shipped again or refunded by the artist (or staff)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from marketplace.errors import Conflict
from marketplace.notifications.formatting import format_date
from marketplace.transitions import clean_text, clean_tracking, run_transition

from ..models import (
    ArtistOrder,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
    NotReceivedReport,
    NotReceivedStatus,
    Refund,
    RefundReason,
)
from ..rules import not_received_available_at, return_period
from .history import log_transition
from .steps import (
    REASON_MAX_LENGTH,
    artist_user_of,
    buyer_of,
    changing,
    conflict,
    email,
    refund_whole,
    require_artist,
    require_buyer,
)

S = ArtistOrderState


class CancellationRequestOpen(Conflict):
    """Shipping while the buyer's cancellation request is open, unconfirmed
    (a 409; the API names its confirmation field)."""


SHIP_OVER_CANCELLATION = gettext_lazy(
    "The buyer asked to cancel this order. Shipping it declines their "
    "request: confirm that you ship anyway, or refuse the order to refund "
    "the buyer."
)


def artist_order_ship(
    *,
    artist_order: ArtistOrder,
    by,
    carrier: str,
    tracking_number: str,
    decline_cancellation: bool = True,
) -> ArtistOrder:
    """The artist ships the parcel: ``shipped`` with carrier and tracking
    number; the buyer emailed with the tracking link. An open cancellation
    request is declined and the buyer pointed to returns, provided
    ``decline_cancellation`` (the dashboard and the API pass what the artist
    confirmed: nobody declines a buyer's request unawares).

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not accepted; or a cancellation request is open and
        ``decline_cancellation`` is false (nothing changes).
    :raises DomainError: carrier or tracking number missing (one error each).
    """
    with changing(artist_order, check=require_artist(by)) as locked:
        if not can_proceed(locked.ship):
            raise conflict(locked)
        request = (
            CancellationRequest.objects.select_for_update()
            .filter(artist_order=locked, status=CancellationStatus.OPEN)
            .first()
        )
        if request is not None and not decline_cancellation:
            raise CancellationRequestOpen(SHIP_OVER_CANCELLATION, state=locked.state)
        carrier, tracking_number = clean_tracking(carrier, tracking_number)
        now = timezone.now()
        from_state = run_transition(
            locked,
            locked.ship,
            conflict=conflict,
            saved=("carrier", "tracking_number", "shipped_at"),
            carrier=carrier,
            tracking_number=tracking_number,
            at=now,
        )
        log_transition(
            artist_order=locked,
            from_state=from_state,
            transition="ship",
            by=by,
            note=f"{carrier} {tracking_number}",
            at=now,
        )
        if request is not None:
            request.status = CancellationStatus.DECLINED
            request.resolved_at = now
            request.save(update_fields=["status", "resolved_at"])
            email(
                recipient=buyer_of(locked),
                event="cancellation_declined",
                artist_order=locked,
                dedupe_key=f"cancellation-declined:{request.pk}",
            )
        email(
            recipient=buyer_of(locked),
            event="order_shipped",
            artist_order=locked,
            dedupe_key=f"order-shipped:{locked.pk}",
        )
    return artist_order


def confirm_delivery_locked(
    *, artist_order: ArtistOrder, by, note: str = "", note_event: str = ""
) -> None:
    """Mark a locked shipped artist order ``delivered`` (the return window
    starts) and email the buyer."""
    now = timezone.now()
    from_state = run_transition(
        artist_order,
        artist_order.confirm_delivery,
        conflict=conflict,
        saved=("delivered_at",),
        at=now,
    )
    log_transition(
        artist_order=artist_order,
        from_state=from_state,
        transition="confirm_delivery",
        by=by,
        note=note,
        note_event=note_event,
        at=now,
    )
    email(
        recipient=buyer_of(artist_order),
        event="order_delivered",
        artist_order=artist_order,
        dedupe_key=f"order-delivered:{artist_order.pk}",
        automatic=by is None,
        returns_until=timezone.localdate(now + return_period(artist_order)),
    )


def artist_order_confirm_delivery(*, artist_order: ArtistOrder, by=None) -> ArtistOrder:
    """The buyer (or the system, ``by=None``, after ``AUTO_DELIVERY_DAYS``)
    confirms delivery: ``delivered``; the return window starts; the buyer
    is emailed.

    :raises PermissionDenied: ``by`` is not the buyer.
    :raises Conflict: not shipped.
    """
    check = require_buyer(by) if by is not None else None
    with changing(artist_order, check=check) as locked:
        confirm_delivery_locked(
            artist_order=locked,
            by=by,
            note_event="" if by is not None else "delivered_automatically",
        )
    return artist_order


def artist_order_complete(*, artist_order: ArtistOrder) -> ArtistOrder:
    """The return window is over (system): ``completed``, the sale is final.

    :raises Conflict: not delivered.
    """
    with changing(artist_order) as locked:
        now = timezone.now()
        from_state = run_transition(
            locked, locked.complete, conflict=conflict, saved=("closed_at",), at=now
        )
        log_transition(
            artist_order=locked, from_state=from_state, transition="complete", at=now
        )
    return artist_order


# Not received -------------------------------------------------------------------------


def artist_order_report_not_received(
    *, artist_order: ArtistOrder, by, note: str = ""
) -> NotReceivedReport:
    """The buyer reports a shipped parcel as not received, once
    ``not_received_available_at`` has passed; the artist is emailed.

    :raises PermissionDenied: ``by`` is not the buyer.
    :raises Conflict: not shipped, too early, or already reported.
    :raises DomainError: ``note`` too long.
    """
    with changing(artist_order, check=require_buyer(by)) as locked:
        if locked.state != S.SHIPPED:
            raise conflict(locked)
        available_at = not_received_available_at(locked)
        now = timezone.now()
        if available_at is not None and available_at > now:
            raise conflict(
                locked,
                _(
                    "Parcels can take a while: you can report it as not received from %(date)s."
                )
                % {"date": format_date(available_at)},
            )
        note = clean_text(
            note, field="note", max_length=REASON_MAX_LENGTH, required=False
        )
        already = conflict(
            locked,
            _("You have already reported this parcel: the artist will answer soon."),
        )
        if NotReceivedReport.objects.filter(
            artist_order=locked, status=NotReceivedStatus.OPEN
        ).exists():
            raise already
        try:
            with transaction.atomic():
                report = NotReceivedReport.objects.create(
                    artist_order=locked, reported_by=by, note=note, created_at=now
                )
        except IntegrityError:
            raise already from None
        log_transition(
            artist_order=locked,
            from_state=locked.state,
            transition="report_not_received",
            by=by,
            note=note,
            at=now,
        )
        email(
            recipient=artist_user_of(locked),
            event="not_received_reported",
            artist_order=locked,
            dedupe_key=f"not-received:{report.pk}",
            note=note,
        )
    return report


def _open_report(artist_order: ArtistOrder) -> NotReceivedReport:
    """The open not-received report of a locked shipped artist order, locked.

    :raises Conflict: not shipped, or no open report.
    """
    report = (
        NotReceivedReport.objects.select_for_update()
        .filter(artist_order=artist_order, status=NotReceivedStatus.OPEN)
        .first()
    )
    if artist_order.state != S.SHIPPED or report is None:
        raise conflict(
            artist_order,
            _("The buyer has not reported this parcel as not received.")
            if artist_order.state == S.SHIPPED
            else None,
        )
    return report


def _close_report(report: NotReceivedReport, *, status: str, by, at) -> None:
    report.status = status
    report.resolved_at = at
    report.resolved_by = by
    report.save(update_fields=["status", "resolved_at", "resolved_by"])


def artist_order_reship(
    *, artist_order: ArtistOrder, by, carrier: str, tracking_number: str
) -> ArtistOrder:
    """The artist (or staff) ships a parcel reported as not received again,
    with a new tracking number: it stays ``shipped``, ``shipped_at`` starts
    again, the report is closed as reshipped, the buyer is emailed.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not shipped, or no open not-received report.
    :raises DomainError: carrier or tracking number missing.
    """
    with changing(artist_order, check=require_artist(by)) as locked:
        report = _open_report(locked)
        carrier, tracking_number = clean_tracking(carrier, tracking_number)
        now = timezone.now()
        locked.carrier = carrier
        locked.tracking_number = tracking_number
        locked.shipped_at = now
        locked.save(
            update_fields=["carrier", "tracking_number", "shipped_at", "updated_at"]
        )
        _close_report(report, status=NotReceivedStatus.RESHIPPED, by=by, at=now)
        log_transition(
            artist_order=locked,
            from_state=locked.state,
            transition="reship",
            by=by,
            note=f"{carrier} {tracking_number}",
            at=now,
        )
        email(
            recipient=buyer_of(locked),
            event="order_reshipped",
            artist_order=locked,
            dedupe_key=f"order-reshipped:{report.pk}",
        )
    return artist_order


def artist_order_refund_lost(*, artist_order: ArtistOrder, by) -> Refund:
    """The artist (or staff) refunds a parcel reported as not received: what
    is left of the artist order refunded (reason ``lost_parcel``), the artist
    order closed (``close_lost`` → ``completed``), the report closed as
    refunded, the buyer emailed. The stock is not put back (the parcel left).

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not shipped, no open report, or nothing left to refund.
    """
    with changing(artist_order, check=require_artist(by)) as locked:
        report = _open_report(locked)
        refund = refund_whole(
            artist_order=locked,
            reason=RefundReason.LOST_PARCEL,
            key=f"lost_parcel:{locked.pk}",
            by=by,
            note=report.note,
        )
        if refund is None:
            raise conflict(locked, _("This order has already been refunded in full."))
        now = timezone.now()
        from_state = run_transition(
            locked, locked.close_lost, conflict=conflict, saved=("closed_at",), at=now
        )
        _close_report(report, status=NotReceivedStatus.REFUNDED, by=by, at=now)
        log_transition(
            artist_order=locked,
            from_state=from_state,
            transition="refund_lost",
            by=by,
            note_event="lost_parcel_refunded",
            note_values={"amount": refund.amount},
            at=now,
        )
        email(
            recipient=buyer_of(locked),
            event="lost_parcel_refunded",
            artist_order=locked,
            dedupe_key=f"lost-parcel-refunded:{locked.pk}",
            refund_amount=refund.amount,
        )
    return refund
