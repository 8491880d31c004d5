"""Public catalog pages: home, shops, a shop, an item, back-in-stock alerts."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from marketplace.errors import DomainError
from marketplace.pagination import CappedPaginator

from . import hooks, search, selectors, services
from .categories import category_tree
from .facets import facet_counts
from .filters import ItemFilter
from .forms import StockAlertForm
from .models import Artist, Item

HOME_ITEMS = 12
HOME_SHOPS = 8
CATALOGUE_PAGE_SIZE = 24


def home(request):
    items = selectors.item_list_visible()[:HOME_ITEMS]
    shops = selectors.artist_list_visible().order_by("-approved_at", "name")[
        :HOME_SHOPS
    ]
    return render(request, "artists/home.html", {"items": items, "shops": shops})


def item_list(request):
    """The catalogue: search, category tree, filters with their counts,
    sorting and pages, all in the URL so that a search can be shared."""
    items = selectors.item_list_catalogue()
    filterset = ItemFilter(request.GET, queryset=items, tree=category_tree())
    results = filterset.qs if filterset.is_valid() else items.none()
    # Counted up to 10,001: past that the page says "more than 10,000".
    paginator = CappedPaginator(results, CATALOGUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    facets = None
    if filterset.is_valid():
        facets = facet_counts(
            filterset=filterset, queryset=items, found=paginator.count
        )
    page.object_list = list(page.object_list)
    marked = search.highlights(page.object_list, filterset.query)
    for item in page.object_list:
        item.marked = marked.get(item.pk)
    category = filterset.chosen_category if facets else None
    breadcrumb = filterset.tree.ancestors(category.pk) if category else []
    return render(
        request,
        "artists/item_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page_obj": page,
            "facets": facets,
            "query": filterset.query,
            "category": category,
            "breadcrumb": breadcrumb,
            "breadcrumb_ids": [node.category.pk for node in breadcrumb],
            "ships_to": filterset.chosen_country,
            "ships_to_name": countries.name(filterset.chosen_country),
        },
    )


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
        {
            "artist": artist,
            "items": items,
            "preview": not artist.is_approved,
            "sections": hooks.sections(
                hooks.shop_page_sections, request=request, artist=artist
            ),
        },
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
            "sections": hooks.sections(
                hooks.item_page_sections, request=request, item=item
            ),
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
