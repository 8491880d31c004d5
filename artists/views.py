"""Public catalog pages: home, shops, a shop, an item, back-in-stock alerts."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError

from . import selectors, services
from .forms import StockAlertForm
from .models import Artist, Item

HOME_ITEMS = 12
HOME_SHOPS = 8


def home(request):
    items = selectors.item_list_visible()[:HOME_ITEMS]
    shops = selectors.artist_list_visible().order_by("-approved_at", "name")[
        :HOME_SHOPS
    ]
    return render(request, "artists/home.html", {"items": items, "shops": shops})


def artist_list(request):
    return render(
        request,
        "artists/artist_list.html",
        {"artists": selectors.artist_list_visible()},
    )


def _own_artist(request) -> Artist | None:
    return selectors.artist_for_user(request.user)


def artist_detail(request, slug):
    own = _own_artist(request)
    if own is not None and own.slug == slug:
        # An artist sees its own page even before approval, as a preview.
        artist, items = (
            own,
            selectors.item_list_for_artist(artist=own).filter(is_active=True),
        )
    else:
        artist = selectors.artist_get_visible(slug=slug)
        items = selectors.item_list_visible(artist=artist)
    return render(
        request,
        "artists/artist_detail.html",
        {"artist": artist, "items": items, "preview": not artist.is_approved},
    )


def _item_for_request(request, pk) -> tuple[Item, bool]:
    """The item and whether it is a preview (its own artist looking at an
    item buyers cannot see)."""
    try:
        return selectors.item_get_visible(pk=pk), False
    except Http404:
        own = _own_artist(request)
        if own is None:
            raise
        return selectors.item_get_for_artist(artist=own, pk=pk), True


def item_detail(request, pk):
    item, preview = _item_for_request(request, pk)
    variants = list(item.variants.all())
    in_stock = [variant for variant in variants if variant.stock > 0]
    prices = sorted({variant.unit_price for variant in variants}) or [item.price]
    return render(
        request,
        "artists/item_detail.html",
        {
            "item": item,
            "artist": item.artist,
            "photos": list(item.photos.all()),
            "variants": variants,
            "price": prices[0],
            "price_varies": len(prices) > 1,
            # Only an item with a single option comes pre-selected: with
            # several, the buyer must choose (design.md, Catalog).
            "default_variant": (
                variants[0] if len(variants) == 1 and in_stock else None
            ),
            "any_in_stock": bool(in_stock),
            "alerted_ids": selectors.waiting_alert_variant_ids(
                user=request.user, item=item
            ),
            "preview": preview,
        },
    )


@require_POST
def stock_alert(request, pk):
    item = selectors.item_get_visible(pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(item.get_absolute_url())
    form = StockAlertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the option you are waiting for."))
        return redirect(item)
    variant = selectors.variant_get_for_item(item=item, pk=form.cleaned_data["variant"])
    try:
        _alert, created = services.stock_alert_create(
            user=request.user, variant=variant
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(item)
    if created:
        messages.success(
            request,
            _("We will email you once when “%(variant)s” is back in stock.")
            % {"variant": variant.name},
        )
    else:
        messages.info(
            request,
            _(
                "You are already on the list for “%(variant)s”: we will email you once it is back."
            )
            % {"variant": variant.name},
        )
    return redirect(item)
