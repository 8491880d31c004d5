"""The steps every service of the artist order lifecycle shares: lock the
artist order, check who asks, refuse a stale or impossible change, refund
what is left, email the people concerned (``marketplace.transitions`` runs
the transition itself).

Who may act: the buyer of the order for buyer actions; the artist of the
artist order or staff for artist actions; ``by=None`` is the system
(periodic jobs). Anyone else gets ``PermissionDenied`` (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from marketplace.errors import Conflict
from marketplace.notifications.services import notify
from marketplace.transitions import locked_change

from ..emails import artist_order_email_context
from ..models import ArtistOrder, Refund
from ..rules import is_artist_or_staff, is_buyer
from .refunds import refund_create

REASON_MAX_LENGTH = 2000


def lock(artist_order: ArtistOrder) -> ArtistOrder:
    """``artist_order`` read again and locked, with its order, buyer,
    artist and the artist's user."""
    return (
        ArtistOrder.objects.select_for_update(of=("self",))
        .select_related("order__buyer", "artist__user")
        .get(pk=artist_order.pk)
    )


def stale(artist_order: ArtistOrder) -> Conflict:
    """The caller decided on a state the artist order no longer has."""
    return Conflict(
        _(
            "This order changed meanwhile: it is now “%(state)s”. Please look at it again."
        )
        % {"state": artist_order.get_state_display()},
        state=artist_order.state,
    )


def conflict(artist_order: ArtistOrder, message=None) -> Conflict:
    """The change is not possible in the artist order's state (``message``
    says why, when the state alone does not)."""
    if message is None:
        message = _(
            "This order is now “%(state)s”: this action is no longer possible."
        ) % {"state": artist_order.get_state_display()}
    return Conflict(message, state=artist_order.state)


def changing(artist_order: ArtistOrder, *, check=None):
    """``marketplace.transitions.locked_change`` for an artist order: use as
    ``with changing(artist_order, check=...) as locked:``."""
    return locked_change(artist_order, lock=lock, stale=stale, check=check)


def require_buyer(by):
    """A ``check`` letting in the buyer of the order only.

    :raises PermissionDenied: for anyone else.
    """

    def check(artist_order: ArtistOrder) -> None:
        if not is_buyer(artist_order, by):
            raise PermissionDenied(_("Only the buyer of this order can do this."))

    return check


def require_artist(by):
    """A ``check`` letting in the artist of the artist order, staff, or the
    system (``by=None``).

    :raises PermissionDenied: for anyone else.
    """

    def check(artist_order: ArtistOrder) -> None:
        if by is not None and not is_artist_or_staff(artist_order, by):
            raise PermissionDenied(_("Only the artist of this order can do this."))

    return check


def buyer_of(artist_order: ArtistOrder):
    return artist_order.order.buyer


def artist_user_of(artist_order: ArtistOrder):
    return artist_order.artist.user


def email(
    *, recipient, event: str, artist_order: ArtistOrder, dedupe_key: str, **extra
) -> None:
    """Record the email ``event`` about ``artist_order`` to ``recipient``
    (``extra`` values added to its context)."""
    notify(
        recipient=recipient,
        event=event,
        context=artist_order_email_context(
            artist_order=artist_order, recipient=recipient, **extra
        ),
        dedupe_key=dedupe_key,
    )


def refund_whole(
    *, artist_order: ArtistOrder, reason: str, key: str, by=None, note: str = ""
) -> Refund | None:
    """Refund what is left of ``artist_order`` (items and shipping) at once;
    None when nothing is left to refund (a free order, or already refunded)."""
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    left = artist_order.paid - artist_order.refunded
    if left <= 0:
        return None
    return refund_create(
        artist_order=artist_order,
        amount=left,
        reason=reason,
        idempotency_key=key,
        by=by,
        note=note,
    )
