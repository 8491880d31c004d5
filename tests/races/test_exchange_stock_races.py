"""Exchanges move stock, on PostgreSQL: a buyer checking out the last piece
while the artist ships that piece as another buyer's exchange replacement.
Exactly one gets it, the stock never goes below 0, and the other is told
cleanly: the checkout with a 400 on ``quantity`` (as when another cart took
it), the replacement with a 409 ``out_of_stock`` offering the refund
instead."""

import pytest

from artists.models import Variant
from orders.models import Cart, CartLine, OrderLine
from orders.services import cart_add_line
from returns.models import ReturnRequest
from tests.factories import UserFactory
from tests.orders.factories import checkout_body, make_artist, make_variant
from tests.returns.factories import make_line, make_return
from tests.returns.helpers import TRACKING

from .helpers import Post, Tally, post_together, stress_rounds

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = stress_rounds(8)


def test_checkout_and_a_replacement_racing_for_the_last_piece_never_both_get_it():
    artist = make_artist("potter")
    shopper = UserFactory(username="camille", email="camille@example.com")
    exchanger = UserFactory(username="louis", email="louis@example.com")
    last_piece = make_variant(artist, price="30.00", stock=1, name="Blue")
    cart, _created = Cart.objects.get_or_create(user=shopper)
    tally = Tally("last piece: a checkout against an exchange replacement")
    sold = replaced = 0

    for round_number in range(ROUNDS):
        Variant.objects.filter(pk=last_piece.pk).update(stock=1)
        CartLine.objects.filter(cart=cart).delete()
        cart_add_line(cart=cart, variant_id=last_piece.pk, quantity=1)
        line = make_line(buyer=exchanger, artist=artist, quantity=1)
        exchange = make_return(
            line=line,
            state="received",
            kind="exchange",
            reason="wrong_size",
            desired_variant=last_piece.pk,
        )

        posts = [
            Post(shopper, "/api/v1/checkout/", checkout_body()),
            Post(
                artist.user,
                f"/api/v1/returns/{exchange.pk}/ship-replacement/",
                TRACKING,
            ),
        ]
        # Each side starts its thread first in turn.
        order = 1 if round_number % 2 else -1
        checkout, replacement = post_together(*posts[::order])[::order]

        codes = (
            getattr(checkout, "status_code", checkout),
            getattr(replacement, "status_code", replacement),
        )
        assert codes in ((201, 409), (400, 200)), codes
        last_piece.refresh_from_db()
        assert last_piece.stock == 0
        state = ReturnRequest.objects.get(pk=exchange.pk).state
        if codes == (201, 409):
            body = replacement.json()
            assert (body["code"], body["instead"], body["state"]) == (
                "out_of_stock",
                "convert_to_refund",
                "received",
            )
            assert state == "received"
            sold += 1
            tally.add("checkout won", "replacement refused: refund offered")
        else:
            assert list(checkout.json()) == ["quantity"], checkout.json()
            assert state == "replacement_shipped"
            replaced += 1
            tally.add("replacement won", "checkout told sold out")

    assert OrderLine.objects.filter(variant=last_piece).count() == sold
    assert (
        ReturnRequest.objects.filter(
            desired_variant=last_piece, state="replacement_shipped"
        ).count()
        == replaced
    )
    assert sold + replaced == ROUNDS
    tally.report()
