"""The decisions of the orders app that change nothing: shipping zones and
customs, dispatch dates and deadlines, and who may do what to an artist
order now. Pages, services and periodic jobs all decide through these."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from artists.models import Artist
from artists.shipping import (  # noqa: F401 (re-exported)
    DOMESTIC,
    EU,
    EU_COUNTRIES,
    WORLD,
    serves_zone,
    shipping_zone,
)
from marketplace.money import to_money

from .models import (
    ArtistOrder,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
    NotReceivedReport,
    NotReceivedStatus,
)

S = ArtistOrderState


# Shipping ---------------------------------------------------------------------

# The zones and the EU's member states live with the shops' terms
# (artists/shipping.py), which the catalogue's "ships to" filter prices too.


def shipping_fee_for_zone(artist: Artist, zone: str) -> Decimal:
    return to_money(
        {
            DOMESTIC: artist.shipping_domestic,
            EU: artist.shipping_eu,
            WORLD: artist.shipping_world,
        }[zone]
    )


def unserved_destination_problem(artist: Artist, destination: str) -> str:
    """Why ``artist`` cannot deliver to ``destination`` (its terms leave out
    that zone), or "" when it ships there."""
    zone = shipping_zone(origin=artist.country, destination=destination)
    if serves_zone(artist, zone):
        return ""
    return _(
        "%(shop)s does not ship to %(country)s: remove its pieces or choose "
        "another address."
    ) % {"shop": artist.name, "country": countries.name(str(destination).upper())}


def needs_customs_notice(destination: str) -> bool:
    """Deliveries outside the EU may owe import duties and taxes on arrival."""
    return str(destination).upper() not in EU_COUNTRIES


def add_business_days(start: date, days: int) -> date:
    """``start`` plus ``days`` working days (Monday to Friday).

    With 0 days, a weekend start moves to the next Monday.
    """
    day = start
    if days == 0:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day
    added = 0
    while added < days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            added += 1
    return day


def work_start_date(artist: Artist, *, today: date | None = None) -> date:
    """The first day the artist works on a new order: today, or the day after
    the end of a holiday the shop is on today."""
    today = today or timezone.localdate()
    holiday_end = artist.holiday_end_after(today)
    if holiday_end is not None:
        return holiday_end + timedelta(days=1)
    return today


def expected_dispatch_date(artist: Artist, *, today: date | None = None) -> date:
    """When an order placed ``today`` should leave the workshop: the processing
    time in business days, counted from the end of the artist's holiday when
    the shop is on holiday, or pushed after a holiday that starts before."""
    today = today or timezone.localdate()
    start = work_start_date(artist, today=today)
    dispatch = add_business_days(start, artist.processing_days)
    holiday_start, holiday_end = artist.holiday_start_date, artist.holiday_end_date
    if (
        holiday_start
        and holiday_end
        and start == today
        and today < holiday_start <= dispatch
    ):
        dispatch = add_business_days(
            holiday_end + timedelta(days=1), artist.processing_days
        )
    return dispatch


def acceptance_deadline(artist: Artist, *, paid_at: datetime, hours: float) -> datetime:
    """When the artist must have accepted an order paid at ``paid_at``: ``hours``
    after payment, or ``hours`` after the end of a holiday that the shop is on
    or that starts before that deadline (the artist is away meanwhile)."""
    deadline = paid_at + timedelta(hours=hours)
    start, end = artist.holiday_start_date, artist.holiday_end_date
    if (
        start
        and end
        and end >= timezone.localdate(paid_at)
        and start <= timezone.localdate(deadline)
    ):
        back = timezone.make_aware(
            datetime.combine(end + timedelta(days=1), datetime.min.time())
        )
        deadline = back + timedelta(hours=hours)
    return deadline


# Deadlines --------------------------------------------------------------------


def return_period(artist_order: ArtistOrder) -> timedelta:
    """How long after delivery an artist order stays open for returns before
    it is completed: the artist's return window at purchase, and never less
    than the 14 days of the right of withdrawal."""
    try:
        window_days = int(artist_order.terms.get("return_window_days") or 0)
    except (TypeError, ValueError):
        window_days = 0
    return timedelta(days=max(window_days, 14))


def acceptance_reminder_lead() -> timedelta:
    """How long before the acceptance deadline the artist is reminded: a
    day, or half the deadline when the deadline is shorter than two days
    (otherwise the reminder would leave with the order itself)."""
    return min(
        timedelta(days=1), timedelta(hours=settings.ACCEPTANCE_DEADLINE_HOURS) / 2
    )


# Who may do what now -----------------------------------------------------------


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


def crosses_customs(artist_order: ArtistOrder) -> bool:
    """The parcel crossed a customs border (seed 000): sent to another
    country with the shop or the destination outside the EU (reads
    ``artist``, ``order``)."""
    origin = str(artist_order.artist.country).upper()
    destination = str(artist_order.ship_to.country.code).upper()
    if origin == destination:
        return False
    return origin not in EU_COUNTRIES or destination not in EU_COUNTRIES


def customs_refund_base(artist_order: ArtistOrder) -> Decimal:
    """What a parcel refused at customs refunds before the return postage:
    the pieces as paid (after discount; the original shipping is the
    buyer's, seed 000), within what may still be refunded."""
    items = to_money(artist_order.items_total - artist_order.discount)
    return max(min(items, to_money(artist_order.refundable)), Decimal("0.00"))


def is_buyer(artist_order: ArtistOrder, user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and artist_order.order.buyer_id == user.pk
    )


def is_artist_or_staff(artist_order: ArtistOrder, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or artist_order.artist.user_id == user.pk)


def allowed_actions(*, artist_order: ArtistOrder, user, now=None) -> frozenset[str]:
    """What ``user`` may do on ``artist_order`` now, among ``accept, refuse,
    ship, cancel, change, request_cancellation, withdraw_cancellation,
    confirm_delivery, report_not_received, reship, refund_lost,
    refused_at_customs``. Pages show exactly these
    buttons; the services refuse the others anyway."""
    now = now or timezone.now()
    state = artist_order.state
    actions: set[str] = set()
    if is_buyer(artist_order, user):
        if state == S.AWAITING_ACCEPTANCE:
            actions.update({"cancel", "change"})
        elif state == S.ACCEPTED and open_cancellation_request(artist_order) is None:
            actions.add("request_cancellation")
        elif state == S.ACCEPTED:
            actions.add("withdraw_cancellation")
        elif state == S.SHIPPED:
            actions.add("confirm_delivery")
            available_at = not_received_available_at(artist_order)
            if (
                available_at is not None
                and available_at <= now
                and open_not_received_report(artist_order) is None
            ):
                actions.add("report_not_received")
    if is_artist_or_staff(artist_order, user):
        if state == S.AWAITING_ACCEPTANCE:
            actions.update({"accept", "refuse"})
        elif state == S.ACCEPTED:
            actions.update({"refuse", "ship"})
        elif state == S.SHIPPED and open_not_received_report(artist_order) is not None:
            actions.update({"reship", "refund_lost"})
        if state in (S.SHIPPED, S.DELIVERED) and crosses_customs(artist_order):
            actions.add("refused_at_customs")
    return frozenset(actions)
