"""Competing transitions of one artist order at the same instant on
PostgreSQL (the artist accepting while the buyer cancels and the deadline
job refuses...): exactly one wins, its history row is the only new one and
chains from the state before, only its emails leave, the stock and the
refunds follow the winner."""

import random
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.db.models import Sum
from django.utils import timezone

from artists.models import Variant
from marketplace.notifications.models import Notification
from orders.models import ArtistOrder, ArtistOrderState, Refund, RefundStatus
from orders.services import (
    artist_order_accept,
    artist_order_cancel,
    artist_order_confirm_delivery,
    artist_order_refund_lost,
    artist_order_refuse,
    artist_order_report_not_received,
    artist_order_reship,
    artist_order_ship,
    artist_order_time_out,
)
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order, make_variant

from .helpers import Tally, errors, run_together, stress_rounds

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = ArtistOrderState
# The emails each transition sends (a loser's must not leave).
EMAILS = {
    "accept": {"order_accepted"},
    "refuse": {"order_refused"},
    "time_out": {"order_refused", "order_timed_out"},
    "cancel": {"order_cancelled", "order_cancelled_by_buyer"},
    "ship": {"order_shipped"},
    # with the "how was it?" invitation to review (reviews)
    "confirm_delivery": {"order_delivered", "review_invitation"},
    "reship": {"order_reshipped"},
    "refund_lost": {"lost_parcel_refunded"},
}
RELEASES_STOCK = {"refuse", "time_out", "cancel"}
REFUNDS = {"refuse", "time_out", "cancel", "refund_lost"}


def assert_history_chains(artist_order: ArtistOrder) -> list[str]:
    """Every history row starts from the state the previous one left, the
    first from ``awaiting_payment`` and the last ends in the current state.
    Returns the transitions in order."""
    rows = list(artist_order.history.order_by("at", "id"))
    state = S.AWAITING_PAYMENT
    for row in rows:
        assert row.from_state == state, [
            (r.transition, r.from_state, r.to_state) for r in rows
        ]
        state = row.to_state
    assert state == artist_order.state
    return [row.transition for row in rows]


def assert_refunds_consistent(artist_order: ArtistOrder) -> Decimal:
    live = artist_order.refunds.exclude(status=RefundStatus.FAILED)
    total = live.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    assert total == artist_order.refunded <= artist_order.paid
    return total


@pytest.fixture
def people():
    buyer = UserFactory(username="camille", email="camille@example.com")
    artist = make_artist("potter")
    staff = UserFactory(username="support", email="support@example.com", is_staff=True)
    return buyer, artist, staff


def race(people, *, state, contenders, rounds, name, setup=None):
    """Run ``contenders`` (transition name → call(copy) ) on a fresh artist
    order in ``state`` each round, each on its own copy read before the race."""
    buyer, artist, _staff = people
    variant = make_variant(artist, price="45.00", stock=10 * rounds + 10)
    tally = Tally(name)
    expected_stock = variant.stock
    rng = random.Random(name)

    for _round in range(rounds):
        variant.refresh_from_db()  # the factory takes the stock from the instance's value
        artist_order = make_artist_order(
            buyer=buyer, artist=artist, variant=variant, state=state
        )
        expected_stock -= 1
        if setup is not None:
            setup(artist_order)
        history_before = assert_history_chains(
            ArtistOrder.objects.get(pk=artist_order.pk)
        )
        last_email = (
            Notification.objects.order_by("-id").values_list("id", flat=True).first()
            or 0
        )
        # Started in a different order each round, each on its own copy.
        names = list(contenders)
        rng.shuffle(names)
        copies = [ArtistOrder.objects.get(pk=artist_order.pk) for _ in names]

        results = run_together(
            *[
                lambda name=name, copy=copy: contenders[name](copy)
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
        history = assert_history_chains(artist_order)
        assert history == [*history_before, winner]  # one new row: the winner's
        sent = set(
            Notification.objects.filter(id__gt=last_email).values_list(
                "event", flat=True
            )
        )
        assert sent == EMAILS[winner], (winner, sent)
        refunded = assert_refunds_consistent(artist_order)
        if winner in REFUNDS:
            assert refunded == artist_order.paid
            assert artist_order.refunds.count() == 1
        else:
            assert artist_order.refunds.count() == 0
        if winner in RELEASES_STOCK:
            expected_stock += 1
        assert Variant.objects.get(pk=variant.pk).stock == expected_stock
        tally.add(f"{winner} won")
    tally.report()
    return tally


def test_accept_refuse_cancel_and_the_deadline_job_at_once_have_one_winner(people):
    buyer, artist, _staff = people
    later = timezone.now() + timedelta(days=30)

    tally = race(
        people,
        state=S.AWAITING_ACCEPTANCE,
        rounds=stress_rounds(50),
        name="awaiting acceptance: accept vs refuse vs cancel vs time out",
        contenders={
            "accept": lambda ao: artist_order_accept(artist_order=ao, by=artist.user),
            "refuse": lambda ao: artist_order_refuse(
                artist_order=ao, by=artist.user, reason="Kiln broke."
            ),
            "cancel": lambda ao: artist_order_cancel(artist_order=ao, by=buyer),
            "time_out": lambda ao: artist_order_time_out(artist_order=ao, now=later),
        },
    )

    assert tally.rounds == stress_rounds(50)


def test_ship_racing_refuse_has_one_winner(people):
    _buyer, artist, staff = people

    race(
        people,
        state=S.ACCEPTED,
        rounds=stress_rounds(30),
        name="accepted: ship (artist) vs refuse (staff)",
        contenders={
            "ship": lambda ao: artist_order_ship(
                artist_order=ao,
                by=artist.user,
                carrier="Colissimo",
                tracking_number="6A0001",
            ),
            "refuse": lambda ao: artist_order_refuse(
                artist_order=ao, by=staff, reason="Shop closed."
            ),
        },
    )


def test_reship_racing_a_lost_parcel_refund_has_one_winner(people):
    buyer, artist, staff = people

    def reported(artist_order):
        ArtistOrder.objects.filter(pk=artist_order.pk).update(
            shipped_at=timezone.now() - timedelta(days=60)
        )
        artist_order_report_not_received(
            artist_order=ArtistOrder.objects.get(pk=artist_order.pk),
            by=buyer,
            note="Nothing came.",
        )

    race(
        people,
        state=S.SHIPPED,
        setup=reported,
        rounds=stress_rounds(30),
        name="not received: reship (artist) vs refund lost parcel (staff)",
        contenders={
            "reship": lambda ao: artist_order_reship(
                artist_order=ao, by=artist.user, carrier="DHL", tracking_number="JD0002"
            ),
            "refund_lost": lambda ao: artist_order_refund_lost(
                artist_order=ao, by=staff
            ),
        },
    )


def test_the_buyer_and_the_auto_delivery_job_confirm_delivery_once(people):
    """Both contenders run the same transition: the winner's history row
    is ``confirm_delivery`` whoever wins."""
    buyer, artist, _staff = people
    rounds = stress_rounds(30)
    variant = make_variant(artist, price="45.00", stock=rounds + 5)
    tally = Tally("shipped: buyer confirms delivery vs the auto-delivery job")

    for _round in range(rounds):
        artist_order = make_artist_order(
            buyer=buyer, artist=artist, variant=variant, state=S.SHIPPED
        )
        last_email = (
            Notification.objects.order_by("-id").values_list("id", flat=True).first()
            or 0
        )
        by_buyer, by_job = (
            ArtistOrder.objects.get(pk=artist_order.pk) for _ in range(2)
        )

        results = run_together(
            partial(artist_order_confirm_delivery, artist_order=by_buyer, by=buyer),
            partial(artist_order_confirm_delivery, artist_order=by_job, by=None),
        )

        assert not errors(results), results
        assert sorted(kind for kind, _value in results) == ["lost", "won"], results
        artist_order.refresh_from_db()
        assert artist_order.state == S.DELIVERED
        assert assert_history_chains(artist_order).count("confirm_delivery") == 1
        sent = list(
            Notification.objects.filter(id__gt=last_email).values_list(
                "event", flat=True
            )
        )
        assert sorted(sent) == ["order_delivered", "review_invitation"]
        tally.add("buyer won" if results[0][0] == "won" else "job won")
    assert Refund.objects.count() == 0
    tally.report()
