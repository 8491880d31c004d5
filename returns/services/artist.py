"""The artist's answers to a return request (staff may run them too):
accept it with return instructions, reject it with a reason, mark the item
received (and put it back in stock), refund it, or for an exchange ship the
replacement (taken from stock) or refund it instead. Each runs the steps of
``steps`` in one transaction; ``stock`` moves the pieces."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from marketplace.errors import DomainError
from marketplace.money import ZERO, to_money
from marketplace.notifications.formatting import format_amount
from marketplace.transitions import clean_text, clean_tracking, run_transition
from orders.models import Refund, RefundReason
from orders.services import refund_create

from ..models import ReturnRequest, ReturnState
from ..rules import (
    escalated_when_stuck,
    includes_shipping,
    is_staff,
    refund_breakdown,
    ship_back_due_at,
)
from .steps import (
    TEXT_MAX_LENGTH,
    artist_user_of,
    buyer_of,
    changing,
    clean_amount,
    clean_date,
    conflict,
    email,
    log,
    require_artist,
)
from .stock import put_back, stock_values, take_replacement

R = ReturnState
INSTRUCTIONS_MAX_LENGTH = 5000


def accept_locked(
    return_request: ReturnRequest,
    *,
    by,
    instructions,
    ship_back_deadline,
    note_decision: bool,
) -> None:
    """Accept a locked request with the return instructions; the buyer is
    emailed them (and the artist too when staff decided, ``note_decision``).
    A request escalated after the piece was sent back is not accepted again.
    """
    rr = return_request
    if rr.state == R.ESCALATED and escalated_when_stuck(rr):
        raise conflict(
            rr,
            _(
                "The piece was already sent back: refund the buyer or close the request."
            ),
        )
    instructions = clean_text(
        instructions,
        field="instructions",
        max_length=INSTRUCTIONS_MAX_LENGTH,
        required=True,
        message=_("Tell the buyer how to send the item back (address, packing...)."),
    )
    deadline = clean_date(ship_back_deadline, field="ship_back_deadline")
    now = timezone.now()
    from_state = run_transition(
        rr,
        rr.accept,
        conflict=conflict,
        saved=("instructions", "ship_back_deadline", "answered_at"),
        instructions=instructions,
        ship_back_deadline=deadline,
        at=now,
    )
    due_at = ship_back_due_at(rr)
    log(
        rr,
        from_state=from_state,
        transition="accept",
        by=by,
        at=now,
        note=instructions,
        event="return_accepted",
        context={"deadline": due_at.date().isoformat() if due_at else ""},
    )
    email(rr, recipient=buyer_of(rr), event="return_accepted")
    if note_decision:
        email(
            rr, recipient=artist_user_of(rr), event="return_decided", decision="accept"
        )


def return_request_accept(
    *, return_request: ReturnRequest, by, instructions: str, ship_back_deadline=None
) -> ReturnRequest:
    """The artist accepts the request (staff too, also once escalated):
    ``accepted`` with the return instructions (address, packing...) and an
    optional deadline; the buyer is emailed them.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not requested (or escalated, for staff).
    :raises DomainError: no ``instructions``; ``ship_back_deadline`` not a
        date or in the past.
    """
    with changing(return_request, check=require_artist(by)) as rr:
        if rr.state == R.ESCALATED and not is_staff(by):
            raise conflict(rr, _("The marketplace team is deciding on this request."))
        if not can_proceed(rr.accept):
            raise conflict(rr)
        accept_locked(
            rr,
            by=by,
            instructions=instructions,
            ship_back_deadline=ship_back_deadline,
            note_decision=rr.state == R.ESCALATED,
        )
    return return_request


def return_request_reject(
    *, return_request: ReturnRequest, by, reason: str
) -> ReturnRequest:
    """The artist rejects the request with a reason: ``rejected``; the buyer
    is emailed and may escalate it to staff.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not requested.
    :raises DomainError: no ``reason``.
    """
    with changing(return_request, check=require_artist(by)) as rr:
        if not can_proceed(rr.reject):
            raise conflict(rr)
        reason = clean_text(
            reason,
            field="reason",
            max_length=TEXT_MAX_LENGTH,
            required=True,
            message=_("Tell the buyer why you reject this request."),
        )
        now = timezone.now()
        from_state = run_transition(
            rr,
            rr.reject,
            conflict=conflict,
            saved=("rejection_reason", "answered_at"),
            reason=reason,
            at=now,
        )
        log(
            rr,
            from_state=from_state,
            transition="reject",
            by=by,
            at=now,
            note=reason,
            event="return_rejected",
            context={"reason": reason},
        )
        email(rr, recipient=buyer_of(rr), event="return_rejected")
    return return_request


def return_request_receive(
    *, return_request: ReturnRequest, by, restock: bool = False
) -> ReturnRequest:
    """The artist has the item back: ``received``; the buyer is emailed
    that the refund (or the replacement) can start. With ``restock`` the
    returned pieces go back into the stock of the line's variant in the
    same transaction (waiting back-in-stock alerts are emailed); the
    history says whether they did.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not accepted nor sent back.
    :raises DomainError: field ``restock``: the variant no longer exists.
    """
    with changing(return_request, check=require_artist(by)) as rr:
        now = timezone.now()
        from_state = run_transition(
            rr,
            rr.receive,
            conflict=conflict,
            saved=("received_at", "refund_due_at"),
            at=now,
        )
        if restock:
            variant = put_back(rr)
            note_event, note_values = "restocked", stock_values(variant, rr.quantity)
        else:
            note_event, note_values = "not_restocked", {}
        log(
            rr,
            from_state=from_state,
            transition="receive",
            by=by,
            at=now,
            note_event=note_event,
            note_values=note_values,
            event="return_received",
        )
        email(rr, recipient=buyer_of(rr), event="return_received")
    return return_request


def refund_locked(
    return_request: ReturnRequest, *, by, amount, note: str, transition: str
) -> Refund:
    """Record the refund of a locked request and run ``transition``
    (``refund``, ``convert_to_refund`` or ``staff_refund``).

    :raises DomainError: field ``amount`` (not positive, above the default
        for the artist, above what may still be refunded) or ``note``.
    """
    rr = return_request
    note = clean_text(note, field="note", max_length=TEXT_MAX_LENGTH, required=False)
    breakdown = refund_breakdown(rr)
    default = breakdown["amount"]
    with_shipping = includes_shipping(rr)
    staff = is_staff(by)
    if amount in (None, ""):
        if default <= 0:
            raise DomainError(
                _("Nothing is left to refund on this order."), field="amount"
            )
        value = default
    else:
        value = clean_amount(amount)
        if not staff and value > default:
            raise DomainError(
                _("At most %(amount)s € for this return.")
                % {"amount": format_amount(default)},
                field="amount",
            )
        if not staff and value < default and not note:
            raise DomainError(
                _("Tell the buyer why the refund is lower than %(amount)s €.")
                % {"amount": format_amount(default)},
                field="note",
            )
    refundable = to_money(rr.artist_order.paid - rr.artist_order.refunded)
    if value > refundable:
        raise DomainError(
            _("At most %(amount)s € can still be refunded.")
            % {"amount": format_amount(max(refundable, ZERO))},
            field="amount",
        )
    refund = refund_create(
        artist_order=rr.artist_order,
        amount=value,
        reason=RefundReason.RETURN,
        idempotency_key=f"return:{rr.pk}",
        by=by if getattr(by, "is_authenticated", False) else None,
        note=note,
    )
    rr.refund = refund
    rr.refund_amount = refund.amount
    rr.refund_note = note
    rr.refund_includes_shipping = with_shipping and value >= default
    rr.refund_shipping_deduction = breakdown["deduction"]
    now = timezone.now()
    from_state = run_transition(
        rr,
        getattr(rr, {"refund": "refund_received"}.get(transition, transition)),
        conflict=conflict,
        saved=(
            "refund",
            "refund_amount",
            "refund_note",
            "refund_includes_shipping",
            "refund_shipping_deduction",
            "closed_at",
        ),
        at=now,
    )
    log(
        rr,
        from_state=from_state,
        transition=transition,
        by=by,
        at=now,
        note=note,
        note_event="refunded",
        note_values={"amount": refund.amount},
        event=(
            "return_converted_to_refund"
            if transition == "convert_to_refund"
            else "return_refunded"
        ),
        context={"amount": str(refund.amount)},
    )
    return refund


def staff_refund_locked(
    return_request: ReturnRequest, *, by, amount, note: str
) -> Refund:
    """Staff's refund of a locked escalated request: ``refund_locked`` with
    the decision emailed to the buyer and the artist."""
    refund = refund_locked(
        return_request, by=by, amount=amount, note=note, transition="staff_refund"
    )
    for recipient in (buyer_of(return_request), artist_user_of(return_request)):
        email(
            return_request,
            recipient=recipient,
            event="return_decided",
            decision="refund",
            decision_note=note,
        )
    return refund


def return_request_refund(
    *, return_request: ReturnRequest, by, amount=None, note: str = ""
) -> Refund:
    """Refund a received return (or, for staff, an escalated request):
    ``refunded`` with a refund of ``amount`` (default
    ``return_refund_amount``) paid after commit; the buyer is emailed
    ``return_refund_confirmed`` once the provider confirms it.

    The artist may lower the amount with a ``note`` saying why, not raise
    it; staff may set any amount within what may still be refunded.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not a received return (nor escalated, for staff).
    :raises DomainError: field ``amount`` (not positive, above the default
        for the artist, above what may still be refunded) or ``note``
        (missing when the artist lowers the amount).
    """
    with changing(return_request, check=require_artist(by)) as rr:
        if rr.state == R.ESCALATED:
            if not is_staff(by):
                raise conflict(
                    rr, _("The marketplace team is deciding on this request.")
                )
            refund = staff_refund_locked(rr, by=by, amount=amount, note=note)
        else:
            if not can_proceed(rr.refund_received):
                if rr.state == R.RECEIVED:
                    raise conflict(
                        rr, _("An exchange is refunded by converting it to a refund.")
                    )
                raise conflict(rr)
            refund = refund_locked(
                rr, by=by, amount=amount, note=note, transition="refund"
            )
    return refund


def return_request_convert_to_refund(
    *, return_request: ReturnRequest, by, amount=None, note: str = ""
) -> Refund:
    """The artist refunds a received exchange instead of shipping a
    replacement (out of stock, price difference...): ``refunded``, with the
    amount rules of ``return_request_refund``.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not a received exchange.
    :raises DomainError: as ``return_request_refund``.
    """
    with changing(return_request, check=require_artist(by)) as rr:
        if not can_proceed(rr.convert_to_refund):
            if rr.state == R.RECEIVED:
                raise conflict(rr, _("Only an exchange can be converted to a refund."))
            raise conflict(rr)
        refund = refund_locked(
            rr, by=by, amount=amount, note=note, transition="convert_to_refund"
        )
    return refund


def return_request_ship_replacement(
    *,
    return_request: ReturnRequest,
    by,
    carrier: str,
    tracking_number: str,
    variant=None,
) -> ReturnRequest:
    """The artist ships the replacement of a received exchange:
    ``replacement_shipped``, its pieces taken from stock in the same
    transaction: of ``variant`` (an id; one of the shop's) when the artist
    chose one, else of the buyer's wanted variant of this shop, else of the
    line's own (``stock.take_replacement``); the buyer is emailed the
    tracking.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not a received exchange; ``OutOfStock`` (a
        ``Conflict``) when not enough pieces are left: nothing changes, the
        artist may convert the exchange to a refund instead.
    :raises DomainError: carrier or tracking number missing; ``variant``
        not one of the shop's.
    """
    with changing(return_request, check=require_artist(by)) as rr:
        if not can_proceed(rr.ship_replacement):
            if rr.state == R.RECEIVED:
                raise conflict(rr, _("Only an exchange gets a replacement."))
            raise conflict(rr)
        carrier, tracking_number = clean_tracking(carrier, tracking_number)
        taken = take_replacement(rr, variant=variant)
        now = timezone.now()
        from_state = run_transition(
            rr,
            rr.ship_replacement,
            conflict=conflict,
            saved=("replacement_carrier", "replacement_tracking_number", "closed_at"),
            carrier=carrier,
            tracking_number=tracking_number,
            at=now,
        )
        log(
            rr,
            from_state=from_state,
            transition="ship_replacement",
            by=by,
            at=now,
            note=f"{carrier} {tracking_number}",
            note_event="replacement_from_stock",
            note_values=stock_values(taken, rr.quantity),
            event="return_replacement_shipped",
            context={"carrier": carrier, "tracking_number": tracking_number},
        )
        email(rr, recipient=buyer_of(rr), event="return_replacement_shipped")
    return return_request
