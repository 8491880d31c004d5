"""Races on PostgreSQL with real threads and real transactions: whatever
runs at the same time, one transition wins, one refund is recorded and the
refunds never exceed what was paid."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django_fsm import ConcurrentTransition

from marketplace.errors import Conflict, DomainError
from orders.models import (
    ArtistOrder,
    ArtistOrderState,
    Refund,
    RefundReason,
    RefundStatus,
)
from orders.services import (
    artist_order_accept,
    artist_order_cancel,
    artist_order_refuse,
    refund_create,
)
from tests.factories import UserFactory

from .factories import make_artist, make_variant
from .lifecycle_factories import place_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LOST = (Conflict, ConcurrentTransition, DomainError)


def run_together(*calls):
    """Run ``calls`` in threads released at the same instant; returns, in
    order, ``("won", result)``, ``("lost", error)`` for a refused or lost
    transition, or ``("error", error)`` for anything else. Each thread
    closes its own database connection."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("won", call())
        except LOST as error:
            results[index] = ("lost", error)
        except Exception as error:  # reported by the assertions
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


@pytest.fixture
def shop():
    buyer = UserFactory(username="camille", email="camille@example.com")
    artist = make_artist("potter")
    # 2 × 47.50 € + 5 € shipping: 100 € paid per artist order.
    variant = make_variant(artist, price="47.50", stock=100)
    return buyer, artist, variant


def new_artist_order(shop) -> ArtistOrder:
    buyer, _artist, variant = shop
    artist_order = place_order(buyer, (variant, 2)).artist_orders.get()
    assert artist_order.paid == Decimal("100.00")
    return artist_order


def seen_by_each(artist_order, count):
    """One copy of ``artist_order`` per request, as each request reads it."""
    return [ArtistOrder.objects.get(pk=artist_order.pk) for _ in range(count)]


def outcomes(results):
    return sorted(kind for kind, _value in results)


def test_accept_racing_refuse_has_exactly_one_winner_every_round(shop):
    _buyer, artist, variant = shop

    for _round in range(20):
        artist_order = new_artist_order(shop)
        for_accept, for_refuse = seen_by_each(artist_order, 2)
        results = run_together(
            lambda ao=for_accept: artist_order_accept(artist_order=ao, by=artist.user),
            lambda ao=for_refuse: artist_order_refuse(
                artist_order=ao, by=artist.user, reason="Kiln broke."
            ),
        )

        assert outcomes(results) == ["lost", "won"], results
        artist_order.refresh_from_db()
        accept_won = results[0][0] == "won"
        assert artist_order.state == (
            ArtistOrderState.ACCEPTED if accept_won else ArtistOrderState.REFUSED
        )
        assert artist_order.history.exclude(transition="pay").count() == 1
        assert artist_order.refunds.count() == (0 if accept_won else 1)
        if not accept_won:
            assert artist_order.refunded == Decimal("100.00")
    variant.refresh_from_db()
    refused = ArtistOrder.objects.filter(state=ArtistOrderState.REFUSED).count()
    assert variant.stock == 100 - 2 * (20 - refused)


def test_ten_concurrent_refusals_record_and_pay_one_refund(shop):
    _buyer, artist, variant = shop
    artist_order = new_artist_order(shop)

    results = run_together(
        *[
            lambda copy=copy: artist_order_refuse(
                artist_order=copy, by=artist.user, reason="Sold out."
            )
            for copy in seen_by_each(artist_order, 10)
        ]
    )

    assert outcomes(results) == ["lost"] * 9 + ["won"], results
    [refund] = Refund.objects.filter(artist_order=artist_order)
    assert (refund.amount, refund.status) == (Decimal("100.00"), RefundStatus.SUCCEEDED)
    artist_order.refresh_from_db()
    assert artist_order.refunded == Decimal("100.00")
    variant.refresh_from_db()
    assert variant.stock == 100


def test_refuse_racing_a_cancellation_refunds_once(shop):
    buyer, artist, _variant = shop
    artist_order = new_artist_order(shop)

    for_refuse, for_cancel = seen_by_each(artist_order, 2)
    results = run_together(
        lambda: artist_order_refuse(
            artist_order=for_refuse, by=artist.user, reason="No clay."
        ),
        lambda: artist_order_cancel(artist_order=for_cancel, by=buyer),
    )

    assert outcomes(results) == ["lost", "won"], results
    assert Refund.objects.filter(artist_order=artist_order).count() == 1
    artist_order.refresh_from_db()
    assert artist_order.refunded == Decimal("100.00")


@pytest.mark.parametrize("rounds", [5])
def test_the_refund_cap_holds_when_a_staff_refund_races_a_refusal(shop, rounds):
    _buyer, artist, _variant = shop
    staff = UserFactory(username="support", email="support@example.com", is_staff=True)

    for round_number in range(rounds):
        artist_order = new_artist_order(shop)
        [for_refuse] = seen_by_each(artist_order, 1)
        results = run_together(
            lambda ao=artist_order, n=round_number: refund_create(
                artist_order=ao,
                amount=Decimal("60.00"),
                reason=RefundReason.STAFF,
                idempotency_key=f"staff:{ao.pk}:{n}",
                by=staff,
            ),
            lambda ao=for_refuse: artist_order_refuse(
                artist_order=ao, by=artist.user, reason="Broken."
            ),
        )

        assert not [r for r in results if r[0] == "error"], results
        refunds = Refund.objects.filter(artist_order=artist_order).exclude(
            status=RefundStatus.FAILED
        )
        total = refunds.aggregate(total=Sum("amount"))["total"]
        assert total <= Decimal("100.00")
        artist_order.refresh_from_db()
        assert artist_order.refunded == total
        assert artist_order.state == ArtistOrderState.REFUSED
        if (
            results[0][0] == "won"
        ):  # the staff refund first: the refusal refunds the 40 € left
            assert sorted(r.amount for r in refunds) == [
                Decimal("40.00"),
                Decimal("60.00"),
            ]
        else:  # the refusal first: nothing left for the staff refund
            assert isinstance(results[0][1], DomainError)
            assert [r.amount for r in refunds] == [Decimal("100.00")]


def test_two_staff_refunds_at_once_never_exceed_what_was_paid(shop):
    artist_order = new_artist_order(shop)

    results = run_together(
        *[
            lambda n=n: refund_create(
                artist_order=artist_order,
                amount=Decimal("60.00"),
                reason=RefundReason.STAFF,
                idempotency_key=f"staff:{artist_order.pk}:{n}",
            )
            for n in range(2)
        ]
    )

    assert outcomes(results) == ["lost", "won"], results
    artist_order.refresh_from_db()
    assert artist_order.refunded == Decimal("60.00")
    assert Refund.objects.filter(artist_order=artist_order).count() == 1


def test_the_same_refund_key_at_once_records_one_refund(shop):
    artist_order = new_artist_order(shop)

    results = run_together(
        *[
            lambda: refund_create(
                artist_order=artist_order,
                amount=Decimal("30.00"),
                reason=RefundReason.STAFF,
                idempotency_key=f"goodwill:{artist_order.pk}",
            )
            for _ in range(5)
        ]
    )

    assert outcomes(results) == ["won"] * 5, results
    assert len({result.pk for _kind, result in results}) == 1
    artist_order.refresh_from_db()
    assert artist_order.refunded == Decimal("30.00")
