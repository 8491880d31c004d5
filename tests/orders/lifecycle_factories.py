"""Paid orders for the lifecycle tests, made through the real checkout."""

from decimal import Decimal

from orders.models import Cart
from orders.services import cart_add_line, checkout
from tests.factories import UserFactory

from .factories import ADDRESS, make_artist, make_variant


def place_order(buyer, *variants_and_quantities, country="FR"):
    """Check out ``(variant, quantity)`` pairs for ``buyer`` with a test
    card that pays; returns the order."""
    cart, _created = Cart.objects.get_or_create(user=buyer)
    for variant, quantity in variants_and_quantities:
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=quantity)
    return checkout(
        cart=cart,
        buyer=buyer,
        shipping_address={**ADDRESS, "country": country},
        payment={"provider": "test", "token": "ok"},
    )


def paid_artist_order(*, buyer=None, artist=None, price="45.00", quantity=2, stock=5):
    """An artist order awaiting acceptance: ``quantity`` × ``price`` plus the
    artist's 5 € domestic shipping, paid in full. Returns (artist_order, variant)."""
    buyer = buyer or UserFactory(
        username="camille", email="camille@example.com", language="en"
    )
    artist = artist or make_artist("potter")
    variant = make_variant(artist, price=price, stock=stock)
    order = place_order(buyer, (variant, quantity))
    artist_order = order.artist_orders.get()
    assert artist_order.paid == Decimal(price) * quantity + Decimal("5.00")
    return artist_order, variant
