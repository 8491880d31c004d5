"""The public catalogue through the API: approved shops and the items on
sale in them, and the stock alerts a buyer asks for on a sold-out variant."""

from decimal import Decimal

import pytest

from artists.models import StockAlert
from tests.factories import ArtistFactory, ItemFactory, VariantFactory

pytestmark = pytest.mark.django_db


class TestPublicShops:
    def test_lists_only_approved_shops(self, api_client, artist):
        ArtistFactory(name="Hidden workshop", approved_at=None)

        response = api_client.get("/api/v1/artists/")

        assert response.status_code == 200
        assert [shop["slug"] for shop in response.json()["results"]] == [artist.slug]

    def test_shows_an_approved_shop_with_its_terms(self, api_client, artist):
        artist.return_window_days = 30
        artist.free_shipping_over = Decimal("80.00")
        artist.save()

        response = api_client.get(f"/api/v1/artists/{artist.slug}/")

        assert response.status_code == 200
        body = response.json()
        assert body["name"] == artist.name
        assert body["terms"] == {
            "return_window_days": 30,
            "accepts_exchanges": True,
            "refunds_original_shipping": False,
            "return_postage_paid_by": "buyer",
            "processing_days": 3,
            "shipping_fees": {"domestic": "5.00", "eu": "9.00", "world": "18.00"},
            "free_shipping_over": "80.00",
            "ships_to_eu": True,
            "ships_worldwide": True,
        }

    def test_answers_404_for_a_shop_awaiting_approval(self, api_client):
        pending = ArtistFactory(approved_at=None)

        response = api_client.get(f"/api/v1/artists/{pending.slug}/")

        assert response.status_code == 404


class TestPublicItems:
    def test_lists_only_items_on_sale_in_approved_shops(self, api_client, artist):
        on_sale = ItemFactory(artist=artist)
        ItemFactory(artist=artist, is_active=False)
        ItemFactory(artist=ArtistFactory(approved_at=None))

        response = api_client.get("/api/v1/items/")

        assert response.status_code == 200
        assert [item["id"] for item in response.json()["results"]] == [on_sale.pk]

    def test_filters_items_by_shop(self, api_client, artist, other_artist):
        mine = ItemFactory(artist=artist)
        ItemFactory(artist=other_artist)

        response = api_client.get("/api/v1/items/", {"artist": artist.slug})

        assert [item["id"] for item in response.json()["results"]] == [mine.pk]

    @pytest.mark.parametrize("value", ["\x00potter", "a shop", "x" * 81])
    def test_a_shop_filter_that_is_no_shop_address_is_a_field_error(
        self, api_client, artist, value
    ):
        """Found by the API fuzz: a NUL byte reached PostgreSQL, which
        refuses it in text (500)."""
        ItemFactory(artist=artist)

        response = api_client.get("/api/v1/items/", {"artist": value})

        assert response.status_code == 400
        assert list(response.json()) == ["artist"]

    def test_an_unknown_shop_has_no_items(self, api_client, artist):
        ItemFactory(artist=artist)

        response = api_client.get("/api/v1/items/", {"artist": "no-such-shop"})

        assert response.status_code == 200
        assert response.json()["results"] == []

    def test_shows_variants_with_the_price_a_buyer_pays(self, api_client, artist):
        item = ItemFactory(artist=artist, price=Decimal("24.00"))
        plain = VariantFactory(item=item, name="Small", stock=2)
        large = VariantFactory(item=item, name="Large", price=Decimal("30.00"), stock=0)

        response = api_client.get(f"/api/v1/items/{item.pk}/")

        assert response.status_code == 200
        body = response.json()
        assert body["artist"] == artist.slug
        assert body["price"] == "24.00"
        assert [
            (v["id"], v["name"], v["price"], v["stock"]) for v in body["variants"]
        ] == [
            (plain.pk, "Small", "24.00", 2),
            (large.pk, "Large", "30.00", 0),
        ]

    @pytest.mark.parametrize("hidden", ["inactive", "unapproved"])
    def test_answers_404_for_an_item_buyers_cannot_see(self, api_client, hidden):
        if hidden == "inactive":
            item = ItemFactory(is_active=False)
        else:
            item = ItemFactory(artist=ArtistFactory(approved_at=None))

        response = api_client.get(f"/api/v1/items/{item.pk}/")

        assert response.status_code == 404


class TestStockAlerts:
    def test_creates_an_alert_for_an_out_of_stock_variant(
        self, buyer_api, buyer, artist
    ):
        sold_out = VariantFactory(item__artist=artist, stock=0)

        first = buyer_api.post(
            f"/api/v1/items/{sold_out.item.pk}/stock-alerts/",
            {"variant": sold_out.pk},
            format="json",
        )
        again = buyer_api.post(
            f"/api/v1/items/{sold_out.item.pk}/stock-alerts/",
            {"variant": sold_out.pk},
            format="json",
        )

        assert first.status_code == 201
        assert again.status_code == 200
        assert StockAlert.objects.filter(user=buyer, variant=sold_out).count() == 1

    def test_refuses_a_variant_in_stock_or_of_another_item(self, buyer_api, variant):
        sold_out_elsewhere = VariantFactory(stock=0)

        in_stock = buyer_api.post(
            f"/api/v1/items/{variant.item.pk}/stock-alerts/",
            {"variant": variant.pk},
            format="json",
        )
        elsewhere = buyer_api.post(
            f"/api/v1/items/{variant.item.pk}/stock-alerts/",
            {"variant": sold_out_elsewhere.pk},
            format="json",
        )

        assert in_stock.status_code == 400
        assert "variant" in in_stock.json()
        assert elsewhere.status_code == 400
        assert not StockAlert.objects.exists()

    def test_needs_a_logged_in_user(self, api_client, artist):
        sold_out = VariantFactory(item__artist=artist, stock=0)

        response = api_client.post(
            f"/api/v1/items/{sold_out.item.pk}/stock-alerts/",
            {"variant": sold_out.pk},
            format="json",
        )

        assert response.status_code == 401
