"""``Item.in_stock`` under concurrent checkouts on PostgreSQL: two buyers
taking the last pieces of two options of the same item at once leave it
out of stock (each statement's trigger locks the item and recounts with
what the other committed), and carts emptying options of the same two items
in opposite orders never deadlock (the items are locked in id order)."""

import pytest
from django.db.models import Q

from artists.models import Item, Variant
from orders.models import Cart, CartLine
from orders.services import cart_add_line, checkout
from tests.factories import ItemFactory, UserFactory, VariantFactory
from tests.orders.factories import ADDRESS, make_artist

from .helpers import errors, run_together, stress_rounds

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = stress_rounds(20)


def fill_cart(buyer, *variants) -> Cart:
    cart, _created = Cart.objects.get_or_create(user=buyer)
    CartLine.objects.filter(cart=cart).delete()
    for variant in variants:
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    return cart


def pay(buyer, cart):
    return lambda: checkout(
        cart=cart,
        buyer=buyer,
        shipping_address=ADDRESS,
        payment={"provider": "test", "token": "ok"},
    )


@pytest.fixture
def buyers():
    return [UserFactory(username=name) for name in ("camille", "louis")]


@pytest.fixture
def artist():
    return make_artist("potter")


def test_two_buyers_taking_the_last_of_two_options_at_once(buyers, artist):
    piece = ItemFactory(artist=artist, title="Bowl")
    small = VariantFactory(item=piece, name="Small", stock=1)
    large = VariantFactory(item=piece, name="Large", stock=1)

    for _round in range(ROUNDS):
        Variant.objects.filter(item=piece).update(stock=1)
        assert Item.objects.get(pk=piece.pk).in_stock
        carts = [fill_cart(buyers[0], small), fill_cart(buyers[1], large)]

        results = run_together(*[pay(b, c) for b, c in zip(buyers, carts, strict=True)])

        assert not errors(results), results
        assert not Item.objects.get(pk=piece.pk).in_stock


def test_carts_emptying_two_items_in_opposite_orders_never_deadlock(buyers, artist):
    bowl, vase = (ItemFactory(artist=artist, title=t) for t in ("Bowl", "Vase"))
    # Variant ids in the opposite order of their items' in the second cart.
    bowl_small = VariantFactory(item=bowl, name="Small", stock=1)
    vase_small = VariantFactory(item=vase, name="Small", stock=1)
    vase_large = VariantFactory(item=vase, name="Large", stock=1)
    bowl_large = VariantFactory(item=bowl, name="Large", stock=1)

    for _round in range(ROUNDS):
        Variant.objects.filter(Q(item=bowl) | Q(item=vase)).update(stock=1)
        carts = [
            fill_cart(buyers[0], bowl_small, vase_small),
            fill_cart(buyers[1], vase_large, bowl_large),
        ]

        results = run_together(*[pay(b, c) for b, c in zip(buyers, carts, strict=True)])

        assert not errors(results), results  # a deadlock would be an error
        assert not Item.objects.filter(pk__in=[bowl.pk, vase.pk], in_stock=True)
