"""Discount code races on PostgreSQL (issue 19, 11): one buyer's two
checkouts at once with a code limited to one order per buyer use it once;
two artist orders of one order closed at once give the use back once."""

from decimal import Decimal
from functools import partial

import pytest

from orders.models import Cart, DiscountCode, Order
from orders.services import (
    artist_order_cancel,
    artist_order_refuse,
    cart_add_line,
    cart_apply_discount,
    checkout,
)
from tests.factories import DiscountCodeFactory, UserFactory
from tests.orders.factories import ADDRESS, make_artist, make_variant

from .helpers import Tally, errors, run_together, stress_rounds

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = stress_rounds(25)


def pay(buyer, cart):
    return lambda: checkout(
        cart=cart,
        buyer=buyer,
        shipping_address=ADDRESS,
        payment={"provider": "test", "token": "ok"},
    )


def cart_with(variants, *, code, user=None, session_key=None) -> Cart:
    cart = Cart.objects.create(user=user, session_key=session_key)
    for variant in variants:
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    cart_apply_discount(cart=cart, code=code)
    return cart


def test_one_buyers_two_checkouts_at_once_use_a_once_per_buyer_code_once():
    """Through the pages and the API a buyer's checkouts also queue on their
    one cart; here the second cart (a session's) makes the code's row lock
    the only thing between them."""
    potter = make_artist("potter")
    variant = make_variant(potter, price="40.00", stock=10_000)
    DiscountCodeFactory(code="WELCOME", kind="fixed", value=Decimal("5"))
    tally = Tally("one buyer, two checkouts at once, a code once per buyer")

    for round_number in range(ROUNDS):
        buyer = UserFactory(
            username=f"racer{round_number}", email=f"racer{round_number}@example.com"
        )
        carts = [
            cart_with([variant], code="WELCOME", user=buyer),
            cart_with([variant], code="WELCOME", session_key=f"race-{round_number}"),
        ]

        results = run_together(*[pay(buyer, cart) for cart in carts])

        assert not errors(results), results
        won = [value for kind, value in results if kind == "won"]
        lost = [value for kind, value in results if kind == "lost"]
        assert len(won) == 1 and len(lost) == 1, results
        assert lost[0].field == "code", results
        assert "already used this code" in str(lost[0].message)
        assert Order.objects.filter(buyer=buyer, discount_code="WELCOME").count() == 1
        tally.add("one used it, one told")

    assert DiscountCode.objects.get().times_used == ROUNDS
    tally.report()


def test_two_artist_orders_closed_at_once_give_the_use_back_once():
    potter, weaver = make_artist("potter"), make_artist("weaver")
    bowl = make_variant(potter, price="40.00", stock=10_000)
    scarf = make_variant(weaver, price="30.00", stock=10_000)
    code = DiscountCodeFactory(code="WELCOME", kind="fixed", value=Decimal("5"))
    tally = Tally("buyer cancels one part while the other artist refuses the other")

    for round_number in range(ROUNDS):
        buyer = UserFactory(
            username=f"closer{round_number}", email=f"closer{round_number}@example.com"
        )
        order = pay(buyer, cart_with([bowl, scarf], code="WELCOME", user=buyer))()
        first, second = order.artist_orders.select_related("artist").order_by("id")
        assert DiscountCode.objects.get().times_used == 1

        results = run_together(
            partial(artist_order_cancel, artist_order=first, by=buyer),
            partial(
                artist_order_refuse,
                artist_order=second,
                by=second.artist.user,
                reason="Out of clay.",
            ),
        )

        assert not errors(results), results  # a deadlock would be an error
        assert [kind for kind, _value in results] == ["won", "won"], results
        code.refresh_from_db()
        assert code.times_used == 0, round_number
        tally.add("given back once")

    tally.report()
