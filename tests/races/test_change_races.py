"""A buyer lowering a quantity while the artist accepts, at the same instant
on PostgreSQL: exactly one wins. When the change wins, the refund is the
difference paid and the piece is back in stock (and the acceptance, decided
on the order as it was, is refused); when the acceptance wins, the change
is a 409, nothing is refunded and the stock stays taken."""

import random
from decimal import Decimal
from functools import partial

import pytest
from django.db.models import Sum

from artists.models import Variant
from orders.models import ArtistOrder, ArtistOrderState, RefundStatus
from orders.services import artist_order_accept, artist_order_change
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order, make_variant

from .helpers import Tally, errors, run_together, stress_rounds

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = ArtistOrderState


def test_lowering_a_quantity_while_the_artist_accepts_has_one_winner():
    buyer = UserFactory(username="camille", email="camille@example.com")
    artist = make_artist("potter")
    rounds = stress_rounds(20)
    variant = make_variant(artist, price="45.00", stock=3 * rounds + 5)
    expected_stock = variant.stock
    tally = Tally("lower a quantity vs accept")
    rng = random.Random("change-vs-accept")

    for _round in range(rounds):
        variant.refresh_from_db()
        artist_order = make_artist_order(
            buyer=buyer, artist=artist, variant=variant, quantity=3
        )
        expected_stock -= 3
        line_id = artist_order.lines.get().pk
        paid = artist_order.paid
        contenders = {
            "change": partial(
                artist_order_change, by=buyer, lines=[{"id": line_id, "quantity": 1}]
            ),
            "accept": partial(artist_order_accept, by=artist.user),
        }
        names = list(contenders)
        rng.shuffle(names)
        copies = [ArtistOrder.objects.get(pk=artist_order.pk) for _ in names]

        results = run_together(
            *[
                partial(contenders[name], artist_order=copy)
                for name, copy in zip(names, copies, strict=True)
            ]
        )

        assert not errors(results), results
        winners = [
            name
            for name, (kind, _value) in zip(names, results, strict=True)
            if kind == "won"
        ]
        assert len(winners) == 1, results
        [winner] = winners
        artist_order.refresh_from_db()
        live = artist_order.refunds.exclude(status=RefundStatus.FAILED)
        refunded = live.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
        assert refunded == artist_order.refunded
        if winner == "change":
            assert artist_order.state == S.AWAITING_ACCEPTANCE
            assert artist_order.lines.get().quantity == 1
            assert refunded == paid - artist_order.total == Decimal("90.00")
            expected_stock += 2
        else:
            assert artist_order.state == S.ACCEPTED
            assert artist_order.lines.get().quantity == 3
            assert refunded == 0
            assert artist_order.total == paid
        assert Variant.objects.get(pk=variant.pk).stock == expected_stock
        tally.add(f"{winner} won")
    tally.report()
