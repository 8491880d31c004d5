"""What the marketplace decides on a return request: staff's decision on an
escalated request (accept, refund or close), and what the system does
alone: expire a request nothing was sent back for, and tell the buyer when
the refund of a return is paid."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from marketplace.errors import DomainError
from marketplace.transitions import clean_text, run_transition
from orders.models import Refund, RefundReason

from ..models import ReturnRequest, ReturnState
from ..rules import (
    REMINDED,
    reminder_due_at,
    ship_back_due_at,
    stuck_due_at,
    waiting_deadline,
)
from .artist import accept_locked, staff_refund_locked
from .steps import (
    TEXT_MAX_LENGTH,
    artist_user_of,
    buyer_of,
    changing,
    conflict,
    email,
    log,
    require_staff,
)

R = ReturnState
STAFF_DECISIONS = ("accept", "refund", "close")


def return_request_expire(*, return_request: ReturnRequest, now=None) -> ReturnRequest:
    """Nothing was sent back in time (system): ``expired``, its pieces free
    again; the buyer is emailed.

    :raises Conflict: not accepted, or its time is not over.
    """
    now = now or timezone.now()
    with changing(return_request) as rr:
        if not can_proceed(rr.expire):
            raise conflict(rr)
        due_at = ship_back_due_at(rr)
        if due_at is not None and due_at > now:
            raise conflict(rr, _("The buyer still has time to send the item back."))
        at = timezone.now()
        from_state = run_transition(
            rr, rr.expire, conflict=conflict, saved=("closed_at",), at=at
        )
        log(
            rr,
            from_state=from_state,
            transition="expire",
            by=None,
            at=at,
            event="return_expired",
        )
        email(rr, recipient=buyer_of(rr), event="return_expired")
    return return_request


def return_request_staff_decide(
    *,
    return_request: ReturnRequest,
    by,
    decision: str,
    instructions: str = "",
    amount=None,
    note: str = "",
):
    """Staff decide on an escalated request: ``accept`` (with return
    instructions, as an artist would), ``refund`` (any amount within what may
    still be refunded; default ``return_refund_amount``) or ``close``
    (nothing more happens; ``note`` says why). The buyer and the artist are
    emailed the decision. Returns the request (the ``Refund`` for
    ``refund``).

    :raises PermissionDenied: ``by`` is not staff.
    :raises Conflict: not escalated.
    :raises DomainError: unknown ``decision``; as the accept and refund
        services for their fields.
    """
    if decision not in STAFF_DECISIONS:
        raise DomainError(_("Choose accept, refund or close."), field="decision")
    with changing(return_request, check=require_staff(by)) as rr:
        if rr.state != R.ESCALATED:
            raise conflict(rr)
        if decision == "accept":
            accept_locked(
                rr,
                by=by,
                instructions=instructions,
                ship_back_deadline=None,
                note_decision=True,
            )
            return return_request
        if decision == "refund":
            return staff_refund_locked(rr, by=by, amount=amount, note=note)
        note = clean_text(
            note, field="note", max_length=TEXT_MAX_LENGTH, required=False
        )
        now = timezone.now()
        from_state = run_transition(
            rr, rr.staff_close, conflict=conflict, saved=("closed_at",), at=now
        )
        log(
            rr,
            from_state=from_state,
            transition="staff_close",
            by=by,
            at=now,
            note=note,
            event="return_closed",
        )
        for recipient in (buyer_of(rr), artist_user_of(rr)):
            email(
                rr,
                recipient=recipient,
                event="return_decided",
                decision="close",
                decision_note=note,
            )
    return return_request


def return_refund_confirmed(*, refund: Refund) -> bool:
    """The provider paid ``refund`` (``orders.hooks.refund_paid``): when it
    is the refund of a return request, email the buyer
    ``return_refund_confirmed`` (once). Returns whether it was the refund of
    a return."""
    if refund.reason != RefundReason.RETURN:
        return False
    rr = (
        ReturnRequest.objects.select_related(
            "artist_order__order", "artist_order__artist", "line", "buyer"
        )
        .filter(refund_id=refund.pk)
        .first()
    )
    if rr is None:
        return False
    with transaction.atomic():
        email(
            rr,
            recipient=buyer_of(rr),
            event="return_refund_confirmed",
            key=str(refund.pk),
        )
    return True


def return_request_remind(*, return_request: ReturnRequest, now=None) -> bool:
    """Remind, once per state, the person a request waits on before its
    deadline (``rules.reminder_due_at``): the artist to answer, to mark the
    parcel received or to refund it, the buyer to send the piece back. The
    reminder is recorded on the request (``reminded_state``). False when
    nothing is due: already reminded, not waiting, not yet time, or the
    deadline has passed (the consequence follows instead).
    """
    now = now or timezone.now()
    with transaction.atomic():
        ReturnRequest.objects.select_for_update(of=("self",)).filter(
            pk=return_request.pk
        ).first()
        rr = ReturnRequest.objects.select_related(
            "artist_order__order", "artist_order__artist__user", "line", "buyer"
        ).get(pk=return_request.pk)
        due = reminder_due_at(rr)
        if due is None or due > now or rr.state not in REMINDED:
            return False
        deadline = waiting_deadline(rr)[1]
        if deadline <= now:
            return False
        rr.reminded_state = rr.state
        rr.reminded_at = now
        rr.save(update_fields=["reminded_state", "reminded_at", "updated_at"])
        recipient = (
            buyer_of(rr) if REMINDED[rr.state] == "buyer" else artist_user_of(rr)
        )
        email(
            rr,
            recipient=recipient,
            event="return_reminder",
            key=rr.state,
            deadline=deadline,
            escalates_at=stuck_due_at(rr),
        )
    return True
