"""A line to the marketplace itself: a buyer or an artist opens a support
thread with the team, about one of their artist orders, one of their
return requests, or nothing in particular. Replies go through
``message_post`` like in any thread; staff posts are the team's answers."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.errors import DomainError

from ..models import SupportSide, Thread, ThreadKind
from .threads import _clean_body, _clean_photos, _clean_subject, _post


def support_side_for(*, opener, artist_order=None, return_request=None, side=None):
    """The side ``opener`` writes from: the one it has in the order or the
    return request, else ``side`` ("artist" only with a shop), else buyer.

    :raises DomainError: on ``artist_order`` or ``return_request`` when it
        is not the opener's (as its buyer or its artist).
    """
    if return_request is not None:
        if return_request.buyer_id == opener.pk:
            return SupportSide.BUYER
        if return_request.artist.user_id == opener.pk:
            return SupportSide.ARTIST
        raise DomainError(
            _("This return request is not one of yours."), field="return_request"
        )
    if artist_order is not None:
        if artist_order.order.buyer_id == opener.pk:
            return SupportSide.BUYER
        if artist_order.artist.user_id == opener.pk:
            return SupportSide.ARTIST
        raise DomainError(_("This order is not one of yours."), field="artist_order")
    if side == SupportSide.ARTIST and getattr(opener, "artist_or_none", None):
        return SupportSide.ARTIST
    return SupportSide.BUYER


def support_thread_open(
    *,
    opener,
    subject: str,
    body: str,
    photos=(),
    artist_order=None,
    return_request=None,
    side: str | None = None,
) -> Thread:
    """``opener`` (a buyer or an artist, not staff) writes to the
    marketplace team: a new support thread with its first message; every
    active member of staff is emailed in the same transaction.

    :raises DomainError: on ``subject`` (required), ``body``, ``photos``,
        ``artist_order`` or ``return_request`` (not the opener's); nothing
        is recorded.
    """
    if opener is None or not opener.is_authenticated:
        raise DomainError(_("Log in to write to the marketplace team."))
    if opener.is_staff:
        raise DomainError(
            _("The marketplace team answers support threads from the admin.")
        )
    if not opener.is_active:
        raise DomainError(_("This account is suspended."))
    side = support_side_for(
        opener=opener,
        artist_order=artist_order,
        return_request=return_request,
        side=side,
    )
    if return_request is not None:
        artist_order = return_request.artist_order
    subject = _clean_subject(subject)
    if not subject:
        raise DomainError(_("Say in a few words what it is about."), field="subject")
    cleaned_photos = _clean_photos(photos)
    body = _clean_body(body, photos=cleaned_photos)
    with transaction.atomic():
        thread = Thread.objects.create(
            kind=ThreadKind.SUPPORT,
            buyer=opener,
            opened_as=side,
            artist_order=artist_order,
            support_return_request=return_request,
            subject=subject,
        )
        _post(
            thread=thread,
            author=opener,
            body=body,
            photos=cleaned_photos,
            staff_post=False,
        )
    return thread
