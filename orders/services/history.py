"""The history of artist orders and the stock they hold."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from artists.stock import stock_release
from marketplace.sentences import stored_values

from .. import hooks
from ..models import ArtistOrder, ArtistOrderEvent, OrderLine, Refund, RefundReason

# The system message each history row posts into the artist order's thread
# (rendered from templates/messaging/system/<event>.txt in each reader's
# language). Every transition that writes a history row is listed; a
# transition missing here posts ``order_<transition>``, which falls back to a
# generic sentence until its template exists.
SYSTEM_MESSAGE_EVENTS = {
    "accept": "order_accepted",
    "refuse": "order_refused",
    "time_out": "order_timed_out",
    "cancel": "order_cancelled",
    "request_cancellation": "cancellation_requested",
    "withdraw_cancellation": "cancellation_withdrawn",
    "ship": "order_shipped",
    "confirm_delivery": "order_delivered",
    "complete": "order_completed",
    "report_not_received": "not_received_reported",
    "reship": "order_reshipped",
    "refund_lost": "lost_parcel_refunded",
    "refused_at_customs": "order_refused_at_customs",
    "delay_notified": "order_delayed",
    "staff_refund": "order_refunded",
    "change_lines": "order_lines_changed",
    "change_address": "order_address_changed",
    "change_gift_message": "order_gift_message_changed",
}
# The payment is the birth of the artist order, not a change the two sides
# talk about (the order confirmation and new-order emails announce it), and a
# payment that failed never became an order: the conversation starts with the
# first change after it (accepted, refused, cancelled...).
SILENT_TRANSITIONS = frozenset({"pay", "fail_payment"})


def log_transition(
    *,
    artist_order: ArtistOrder,
    from_state: str,
    transition: str,
    by=None,
    note: str = "",
    note_event: str = "",
    note_values: dict | None = None,
    at=None,
    message_context: dict | None = None,
) -> ArtistOrderEvent:
    """Write the history row of a transition that just ran on ``artist_order``
    (call it in the transaction of the transition; ``by`` None is the system)
    and post its system message into the artist order's thread (created if
    needed), once per history row whatever retries. ``note`` is free text
    a person typed; what the system says is ``note_event`` (a key of
    ``ArtistOrderEvent.NOTE_SENTENCES``) with ``note_values``, written in
    each reader's language when read. ``message_context`` adds to what the
    message shows (JSON-serialisable)."""
    event = ArtistOrderEvent.objects.create(
        artist_order=artist_order,
        from_state=from_state,
        to_state=artist_order.state,
        transition=transition,
        by=by,
        note=note,
        note_event=note_event,
        note_values=stored_values(**(note_values or {})),
        at=at or timezone.now(),
    )
    post_system_message(event=event, artist_order=artist_order, extra=message_context)
    return event


def post_system_message(
    *, event: ArtistOrderEvent, artist_order: ArtistOrder, extra=None
):
    """Announce history row ``event`` to the apps that tell it
    (``hooks.status_changed``: the system message of the artist order's
    thread), unless it is a silent transition. Once per history row: the
    key is the row's id."""
    if event.transition in SILENT_TRANSITIONS:
        return
    hooks.status_changed(
        artist_order=artist_order,
        event=SYSTEM_MESSAGE_EVENTS.get(event.transition, f"order_{event.transition}"),
        context={
            **_message_context(event=event, artist_order=artist_order),
            **(extra or {}),
        },
        dedupe_key=f"artist-order-event:{event.pk}",
    )


def _message_context(*, event: ArtistOrderEvent, artist_order: ArtistOrder) -> dict:
    """What the system message of ``event`` needs, as raw values (it is
    rendered in the reader's language when read)."""
    context = {
        "order_number": artist_order.order.number,
        "transition": event.transition,
        "from_state": event.from_state,
        "to_state": event.to_state,
    }
    if event.transition in ("refuse", "cancel", "request_cancellation"):
        context["reason"] = event.note
    if event.transition in ("ship", "reship"):
        context["carrier"] = artist_order.carrier
        context["tracking_number"] = artist_order.tracking_number
    if event.transition == "refund_lost":
        amount = (
            Refund.objects.filter(
                artist_order=artist_order, reason=RefundReason.LOST_PARCEL
            )
            .order_by("-id")
            .values_list("amount", flat=True)
            .first()
        )
        if amount is not None:
            context["amount"] = str(amount)
    return context


def release_stock_of(*, artist_orders) -> None:
    """Put back the stock held by the lines of ``artist_orders``, one update
    per variant in variant id order (the order checkout takes it in)."""
    quantities: dict[int, int] = defaultdict(int)
    lines = OrderLine.objects.filter(
        artist_order__in=[ao.pk for ao in artist_orders], variant__isnull=False
    )
    for variant_id, quantity in lines.values_list("variant_id", "quantity"):
        quantities[variant_id] += quantity
    for variant_id in sorted(quantities):
        stock_release(variant_id=variant_id, quantity=quantities[variant_id])
