"""Notices the periodic jobs send once about an artist order that waits: the
artist reminded to answer before the acceptance deadline, the buyer told
that the parcel has not left by the expected dispatch date."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import (
    ArtistOrder,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
)
from ..rules import is_shipping_overdue
from .history import log_transition
from .steps import artist_user_of, buyer_of, email, lock


def artist_order_remind_acceptance(*, artist_order: ArtistOrder, now=None) -> bool:
    """Remind the artist, once, to accept or refuse before the deadline.
    False when it was already reminded, is no longer awaiting acceptance or
    the deadline has passed."""
    now = now or timezone.now()
    with transaction.atomic():
        artist_order = lock(artist_order)
        if (
            artist_order.state != ArtistOrderState.AWAITING_ACCEPTANCE
            or artist_order.acceptance_reminder_sent_at is not None
            or artist_order.acceptance_deadline is None
            or artist_order.acceptance_deadline <= now
        ):
            return False
        artist_order.acceptance_reminder_sent_at = now
        artist_order.save(update_fields=["acceptance_reminder_sent_at", "updated_at"])
        email(
            recipient=artist_user_of(artist_order),
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
        artist_order = lock(artist_order)
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
            note_event="dispatch_delayed",
            at=now,
        )
        email(
            recipient=buyer_of(artist_order),
            event="order_delayed",
            artist_order=artist_order,
            dedupe_key=f"order-delayed:{artist_order.pk}",
        )
    return True


def cancellation_reminder_key(request: CancellationRequest) -> str:
    """The outbox key of the one reminder of a cancellation request."""
    return f"cancellation-reminder:{request.pk}"


def cancellation_request_remind(
    *, request: CancellationRequest, deadline, now=None
) -> bool:
    """Remind the artist, once, of an open cancellation request before
    ``deadline`` (when it goes to the marketplace team): refuse the order
    (the buyer is refunded) or ship it. The outbox row is the record. False
    when the request is no longer open or the deadline has passed."""
    now = now or timezone.now()
    with transaction.atomic():
        artist_order = lock(request.artist_order)
        request = CancellationRequest.objects.get(pk=request.pk)
        if request.status != CancellationStatus.OPEN or deadline <= now:
            return False
        email(
            recipient=artist_user_of(artist_order),
            event="cancellation_reminder",
            artist_order=artist_order,
            dedupe_key=cancellation_reminder_key(request),
            reason=request.reason,
            deadline=deadline,
        )
    return True
