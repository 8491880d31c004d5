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
)

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
    artist-fault reason say so and the whole artist order comes back; never
    more than what may still be refunded on the artist order."""
    rr = return_request
    artist_order = rr.artist_order
    line = rr.line
    items = to_money(line.unit_price * rr.quantity)
    if artist_order.discount > 0 and artist_order.items_total > 0:
        share = items * artist_order.discount / artist_order.items_total
        items = max(to_money(items - share), ZERO)
    amount = items
    if includes_shipping(rr):
        amount += artist_order.shipping_fee
    return max(min(to_money(amount), to_money(artist_order.refundable)), ZERO)


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
        actions.update({"accept", "refund", "staff_decide"})
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
