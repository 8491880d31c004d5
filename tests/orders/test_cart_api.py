"""The cart through the API: lines, destination, discount codes; bad input
answers 400 with field errors and changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from orders.models import Cart, CartLine
from tests.factories import DiscountCodeFactory, UserFactory

from .factories import make_artist, make_variant, photo_upload


def add(client, variant, quantity=1, **extra):
    return client.post(
        "/api/v1/cart/lines/",
        {"variant": variant.pk, "quantity": quantity, **extra},
        format="json",
    )


def cart_lines():
    return list(CartLine.objects.order_by("pk").values_list("variant_id", "quantity"))


class TestAddingToTheCart:
    def test_adds_a_line_and_prices_the_cart_by_artist(self, buyer_api, three_variants):
        bowl, scarf, ring = three_variants

        response = add(buyer_api, bowl, 2)
        add(buyer_api, ring, 1)

        assert response.status_code == 201
        assert response.json()["quantity"] == 2
        assert response.json()["line_total"] == "48.00"
        cart = buyer_api.get("/api/v1/cart/").json()
        assert [g["artist_name"] for g in cart["artists"]] == [
            "Atelier Argile",
            "Cuivre & Co",
        ]
        assert cart["artists"][0]["shipping_fee"] == "5.00"
        assert cart["artists"][1]["shipping_fee"] == "7.50"
        assert cart["items_total"] == "60.35"
        assert cart["total"] == "72.85"
        assert cart["customs_notice"] is False
        assert cart["artists"][0]["dispatch_date"] >= str(timezone.localdate())

    def test_adding_the_same_variant_again_adds_up_the_quantity(
        self, buyer_api, variant
    ):
        add(buyer_api, variant, 2)

        response = add(buyer_api, variant, 1)

        assert response.status_code == 201
        assert cart_lines() == [(variant.pk, 3)]

    def test_an_unknown_variant_is_refused(self, buyer_api, db):
        response = buyer_api.post(
            "/api/v1/cart/lines/", {"variant": 999999, "quantity": 1}
        )

        assert response.status_code == 400
        assert "variant" in response.json()
        assert cart_lines() == []

    def test_a_line_without_a_variant_is_refused_with_a_field_error(
        self, buyer_api, variant
    ):
        response = buyer_api.post("/api/v1/cart/lines/", {"quantity": 1}, format="json")

        assert response.status_code == 400
        assert response.json()["variant"]
        assert cart_lines() == []

    def test_a_variant_of_a_shop_not_yet_approved_is_refused(self, buyer_api, artist):
        artist.approved_at = None
        artist.save()
        hidden = make_variant(artist)

        response = add(buyer_api, hidden)

        assert response.status_code == 400
        assert "variant" in response.json()

    def test_a_quantity_of_zero_is_refused(self, buyer_api, variant):
        response = add(buyer_api, variant, 0)

        assert response.status_code == 400
        assert "quantity" in response.json()
        assert cart_lines() == []

    def test_more_than_the_stock_is_refused_saying_how_many_are_left(
        self, buyer_api, variant
    ):
        response = add(buyer_api, variant, 6)

        assert response.status_code == 400
        assert "5" in response.json()["quantity"][0]
        assert cart_lines() == []

    def test_what_the_cart_already_holds_counts_against_the_stock(
        self, buyer_api, variant
    ):
        add(buyer_api, variant, 4)

        response = add(buyer_api, variant, 2)

        assert response.status_code == 400
        assert "1 more" in response.json()["quantity"][0]
        assert cart_lines() == [(variant.pk, 4)]

    def test_a_personalisation_on_an_item_that_cannot_be_personalised_is_refused(
        self, buyer_api, variant
    ):
        response = add(buyer_api, variant, 1, personalisation="Pour Lou")

        assert response.status_code == 400
        assert "personalisation" in response.json()
        assert cart_lines() == []

    def test_a_personalised_piece_is_a_line_of_its_own(self, buyer_api, artist):
        mug = make_variant(artist, personalisable=True)
        add(buyer_api, mug, 1)

        response = add(buyer_api, mug, 1, personalisation="Pour Lou")

        assert response.status_code == 201
        assert response.json()["personalisation"] == "Pour Lou"
        assert cart_lines() == [(mug.pk, 1), (mug.pk, 1)]

    def test_a_personalisation_photo_is_cleaned_and_kept_private(
        self, buyer_api, artist
    ):
        mug = make_variant(artist, personalisable=True)

        response = buyer_api.post(
            "/api/v1/cart/lines/",
            {
                "variant": mug.pk,
                "quantity": 1,
                "personalisation_photo": photo_upload(fmt="JPEG"),
            },
            format="multipart",
        )

        assert response.status_code == 201
        line = CartLine.objects.get()
        assert line.personalisation_photo.name.endswith(".jpg")
        assert line.personalisation_photo.storage.exists(
            line.personalisation_photo.name
        )
        assert (
            response.json()["personalisation_photo"] == f"/cart/lines/{line.pk}/photo/"
        )

    def test_a_personalisation_photo_that_is_not_an_image_is_refused(
        self, buyer_api, artist
    ):
        mug = make_variant(artist, personalisable=True)
        fake = SimpleUploadedFile(
            "photo.png", b"<svg onload=alert(1)>", content_type="image/png"
        )

        response = buyer_api.post(
            "/api/v1/cart/lines/",
            {"variant": mug.pk, "quantity": 1, "personalisation_photo": fake},
            format="multipart",
        )

        assert response.status_code == 400
        assert "personalisation_photo" in response.json()
        assert cart_lines() == []

    def test_anonymous_callers_are_not_let_in(self, api_client, variant):
        response = add(api_client, variant)

        assert response.status_code in (401, 403)
        assert cart_lines() == []


class TestChangingLines:
    def test_changes_the_quantity_within_the_stock(self, buyer_api, variant):
        line = add(buyer_api, variant, 1).json()

        response = buyer_api.patch(f"/api/v1/cart/lines/{line['id']}/", {"quantity": 5})

        assert response.status_code == 200
        assert response.json()["line_total"] == "120.00"
        assert cart_lines() == [(variant.pk, 5)]

    def test_refuses_a_quantity_beyond_the_stock(self, buyer_api, variant):
        line = add(buyer_api, variant, 1).json()

        response = buyer_api.patch(f"/api/v1/cart/lines/{line['id']}/", {"quantity": 6})

        assert response.status_code == 400
        assert "quantity" in response.json()
        assert cart_lines() == [(variant.pk, 1)]

    def test_removes_a_line(self, buyer_api, variant):
        line = add(buyer_api, variant, 1).json()

        response = buyer_api.delete(f"/api/v1/cart/lines/{line['id']}/")

        assert response.status_code == 204
        assert cart_lines() == []

    def test_another_buyers_line_is_not_found(self, buyer_api, variant):
        stranger = APIClient()
        stranger.force_authenticate(UserFactory(username="stranger"))
        line = add(stranger, variant, 1).json()

        patched = buyer_api.patch(f"/api/v1/cart/lines/{line['id']}/", {"quantity": 2})
        deleted = buyer_api.delete(f"/api/v1/cart/lines/{line['id']}/")

        assert patched.status_code == 404
        assert deleted.status_code == 404
        assert cart_lines() == [(variant.pk, 1)]


class TestDestination:
    def test_a_country_outside_the_eu_shows_world_fees_and_the_customs_notice(
        self, buyer_api, variant
    ):
        add(buyer_api, variant, 1)

        response = buyer_api.patch("/api/v1/cart/", {"country": "us"}, format="json")

        assert response.status_code == 200
        assert response.json()["country"] == "US"
        assert response.json()["artists"][0]["shipping_zone"] == "world"
        assert response.json()["artists"][0]["shipping_fee"] == "18.00"
        assert response.json()["customs_notice"] is True

    def test_an_unknown_country_is_refused(self, buyer_api, buyer, variant):
        add(buyer_api, variant, 1)

        response = buyer_api.patch("/api/v1/cart/", {"country": "XX"}, format="json")

        assert response.status_code == 400
        assert "country" in response.json()
        assert Cart.objects.get(user=buyer).country == "FR"

    def test_free_shipping_hint_says_how_much_is_missing(self, buyer_api, artist):
        artist.free_shipping_over = Decimal("60.00")
        artist.save()
        add(buyer_api, make_variant(artist, price="24.00"), 2)

        group = buyer_api.get("/api/v1/cart/").json()["artists"][0]

        assert group["free_shipping"] is False
        assert group["free_shipping_missing"] == "12.00"
        assert group["shipping_fee"] == "5.00"


class TestDiscountCodes:
    @pytest.fixture
    def cart_of_48(self, buyer_api, variant):
        add(buyer_api, variant, 2)

    def apply(self, client, code):
        return client.post("/api/v1/cart/discount/", {"code": code}, format="json")

    def test_a_percentage_code_discounts_the_items_not_the_shipping(
        self, buyer_api, cart_of_48
    ):
        DiscountCodeFactory(code="TEN", kind="percent", value=Decimal("10"))

        response = self.apply(buyer_api, "ten")

        assert response.status_code == 200
        assert response.json()["discount"]["code"] == "TEN"
        assert response.json()["discount_total"] == "4.80"
        assert response.json()["total"] == "48.20"

    def test_a_fixed_code_is_capped_at_the_items(self, buyer_api, cart_of_48):
        DiscountCodeFactory(code="BIG", kind="fixed", value=Decimal("100"))

        response = self.apply(buyer_api, "BIG")

        assert response.json()["discount_total"] == "48.00"
        assert response.json()["total"] == "5.00"

    def test_removing_the_code_restores_the_price(self, buyer_api, cart_of_48):
        DiscountCodeFactory(code="TEN", kind="percent", value=Decimal("10"))
        self.apply(buyer_api, "TEN")

        response = buyer_api.delete("/api/v1/cart/discount/")

        assert response.status_code == 200
        assert response.json()["discount"] is None
        assert response.json()["total"] == "53.00"

    @pytest.mark.parametrize(
        ("attributes", "expected"),
        [
            ({"code": "OTHER"}, "does not exist"),
            ({"is_active": False}, "no longer active"),
            ({"ends_at": timezone.now() - timedelta(days=1)}, "expired"),
            ({"starts_at": timezone.now() + timedelta(days=3)}, "not valid yet"),
            ({"usage_limit": 2, "times_used": 2}, "as many times as allowed"),
            ({"minimum_amount": Decimal("50.00")}, "at least 50.00"),
        ],
        ids=[
            "unknown",
            "inactive",
            "expired",
            "not-yet-valid",
            "exhausted",
            "minimum-not-met",
        ],
    )
    def test_a_code_that_cannot_apply_is_refused_saying_why(
        self, buyer_api, buyer, cart_of_48, attributes, expected
    ):
        DiscountCodeFactory(**{"code": "SPRING", **attributes})

        response = self.apply(buyer_api, "SPRING")

        assert response.status_code == 400
        assert expected in response.json()["code"][0]
        assert Cart.objects.get(user=buyer).discount_code is None

    def test_an_artist_code_needs_an_item_of_that_artist(
        self, buyer_api, buyer, cart_of_48
    ):
        elsewhere = make_artist("elsewhere", name="Verre Soufflé")
        DiscountCodeFactory(code="VERRE", artist=elsewhere)

        response = self.apply(buyer_api, "VERRE")

        assert response.status_code == 400
        assert "Verre Soufflé" in response.json()["code"][0]
        assert Cart.objects.get(user=buyer).discount_code is None

    def test_an_applied_code_that_expires_stops_discounting_and_says_why(
        self, buyer_api, cart_of_48
    ):
        code = DiscountCodeFactory(code="SHORT")
        self.apply(buyer_api, "SHORT")
        code.ends_at = timezone.now() - timedelta(minutes=1)
        code.save()

        cart = buyer_api.get("/api/v1/cart/").json()

        assert cart["discount_total"] == "0.00"
        assert "expired" in cart["discount_problem"]


class TestQueryBudget:
    def fill(self, client, *, artists, lines_each):
        for index in range(artists):
            shop = make_artist(f"shop{index}-{lines_each}")
            for _ in range(lines_each):
                add(client, make_variant(shop), 1)

    @pytest.mark.parametrize(("artists", "lines_each"), [(1, 1), (4, 3)])
    def test_the_cart_is_read_in_a_constant_number_of_queries(
        self, buyer_api, django_assert_max_num_queries, artists, lines_each
    ):
        self.fill(buyer_api, artists=artists, lines_each=lines_each)
        DiscountCodeFactory(code="TEN")
        buyer_api.post("/api/v1/cart/discount/", {"code": "TEN"})

        with django_assert_max_num_queries(4):
            response = buyer_api.get("/api/v1/cart/")

        assert len(response.json()["artists"]) == artists
