"""The artist order lifecycle: one function per transition, called by every
door (page, API, admin action, periodic job).

Each one: ``transaction.atomic()``, lock the artist order (the order first
when several artist orders of one order change), check who asks and that the
transition can run now (else ``Conflict`` with the current state), run it,
save, write the history row, the refund, the stock and the outbox rows, all
in that transaction. Callers pass an artist order they already scoped to the
user (``orders.selectors``); it is locked again by its id here.

Who may act: the buyer of the order for buyer actions (cancel, request a
cancellation, confirm delivery, report not received); the artist of the
artist order or staff for artist actions (accept, refuse, ship, ship again,
refund a lost parcel). ``by=None`` is the system (periodic jobs). Anyone
else gets ``PermissionDenied`` (403).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from marketplace.errors import Conflict
from marketplace.notifications.formatting import format_date
from marketplace.notifications.services import notify
from marketplace.transitions import clean_text, clean_tracking, sync_from_locked

from ..emails import artist_order_email_context
from ..models import (
    ArtistOrder,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
    NotReceivedReport,
    NotReceivedStatus,
    Order,
    Refund,
    RefundReason,
)
from .history import log_transition, release_stock_of
from .refunds import refund_create

S = ArtistOrderState

BUYER_ACTIONS = ("cancel", "request_cancellation", "confirm_delivery", "report_not_received")
ARTIST_ACTIONS = ("accept", "refuse", "ship", "reship", "refund_lost")
REASON_MAX_LENGTH = 2000


# Reading ----------------------------------------------------------------------


def not_received_available_at(artist_order: ArtistOrder) -> datetime | None:
    """When the buyer may report a shipped parcel as not received:
    ``settings.NOT_RECEIVED_AFTER_DAYS`` (fractional allowed) after it was
    (last) shipped; None when it is not shipped."""
    if artist_order.state != S.SHIPPED or artist_order.shipped_at is None:
        return None
    return artist_order.shipped_at + timedelta(days=settings.NOT_RECEIVED_AFTER_DAYS)


def is_shipping_overdue(artist_order: ArtistOrder, *, today=None) -> bool:
    """Not shipped yet although the expected dispatch date has passed."""
    if artist_order.state not in (S.AWAITING_ACCEPTANCE, S.ACCEPTED):
        return False
    if artist_order.dispatch_date is None:
        return False
    return artist_order.dispatch_date < (today or timezone.localdate())


def open_cancellation_request(artist_order: ArtistOrder) -> CancellationRequest | None:
    """The open cancellation request of ``artist_order`` (reads prefetched
    ``cancellation_requests`` when there are)."""
    for request in artist_order.cancellation_requests.all():
        if request.status == CancellationStatus.OPEN:
            return request
    return None


def open_not_received_report(artist_order: ArtistOrder) -> NotReceivedReport | None:
    """The open not-received report of ``artist_order`` (reads prefetched
    ``not_received_reports`` when there are)."""
    for report in artist_order.not_received_reports.all():
        if report.status == NotReceivedStatus.OPEN:
            return report
    return None


def _is_buyer(artist_order: ArtistOrder, user) -> bool:
    return bool(user is not None and user.is_authenticated and artist_order.order.buyer_id == user.pk)


def _is_artist_or_staff(artist_order: ArtistOrder, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or artist_order.artist.user_id == user.pk)


def allowed_actions(*, artist_order: ArtistOrder, user, now=None) -> frozenset[str]:
    """What ``user`` may do on ``artist_order`` now, among ``accept, refuse,
    ship, cancel, request_cancellation, confirm_delivery,
    report_not_received, reship, refund_lost``. Pages show exactly these
    buttons; the services refuse the others anyway."""
    now = now or timezone.now()
    state = artist_order.state
    actions: set[str] = set()
    if _is_buyer(artist_order, user):
        if state == S.AWAITING_ACCEPTANCE:
            actions.add("cancel")
        elif state == S.ACCEPTED and open_cancellation_request(artist_order) is None:
            actions.add("request_cancellation")
        elif state == S.SHIPPED:
            actions.add("confirm_delivery")
            available_at = not_received_available_at(artist_order)
            if (
                available_at is not None
                and available_at <= now
                and open_not_received_report(artist_order) is None
            ):
                actions.add("report_not_received")
    if _is_artist_or_staff(artist_order, user):
        if state == S.AWAITING_ACCEPTANCE:
            actions.update({"accept", "refuse"})
        elif state == S.ACCEPTED:
            actions.update({"refuse", "ship"})
        elif state == S.SHIPPED and open_not_received_report(artist_order) is not None:
            actions.update({"reship", "refund_lost"})
    return frozenset(actions)


# Helpers ----------------------------------------------------------------------


def _lock(artist_order: ArtistOrder) -> ArtistOrder:
    return (
        ArtistOrder.objects.select_for_update(of=("self",))
        .select_related("order__buyer", "artist__user")
        .get(pk=artist_order.pk)
    )


def _unchanged(caller: ArtistOrder, locked: ArtistOrder) -> None:
    """The caller decided on the state it read: if another request changed
    it meanwhile, this one lost the race (409), even when the new state
    would allow the action too (accept racing refuse: one wins)."""
    if caller is not locked and caller.state != locked.state:
        raise Conflict(
            _("This order changed meanwhile: it is now “%(state)s”. Please look at it again.")
            % {"state": locked.get_state_display()},
            state=locked.state,
        )


def _sync(caller: ArtistOrder, locked: ArtistOrder) -> None:
    sync_from_locked(caller, locked)


def _conflict(artist_order: ArtistOrder, message=None) -> Conflict:
    if message is None:
        message = _("This order is now “%(state)s”: this action is no longer possible.") % {
            "state": artist_order.get_state_display()
        }
    return Conflict(message, state=artist_order.state)


def _require_buyer(artist_order: ArtistOrder, by) -> None:
    if not _is_buyer(artist_order, by):
        raise PermissionDenied(_("Only the buyer of this order can do this."))


def _require_artist(artist_order: ArtistOrder, by) -> None:
    """The artist of the artist order, staff, or the system (``by=None``)."""
    if by is not None and not _is_artist_or_staff(artist_order, by):
        raise PermissionDenied(_("Only the artist of this order can do this."))


def _buyer(artist_order: ArtistOrder):
    return artist_order.order.buyer


def _artist_user(artist_order: ArtistOrder):
    return artist_order.artist.user


def _notify(*, recipient, event: str, artist_order: ArtistOrder, dedupe_key: str, **extra) -> None:
    notify(
        recipient=recipient,
        event=event,
        context=artist_order_email_context(artist_order=artist_order, recipient=recipient, **extra),
        dedupe_key=dedupe_key,
    )


def _refund_whole(*, artist_order: ArtistOrder, reason: str, key: str, by=None, note: str = "") -> Refund | None:
    """Refund what is left of ``artist_order`` (items and shipping) at once;
    None when nothing is left to refund (a free order, or already refunded)."""
    left = artist_order.paid - artist_order.refunded
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    if left <= 0:
        return None
    return refund_create(
        artist_order=artist_order, amount=left, reason=reason, idempotency_key=key, by=by, note=note
    )


def _save(artist_order: ArtistOrder, *fields: str) -> None:
    artist_order.save(update_fields=["state", *fields, "updated_at"])


# Artist transitions ---------------------------------------------------------------


def artist_order_accept(*, artist_order: ArtistOrder, by) -> ArtistOrder:
    """The artist accepts the order: ``accepted``; the buyer is emailed.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not awaiting acceptance.
    """
    with transaction.atomic():
        caller, artist_order = artist_order, _lock(artist_order)
        _require_artist(artist_order, by)
        _unchanged(caller, artist_order)
        if not can_proceed(artist_order.accept):
            raise _conflict(artist_order)
        from_state = artist_order.state
        now = timezone.now()
        artist_order.accept(at=now)
        _save(artist_order, "accepted_at")
        log_transition(artist_order=artist_order, from_state=from_state, transition="accept", by=by, at=now)
        _notify(
            recipient=_buyer(artist_order),
            event="order_accepted",
            artist_order=artist_order,
            dedupe_key=f"order-accepted:{artist_order.pk}",
        )
    _sync(caller, artist_order)
    return artist_order


def _refuse_locked(
    *, artist_order: ArtistOrder, by, reason: str, transition: str
) -> Refund | None:
    """Refuse (or time out) a locked artist order: refund the whole of it,
    put the stock back, settle an open cancellation request, email the buyer."""
    from_state = artist_order.state
    now = timezone.now()
    if transition == "time_out":
        artist_order.time_out(reason=reason, at=now)
    else:
        artist_order.refuse(reason=reason, at=now)
    _save(artist_order, "refusal_reason", "closed_at")
    log_transition(
        artist_order=artist_order, from_state=from_state, transition=transition, by=by, note=reason, at=now
    )
    refund = _refund_whole(
        artist_order=artist_order,
        reason=RefundReason.REFUSAL,
        key=f"refusal:{artist_order.pk}",
        by=by,
        note=reason,
    )
    release_stock_of(artist_orders=[artist_order])
    request = (
        CancellationRequest.objects.select_for_update()
        .filter(artist_order=artist_order, status=CancellationStatus.OPEN)
        .first()
    )
    if request is not None:
        request.status = CancellationStatus.ACCEPTED
        request.resolved_at = now
        request.save(update_fields=["status", "resolved_at"])
    _notify(
        recipient=_buyer(artist_order),
        event="order_refused",
        artist_order=artist_order,
        dedupe_key=f"order-refused:{artist_order.pk}",
        refund_amount=refund.amount if refund is not None else artist_order.refunded,
        timed_out=transition == "time_out",
        cancellation_accepted=request is not None,
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
    with transaction.atomic():
        caller, artist_order = artist_order, _lock(artist_order)
        _require_artist(artist_order, by)
        _unchanged(caller, artist_order)
        if not can_proceed(artist_order.refuse):
            raise _conflict(artist_order)
        reason = clean_text(
            reason,
            field="reason",
            max_length=REASON_MAX_LENGTH,
            required=True,
            message=_("Tell the buyer why you refuse this order."),
        )
        _refuse_locked(artist_order=artist_order, by=by, reason=reason, transition="refuse")
    _sync(caller, artist_order)
    return artist_order


def artist_order_time_out(*, artist_order: ArtistOrder, now=None) -> ArtistOrder:
    """The acceptance deadline passed (system): ``refused`` as on a refusal
    (refund, stock, buyer email) and the artist told. ``now`` is the time
    the periodic job runs for (default: now).

    :raises Conflict: not awaiting acceptance, or the deadline has not passed.
    """
    with transaction.atomic():
        caller, artist_order = artist_order, _lock(artist_order)
        _unchanged(caller, artist_order)
        if not can_proceed(artist_order.time_out):
            raise _conflict(artist_order)
        deadline = artist_order.acceptance_deadline
        if deadline is not None and deadline > (now or timezone.now()):
            raise Conflict(_("The acceptance deadline has not passed yet."), state=artist_order.state)
        refund = _refuse_locked(artist_order=artist_order, by=None, reason="", transition="time_out")
        _notify(
            recipient=_artist_user(artist_order),
            event="order_timed_out",
            artist_order=artist_order,
            dedupe_key=f"order-timed-out:{artist_order.pk}",
            refund_amount=refund.amount if refund is not None else artist_order.refunded,
        )
    _sync(caller, artist_order)
    return artist_order


def artist_order_ship(*, artist_order: ArtistOrder, by, carrier: str, tracking_number: str) -> ArtistOrder:
    """The artist ships the parcel: ``shipped`` with carrier and tracking
    number; the buyer emailed with the tracking link. An open cancellation
    request is declined and the buyer pointed to returns.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not accepted.
    :raises DomainError: carrier or tracking number missing (one error each).
    """
    with transaction.atomic():
        caller, artist_order = artist_order, _lock(artist_order)
        _require_artist(artist_order, by)
        _unchanged(caller, artist_order)
        if not can_proceed(artist_order.ship):
            raise _conflict(artist_order)
        carrier, tracking_number = clean_tracking(carrier, tracking_number)
        from_state = artist_order.state
        now = timezone.now()
        artist_order.ship(carrier, tracking_number, at=now)
        _save(artist_order, "carrier", "tracking_number", "shipped_at")
        log_transition(
            artist_order=artist_order,
            from_state=from_state,
            transition="ship",
            by=by,
            note=f"{carrier} {tracking_number}",
            at=now,
        )
        buyer = _buyer(artist_order)
        request = (
            CancellationRequest.objects.select_for_update()
            .filter(artist_order=artist_order, status=CancellationStatus.OPEN)
            .first()
        )
        if request is not None:
            request.status = CancellationStatus.DECLINED
            request.resolved_at = now
            request.save(update_fields=["status", "resolved_at"])
            _notify(
                recipient=buyer,
                event="cancellation_declined",
                artist_order=artist_order,
                dedupe_key=f"cancellation-declined:{request.pk}",
            )
        _notify(
            recipient=buyer,
            event="order_shipped",
            artist_order=artist_order,
            dedupe_key=f"order-shipped:{artist_order.pk}",
        )
    _sync(caller, artist_order)
    return artist_order


# Buyer transitions ------------------------------------------------------------------


def _cancel_locked(*, artist_order: ArtistOrder, by, reason: str) -> str | None:
    """Cancel (awaiting acceptance) or ask to cancel (accepted) a locked
    artist order; None when neither is possible now."""
    now = timezone.now()
    if artist_order.state == S.AWAITING_ACCEPTANCE:
        from_state = artist_order.state
        artist_order.cancel(at=now)
        _save(artist_order, "closed_at")
        log_transition(
            artist_order=artist_order, from_state=from_state, transition="cancel", by=by, note=reason, at=now
        )
        refund = _refund_whole(
            artist_order=artist_order,
            reason=RefundReason.CANCELLATION,
            key=f"cancellation:{artist_order.pk}",
            by=by,
            note=reason,
        )
        release_stock_of(artist_orders=[artist_order])
        refund_amount = refund.amount if refund is not None else artist_order.refunded
        _notify(
            recipient=_buyer(artist_order),
            event="order_cancelled",
            artist_order=artist_order,
            dedupe_key=f"order-cancelled:{artist_order.pk}",
            refund_amount=refund_amount,
        )
        _notify(
            recipient=_artist_user(artist_order),
            event="order_cancelled_by_buyer",
            artist_order=artist_order,
            dedupe_key=f"order-cancelled-by-buyer:{artist_order.pk}",
            reason=reason,
        )
        return "cancelled"
    if artist_order.state == S.ACCEPTED:
        if CancellationRequest.objects.filter(
            artist_order=artist_order, status=CancellationStatus.OPEN
        ).exists():
            return None
        try:
            with transaction.atomic():
                request = CancellationRequest.objects.create(
                    artist_order=artist_order, requested_by=by, reason=reason, created_at=now
                )
        except IntegrityError:  # a concurrent request got there first
            return None
        log_transition(
            artist_order=artist_order,
            from_state=artist_order.state,
            transition="request_cancellation",
            by=by,
            note=reason,
            at=now,
        )
        _notify(
            recipient=_artist_user(artist_order),
            event="cancellation_requested",
            artist_order=artist_order,
            dedupe_key=f"cancellation-requested:{request.pk}",
            reason=reason,
        )
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
    with transaction.atomic():
        caller, artist_order = artist_order, _lock(artist_order)
        _require_buyer(artist_order, by)
        _unchanged(caller, artist_order)
        reason = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=False)
        outcome = _cancel_locked(artist_order=artist_order, by=by, reason=reason)
        if outcome is None:
            if artist_order.state == S.ACCEPTED:
                raise _conflict(
                    artist_order,
                    _("You have already asked to cancel this order: the artist will answer soon."),
                )
            raise _conflict(artist_order)
    _sync(caller, artist_order)
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
        reason = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=False)
        artist_orders = list(
            ArtistOrder.objects.select_for_update(of=("self",))
            .select_related("order__buyer", "artist__user")
            .filter(order=locked_order)
            .order_by("id")
        )
        outcomes = {}
        for artist_order in artist_orders:
            outcome = _cancel_locked(artist_order=artist_order, by=by, reason=reason)
            if outcome is not None:
                outcomes[artist_order.pk] = outcome
        if not outcomes:
            from ..selectors import order_status

            raise Conflict(
                _("Nothing in this order can be cancelled any more."),
                state=order_status(locked_order),
            )
    return outcomes


def artist_order_confirm_delivery(*, artist_order: ArtistOrder, by=None) -> ArtistOrder:
    """The buyer (or the system, ``by=None``, after ``AUTO_DELIVERY_DAYS``)
    confirms delivery: ``delivered``; the return window starts; the buyer
    is emailed.

    :raises PermissionDenied: ``by`` is not the buyer.
    :raises Conflict: not shipped.
    """
    with transaction.atomic():
        caller, artist_order = artist_order, _lock(artist_order)
        if by is not None:
            _require_buyer(artist_order, by)
        _unchanged(caller, artist_order)
        if not can_proceed(artist_order.confirm_delivery):
            raise _conflict(artist_order)
        from_state = artist_order.state
        now = timezone.now()
        artist_order.confirm_delivery(at=now)
        _save(artist_order, "delivered_at")
        log_transition(
            artist_order=artist_order,
            from_state=from_state,
            transition="confirm_delivery",
            by=by,
            note="" if by is not None else _("Marked delivered automatically."),
            at=now,
        )
        _notify(
            recipient=_buyer(artist_order),
            event="order_delivered",
            artist_order=artist_order,
            dedupe_key=f"order-delivered:{artist_order.pk}",
            automatic=by is None,
            returns_until=timezone.localdate(now + return_period(artist_order)),
        )
    _sync(caller, artist_order)
    return artist_order


def return_period(artist_order: ArtistOrder) -> timedelta:
    """How long after delivery an artist order stays open for returns before
    it is completed: the artist's return window at purchase, and never less
    than the 14 days of the right of withdrawal."""
    try:
        window_days = int(artist_order.terms.get("return_window_days") or 0)
    except (TypeError, ValueError):
        window_days = 0
    return timedelta(days=max(window_days, 14))


def artist_order_complete(*, artist_order: ArtistOrder) -> ArtistOrder:
    """The return window is over (system): ``completed``, the sale is final.

    :raises Conflict: not delivered.
    """
    with transaction.atomic():
        caller, artist_order = artist_order, _lock(artist_order)
        _unchanged(caller, artist_order)
        if not can_proceed(artist_order.complete):
            raise _conflict(artist_order)
        from_state = artist_order.state
        now = timezone.now()
        artist_order.complete(at=now)
        _save(artist_order, "closed_at")
        log_transition(artist_order=artist_order, from_state=from_state, transition="complete", at=now)
    _sync(caller, artist_order)
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
    with transaction.atomic():
        caller, artist_order = artist_order, _lock(artist_order)
        _require_buyer(artist_order, by)
        _unchanged(caller, artist_order)
        if artist_order.state != S.SHIPPED:
            raise _conflict(artist_order)
        available_at = not_received_available_at(artist_order)
        now = timezone.now()
        if available_at is not None and available_at > now:
            raise _conflict(
                artist_order,
                _("Parcels can take a while: you can report it as not received from %(date)s.")
                % {"date": format_date(available_at)},
            )
        note = clean_text(note, field="note", max_length=REASON_MAX_LENGTH, required=False)
        already = _conflict(
            artist_order, _("You have already reported this parcel: the artist will answer soon.")
        )
        if NotReceivedReport.objects.filter(
            artist_order=artist_order, status=NotReceivedStatus.OPEN
        ).exists():
            raise already
        try:
            with transaction.atomic():
                report = NotReceivedReport.objects.create(
                    artist_order=artist_order, reported_by=by, note=note, created_at=now
                )
        except IntegrityError:
            raise already from None
        log_transition(
            artist_order=artist_order,
            from_state=artist_order.state,
            transition="report_not_received",
            by=by,
            note=note,
            at=now,
        )
        _notify(
            recipient=_artist_user(artist_order),
            event="not_received_reported",
            artist_order=artist_order,
            dedupe_key=f"not-received:{report.pk}",
            note=note,
        )
    _sync(caller, artist_order)
    return report


def _open_report_locked(artist_order: ArtistOrder) -> NotReceivedReport:
    report = (
        NotReceivedReport.objects.select_for_update()
        .filter(artist_order=artist_order, status=NotReceivedStatus.OPEN)
        .first()
    )
    if artist_order.state != S.SHIPPED or report is None:
        raise _conflict(
            artist_order,
            _("The buyer has not reported this parcel as not received.")
            if artist_order.state == S.SHIPPED
            else None,
        )
    return report


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
    with transaction.atomic():
        caller, artist_order = artist_order, _lock(artist_order)
        _require_artist(artist_order, by)
        _unchanged(caller, artist_order)
        report = _open_report_locked(artist_order)
        carrier, tracking_number = clean_tracking(carrier, tracking_number)
        now = timezone.now()
        artist_order.carrier = carrier
        artist_order.tracking_number = tracking_number
        artist_order.shipped_at = now
        artist_order.save(update_fields=["carrier", "tracking_number", "shipped_at", "updated_at"])
        report.status = NotReceivedStatus.RESHIPPED
        report.resolved_at = now
        report.resolved_by = by
        report.save(update_fields=["status", "resolved_at", "resolved_by"])
        log_transition(
            artist_order=artist_order,
            from_state=artist_order.state,
            transition="reship",
            by=by,
            note=f"{carrier} {tracking_number}",
            at=now,
        )
        _notify(
            recipient=_buyer(artist_order),
            event="order_reshipped",
            artist_order=artist_order,
            dedupe_key=f"order-reshipped:{report.pk}",
        )
    _sync(caller, artist_order)
    return artist_order


def artist_order_refund_lost(*, artist_order: ArtistOrder, by) -> Refund:
    """The artist (or staff) refunds a parcel reported as not received: what
    is left of the artist order refunded (reason ``lost_parcel``), the artist
    order closed (``close_lost`` → ``completed``), the report closed as
    refunded, the buyer emailed. The stock is not put back (the parcel left).

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not shipped, no open report, or nothing left to refund.
    """
    with transaction.atomic():
        caller, artist_order = artist_order, _lock(artist_order)
        _require_artist(artist_order, by)
        _unchanged(caller, artist_order)
        report = _open_report_locked(artist_order)
        refund = _refund_whole(
            artist_order=artist_order,
            reason=RefundReason.LOST_PARCEL,
            key=f"lost_parcel:{artist_order.pk}",
            by=by,
            note=report.note,
        )
        if refund is None:
            raise _conflict(artist_order, _("This order has already been refunded in full."))
        from_state = artist_order.state
        now = timezone.now()
        artist_order.close_lost(at=now)
        _save(artist_order, "closed_at")
        report.status = NotReceivedStatus.REFUNDED
        report.resolved_at = now
        report.resolved_by = by
        report.save(update_fields=["status", "resolved_at", "resolved_by"])
        log_transition(
            artist_order=artist_order,
            from_state=from_state,
            transition="refund_lost",
            by=by,
            note=_("Parcel lost: %(amount)s € refunded.") % {"amount": refund.amount},
            at=now,
        )
        _notify(
            recipient=_buyer(artist_order),
            event="lost_parcel_refunded",
            artist_order=artist_order,
            dedupe_key=f"lost-parcel-refunded:{artist_order.pk}",
            refund_amount=refund.amount,
        )
    _sync(caller, artist_order)
    return refund


# System notices (periodic jobs) ---------------------------------------------------------


def acceptance_reminder_lead() -> timedelta:
    """How long before the acceptance deadline the artist is reminded: a
    day, or half the deadline when the deadline is shorter than two days
    (otherwise the reminder would leave with the order itself)."""
    return min(timedelta(days=1), timedelta(hours=settings.ACCEPTANCE_DEADLINE_HOURS) / 2)


def artist_order_remind_acceptance(*, artist_order: ArtistOrder, now=None) -> bool:
    """Remind the artist, once, to accept or refuse before the deadline.
    False when it was already reminded, is no longer awaiting acceptance or
    the deadline has passed."""
    now = now or timezone.now()
    with transaction.atomic():
        artist_order = _lock(artist_order)
        if (
            artist_order.state != S.AWAITING_ACCEPTANCE
            or artist_order.acceptance_reminder_sent_at is not None
            or artist_order.acceptance_deadline is None
            or artist_order.acceptance_deadline <= now
        ):
            return False
        artist_order.acceptance_reminder_sent_at = now
        artist_order.save(update_fields=["acceptance_reminder_sent_at", "updated_at"])
        _notify(
            recipient=_artist_user(artist_order),
            event="acceptance_reminder",
            artist_order=artist_order,
            dedupe_key=f"acceptance-reminder:{artist_order.pk}",
        )
    return True


def artist_order_notify_delay(*, artist_order: ArtistOrder, today=None) -> bool:
    """Tell the buyer, once, that the parcel has not left by the expected
    dispatch date (a history row records it). False when already told or
    no longer overdue."""
    now = timezone.now()
    with transaction.atomic():
        artist_order = _lock(artist_order)
        if artist_order.delay_notified_at is not None or not is_shipping_overdue(
            artist_order, today=today
        ):
            return False
        artist_order.delay_notified_at = now
        artist_order.save(update_fields=["delay_notified_at", "updated_at"])
        log_transition(
            artist_order=artist_order,
            from_state=artist_order.state,
            transition="delay_notified",
            note=_("Not dispatched by the expected date: the buyer was told."),
            at=now,
        )
        _notify(
            recipient=_buyer(artist_order),
            event="order_delayed",
            artist_order=artist_order,
            dedupe_key=f"order-delayed:{artist_order.pk}",
        )
    return True
