"""An artist's own shop through the API: the shop itself, its items, their
photos and their variants, refused to everyone else."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from artists.models import Item, ItemPhoto
from tests.artists.factories import fake_image_upload, jpeg_upload
from tests.factories import ArtistFactory

from .helpers import client_for

pytestmark = pytest.mark.django_db


def stored_files():
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


class TestShop:
    def test_is_refused_to_a_buyer_and_to_anonymous_callers(self, buyer):
        assert client_for(buyer).get("/api/v1/shop/").status_code == 403
        assert APIClient().get("/api/v1/shop/").status_code == 401

    def test_shows_the_artist_its_own_shop_even_before_approval(self):
        pending = ArtistFactory(approved_at=None)

        response = client_for(pending.user).get("/api/v1/shop/")

        assert response.status_code == 200
        assert response.json()["slug"] == pending.slug
        assert response.json()["is_approved"] is False

    def test_changes_some_terms_and_keeps_the_others(self, artist_api, artist):
        response = artist_api.patch(
            "/api/v1/shop/",
            {
                "story": "Wood-fired stoneware.",
                "terms": {
                    "return_window_days": 0,
                    "shipping_fees": {"eu": "11.50"},
                    "free_shipping_over": "60",
                },
            },
            format="json",
        )

        assert response.status_code == 200, response.json()
        terms = response.json()["terms"]
        assert terms["return_window_days"] == 0
        assert terms["shipping_fees"] == {
            "domestic": "5.00",
            "eu": "11.50",
            "world": "18.00",
        }
        assert terms["free_shipping_over"] == "60.00"
        artist.refresh_from_db()
        assert artist.story == "Wood-fired stoneware."
        assert artist.return_window_days == 0
        assert artist.shipping_eu == Decimal("11.50")
        assert artist.shipping_domestic == Decimal("5.00")
        assert artist.accepts_exchanges is True

    def test_removes_the_free_shipping_threshold_with_null(self, artist_api, artist):
        artist.free_shipping_over = Decimal("50.00")
        artist.save()

        response = artist_api.patch(
            "/api/v1/shop/", {"terms": {"free_shipping_over": None}}, format="json"
        )

        assert response.status_code == 200
        artist.refresh_from_db()
        assert artist.free_shipping_over is None

    def test_refuses_a_negative_shipping_fee_and_changes_nothing(
        self, artist_api, artist
    ):
        response = artist_api.patch(
            "/api/v1/shop/",
            {"name": "Renamed", "terms": {"shipping_fees": {"domestic": "-1.00"}}},
            format="json",
        )

        assert response.status_code == 400
        assert "domestic" in str(response.json())
        artist.refresh_from_db()
        assert artist.shipping_domestic == Decimal("5.00")
        assert artist.name != "Renamed"

    def test_sets_a_holiday_and_refuses_one_ending_before_it_starts(
        self, artist_api, artist
    ):
        good = artist_api.patch(
            "/api/v1/shop/",
            {
                "holiday": {
                    "start_date": "2099-08-01",
                    "end_date": "2099-08-20",
                    "message": "Kiln repairs",
                }
            },
            format="json",
        )
        bad = artist_api.patch(
            "/api/v1/shop/",
            {"holiday": {"start_date": "2099-09-10", "end_date": "2099-09-01"}},
            format="json",
        )

        assert good.status_code == 200
        assert good.json()["holiday"]["end_date"] == "2099-08-20"
        assert bad.status_code == 400
        assert "holiday" in bad.json()
        artist.refresh_from_db()
        assert str(artist.holiday_start_date) == "2099-08-01"
        assert artist.holiday_message == "Kiln repairs"


class TestShopItems:
    def test_creates_an_item_with_one_standard_variant(self, artist_api, artist):
        response = artist_api.post(
            "/api/v1/shop/items/",
            {
                "title": "Moon jar",
                "description": "Tall.",
                "price": "120.00",
                "personalisable": True,
                "stock": 2,
            },
            format="json",
        )

        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["title"] == "Moon jar"
        assert body["personalisable"] is True
        assert [(v["name"], v["price"], v["stock"]) for v in body["variants"]] == [
            ("Standard", "120.00", 2)
        ]
        assert Item.objects.get(pk=body["id"]).artist == artist

    def test_creates_an_item_with_its_options(self, artist_api):
        response = artist_api.post(
            "/api/v1/shop/items/",
            {
                "title": "Linen apron",
                "price": "45.00",
                "variants": [
                    {"name": "S", "stock": 1},
                    {"name": "XL", "price": "49.00", "stock": 0},
                ],
            },
            format="json",
        )

        assert response.status_code == 201
        assert [
            (v["name"], v["price"], v["stock"]) for v in response.json()["variants"]
        ] == [
            ("S", "45.00", 1),
            ("XL", "49.00", 0),
        ]

    def test_refuses_a_zero_price(self, artist_api):
        response = artist_api.post(
            "/api/v1/shop/items/", {"title": "Free bowl", "price": "0"}, format="json"
        )

        assert response.status_code == 400
        assert "price" in response.json()
        assert not Item.objects.filter(title="Free bowl").exists()

    def test_is_refused_to_a_buyer(self, buyer_api):
        response = buyer_api.post(
            "/api/v1/shop/items/", {"title": "Bowl", "price": "10"}, format="json"
        )

        assert response.status_code == 403

    def test_updates_an_item_and_takes_it_off_sale(
        self, artist_api, api_client, variant
    ):
        item = variant.item

        response = artist_api.patch(
            f"/api/v1/shop/items/{item.pk}/",
            {
                "title": "Blue bowl",
                "price": "26.50",
                "size_guide": "12 cm wide",
                "is_active": False,
            },
            format="json",
        )

        assert response.status_code == 200
        item.refresh_from_db()
        assert (item.title, item.price, item.size_guide, item.is_active) == (
            "Blue bowl",
            Decimal("26.50"),
            "12 cm wide",
            False,
        )
        assert api_client.get(f"/api/v1/items/{item.pk}/").status_code == 404

    def test_answers_404_for_another_artists_item_and_changes_nothing(
        self, other_artist, variant
    ):
        intruder = client_for(other_artist.user)

        patch = intruder.patch(
            f"/api/v1/shop/items/{variant.item.pk}/", {"title": "Stolen"}, format="json"
        )
        add_variant = intruder.post(
            f"/api/v1/shop/items/{variant.item.pk}/variants/",
            {"name": "Mine"},
            format="json",
        )
        photo = intruder.post(
            f"/api/v1/shop/items/{variant.item.pk}/photos/",
            {"image": jpeg_upload()},
            format="multipart",
        )

        assert (patch.status_code, add_variant.status_code, photo.status_code) == (
            404,
            404,
            404,
        )
        variant.item.refresh_from_db()
        assert variant.item.title != "Stolen"
        assert variant.item.variants.count() == 1
        assert not ItemPhoto.objects.exists()


class TestShopItemPhotos:
    def test_adds_a_jpeg_photo_with_a_thumbnail(self, artist_api, variant):
        response = artist_api.post(
            f"/api/v1/shop/items/{variant.item.pk}/photos/",
            {"image": jpeg_upload()},
            format="multipart",
        )

        assert response.status_code == 201, response.json()
        photo = ItemPhoto.objects.get(item=variant.item)
        assert photo.thumbnail.name.endswith("-thumb.jpg")
        assert response.json()["thumbnail"].endswith(photo.thumbnail.url)
        assert len(stored_files()) == 2
        public = artist_api.get(f"/api/v1/items/{variant.item.pk}/").json()
        assert public["photos"][0]["url"].endswith(photo.image.url)

    def test_refuses_a_file_that_is_not_a_photo_and_stores_nothing(
        self, artist_api, variant
    ):
        response = artist_api.post(
            f"/api/v1/shop/items/{variant.item.pk}/photos/",
            {"image": fake_image_upload()},
            format="multipart",
        )

        assert response.status_code == 400
        assert "image" in response.json()
        assert not ItemPhoto.objects.exists()
        assert stored_files() == []

    def test_deletes_a_photo_and_its_files(
        self, artist_api, variant, django_capture_on_commit_callbacks
    ):
        photo_id = artist_api.post(
            f"/api/v1/shop/items/{variant.item.pk}/photos/",
            {"image": jpeg_upload()},
            format="multipart",
        ).json()["id"]

        with django_capture_on_commit_callbacks(execute=True):
            response = artist_api.delete(
                f"/api/v1/shop/items/{variant.item.pk}/photos/{photo_id}/"
            )

        assert response.status_code == 204
        assert not ItemPhoto.objects.exists()
        assert stored_files() == []


class TestShopVariants:
    def test_adds_a_variant_using_the_item_price(self, artist_api, variant):
        response = artist_api.post(
            f"/api/v1/shop/items/{variant.item.pk}/variants/",
            {"name": "Celadon", "stock": 4},
            format="json",
        )

        assert response.status_code == 201
        assert (
            response.json()["name"],
            response.json()["price"],
            response.json()["stock"],
        ) == ("Celadon", "24.00", 4)

    def test_refuses_a_second_variant_with_the_same_name(self, artist_api, variant):
        response = artist_api.post(
            f"/api/v1/shop/items/{variant.item.pk}/variants/",
            {"name": variant.name.upper()},
            format="json",
        )

        assert response.status_code == 400
        assert "name" in response.json()

    def test_changes_stock_and_price_then_goes_back_to_the_item_price(
        self, artist_api, variant
    ):
        changed = artist_api.patch(
            f"/api/v1/shop/variants/{variant.pk}/",
            {"stock": 9, "price": "31.00"},
            format="json",
        )
        reset = artist_api.patch(
            f"/api/v1/shop/variants/{variant.pk}/", {"price": None}, format="json"
        )

        assert changed.status_code == 200
        assert (changed.json()["stock"], changed.json()["price"]) == (9, "31.00")
        assert reset.json()["price"] == "24.00"
        variant.refresh_from_db()
        assert (variant.stock, variant.price) == (9, None)

    def test_refuses_negative_stock_and_changes_nothing(self, artist_api, variant):
        response = artist_api.patch(
            f"/api/v1/shop/variants/{variant.pk}/",
            {"stock": -1, "name": "Renamed"},
            format="json",
        )

        assert response.status_code == 400
        assert "stock" in response.json()
        variant.refresh_from_db()
        assert variant.stock == 5
        assert variant.name != "Renamed"

    def test_answers_404_for_another_artists_variant(self, other_artist, variant):
        response = client_for(other_artist.user).patch(
            f"/api/v1/shop/variants/{variant.pk}/", {"stock": 0}, format="json"
        )

        assert response.status_code == 404
        variant.refresh_from_db()
        assert variant.stock == 5
