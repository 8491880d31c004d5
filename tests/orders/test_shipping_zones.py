"""A shop that does not serve the destination's zone (its terms'
``ships_to_eu`` / ``ships_worldwide``): the cart says so on its pieces, and
checkout refuses the address's country, in the API and on the page, with
nothing reserved or charged."""

import pytest
from django.urls import reverse

from artists.models import Artist, Variant
from orders.models import Cart, CartLine, Order, OrderNumberCounter, Payment

from .factories import ADDRESS, checkout_body
from .helpers import logged_in

pytestmark = pytest.mark.django_db

REFUSAL = (
    "Atelier Argile does not ship to United States of America: remove its "
    "pieces or choose another address."
)


@pytest.fixture
def potter_ships_in_the_eu(three_artists):
    """The French potter of ``full_cart`` serves the EU but not the world."""
    potter = three_artists[0]
    Artist.objects.filter(pk=potter.pk).update(ships_worldwide=False)
    return potter


def snapshot():
    return (
        Order.objects.count(),
        Payment.objects.count(),
        list(Variant.objects.order_by("pk").values_list("stock", flat=True)),
        CartLine.objects.count(),
        OrderNumberCounter.objects.filter(last_number__gt=0).count(),
    )


class TestCheckoutApi:
    def test_an_unserved_country_is_an_error_of_the_address_naming_the_shop(
        self, buyer_api, full_cart, potter_ships_in_the_eu
    ):
        before = snapshot()

        response = buyer_api.post(
            "/api/v1/checkout/", checkout_body(country="US"), format="json"
        )

        assert response.status_code == 400
        assert response.json() == {"shipping_address": {"country": [REFUSAL]}}
        assert snapshot() == before

    def test_a_served_country_still_checks_out(
        self, buyer_api, full_cart, potter_ships_in_the_eu
    ):
        response = buyer_api.post(
            "/api/v1/checkout/", checkout_body(country="DE"), format="json"
        )

        assert response.status_code == 201
        assert Order.objects.get().shipping_country == "DE"

    def test_the_cart_marks_the_shops_pieces(
        self, buyer_api, full_cart, potter_ships_in_the_eu
    ):
        assert (
            buyer_api.patch(
                "/api/v1/cart/", {"country": "US"}, format="json"
            ).status_code
            == 200
        )

        cart = buyer_api.get("/api/v1/cart/").json()

        problems = {
            group["artist"]: [line["problem"] for line in group["lines"]]
            for group in cart["artists"]
        }
        assert problems[potter_ships_in_the_eu.slug] == [REFUSAL]
        assert [
            p for slug, p in problems.items() if slug != potter_ships_in_the_eu.slug
        ] == [[""], [""]]


class TestCheckoutPage:
    def test_refuses_an_unserved_country_on_the_country_field(
        self, buyer, full_cart, potter_ships_in_the_eu
    ):
        Cart.objects.filter(user=buyer).update(country="US")
        client = logged_in(buyer)
        before = snapshot()

        response = client.post(
            reverse("cart:checkout"),
            {
                **ADDRESS,
                "country": "US",
                "provider": "test",
                "token": "ok",
                "checkout_key": "k" * 32,
            },
        )

        assert response.status_code == 200
        assert response.context["address_form"].errors["country"] == [REFUSAL]
        assert REFUSAL in response.content.decode()
        assert snapshot() == before

    def test_the_cart_page_shows_why(self, buyer, full_cart, potter_ships_in_the_eu):
        Cart.objects.filter(user=buyer).update(country="US")

        html = logged_in(buyer).get(reverse("cart:cart")).content.decode()

        assert html.count(REFUSAL) == 1
        assert "Some pieces cannot be bought as they are" in html
