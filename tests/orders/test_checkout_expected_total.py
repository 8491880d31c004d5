"""The total the buyer was shown (issue 19, 10): an artist raises a price
between the buyer's ``GET cart/`` and ``POST checkout/``. With the old
``expected_total`` the API answers 409 with the new total and nothing is
charged or reserved; the checkout page refuses the same way (one check in
the checkout service)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from artists.models import Variant
from orders.models import CartLine, Order, Payment
from tests.artists.helpers import client_for

from .factories import ADDRESS, checkout_body, make_artist, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def potter():
    return make_artist("potter")


@pytest.fixture
def bowl(potter):
    return make_variant(potter, price="10.00", stock=5)


@pytest.fixture
def shown_total(buyer_api, bowl):
    """The buyer puts the bowl in the cart and reads the total (10 + 5 shipping)."""
    buyer_api.post(
        "/api/v1/cart/lines/", {"variant": bowl.pk, "quantity": 1}, format="json"
    )
    total = buyer_api.get("/api/v1/cart/").json()["total"]
    assert total == "15.00"
    return total


def raise_price(potter, bowl, price="990.00"):
    response = client_for(potter.user).patch(
        f"/api/v1/shop/items/{bowl.item_id}/", {"price": price}, format="json"
    )
    assert response.status_code == 200, response.json()


class TestApi:
    def test_a_raised_price_answers_409_with_the_new_total_and_charges_nothing(
        self, buyer_api, potter, bowl, shown_total
    ):
        raise_price(potter, bowl)

        response = buyer_api.post(
            "/api/v1/checkout/",
            {**checkout_body(), "expected_total": shown_total},
            format="json",
        )

        assert response.status_code == 409
        body = response.json()
        assert body["total"] == "995.00"
        assert body["state"] == "total_changed"
        assert "995.00 €" in body["detail"]
        assert not Order.objects.exists()
        assert not Payment.objects.exists()
        assert Variant.objects.get(pk=bowl.pk).stock == 5
        assert CartLine.objects.filter(cart__user__username="buyer").count() == 1

    def test_the_new_total_then_pays(self, buyer_api, potter, bowl, shown_total):
        raise_price(potter, bowl)
        new_total = buyer_api.post(
            "/api/v1/checkout/",
            {**checkout_body(), "expected_total": shown_total},
            format="json",
        ).json()["total"]

        response = buyer_api.post(
            "/api/v1/checkout/",
            {**checkout_body(), "expected_total": new_total},
            format="json",
        )

        assert response.status_code == 201, response.json()
        assert response.json()["total"] == "995.00"
        assert Payment.objects.get().amount == Decimal("995.00")
        assert Variant.objects.get(pk=bowl.pk).stock == 4

    def test_the_right_expected_total_pays(self, buyer_api, bowl, shown_total):
        response = buyer_api.post(
            "/api/v1/checkout/",
            {**checkout_body(), "expected_total": "15"},
            format="json",
        )

        assert response.status_code == 201, response.json()
        assert Payment.objects.get().amount == Decimal("15.00")

    def test_without_expected_total_checkout_works_as_before(
        self, buyer_api, potter, bowl, shown_total
    ):
        raise_price(potter, bowl, price="20.00")

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 201
        assert response.json()["total"] == "25.00"

    @pytest.mark.parametrize("value", ["abc", "1e400", "12.345", "-"])
    def test_a_malformed_expected_total_is_a_field_error(
        self, buyer_api, bowl, shown_total, value
    ):
        response = buyer_api.post(
            "/api/v1/checkout/",
            {**checkout_body(), "expected_total": value},
            format="json",
        )

        assert response.status_code == 400
        assert "expected_total" in response.json()
        assert not Order.objects.exists()


def test_the_checkout_page_refuses_a_raised_price_the_same_way(
    client, buyer, potter, bowl
):
    client.force_login(buyer)
    client.post(reverse("cart:add"), {"variant": bowl.pk, "quantity": 1})
    form = client.get(reverse("cart:checkout")).context["payment_form"]
    raise_price(potter, bowl)

    response = client.post(
        reverse("cart:checkout"),
        {
            **ADDRESS,
            "provider": "test",
            "token": "ok",
            "checkout_key": form.initial["checkout_key"],
            "expected_total": form.initial["expected_total"],
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "The total is now 995.00 €" in html
    assert response.context["payment_form"].initial["expected_total"] == Decimal(
        "995.00"
    )
    assert not Order.objects.exists()
    assert Variant.objects.get(pk=bowl.pk).stock == 5
