"""The steps every return request service shares: lock the artist order
then the request, check who asks, refuse a stale or impossible change,
write the history row and announce the change (the thread's system message),
and email the people concerned (``marketplace.transitions`` runs the
transition itself).

Who may act: the buyer for buyer actions (ship back, withdraw, escalate);
the artist of the artist order, or staff, for artist actions; staff alone
once a request is escalated; ``by=None`` is the system (periodic jobs).
Anyone else gets ``PermissionDenied`` (403).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, DomainError
from marketplace.money import to_money
from marketplace.notifications.services import notify
from marketplace.sentences import stored_values
from marketplace.transitions import locked_change
from orders.models import ArtistOrder

from .. import hooks
from ..emails import return_email_context
from ..models import ReturnEvent, ReturnRequest
from ..rules import is_artist, is_buyer, is_staff

TEXT_MAX_LENGTH = 2000


def lock(return_request: ReturnRequest) -> ReturnRequest:
    """Lock the artist order, then the request (the order every service and
    ``refund_create`` take them in), and read the request afresh."""
    ArtistOrder.objects.select_for_update(of=("self",)).filter(
        pk=return_request.artist_order_id
    ).first()
    return (
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("artist_order__order", "artist_order__artist", "line", "buyer")
        .get(pk=return_request.pk)
    )


def stale(return_request: ReturnRequest) -> Conflict:
    """The caller decided on a state the request no longer has."""
    return Conflict(
        _(
            "This return request changed meanwhile: it is now “%(state)s”. Please look at it again."
        )
        % {"state": return_request.get_state_display()},
        state=return_request.state,
    )


def conflict(return_request: ReturnRequest, message=None) -> Conflict:
    """The change is not possible in the request's state (``message`` says
    why, when the state alone does not)."""
    if message is None:
        message = _(
            "This return request is now “%(state)s”: this action is no longer possible."
        ) % {"state": return_request.get_state_display()}
    return Conflict(message, state=return_request.state)


def changing(return_request: ReturnRequest, *, check=None):
    """``marketplace.transitions.locked_change`` for a return request: use
    as ``with changing(return_request, check=...) as locked:``."""
    return locked_change(
        return_request,
        lock=lock,
        stale=stale,
        check=check,
        relations=("refund", "thread"),
    )


def require_buyer(by):
    """A ``check`` letting in the buyer only.

    :raises PermissionDenied: for anyone else.
    """

    def check(return_request: ReturnRequest) -> None:
        if not is_buyer(return_request, by):
            raise PermissionDenied(_("Only the buyer can do this."))

    return check


def require_artist(by):
    """A ``check`` letting in the artist of the artist order, or staff.

    :raises PermissionDenied: for anyone else.
    """

    def check(return_request: ReturnRequest) -> None:
        if not (is_artist(return_request, by) or is_staff(by)):
            raise PermissionDenied(_("Only the artist of this order can do this."))

    return check


def require_staff(by):
    """A ``check`` letting in staff only.

    :raises PermissionDenied: for anyone else.
    """

    def check(return_request: ReturnRequest) -> None:
        if not is_staff(by):
            raise PermissionDenied(_("Only the marketplace team can do this."))

    return check


def clean_date(value, *, field: str) -> dt.date | None:
    """A date of today or later (None when empty).

    :raises DomainError: not a date, or in the past.
    """
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise DomainError(_("Enter a valid date."), field=field) from None
    if value < timezone.localdate():
        raise DomainError(_("The date cannot be in the past."), field=field)
    return value


def clean_amount(amount) -> Decimal:
    """An amount of euros above zero.

    :raises DomainError: not a number, or not above zero.
    """
    try:
        value = to_money(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter an amount in euros."), field="amount") from None
    if not value.is_finite() or value <= 0:
        raise DomainError(_("The amount must be more than 0."), field="amount")
    return value


def log(
    return_request: ReturnRequest,
    *,
    from_state: str,
    transition: str,
    by,
    at,
    event: str,
    note: str = "",
    note_event: str = "",
    note_values: dict | None = None,
    context: dict | None = None,
) -> ReturnEvent:
    """The history row of a change (``by`` None is the system), and its
    announcement to the apps that follow return requests
    (``hooks.status_changed``: the system message ``event`` of the request's
    thread, with ``context``), once per transition. ``note`` is free text
    a person typed; what the system says is ``note_event`` (a key of
    ``ReturnEvent.NOTE_SENTENCES``) with ``note_values``, written in each
    reader's language when read."""
    row = ReturnEvent.objects.create(
        request=return_request,
        from_state=from_state,
        to_state=return_request.state,
        transition=transition,
        by=by if getattr(by, "is_authenticated", False) else None,
        at=at,
        note=note,
        note_event=note_event,
        note_values=stored_values(**(note_values or {})),
    )
    hooks.status_changed(
        return_request=return_request,
        event=event,
        context=context or {},
        dedupe_key=f"return:{return_request.pk}:{transition}",
    )
    return row


def email(
    return_request: ReturnRequest,
    *,
    recipient,
    event: str,
    key: str | None = None,
    **extra,
) -> None:
    """Record the email ``event`` about ``return_request`` to ``recipient``
    (``extra`` values added to its context)."""
    notify(
        recipient=recipient,
        event=event,
        context=return_email_context(
            return_request=return_request, recipient=recipient, **extra
        ),
        dedupe_key=f"{event}:{return_request.pk}:{recipient.pk}"
        + (f":{key}" if key else ""),
    )


def buyer_of(return_request: ReturnRequest):
    return return_request.buyer


def artist_user_of(return_request: ReturnRequest):
    return return_request.artist_order.artist.user
