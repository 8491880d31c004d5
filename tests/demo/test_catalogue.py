"""The demo's catalogue gives search and filters something to tell apart:
six shops with different shipping terms (one outside the EU, one on
holiday today), at least sixty pieces, each in a category of a tree named
in English and French, prices from a few euros to a few hundred, pieces
that can be personalised, pieces sold out, pieces with options, a photo
each, and reviews whose averages show."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from artists.models import Artist, Category, Item
from reviews.models import Review

pytestmark = pytest.mark.django_db

NEW_SHOPS = {"hugo-bois-tourne", "papeterie-margaux", "nora-clay"}


@pytest.fixture
def demo(db):
    call_command("seed_demo")


def titles(response) -> set[str]:
    assert response.status_code == 200
    return {item.title for item in response.context["page_obj"].object_list}


def _shops_and_pieces():
    shops = Artist.objects.visible().annotate(pieces=Count("items"))
    assert shops.count() == 6
    assert min(shop.pieces for shop in shops) >= 9
    items = Item.objects.visible()
    assert items.count() >= 60
    assert not items.filter(category__isnull=True).exists()
    assert not items.filter(photos__isnull=True).exists()
    assert not Category.objects.filter(name_fr="").exists()
    assert Category.objects.get(slug="teapots").name_fr == "Théières"


def _prices_options_stock_and_shipping():
    items = Item.objects.visible()
    prices = items.aggregate(low=Min("price"), high=Max("price"))
    assert prices["low"] < Decimal("10") and prices["high"] > Decimal("200")
    assert items.filter(price__lt=30).count() >= 10
    assert items.filter(price__gte=60).count() >= 10
    assert items.filter(personalisable=True).count() >= 8
    sold_out = items.annotate(
        stocked=Count("variants", filter=Q(variants__stock__gt=0))
    ).filter(stocked=0)
    assert sold_out.count() >= 5
    # Item.in_stock (kept by the database) agrees with the variants.
    assert set(items.filter(in_stock=False)) == set(sold_out)
    assert items.annotate(options=Count("variants")).filter(options__gt=1).count() >= 12

    shops = Artist.objects.visible()
    assert len(set(shops.values_list("country", flat=True))) >= 4
    assert shops.exclude(country__in=["FR", "BE", "PT"]).exists()  # outside the EU
    terms = set(shops.values_list("shipping_domestic", "shipping_eu", "shipping_world"))
    assert len(terms) == 6
    # One shop ships within France only, one within the EU only.
    assert shops.filter(ships_to_eu=False, ships_worldwide=False).count() == 1
    assert shops.get(slug="papeterie-margaux").ships_to_eu is False
    assert shops.get(slug="hugo-bois-tourne").ships_worldwide is False
    assert shops.filter(ships_to_eu=True, ships_worldwide=False).count() == 1
    today = timezone.localdate()
    on_holiday = shops.filter(
        holiday_start_date__lte=today, holiday_end_date__gte=today
    )
    assert list(on_holiday.values_list("slug", flat=True)) == ["papeterie-margaux"]


def _reviews():
    rated = Artist.objects.filter(rating_count__gt=0)
    assert rated.count() >= 5
    assert NEW_SHOPS & set(rated.values_list("slug", flat=True)) == {
        "hugo-bois-tourne",
        "nora-clay",
    }
    # Different averages, so that "best rated" orders something.
    assert len(set(rated.values_list("rating_average", flat=True))) >= 3
    assert Review.objects.filter(line__artist_order__order__buyer__username="jeanne")


def test_the_demo_catalogue_has_enough_to_search_filter_and_sort(demo):
    """Seeding takes seconds: one test checks the data, then a second run."""
    _shops_and_pieces()
    _prices_options_stock_and_shipping()
    _reviews()
    before = (Item.objects.count(), Category.objects.count(), Review.objects.count())

    call_command("seed_demo")

    assert (
        Item.objects.count(),
        Category.objects.count(),
        Review.objects.count(),
    ) == before


def test_a_buyer_finds_teapots_in_both_languages_and_by_category(demo, client):
    url = reverse("catalog:items")
    teapots = {
        "Théière en grès, un litre",
        "Service à thé : théière et deux tasses",
        "Speckled stoneware teapot",
        "Small teapot for one",
    }

    assert teapots <= titles(client.get(url, {"q": "theiere"}))
    assert teapots == titles(client.get(url, {"category": "teapots"}))
    assert {"Small teapot for one", "Speckled stoneware teapot"} <= titles(
        client.get(url, {"q": "teapot"})
    )
    ceramics = titles(client.get(url, {"category": "ceramics", "max_price": "30"}))
    assert {"Petit vase soliflore", "Tasse à thé sans anse"} <= ceramics
    assert "Speckled stoneware teapot" not in ceramics
