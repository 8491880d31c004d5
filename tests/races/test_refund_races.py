"""Every refund route at once on the same artist order, on PostgreSQL: the
refusal, the buyer's cancellation, return refunds, the staff's decision on
an escalated return, the lost-parcel refund and plain staff refunds, some
of them double-clicked. Whatever wins, the non-failed refunds never add up
to more than what was paid, ``refunded`` is their sum, and no refund (no
idempotency key) is recorded or paid twice."""

import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.db.models import Sum
from django.utils import timezone

from orders.models import (
    ArtistOrder,
    ArtistOrderState,
    Payment,
    PaymentStatus,
    Refund,
    RefundReason,
    RefundStatus,
)
from orders.payments import TestPaymentProvider
from orders.services import (
    artist_order_cancel,
    artist_order_refund_lost,
    artist_order_refuse,
    artist_order_report_not_received,
)
from orders.services.staff import artist_order_staff_refund
from returns.models import ReturnRequest
from returns.services import return_request_refund, return_request_staff_decide
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order, make_variant
from tests.returns.factories import make_line, make_return

from .helpers import Tally, errors, run_together, stress_rounds

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def assert_money_safe(artist_order: ArtistOrder) -> Decimal:
    """The refund invariants of one artist order; returns what was refunded."""
    artist_order.refresh_from_db()
    refunds = list(artist_order.refunds.all())
    live = [r for r in refunds if r.status != RefundStatus.FAILED]
    total = sum((r.amount for r in live), Decimal("0.00"))
    assert total <= artist_order.paid, refunds
    assert total == artist_order.refunded, (total, artist_order.refunded)
    keys = [r.idempotency_key for r in refunds]
    assert len(keys) == len(set(keys)), keys
    # The provider paid each refund once, and only the recorded ones.
    payment = Payment.objects.get(
        order=artist_order.order, status=PaymentStatus.CAPTURED
    )
    paid_out = [
        (key, amount)
        for reference, key, amount in TestPaymentProvider.refunds_paid
        if reference == payment.reference
    ]
    paid_keys = Counter(key for key, _amount in paid_out)
    assert all(count == 1 for count in paid_keys.values()), paid_keys
    succeeded = {
        r.idempotency_key: r.amount
        for r in refunds
        if r.status == RefundStatus.SUCCEEDED
    }
    assert dict(paid_out) == succeeded
    return total


@pytest.fixture(autouse=True)
def _fresh_provider_ledger(monkeypatch):
    # Ids repeat between tests (each starts on emptied tables): a ledger per test.
    monkeypatch.setattr(TestPaymentProvider, "refunds_paid", [])
    monkeypatch.setattr(TestPaymentProvider, "_refunds", {})


@pytest.fixture
def people():
    buyer = UserFactory(username="camille", email="camille@example.com")
    artist = make_artist("potter")
    staff = UserFactory(username="support", email="support@example.com", is_staff=True)
    return buyer, artist, staff


def test_refusal_cancellation_and_staff_refunds_at_once_never_refund_more_than_paid(
    people,
):
    buyer, artist, staff = people
    rounds = stress_rounds(40)
    variant = make_variant(artist, price="47.50", stock=3 * rounds + 5)
    rng = random.Random(5)
    tally = Tally(
        "before shipping: refuse ×2 (artist, staff), cancel, staff refunds 60 € ×3 (one double-clicked)"
    )

    for round_number in range(rounds):
        variant.refresh_from_db()
        artist_order = make_artist_order(
            buyer=buyer,
            artist=artist,
            variant=variant,
            quantity=2,
            state=rng.choice(
                [ArtistOrderState.AWAITING_ACCEPTANCE, ArtistOrderState.ACCEPTED]
            ),
        )
        assert artist_order.paid == Decimal("100.00")
        copies = [ArtistOrder.objects.get(pk=artist_order.pk) for _ in range(6)]

        staff_refund = partial(
            artist_order_staff_refund,
            amount=Decimal("60.00"),
            by=staff,
            note="Goodwill.",
        )
        calls = [
            partial(
                artist_order_refuse,
                artist_order=copies[0],
                by=artist.user,
                reason="No clay.",
            ),
            partial(
                artist_order_refuse,
                artist_order=copies[1],
                by=staff,
                reason="Shop closed.",
            ),
            partial(artist_order_cancel, artist_order=copies[2], by=buyer),
            partial(
                staff_refund,
                artist_order=copies[3],
                idempotency_key=f"staff:{round_number}:a",
            ),
            # The same button twice:
            partial(
                staff_refund,
                artist_order=copies[4],
                idempotency_key=f"staff:{round_number}:a",
            ),
            partial(
                staff_refund,
                artist_order=copies[5],
                idempotency_key=f"staff:{round_number}:b",
            ),
        ]
        order = list(range(len(calls)))
        rng.shuffle(order)

        results = run_together(*[calls[i] for i in order])

        assert not errors(results), results
        refunded = assert_money_safe(artist_order)
        artist_order.refresh_from_db()
        closing = artist_order.history.filter(
            transition__in=["refuse", "cancel"]
        ).count()
        assert closing <= 1
        if artist_order.state in (ArtistOrderState.REFUSED, ArtistOrderState.CANCELLED):
            assert closing == 1 and refunded == Decimal("100.00")
        elif artist_order.state == ArtistOrderState.ACCEPTED:
            # The buyer's cancel of an accepted order is a request: no refund.
            assert refunded == Decimal("60.00")
        staff_refunds = artist_order.refunds.filter(reason=RefundReason.STAFF).count()
        tally.add(
            f"{artist_order.state}, {staff_refunds} staff refund(s), {refunded} € refunded"
        )
    tally.report()


def test_return_refunds_staff_decisions_and_a_lost_parcel_refund_at_once_never_refund_more_than_paid(
    people,
):
    buyer, artist, staff = people
    rounds = stress_rounds(25)
    rng = random.Random(7)
    tally = Tally(
        "after shipping: 2 return refunds (one double-clicked), staff decision, lost parcel, staff refund 30 €"
    )

    for _round in range(rounds):
        line = make_line(
            buyer=buyer,
            artist=artist,
            quantity=3,
            price="24.00",
            state="shipped",
            delivered_days_ago=20,
        )
        artist_order = line.artist_order
        assert artist_order.paid == Decimal("77.00")
        first = make_return(line=line, state="received")
        second = make_return(line=line, state="received")
        escalated = make_return(line=line, state="escalated")
        artist_order_report_not_received(
            artist_order=ArtistOrder.objects.get(pk=artist_order.pk),
            by=buyer,
            note="Only part came.",
        )

        def fresh(rr):
            return ReturnRequest.objects.get(pk=rr.pk)

        def copy(pk=artist_order.pk):
            return ArtistOrder.objects.get(pk=pk)

        calls = [
            partial(return_request_refund, return_request=fresh(first), by=artist.user),
            # The same button twice:
            partial(return_request_refund, return_request=fresh(first), by=artist.user),
            partial(
                return_request_refund, return_request=fresh(second), by=artist.user
            ),
            partial(
                return_request_staff_decide,
                return_request=fresh(escalated),
                by=staff,
                decision="refund",
                amount="40.00",
                note="Our call.",
            ),
            partial(artist_order_refund_lost, artist_order=copy(), by=staff),
            partial(
                artist_order_staff_refund,
                artist_order=copy(),
                amount=Decimal("30.00"),
                by=staff,
                note="Late parcel.",
                idempotency_key=f"staff:{artist_order.pk}",
            ),
        ]
        rng.shuffle(calls)

        results = run_together(*calls)

        assert not errors(results), results
        refunded = assert_money_safe(artist_order)
        first.refresh_from_db()
        # The double-clicked return refund: one refund, one history row.
        assert first.history.filter(transition="refund").count() <= 1
        assert Refund.objects.filter(idempotency_key=f"return:{first.pk}").count() <= 1
        for rr in (first, second, escalated):
            rr.refresh_from_db()
            if rr.refund_id is not None:
                assert rr.refund.amount == rr.refund_amount
        lost = artist_order.refunds.filter(reason=RefundReason.LOST_PARCEL).exists()
        tally.add(
            ("lost parcel refunded" if lost else "no lost-parcel refund")
            + f", {refunded} € of 77"
        )
    tally.report()


def test_refunds_left_pending_by_a_provider_outage_still_respect_the_cap(
    people, monkeypatch
):
    """While the provider is unreachable every refund stays pending and
    still counts: racing refunds cannot overshoot, and the retry pays each
    once when the provider is back."""
    from orders.services import retry_pending_refunds_due

    buyer, artist, staff = people
    rounds = stress_rounds(20)
    variant = make_variant(artist, price="47.50", stock=2 * rounds + 5)
    tally = Tally("provider down: refusal vs staff refunds, then retried")

    for round_number in range(rounds):
        variant.refresh_from_db()
        artist_order = make_artist_order(
            buyer=buyer, artist=artist, variant=variant, quantity=2
        )
        monkeypatch.setattr(TestPaymentProvider, "refund_outage", True)
        copies = [ArtistOrder.objects.get(pk=artist_order.pk) for _ in range(3)]

        staff_refund = partial(
            artist_order_staff_refund,
            amount=Decimal("70.00"),
            by=staff,
            note="Dispute.",
        )

        results = run_together(
            partial(
                artist_order_refuse,
                artist_order=copies[0],
                by=artist.user,
                reason="Closed.",
            ),
            partial(
                staff_refund,
                artist_order=copies[1],
                idempotency_key=f"staff:{round_number}:a",
            ),
            partial(
                staff_refund,
                artist_order=copies[2],
                idempotency_key=f"staff:{round_number}:b",
            ),
        )

        assert not errors(results), results
        pending = artist_order.refunds.all()
        assert all(r.status == RefundStatus.PENDING for r in pending)
        assert assert_money_safe(artist_order) <= Decimal("100.00")
        monkeypatch.setattr(TestPaymentProvider, "refund_outage", False)
        later = timezone.now() + timedelta(hours=2)
        retry_pending_refunds_due(now=later)
        retry_pending_refunds_due(
            now=later + timedelta(hours=2)
        )  # a second pass pays nothing more
        assert set(artist_order.refunds.values_list("status", flat=True)) == {
            RefundStatus.SUCCEEDED
        }
        total = assert_money_safe(artist_order)
        tally.add(f"{artist_order.refunds.count()} refund(s), {total} € paid once each")
    tally.report()
    assert (
        Refund.objects.aggregate(total=Sum("amount"))["total"]
        <= Decimal("100.00") * rounds
    )
