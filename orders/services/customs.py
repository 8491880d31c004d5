"""A parcel refused by the buyer at customs (seed 000): shipments leave
duty unpaid, the buyer owes the duties and taxes on arrival, and a buyer
who refuses the parcel for them bears the cost of it. The parcel comes
back to the artist, who records it here: the pieces are refunded less the
return postage the artist paid (entered by the artist, at most the pieces'
worth); the original shipping and the duties are not refunded; the artist
order is closed (``refuse_at_customs`` → ``completed``), the buyer emailed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from marketplace.errors import DomainError
from marketplace.money import ZERO, to_money
from marketplace.notifications.formatting import format_amount
from marketplace.transitions import run_transition

from .. import hooks
from ..models import (
    ArtistOrder,
    NotReceivedReport,
    NotReceivedStatus,
    Refund,
    RefundReason,
)
from ..rules import crosses_customs, customs_refund_base
from .history import log_transition, release_stock_of
from .refunds import refund_create
from .steps import buyer_of, changing, conflict, email, require_artist


def clean_return_postage(value, *, most: Decimal) -> Decimal:
    """The return postage the artist paid, in euros: 0 or more, at most
    ``most`` (the pieces' worth).

    :raises DomainError: field ``return_postage``.
    """
    if value in (None, ""):
        raise DomainError(
            _("Enter the return postage you paid (0 if none)."),
            field="return_postage",
        )
    try:
        postage = to_money(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(
            _("Enter an amount in euros."), field="return_postage"
        ) from None
    if not postage.is_finite() or postage < 0:
        raise DomainError(
            _("The return postage cannot be negative."), field="return_postage"
        )
    if postage > most:
        raise DomainError(
            _("The return postage is at most the pieces' worth: %(amount)s €.")
            % {"amount": format_amount(most)},
            field="return_postage",
        )
    return postage


def _held_by_another_request(artist_order: ArtistOrder) -> bool:
    """A return request still running (``hooks.completion_holds``)."""
    queryset = ArtistOrder.objects.filter(pk=artist_order.pk)
    return any(queryset.filter(held).exists() for held in hooks.completion_holds())


def artist_order_refused_at_customs(
    *, artist_order: ArtistOrder, by, return_postage, restock: bool = False
) -> Refund | None:
    """The artist (or staff) records that the buyer refused the parcel at
    customs and that it came back: the pieces (after discount, within what
    may still be refunded) refunded less ``return_postage`` (reason
    ``customs_refusal``), the artist order ``completed``, an open
    not-received report closed, the pieces put back in stock when
    ``restock``, the buyer emailed (refund = pieces − return postage; the
    duties and taxes paid at customs and the original shipping are not
    refunded). Returns the refund, None when the postage takes it all.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not shipped nor delivered, a parcel that crossed no
        customs border, or a return request still running.
    :raises DomainError: field ``return_postage`` (missing, negative, more
        than the pieces' worth).
    """
    with changing(artist_order, check=require_artist(by)) as locked:
        if not can_proceed(locked.refuse_at_customs):
            raise conflict(locked)
        if not crosses_customs(locked):
            raise conflict(
                locked,
                _(
                    "This parcel crossed no customs border: it cannot have been "
                    "refused at customs."
                ),
            )
        if _held_by_another_request(locked):
            raise conflict(
                locked,
                _("A return request of this order is still open: settle it first."),
            )
        items = customs_refund_base(locked)
        postage = clean_return_postage(return_postage, most=items)
        amount = to_money(items - postage)
        refund = None
        if amount > ZERO:
            refund = refund_create(
                artist_order=locked,
                amount=amount,
                reason=RefundReason.CUSTOMS_REFUSAL,
                idempotency_key=f"customs_refusal:{locked.pk}",
                by=by,
            )
        now = timezone.now()
        from_state = run_transition(
            locked,
            locked.refuse_at_customs,
            conflict=conflict,
            saved=("delivered_at", "closed_at"),
            at=now,
        )
        NotReceivedReport.objects.filter(
            artist_order=locked, status=NotReceivedStatus.OPEN
        ).update(status=NotReceivedStatus.REFUNDED, resolved_at=now, resolved_by=by)
        if restock:
            release_stock_of(artist_orders=[locked])
        values = {"items_amount": items, "postage_amount": postage, "amount": amount}
        log_transition(
            artist_order=locked,
            from_state=from_state,
            transition="refused_at_customs",
            by=by,
            note_event="refused_at_customs",
            note_values=values,
            at=now,
            message_context={key: str(value) for key, value in values.items()},
        )
        email(
            recipient=buyer_of(locked),
            event="order_refused_at_customs",
            artist_order=locked,
            dedupe_key=f"order-refused-at-customs:{locked.pk}",
            items_amount=items,
            return_postage=postage,
            refund_amount=amount,
            has_refund=amount > ZERO,
        )
    return refund
