"""What only staff does to an artist order, beside the artist's actions
(which staff runs through the same services as the dashboard): a refund of
any amount with a note, a cancellation on the buyer's behalf, a delivery
confirmed for the buyer, and a failed refund marked as handled.

Each one runs the steps of the other lifecycle services (``steps``): one
transaction, the artist order locked, the state checked, the history row
(``by`` = the staff member, which posts the system message), the refund and
the outbox rows in that transaction; the cancellation and the delivery are
the buyer's own, so the refund, the stock and the emails are exactly those.
"""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from marketplace.errors import Conflict
from marketplace.transitions import clean_text, sync_from_locked

from ..models import ArtistOrder, ArtistOrderState, Refund, RefundReason, RefundStatus
from .cancellation import cancel_locked
from .delivery import confirm_delivery_locked
from .history import log_transition
from .refunds import refund_create
from .steps import (
    REASON_MAX_LENGTH,
    artist_user_of,
    buyer_of,
    changing,
    conflict,
    email,
    lock,
)

NOTE_MAX_LENGTH = 2000


def _require_staff(by) -> None:
    if not (by is not None and by.is_authenticated and by.is_active and by.is_staff):
        raise PermissionDenied(_("Only the marketplace team can do this."))


def staff_refund_key(*, artist_order: ArtistOrder, token: str) -> str:
    """The idempotency key of a staff refund: one per artist order and per
    refund form shown to staff (``token``), so a form sent twice refunds once."""
    return f"staff:{artist_order.pk}:{token}"


def artist_order_staff_refund(
    *, artist_order: ArtistOrder, by, amount, note: str, idempotency_key: str
) -> Refund:
    """Staff refunds ``amount`` euros of ``artist_order`` (a goodwill gesture,
    a dispute settled...), with a note for the record that the buyer and the
    artist also read. The state does not change; a history row records it
    (``staff_refund``), the buyer and the artist are emailed. The same
    ``idempotency_key`` twice returns the first refund and does nothing more.

    :raises PermissionDenied: ``by`` is not staff.
    :raises Conflict: nothing was paid yet (awaiting payment).
    :raises DomainError: no note (field ``note``); ``amount`` not positive or
        more than what can still be refunded (field ``amount``).
    """
    _require_staff(by)
    note = clean_text(
        note,
        field="note",
        max_length=NOTE_MAX_LENGTH,
        required=True,
        message=_(
            "Say why this refund is made: the buyer and the artist will read it."
        ),
    )
    with transaction.atomic():
        locked = lock(artist_order)
        existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        if locked.state == ArtistOrderState.AWAITING_PAYMENT:
            raise conflict(locked)
        refund = refund_create(
            artist_order=locked,
            amount=amount,
            reason=RefundReason.STAFF,
            idempotency_key=idempotency_key,
            by=by,
            note=note,
        )
        log_transition(
            artist_order=locked,
            from_state=locked.state,
            transition="staff_refund",
            by=by,
            note=note,
            note_event="staff_refunded",
            note_values={"amount": refund.amount},
            message_context={"amount": str(refund.amount)},
        )
        for recipient, event in (
            (buyer_of(locked), "staff_refund"),
            (artist_user_of(locked), "staff_refund_artist"),
        ):
            email(
                recipient=recipient,
                event=event,
                artist_order=locked,
                dedupe_key=f"{event}:{refund.pk}",
                refund_amount=refund.amount,
                note=note,
            )
    sync_from_locked(artist_order, locked)
    return refund


def artist_order_staff_cancel(
    *, artist_order: ArtistOrder, by, reason: str
) -> ArtistOrder:
    """Staff cancels an artist order awaiting acceptance on the buyer's
    behalf (the buyer asked the team): exactly the buyer's instant
    cancellation (whole refund, stock back, both emailed), recorded with the
    staff member as its author and ``reason`` as its note. Once accepted,
    the artist's refusal is the way (staff can run it too).

    :raises PermissionDenied: ``by`` is not staff.
    :raises Conflict: not awaiting acceptance.
    :raises DomainError: no reason (field ``reason``).
    """
    _require_staff(by)
    reason = clean_text(
        reason,
        field="reason",
        max_length=REASON_MAX_LENGTH,
        required=True,
        message=_(
            "Say why the order is cancelled (for example: the buyer asked by email)."
        ),
    )
    with changing(artist_order) as locked:
        if locked.state != ArtistOrderState.AWAITING_ACCEPTANCE or not can_proceed(
            locked.cancel
        ):
            raise conflict(locked)
        cancel_locked(artist_order=locked, by=by, reason=reason)
    return artist_order


def artist_order_staff_confirm_delivery(
    *, artist_order: ArtistOrder, by, note: str = ""
) -> ArtistOrder:
    """Staff confirms that a shipped artist order arrived (the buyer told
    the team): ``delivered`` as when the buyer confirms it, the return
    window starts, the buyer is emailed; recorded with its author.

    :raises PermissionDenied: ``by`` is not staff.
    :raises Conflict: not shipped.
    """
    _require_staff(by)
    note = clean_text(note, field="note", max_length=NOTE_MAX_LENGTH, required=False)
    with changing(artist_order) as locked:
        confirm_delivery_locked(
            artist_order=locked,
            by=by,
            note=note,
            note_event="delivery_confirmed_by_staff",
        )
    return artist_order


def staff_refund_left(artist_order: ArtistOrder):
    """What staff may still refund on ``artist_order``."""
    return max(artist_order.paid - artist_order.refunded, 0)


def refund_mark_handled(*, refund: Refund, by, note: str = "") -> Refund:
    """Staff marks a failed refund as handled (refunded again through the
    artist order's refund button, or the buyer contacted): it leaves the
    escalation queue. Recorded with its author (``handled_by``, and a line
    of the admin log with ``note``). ``refund`` is updated in place.

    :raises PermissionDenied: ``by`` is not staff.
    :raises Conflict: the refund is not failed (pending or paid), or was
        already marked handled.
    :raises DomainError: ``note`` too long (field ``note``).
    """
    _require_staff(by)
    note = clean_text(note, field="note", max_length=NOTE_MAX_LENGTH, required=False)
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status != RefundStatus.FAILED:
            raise Conflict(
                _(
                    "Refund #%(id)s is “%(status)s”: only a failed refund can be marked as handled."
                )
                % {"id": locked.pk, "status": locked.get_status_display()},
                state=locked.status,
            )
        if locked.handled_at is not None:
            raise Conflict(
                _("Refund #%(id)s was already marked as handled.") % {"id": locked.pk},
                state=locked.status,
            )
        locked.handled_at = timezone.now()
        locked.handled_by = by
        locked.save(update_fields=["handled_at", "handled_by", "updated_at"])
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[locked],
            action_flag=CHANGE,
            change_message=" ".join(["Marked as handled.", note]).strip(),
            single_object=True,
        )
    refund.handled_at, refund.handled_by, refund.updated_at = (
        locked.handled_at,
        locked.handled_by,
        locked.updated_at,
    )
    return refund
