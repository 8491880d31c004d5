"""A cart beyond what an amount can hold (9,999,999,999.99 €, the money
columns' 12 digits): adding or changing a line that would take the cart
there is refused with a clear error on the page and a 400 field error in
the API, and changes nothing; a line already that large (an artist raised
the price after it was added) shows in the cart instead of breaking it."""

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from orders.models import Cart, CartLine, Order
from tests.orders.factories import checkout_body, make_artist, make_variant

pytestmark = pytest.mark.django_db

HIGHEST_PRICE = "9999999999.99"
TOO_MUCH = "Your cart would come to more than 9999999999.99 €"


@pytest.fixture
def priciest(db):
    return make_variant(make_artist("goldsmith"), price=HIGHEST_PRICE, stock=5)


@pytest.fixture
def api(buyer):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(buyer)
    return client


@pytest.fixture
def web(buyer):
    client = Client(raise_request_exception=False)
    client.force_login(buyer)
    return client


def test_the_api_refuses_a_line_beyond_the_largest_amount(api, priciest):
    response = api.post(
        "/api/v1/cart/lines/", {"variant": priciest.pk, "quantity": 2}, format="json"
    )

    assert response.status_code == 400
    assert TOO_MUCH in response.json()["quantity"][0]
    assert not CartLine.objects.exists()
    assert api.get("/api/v1/cart/").status_code == 200


def test_the_api_accepts_one_piece_at_the_largest_price(api, priciest):
    response = api.post(
        "/api/v1/cart/lines/", {"variant": priciest.pk, "quantity": 1}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["line_total"] == HIGHEST_PRICE


def test_the_api_refuses_adding_again_beyond_the_largest_amount(api, priciest):
    body = {"variant": priciest.pk, "quantity": 1}
    api.post("/api/v1/cart/lines/", body, format="json")

    response = api.post("/api/v1/cart/lines/", body, format="json")

    assert response.status_code == 400
    assert list(CartLine.objects.values_list("quantity", flat=True)) == [1]


def test_the_api_refuses_a_cart_whose_lines_together_go_beyond(api, priciest):
    cheap = make_variant(make_artist("potter"), price="0.01", stock=5)
    api.post(
        "/api/v1/cart/lines/", {"variant": priciest.pk, "quantity": 1}, format="json"
    )

    response = api.post(
        "/api/v1/cart/lines/", {"variant": cheap.pk, "quantity": 1}, format="json"
    )

    assert response.status_code == 400
    assert TOO_MUCH in response.json()["quantity"][0]
    assert CartLine.objects.count() == 1


def test_the_api_refuses_a_quantity_change_beyond_the_largest_amount(api, priciest):
    line = api.post(
        "/api/v1/cart/lines/", {"variant": priciest.pk, "quantity": 1}, format="json"
    ).json()

    response = api.patch(
        f"/api/v1/cart/lines/{line['id']}/", {"quantity": 2}, format="json"
    )

    assert response.status_code == 400
    assert TOO_MUCH in response.json()["quantity"][0]
    assert CartLine.objects.get().quantity == 1


def test_the_item_page_says_why_the_piece_was_not_added(web, priciest):
    response = web.post(
        "/cart/add/", {"variant": priciest.pk, "quantity": 2}, follow=True
    )

    assert response.status_code == 200
    assert TOO_MUCH in response.content.decode()
    assert not CartLine.objects.exists()


def test_the_cart_page_says_why_the_quantity_did_not_change(web, buyer, priciest):
    cart = Cart.objects.create(user=buyer)
    line = CartLine.objects.create(cart=cart, variant=priciest, quantity=1)

    response = web.post(f"/cart/lines/{line.pk}/update/", {"quantity": 2}, follow=True)

    assert response.status_code == 200
    assert TOO_MUCH in response.content.decode()
    line.refresh_from_db()
    assert line.quantity == 1


def test_a_line_already_beyond_the_largest_amount_still_shows(api, web, buyer):
    """The artist raised the price after the buyer added two pieces."""
    variant = make_variant(make_artist("goldsmith"), price="10.00", stock=5)
    cart = Cart.objects.create(user=buyer)
    CartLine.objects.create(cart=cart, variant=variant, quantity=2)
    variant.item.price = Decimal(HIGHEST_PRICE)
    variant.item.save(update_fields=["price"])

    response = api.get("/api/v1/cart/")

    assert response.status_code == 200
    assert response.json()["artists"][0]["lines"][0]["line_total"] == "19999999999.98"
    assert response.json()["items_total"] == "19999999999.98"
    assert web.get("/cart/").status_code == 200
    line_id = CartLine.objects.get().pk
    assert api.delete(f"/api/v1/cart/lines/{line_id}/").status_code == 204


def test_checking_out_a_line_beyond_the_largest_amount_is_refused(api, buyer):
    """The price was raised after the pieces went in the cart: the checkout
    says why (it used to be a database error on PostgreSQL) and takes
    nothing: no order, no stock, the cart kept."""
    variant = make_variant(make_artist("goldsmith"), price="10.00", stock=5)
    cart = Cart.objects.create(user=buyer)
    CartLine.objects.create(cart=cart, variant=variant, quantity=2)
    variant.item.price = Decimal(HIGHEST_PRICE)
    variant.item.save(update_fields=["price"])

    response = api.post("/api/v1/checkout/", checkout_body(), format="json")

    assert response.status_code == 400
    assert "the most one order can hold" in response.json()["lines"][0]
    assert not Order.objects.exists()
    variant.refresh_from_db()
    assert variant.stock == 5
    assert CartLine.objects.filter(cart=cart).count() == 1
