"""Periodic jobs of the orders app (listed in ``marketplace/jobs.py``).

Each takes an optional ``now`` (the time it runs for; tests pass one), calls
one service per artist order, is idempotent, and returns how many artist
orders (or refunds) it changed. Deadlines come from settings and may be
fractional. A row changed meanwhile by someone else (a ``Conflict``) is
skipped: the next run sees its new state.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django_fsm import ConcurrentTransition

from marketplace.errors import Conflict
from marketplace.notifications.models import Notification

from . import hooks
from .models import (
    ArtistOrder,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
    NotReceivedStatus,
)
from .rules import acceptance_reminder_lead, return_period
from .services import (
    artist_order_complete,
    artist_order_confirm_delivery,
    artist_order_notify_delay,
    artist_order_remind_acceptance,
    artist_order_time_out,
    retry_pending_refunds_due,
)
from .services.payment import fail_stale_payments_before, stale_payment_cutoff
from .services.reminders import cancellation_request_remind

logger = logging.getLogger(__name__)
S = ArtistOrderState
# The shortest return period (right of withdrawal): no delivered artist
# order can be completed sooner, so older ones are the only candidates.
MIN_RETURN_PERIOD = timedelta(days=14)


def fail_stale_payments() -> int:
    """Cancel artist orders stuck in ``awaiting_payment`` for longer than
    ``settings.PAYMENT_TIMEOUT_MINUTES`` (a crash between reserving the stock
    and recording the payment): ``fail_payment`` with a history row, stock
    released, the discount code's use given back. Returns how many artist
    orders were cancelled; running it again changes nothing."""
    return fail_stale_payments_before(cutoff=stale_payment_cutoff())


BATCH = 500


def _each(queryset, action) -> int:
    done = 0
    # A list, not a cursor: each service commits its own transaction. What
    # is left beyond the batch waits for the next run.
    for artist_order in list(queryset.order_by("id")[:BATCH]):
        try:
            if action(artist_order) is not False:
                done += 1
        except (Conflict, ConcurrentTransition):
            continue  # changed meanwhile (the artist answered): nothing to do
    return done


def remind_acceptance_deadlines(*, now=None) -> int:
    """Remind each artist, once, of an order still awaiting acceptance whose
    deadline is less than a day away (``acceptance_reminder_lead``)."""
    now = now or timezone.now()
    due = ArtistOrder.objects.filter(
        state=S.AWAITING_ACCEPTANCE,
        acceptance_reminder_sent_at__isnull=True,
        acceptance_deadline__gt=now,
        acceptance_deadline__lte=now + acceptance_reminder_lead(),
    )
    return _each(
        due, lambda ao: artist_order_remind_acceptance(artist_order=ao, now=now)
    )


def refuse_overdue_acceptances(*, now=None) -> int:
    """Refuse (``time_out``) every artist order not accepted by its deadline:
    refunded in full, stock back, buyer and artist emailed."""
    now = now or timezone.now()
    due = ArtistOrder.objects.filter(
        state=S.AWAITING_ACCEPTANCE, acceptance_deadline__lte=now
    )
    return _each(due, lambda ao: artist_order_time_out(artist_order=ao, now=now))


def auto_confirm_deliveries(*, now=None) -> int:
    """Mark ``delivered`` what was shipped ``settings.AUTO_DELIVERY_DAYS`` ago
    (or shipped again that long ago), unless the buyer reported it as not
    received and the artist has not answered."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AUTO_DELIVERY_DAYS)
    due = ArtistOrder.objects.filter(state=S.SHIPPED, shipped_at__lte=cutoff).exclude(
        not_received_reports__status=NotReceivedStatus.OPEN
    )
    return _each(
        due, lambda ao: artist_order_confirm_delivery(artist_order=ao, by=None)
    )


def complete_finished_orders(*, now=None) -> int:
    """Complete delivered artist orders whose return period is over: the
    artist's return window at purchase, at least 14 days (``return_period``),
    and nothing holding the sale back (``hooks.completion_holds``: a return
    request still running; its payout waits for it)."""
    now = now or timezone.now()
    candidates = ArtistOrder.objects.filter(
        state=S.DELIVERED, delivered_at__lte=now - MIN_RETURN_PERIOD
    )
    for held in hooks.completion_holds():
        candidates = candidates.exclude(held)

    def complete(artist_order):
        if artist_order.delivered_at + return_period(artist_order) > now:
            return False
        return artist_order_complete(artist_order=artist_order)

    return _each(candidates, complete)


def flag_overdue_shipping(*, now=None) -> int:
    """Tell the buyer, once, of each artist order not shipped by its expected
    dispatch date (the dashboard flags them with ``is_shipping_overdue``)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = ArtistOrder.objects.filter(
        state__in=[S.AWAITING_ACCEPTANCE, S.ACCEPTED],
        dispatch_date__lt=today,
        delay_notified_at__isnull=True,
    )
    return _each(
        due, lambda ao: artist_order_notify_delay(artist_order=ao, today=today)
    )


def retry_pending_refunds(*, now=None) -> int:
    """Ask the provider again for every pending refund whose back-off is over
    (or whose task was lost). Returns how many were tried."""
    return retry_pending_refunds_due(now=now)


def remind_cancellation_requests(*, now=None) -> int:
    """Remind the artist, once, of each cancellation request left open for
    half of ``STAFF_CANCELLATION_WAIT_HOURS``: after that wait it shows in
    staff's escalation queue (the consequence; staff may refuse the order
    from the admin)."""
    now = now or timezone.now()
    wait = timedelta(
        hours=float(getattr(settings, "STAFF_CANCELLATION_WAIT_HOURS", 24))
    )
    reminded = Notification.objects.filter(
        dedupe_key=Concat(
            Value("cancellation-reminder:"), Cast(OuterRef("pk"), CharField())
        )
    )
    due = (
        CancellationRequest.objects.filter(
            status=CancellationStatus.OPEN,
            created_at__lte=now - wait / 2,
            created_at__gt=now - wait,
        )
        .exclude(Exists(reminded))
        .select_related("artist_order")
        .order_by("created_at", "id")
    )
    done = 0
    for request in list(due[:BATCH]):
        if cancellation_request_remind(
            request=request, deadline=request.created_at + wait, now=now
        ):
            done += 1
    return done
