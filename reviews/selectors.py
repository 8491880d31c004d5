"""Reads of reviews, scoped to who asks: the public sees visible reviews of
visible items and shops; a buyer their own reviews and lines; an artist
the reviews of their shop; a review photo is served while its review is
visible (to its author, its shop and staff while hidden). Anything else is a 404."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from artists.models import Artist, Item
from orders.models import OrderLine

from .models import Review, ReviewPhoto


def _as_int(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


def _with_relations(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("item", "artist", "buyer", "line").prefetch_related(
        Prefetch("photos", queryset=ReviewPhoto.objects.order_by("id"))
    )


def reviews_visible(*, item: Item | None = None, artist: Artist | None = None):
    """The visible reviews of ``item`` or of the shop ``artist``, newest
    first, with what a page shows of them (constant queries)."""
    queryset = Review.objects.filter(is_hidden=False)
    if item is not None:
        queryset = queryset.filter(item=item)
    if artist is not None:
        queryset = queryset.filter(artist=artist)
    return _with_relations(queryset).order_by("-created_at", "-id")


def item_get_public(*, pk) -> Item:
    """An item whose reviews anyone may read: visible in the catalogue.

    :raises Http404: otherwise.
    """
    item = (
        Item.objects.visible().select_related("artist").filter(pk=_as_int(pk)).first()
    )
    if item is None:
        raise Http404
    return item


def artist_get_public(*, slug) -> Artist:
    """A shop whose reviews anyone may read: approved and active.

    :raises Http404: otherwise.
    """
    artist = Artist.objects.visible().filter(slug=str(slug)).first()
    if artist is None:
        raise Http404
    return artist


def line_get_for_buyer(*, buyer, pk) -> OrderLine:
    """A line of one of ``buyer``'s orders.

    :raises Http404: another's line, or none.
    """
    if buyer is None or not buyer.is_authenticated:
        raise Http404
    line = (
        OrderLine.objects.select_related("artist_order__order", "artist_order__artist")
        .filter(pk=_as_int(pk), artist_order__order__buyer=buyer)
        .first()
    )
    if line is None:
        raise Http404
    return line


def review_get_for_buyer(*, buyer, pk) -> Review:
    """A review ``buyer`` wrote (hidden or not).

    :raises Http404: another's, or none.
    """
    if buyer is None or not buyer.is_authenticated:
        raise Http404
    review = (
        _with_relations(Review.objects.filter(buyer=buyer))
        .select_related("line__artist_order__order", "artist")
        .filter(pk=_as_int(pk))
        .first()
    )
    if review is None:
        raise Http404
    return review


def reviews_for_artist(*, artist: Artist) -> QuerySet:
    """Every review of the shop ``artist`` (hidden ones too, marked),
    newest first."""
    return _with_relations(Review.objects.filter(artist=artist)).order_by(
        "-created_at", "-id"
    )


def review_get_for_artist(*, artist: Artist | None, pk) -> Review:
    """A review of the shop ``artist``.

    :raises Http404: another shop's, or none.
    """
    if artist is None:
        raise Http404
    review = reviews_for_artist(artist=artist).filter(pk=_as_int(pk)).first()
    if review is None:
        raise Http404
    return review


def reviews_by_line(*, lines) -> dict[int, Review]:
    """The reviews of ``lines`` (a buyer's), by line id, in one query."""
    ids = [line.pk for line in lines]
    if not ids:
        return {}
    return {review.line_id: review for review in Review.objects.filter(line_id__in=ids)}


def review_photo_get_for_user(*, user, pk) -> ReviewPhoto:
    """A photo of a visible review (anyone), or of a hidden one for its
    author, its shop and staff.

    :raises Http404: otherwise.
    """
    photo = (
        ReviewPhoto.objects.select_related("review__artist")
        .filter(pk=_as_int(pk))
        .first()
    )
    if photo is None:
        raise Http404
    review = photo.review
    if review.is_hidden:
        authenticated = user is not None and user.is_authenticated
        allowed = authenticated and (
            user.is_staff
            or review.buyer_id == user.pk
            or review.artist.user_id == user.pk
        )
        if not allowed:
            raise Http404
    return photo


def reviews_by_buyer(*, buyer) -> QuerySet:
    """The reviews ``buyer`` wrote, newest first."""
    return _with_relations(Review.objects.filter(buyer=buyer)).order_by(
        "-created_at", "-id"
    )
