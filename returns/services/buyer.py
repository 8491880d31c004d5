"""The buyer's moves on a return request: send the item back, withdraw the
request, or pass it to the marketplace team (the system escalates a request
left unanswered too). Each runs the steps of ``steps`` in one transaction."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from marketplace.notifications.formatting import format_date
from marketplace.transitions import clean_text, clean_tracking, run_transition

from ..models import ReturnRequest, ReturnState
from ..rules import answer_due_at, pieces_taken_again, stuck_due_at
from .steps import (
    TEXT_MAX_LENGTH,
    artist_user_of,
    buyer_of,
    changing,
    conflict,
    email,
    log,
    require_buyer,
)

R = ReturnState
# Why a request sent back escalates (``ReturnEvent.NOTE_SENTENCES``).
STUCK_NOTES = {R.IN_TRANSIT: "not_received_in_time", R.RECEIVED: "not_refunded_in_time"}


def return_request_ship_back(
    *, return_request: ReturnRequest, by, carrier: str, tracking_number: str
) -> ReturnRequest:
    """The buyer sends the item back: ``in_transit`` with the carrier and
    tracking number; the artist is emailed.

    :raises PermissionDenied: ``by`` is not the buyer.
    :raises Conflict: not accepted.
    :raises DomainError: carrier or tracking number missing.
    """
    with changing(return_request, check=require_buyer(by)) as rr:
        if not can_proceed(rr.ship_back):
            raise conflict(rr)
        carrier, tracking_number = clean_tracking(carrier, tracking_number)
        now = timezone.now()
        from_state = run_transition(
            rr,
            rr.ship_back,
            conflict=conflict,
            saved=("return_carrier", "return_tracking_number", "shipped_back_at"),
            carrier=carrier,
            tracking_number=tracking_number,
            at=now,
        )
        log(
            rr,
            from_state=from_state,
            transition="ship_back",
            by=by,
            at=now,
            note=f"{carrier} {tracking_number}",
            event="return_shipped_back",
            context={"carrier": carrier, "tracking_number": tracking_number},
        )
        email(rr, recipient=artist_user_of(rr), event="return_shipped_back")
    return return_request


def return_request_withdraw(*, return_request: ReturnRequest, by) -> ReturnRequest:
    """The buyer withdraws the request (before sending anything back):
    ``withdrawn``, its pieces free again; the artist is emailed.

    :raises PermissionDenied: ``by`` is not the buyer.
    :raises Conflict: not requested nor accepted.
    """
    with changing(return_request, check=require_buyer(by)) as rr:
        now = timezone.now()
        from_state = run_transition(
            rr, rr.withdraw, conflict=conflict, saved=("closed_at",), at=now
        )
        log(
            rr,
            from_state=from_state,
            transition="withdraw",
            by=by,
            at=now,
            event="return_withdrawn",
        )
        email(rr, recipient=artist_user_of(rr), event="return_withdrawn")
    return return_request


def return_request_escalate(
    *, return_request: ReturnRequest, by, message: str = "", now=None
) -> ReturnRequest:
    """Pass the request to staff: ``escalated``. The buyer does it with a
    message once the artist rejected it, left it unanswered for
    ``RETURN_ANSWER_DAYS``, or left the piece sent back not marked received
    (or received and not refunded) for ``RETURN_RECEIVE_DAYS``; the system
    (``by=None``, the periodic jobs) does it for those but the rejected.
    The artist is emailed (and the buyer, when the system escalates).

    :raises PermissionDenied: ``by`` is neither the buyer nor the system.
    :raises Conflict: not rejected, requested, sent back nor received; the
        artist still has time; or rejected and some of its pieces are under
        another request since.
    :raises DomainError: no ``message`` from the buyer.
    """
    now = now or timezone.now()
    with changing(
        return_request, check=require_buyer(by) if by is not None else None
    ) as rr:
        if not can_proceed(rr.escalate) or (by is None and rr.state == R.REJECTED):
            raise conflict(rr)
        if rr.state == R.REQUESTED and answer_due_at(rr) > now:
            raise conflict(
                rr,
                _("The artist has until %(date)s to answer this request.")
                % {"date": format_date(answer_due_at(rr))},
            )
        stuck = STUCK_NOTES.get(rr.state, "")
        if stuck and stuck_due_at(rr) > now:
            raise conflict(
                rr,
                _(
                    "The artist has until %(date)s: after that you can ask the marketplace team."
                )
                % {"date": format_date(stuck_due_at(rr))},
            )
        if rr.state == R.REJECTED and pieces_taken_again(rr):
            raise conflict(
                rr,
                _(
                    "Some of these pieces are under another return request now: "
                    "that request goes on, this one cannot be passed to the marketplace team."
                ),
            )
        if by is not None:
            message = clean_text(
                message,
                field="message",
                max_length=TEXT_MAX_LENGTH,
                required=True,
                message=_("Tell the marketplace team what went wrong."),
            )
        else:
            message = ""
        at = timezone.now()
        from_state = run_transition(
            rr,
            rr.escalate,
            conflict=conflict,
            saved=("escalation_message", "escalated_at"),
            message=message,
            at=at,
        )
        log(
            rr,
            from_state=from_state,
            # Its own name: a request may reach staff twice (rejected, then
            # accepted by staff, then stuck), each announced once.
            transition="escalate_stuck" if stuck else "escalate",
            by=by,
            at=at,
            note=message,
            note_event="" if message else (stuck or "no_answer_in_time"),
            event="return_escalated",
        )
        email(
            rr,
            recipient=artist_user_of(rr),
            event="return_escalated",
            by_system=by is None,
            stuck=stuck,
            key=stuck or None,
        )
        if by is None:
            email(
                rr,
                recipient=buyer_of(rr),
                event="return_escalated",
                by_system=True,
                stuck=stuck,
                key=stuck or None,
            )
    return return_request
