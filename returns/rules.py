"""The decisions of the returns app that change nothing: deadlines, who
pays the return postage, what a return refunds, and who may do what to a
request now. Pages, services and periodic jobs all decide through these;
whether a line can be returned at all is ``eligibility``'s."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from marketplace.money import ZERO, to_money
from orders.models import OrderLine

from .eligibility import held_quantity
from .models import (
    ARTIST_FAULT_REASONS,
    RELEASED_STATES,
    ReturnKind,
    ReturnRequest,
    ReturnState,
    add_business_days,
)
from .postage import items_refund, request_deduction

R = ReturnState

# Requests whose pieces do not come back for a refund: they do not count
# towards "the whole artist order comes back".
NOT_COMING_BACK = RELEASED_STATES | {R.REPLACEMENT_SHIPPED}


def answer_due_at(return_request: ReturnRequest) -> dt.datetime:
    """When a request left unanswered escalates by itself (and the buyer may
    escalate it): ``settings.RETURN_ANSWER_DAYS`` (fractional allowed)
    after it was made."""
    return return_request.created_at + dt.timedelta(days=settings.RETURN_ANSWER_DAYS)


def ship_back_due_at(return_request: ReturnRequest) -> dt.datetime | None:
    """Until when an accepted request may be sent back before it expires:
    ``settings.RETURN_SHIP_BACK_DAYS`` after acceptance, or the end of the
    artist's deadline when that is later. None before acceptance."""
    if return_request.answered_at is None or return_request.state == R.REJECTED:
        return None
    due = return_request.answered_at + dt.timedelta(days=settings.RETURN_SHIP_BACK_DAYS)
    deadline = return_request.ship_back_deadline
    if deadline is not None:
        end_of_deadline = timezone.make_aware(
            dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time.min)
        )
        due = max(due, end_of_deadline)
    return due


def receive_due_at(return_request: ReturnRequest) -> dt.datetime | None:
    """Until when the artist may mark a parcel sent back received before
    the request passes to staff: ``settings.RETURN_RECEIVE_DAYS`` after it
    was sent back. None when it was not sent back."""
    if return_request.shipped_back_at is None:
        return None
    return return_request.shipped_back_at + dt.timedelta(
        days=settings.RETURN_RECEIVE_DAYS
    )


def refund_due_at(return_request: ReturnRequest) -> dt.datetime | None:
    """When the refund (or the replacement) of a received return is due:
    ``settings.REFUND_DUE_BUSINESS_DAYS`` business days after the artist
    marked it received (seed 002). Later, it shows in staff's queue as late.
    None before reception."""
    if return_request.received_at is None:
        return None
    return return_request.refund_due_at or add_business_days(
        return_request.received_at, settings.REFUND_DUE_BUSINESS_DAYS
    )


def refund_escalation_at(return_request: ReturnRequest) -> dt.datetime | None:
    """When a received return still not refunded (nor its replacement
    shipped) passes to staff: ``settings.RETURN_RECEIVE_DAYS`` after
    reception."""
    if return_request.received_at is None:
        return None
    return return_request.received_at + dt.timedelta(days=settings.RETURN_RECEIVE_DAYS)


def stuck_due_at(return_request: ReturnRequest) -> dt.datetime | None:
    """When a request waiting on the artist after the buyer sent it back
    escalates (by the periodic job, or the buyer): ``receive_due_at`` in
    ``in_transit``, ``refund_escalation_at`` in ``received``; None in the
    other states."""
    if return_request.state == R.IN_TRANSIT:
        return receive_due_at(return_request)
    if return_request.state == R.RECEIVED:
        return refund_escalation_at(return_request)
    return None


def is_refund_late(return_request: ReturnRequest, now=None) -> bool:
    """A received request whose refund (or replacement) is past its due
    date."""
    due = refund_due_at(return_request)
    return (
        return_request.state == R.RECEIVED
        and due is not None
        and due <= (now or timezone.now())
    )


def escalated_when_stuck(return_request: ReturnRequest) -> bool:
    """The request reached staff after the buyer sent the piece back (not
    received or not refunded in time): accepting it again makes no sense,
    staff refund or close it."""
    return (
        return_request.shipped_back_at is not None
        or return_request.received_at is not None
    )


# The state a request waits in → who is reminded before its deadline.
REMINDED = {
    R.REQUESTED: "artist",
    R.ACCEPTED: "buyer",
    R.IN_TRANSIT: "artist",
    R.RECEIVED: "artist",
}


def waiting_deadline(return_request: ReturnRequest):
    """``(since, deadline)`` of the state ``return_request`` waits in: the
    answer, the parcel sent back, its reception, its refund (the first
    deadline of ``received``, the refund's due date); None when nothing
    waits on someone."""
    rr = return_request
    if rr.state == R.REQUESTED:
        return rr.created_at, answer_due_at(rr)
    if rr.state == R.ACCEPTED and rr.answered_at is not None:
        return rr.answered_at, ship_back_due_at(rr)
    if rr.state == R.IN_TRANSIT and rr.shipped_back_at is not None:
        return rr.shipped_back_at, receive_due_at(rr)
    if rr.state == R.RECEIVED and rr.received_at is not None:
        return rr.received_at, refund_due_at(rr)
    return None


def reminder_lead(span: dt.timedelta) -> dt.timedelta:
    """How long before a deadline ``span`` after the start of a wait the
    reminder goes: ``settings.RETURN_REMINDER_DAYS``, at most half the
    wait."""
    return min(dt.timedelta(days=settings.RETURN_REMINDER_DAYS), span / 2)


def reminder_due_at(return_request: ReturnRequest) -> dt.datetime | None:
    """When the one reminder of the state ``return_request`` waits in is
    due (None when nothing waits, or it was sent for this state)."""
    if return_request.reminded_state == return_request.state:
        return None
    window = waiting_deadline(return_request)
    if window is None or window[1] is None:
        return None
    since, deadline = window
    return deadline - reminder_lead(deadline - since)


def postage_paid_by_artist(return_request: ReturnRequest) -> bool:
    """Return postage is the buyer's unless the terms or an artist-fault
    reason say otherwise."""
    terms = return_request.artist_order.terms or {}
    return (
        terms.get("return_postage_paid_by") == "artist"
        or return_request.reason in ARTIST_FAULT_REASONS
    )


def whole_order_comes_back(return_request: ReturnRequest) -> bool:
    """Every piece of every line of the artist order is under this request
    or another one that brings it back."""
    artist_order_id = return_request.artist_order_id
    held: dict[int, int] = {}
    others = (
        ReturnRequest.objects.filter(artist_order_id=artist_order_id)
        .exclude(state__in=NOT_COMING_BACK)
        .exclude(pk=return_request.pk)
        .values_list("line_id", "quantity")
    )
    for line_id, quantity in others:
        held[line_id] = held.get(line_id, 0) + quantity
    held[return_request.line_id] = (
        held.get(return_request.line_id, 0) + return_request.quantity
    )
    lines = OrderLine.objects.filter(artist_order_id=artist_order_id).values_list(
        "id", "quantity"
    )
    return all(held.get(line_id, 0) >= quantity for line_id, quantity in lines)


def includes_shipping(return_request: ReturnRequest) -> bool:
    """The original delivery cost is refunded with this request: the terms or
    an artist-fault reason say so, the whole artist order comes back, and no
    other request of it has had the shipping refunded already."""
    artist_order = return_request.artist_order
    terms = artist_order.terms or {}
    if artist_order.shipping_fee <= 0:
        return False
    if not (
        terms.get("refunds_original_shipping")
        or return_request.reason in ARTIST_FAULT_REASONS
    ):
        return False
    already = (
        ReturnRequest.objects.filter(
            artist_order_id=artist_order.pk, refund_includes_shipping=True
        )
        .exclude(pk=return_request.pk)
        .exists()
    )
    return not already and whole_order_comes_back(return_request)


def return_refund_amount(return_request: ReturnRequest) -> Decimal:
    """What the return of ``return_request`` refunds by default: the unit
    price times the quantity (less its share of a discount the artist order
    had), plus the artist order's shipping fee when the terms or an
    artist-fault reason say so and the whole artist order comes back, less
    the free-shipping postage when what the buyer keeps falls under the
    threshold (``returns.postage``); never more than what may still be
    refunded on the artist order."""
    return refund_breakdown(return_request)["amount"]


def refund_breakdown(return_request: ReturnRequest, *, forecast: bool = False) -> dict:
    """``return_refund_amount`` in its parts: ``items`` (the pieces, less
    their share of a discount), ``shipping`` (the original shipping when
    due), ``deduction`` (the free-shipping postage, ``returns.postage``;
    ``forecast`` counts every running return as coming back) and
    ``amount``."""
    rr = return_request
    artist_order = rr.artist_order
    items = items_refund(
        artist_order=artist_order, unit_price=rr.line.unit_price, quantity=rr.quantity
    )
    shipping = artist_order.shipping_fee if includes_shipping(rr) else ZERO
    deduction = request_deduction(rr, items=items, forecast=forecast).amount
    amount = max(
        min(to_money(items + shipping - deduction), to_money(artist_order.refundable)),
        ZERO,
    )
    return {
        "items": items,
        "shipping": shipping,
        "deduction": deduction,
        "amount": amount,
    }


def is_buyer(return_request: ReturnRequest, user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and return_request.buyer_id == user.pk
    )


def is_artist(return_request: ReturnRequest, user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and return_request.artist_order.artist.user_id == user.pk
    )


def is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


def allowed_return_actions(
    *, return_request: ReturnRequest, user, now=None
) -> frozenset[str]:
    """What ``user`` may do on ``return_request`` now, among ``accept,
    reject, ship_back, receive, refund, ship_replacement, convert_to_refund,
    escalate, withdraw, staff_decide``. Pages show exactly these buttons;
    the services refuse the others anyway."""
    now = now or timezone.now()
    rr = return_request
    state = rr.state
    actions: set[str] = set()
    if is_buyer(rr, user):
        if state == R.REQUESTED:
            actions.add("withdraw")
            if answer_due_at(rr) <= now:
                actions.add("escalate")
        elif state == R.ACCEPTED:
            actions.update({"ship_back", "withdraw"})
        elif state == R.REJECTED and not pieces_taken_again(rr):
            actions.add("escalate")
        elif state in (R.IN_TRANSIT, R.RECEIVED) and stuck_due_at(rr) <= now:
            actions.add("escalate")
    if is_artist(rr, user) or is_staff(user):
        if state == R.REQUESTED:
            actions.update({"accept", "reject"})
        elif state in (R.ACCEPTED, R.IN_TRANSIT):
            actions.add("receive")
        elif state == R.RECEIVED:
            if rr.kind == ReturnKind.EXCHANGE:
                actions.update({"ship_replacement", "convert_to_refund"})
            else:
                actions.add("refund")
    if is_staff(user) and state == R.ESCALATED:
        actions.update({"refund", "staff_decide"})
        if not escalated_when_stuck(rr):
            actions.add("accept")
    return frozenset(actions)


def pieces_taken_again(return_request: ReturnRequest) -> bool:
    """A rejected request gave its pieces back: whether another request of
    the buyer's has taken some of them since (escalating it would then put
    more pieces under request than the line has)."""
    line = return_request.line
    return (
        held_quantity(line=line, exclude_pk=return_request.pk) + return_request.quantity
        > line.quantity
    )
