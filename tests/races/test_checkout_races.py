"""Checkout races on PostgreSQL: buyers racing for the last pieces, carts
that lock the same pieces in opposite orders, a declined card in the race,
and the same cart submitted twice at once. Zero oversells, zero deadlocks,
one order per submitted cart."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from artists.models import Variant
from marketplace.notifications.models import Notification
from orders.models import (
    ArtistOrderState,
    Cart,
    CartLine,
    Order,
    OrderLine,
    Payment,
    PaymentStatus,
)
from orders.services import cart_add_line, checkout
from tests.factories import UserFactory
from tests.orders.factories import ADDRESS, checkout_body, make_artist, make_variant

from .helpers import (
    Post,
    Tally,
    errors,
    post_together,
    run_together,
    statuses,
    stress_rounds,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = stress_rounds(50)
LIVE_STATES = [
    s for s in ArtistOrderState.values if s not in (ArtistOrderState.CANCELLED,)
]


def sold(variant) -> int:
    """Pieces of ``variant`` in orders that hold stock (paid, or being paid)."""
    return (
        OrderLine.objects.filter(variant=variant)
        .exclude(artist_order__state=ArtistOrderState.CANCELLED)
        .exclude(artist_order__state=ArtistOrderState.REFUSED)
        .aggregate(total=Sum("quantity"))["total"]
        or 0
    )


def fill_cart(buyer, *variants_and_quantities) -> Cart:
    cart, _created = Cart.objects.get_or_create(user=buyer)
    CartLine.objects.filter(cart=cart).delete()
    for variant, quantity in variants_and_quantities:
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def pay(buyer, cart, token="ok", key=None):
    return lambda: checkout(
        cart=cart,
        buyer=buyer,
        shipping_address=ADDRESS,
        payment={"provider": "test", "token": token},
        idempotency_key=key,
    )


@pytest.fixture
def buyers():
    return [
        UserFactory(username=name, email=f"{name}@example.com")
        for name in ("camille", "louis", "ines")
    ]


@pytest.fixture
def artist():
    return make_artist("potter")


class TestTheLastPieces:
    def test_buyers_racing_for_the_last_pieces_never_get_more_than_the_stock(
        self, buyers, artist
    ):
        variant = make_variant(artist, price="30.00", stock=1)
        tally = Tally("last pieces: 3 buyers, 1 or 2 pieces left")
        placed = 0

        for round_number in range(ROUNDS):
            stock = 1 + round_number % 2
            Variant.objects.filter(pk=variant.pk).update(stock=stock)
            carts = [fill_cart(buyer, (variant, 1)) for buyer in buyers]
            before = sold(variant)

            results = run_together(
                *[pay(b, c) for b, c in zip(buyers, carts, strict=True)]
            )

            assert not errors(results), results
            won = [value for kind, value in results if kind == "won"]
            lost = [value for kind, value in results if kind == "lost"]
            assert len(won) == stock, results
            assert all(error.field == "quantity" for error in lost), results
            variant.refresh_from_db()
            assert variant.stock == 0
            assert sold(variant) - before == stock
            placed += stock
            tally.add(f"{len(won)} won", f"{len(lost)} told sold out")

        assert sold(variant) == placed  # zero oversells over every round
        assert Payment.objects.filter(status=PaymentStatus.CAPTURED).count() == placed
        tally.report()

    def test_carts_taking_the_same_pieces_in_opposite_orders_never_deadlock(
        self, buyers, artist
    ):
        vase = make_variant(artist, price="30.00", stock=1)
        bowl = make_variant(artist, price="20.00", stock=1)
        first, second, third = buyers
        tally = Tally("opposite carts: [vase, bowl] vs [bowl, vase] vs [bowl]")
        vase_sold = 0

        for _round in range(ROUNDS):
            Variant.objects.filter(pk__in=[vase.pk, bowl.pk]).update(stock=1)
            carts = [
                fill_cart(first, (vase, 1), (bowl, 1)),
                fill_cart(second, (bowl, 1), (vase, 1)),
                fill_cart(third, (bowl, 1)),
            ]

            results = run_together(
                *[pay(b, c) for b, c in zip(buyers, carts, strict=True)]
            )

            assert not errors(results), results  # a deadlock would be an error
            won = [
                index for index, (kind, _value) in enumerate(results) if kind == "won"
            ]
            # Whoever takes the bowl first wins; the others are told it is gone.
            assert len(won) == 1, results
            for variant in (vase, bowl):
                variant.refresh_from_db()
                assert variant.stock >= 0
            assert (vase.stock, bowl.stock) in ((0, 0), (1, 0)), results
            vase_sold += won != [2]
            tally.add(("[vase, bowl] won", "[bowl, vase] won", "[bowl] won")[won[0]])

        assert (sold(vase), sold(bowl)) == (vase_sold, ROUNDS)
        tally.report()

    def test_a_declined_card_in_the_race_gives_its_piece_back(self, buyers, artist):
        variant = make_variant(artist, price="30.00", stock=1)
        declined_buyer, paying_buyer, other_paying_buyer = buyers
        tally = Tally("last piece: a declined card against two good ones")
        placed = 0

        for _round in range(ROUNDS):
            Variant.objects.filter(pk=variant.pk).update(stock=1)
            carts = [fill_cart(buyer, (variant, 1)) for buyer in buyers]

            results = run_together(
                pay(declined_buyer, carts[0], token="fail"),
                pay(paying_buyer, carts[1]),
                pay(other_paying_buyer, carts[2]),
            )

            assert not errors(results), results
            assert results[0][0] == "lost", results  # declined, whatever the timing
            paid = [kind for kind, _value in results[1:]].count("won")
            assert paid <= 1, results
            variant.refresh_from_db()
            # The piece is sold once, or back on the shelf after the decline
            # (when the declined card held it while the others were told "sold out").
            assert variant.stock == 1 - paid, results
            assert (
                Cart.objects.get(user=declined_buyer).lines.count() == 1
            )  # its cart is back
            placed += paid
            tally.add("sold" if paid else "back on the shelf after the decline")

        assert sold(variant) == placed
        tally.report()


class TestTheSameCartTwice:
    @pytest.mark.parametrize(
        "with_key", [False, True], ids=["no key", "same idempotency key"]
    )
    def test_a_cart_submitted_twice_at_once_makes_one_order(
        self, buyers, artist, with_key
    ):
        buyer = buyers[0]
        variant = make_variant(artist, price="47.50", stock=10_000)
        rounds = stress_rounds(25, share=2)
        tally = Tally(
            f"same cart twice at once through the API ({'same key' if with_key else 'no key'})"
        )

        for round_number in range(rounds):
            fill_cart(buyer, (variant, 2))
            headers = {"Idempotency-Key": f"k-{round_number}"} if with_key else None
            orders_before = Order.objects.filter(buyer=buyer).count()
            emails_before = Notification.objects.filter(
                event="order_confirmation"
            ).count()

            responses = post_together(
                *[
                    Post(buyer, "/api/v1/checkout/", checkout_body(), headers=headers)
                    for _ in range(2)
                ]
            )

            codes = statuses(responses)
            assert 500 not in codes and all(isinstance(c, int) for c in codes), (
                responses
            )
            assert Order.objects.filter(buyer=buyer).count() == orders_before + 1
            assert (
                Notification.objects.filter(event="order_confirmation").count()
                == emails_before + 1
            )
            if with_key:
                # The second gets the same order back, or waits (409) while it is paid.
                assert codes in ([201, 201], [201, 409]), codes
                numbers = {
                    r.json()["number"] for r in responses if r.status_code == 201
                }
                assert len(numbers) == 1
            else:
                assert codes == [201, 400], codes  # the second finds the cart empty
                [refused] = [r for r in responses if r.status_code == 400]
                assert "cart" in refused.json()
            tally.add(" ".join(map(str, codes)))

        variant.refresh_from_db()
        assert variant.stock == 10_000 - 2 * rounds
        captured = Payment.objects.filter(
            order__buyer=buyer, status=PaymentStatus.CAPTURED
        )
        assert captured.count() == rounds
        assert (
            captured.aggregate(total=Sum("amount"))["total"]
            == Decimal("100.00") * rounds
        )
        tally.report()
