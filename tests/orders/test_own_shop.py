"""An artist cannot buy from their own shop (issue 19, 12): the page and
the API refuse it with a clear error and the cart does not change."""

import pytest
from django.urls import reverse

from marketplace.errors import DomainError
from orders.models import Cart, CartLine, Order
from orders.services import checkout
from tests.orders.factories import ADDRESS, make_artist, make_variant
from tests.orders.helpers import client_for, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def artist():
    return make_artist("potter")


def test_the_api_refuses_a_piece_of_ones_own_shop(artist):
    variant = make_variant(artist, price="20.00", stock=3)
    response = client_for(artist.user).post(
        "/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 1}, format="json"
    )
    assert response.status_code == 400
    assert "your own shop" in response.json()["variant"][0]
    assert not CartLine.objects.exists()


def test_another_shops_piece_is_fine(artist):
    other = make_variant(make_artist("weaver"), price="20.00", stock=3)
    response = client_for(artist.user).post(
        "/api/v1/cart/lines/", {"variant": other.pk, "quantity": 1}, format="json"
    )
    assert response.status_code == 201


def test_the_page_says_why(artist):
    variant = make_variant(artist, price="20.00", stock=3)
    page = logged_in(artist.user)
    response = page.post(
        reverse("cart:add"), {"variant": variant.pk, "quantity": 1}, follow=True
    )
    assert "your own shop" in response.content.decode()
    assert not CartLine.objects.exists()


def test_checkout_refuses_a_piece_of_ones_own_shop_already_in_the_cart(artist):
    """A line put in the cart before the shop was opened (or from an
    anonymous cart merged at login)."""
    variant = make_variant(artist, price="20.00", stock=3)
    cart = Cart.objects.create(user=artist.user)
    CartLine.objects.create(cart=cart, variant=variant, quantity=1)
    with pytest.raises(DomainError, match="your own shop"):
        checkout(
            cart=cart,
            buyer=artist.user,
            shipping_address=ADDRESS,
            payment={"provider": "test", "token": "ok"},
        )
    assert not Order.objects.exists()
    assert CartLine.objects.filter(cart=cart).count() == 1
