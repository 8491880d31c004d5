"""Reads of shops, items and variants, scoped to who asks.

Public reads only ever see approved shops and items on sale; an artist's
reads only ever see that artist's own objects. Anything else is a 404.
"""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from .models import Artist, Item, ItemPhoto, StockAlert, Variant


def artist_for_user(user) -> Artist | None:
    """The shop of ``user``, or None (anonymous users and buyers)."""
    if user is None or not user.is_authenticated:
        return None
    return user.artist_or_none


def artist_list_visible():
    """Approved shops, with their photos and the number of items on sale."""
    return (
        Artist.objects.visible()
        .prefetch_related("photos")
        .annotate(items_on_sale=Count("items", filter=Q(items__is_active=True)))
        .order_by("name", "pk")
    )


def artist_get_visible(*, slug: str) -> Artist:
    """An approved shop by its slug.

    :raises Http404: when there is no such approved shop.
    """
    return get_object_or_404(
        Artist.objects.visible().prefetch_related("photos"), slug=slug
    )


def _with_photos_and_variants(queryset):
    # The search words are only for the database's index, never shown.
    return (
        queryset.select_related("artist", "category")
        .defer("search_vector")
        .prefetch_related(
            Prefetch("photos", queryset=ItemPhoto.objects.order_by("position", "id")),
            Prefetch("variants", queryset=Variant.objects.order_by("position", "id")),
        )
    )


def item_list_catalogue():
    """Items on sale in approved shops, ready for the catalogue's filters
    (``artists.filters.ItemFilter``) and its result cards."""
    return _with_photos_and_variants(Item.objects.visible())


def item_list_visible(*, artist: Artist | None = None):
    """Items on sale in approved shops, newest first; one shop's with ``artist``."""
    items = Item.objects.visible()
    if artist is not None:
        items = items.filter(artist=artist)
    return _with_photos_and_variants(items)


def item_get_visible(*, pk: int) -> Item:
    """An item on sale in an approved shop.

    :raises Http404: when the item is not on sale or its shop is not approved.
    """
    return get_object_or_404(_with_photos_and_variants(Item.objects.visible()), pk=pk)


def item_list_for_artist(*, artist: Artist):
    """Every item of ``artist`` (on sale or not), newest first."""
    return _with_photos_and_variants(Item.objects.filter(artist=artist))


def item_get_for_artist(*, artist: Artist, pk: int) -> Item:
    """One of ``artist``'s own items.

    :raises Http404: for another artist's item or an unknown id.
    """
    return get_object_or_404(
        _with_photos_and_variants(Item.objects.filter(artist=artist)), pk=pk
    )


def item_photo_get_for_artist(*, artist: Artist, item_pk: int, pk: int) -> ItemPhoto:
    """A photo of one of ``artist``'s items.

    :raises Http404: for another artist's photo or an unknown id.
    """
    return get_object_or_404(
        ItemPhoto.objects.select_related("item"),
        item__artist=artist,
        item_id=item_pk,
        pk=pk,
    )


def variant_get_for_artist(*, artist: Artist, pk: int) -> Variant:
    """A variant of one of ``artist``'s items.

    :raises Http404: for another artist's variant or an unknown id.
    """
    return get_object_or_404(
        Variant.objects.select_related("item", "item__artist"),
        item__artist=artist,
        pk=pk,
    )


def variant_get_for_item(*, item: Item, pk: int) -> Variant:
    """A variant of ``item`` (itself already scoped to who asks).

    :raises Http404: when the variant belongs to another item.
    """
    return get_object_or_404(Variant.objects.select_related("item"), item=item, pk=pk)


def waiting_alert_variant_ids(*, user, item: Item) -> set[int]:
    """Ids of ``item``'s variants ``user`` already asked to be alerted about."""
    if user is None or not user.is_authenticated:
        return set()
    return set(
        StockAlert.objects.filter(
            user=user, variant__item=item, notified_at__isnull=True
        ).values_list("variant_id", flat=True)
    )


def artist_dashboard_counts(*, artist: Artist) -> dict:
    """Numbers shown on the dashboard home page."""
    items = Item.objects.filter(artist=artist)
    variants = Variant.objects.filter(item__artist=artist)
    return {
        "items": items.count(),
        "items_on_sale": items.filter(is_active=True).count(),
        "variants": variants.count(),
        "variants_out_of_stock": variants.filter(stock=0).count(),
        "waiting_alerts": StockAlert.objects.filter(
            variant__item__artist=artist, notified_at__isnull=True
        ).count(),
    }


def artist_photo_get_for_artist(*, artist: Artist, pk: int):
    """A photo of ``artist``'s own shop page.

    :raises Http404: for another shop's photo or an unknown id.
    """
    return get_object_or_404(artist.photos.all(), pk=pk)
