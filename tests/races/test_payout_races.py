"""Payout runs racing each other and refunds, on PostgreSQL: whatever wins,
every ledger transaction sums to zero, each payout pays exactly what was
owed when it was made, and no artist order is paid out twice."""

import random
import time
from decimal import Decimal
from functools import partial

import pytest
from django.db import connection

from orders.payments import TestPaymentProvider
from orders.services.staff import artist_order_staff_refund
from payouts.models import LedgerEntry, Payout, PayoutStatus
from payouts.services.runs import payout_run
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order, make_variant
from tests.payouts.helpers import (
    assert_each_payout_paid_what_was_owed,
    assert_ledger_balanced,
    assert_never_paid_twice,
    balance_for,
    owed,
    paid_out,
)

from .helpers import Tally, errors, run_together, stress_rounds

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


@pytest.fixture(autouse=True)
def _fresh_provider(monkeypatch):
    monkeypatch.setattr(TestPaymentProvider, "payouts_paid", [])
    monkeypatch.setattr(TestPaymentProvider, "_payouts", {})


@pytest.fixture
def people():
    buyer = UserFactory(username="camille", email="camille@example.com")
    staff = UserFactory(username="support", email="support@example.com", is_staff=True)
    return buyer, staff


def completed(buyer, artist, variant, quantity=2):
    return make_artist_order(
        buyer=buyer,
        artist=artist,
        variant=variant,
        quantity=quantity,
        state="completed",
    )


def assert_provider_paid_each_payout_once():
    keys = [key for _to, key, _amount in TestPaymentProvider.payouts_paid]
    assert len(keys) == len(set(keys)), keys
    paid = {
        str(p.idempotency_key): p.amount
        for p in Payout.objects.filter(status=PayoutStatus.PAID)
    }
    assert {
        key: amount for _to, key, amount in TestPaymentProvider.payouts_paid
    } == paid


def test_two_runs_at_once_pay_each_artist_once(people):
    buyer, _staff = people
    rounds = stress_rounds(15)
    artists = [make_artist(f"maker{i}") for i in range(3)]
    variants = [make_variant(a, price="45.00", stock=10 * rounds) for a in artists]
    tally = Tally("2 payout runs at once, 3 artists")
    for _round in range(rounds):
        for artist, variant in zip(artists, variants, strict=True):
            completed(buyer, artist, variant)
        before = Payout.objects.count()
        results = run_together(payout_run, payout_run)
        assert errors(results) == []
        made = Payout.objects.count() - before
        assert made == len(artists), made
        counts = sorted(value.payouts_count for _kind, value in results)
        tally.add(f"split {counts}")
        for artist in artists:
            assert balance_for(artist=artist).available == D("0.00")
    tally.report()
    for artist in artists:
        assert paid_out(artist) == D("83.60") * rounds
    assert_ledger_balanced()
    assert_never_paid_twice()
    assert_each_payout_paid_what_was_owed()
    assert_provider_paid_each_payout_once()


def test_a_refund_racing_a_payout(people):
    buyer, staff = people
    rounds = stress_rounds(20)
    artist = make_artist("potter")
    variant = make_variant(artist, price="45.00", stock=3 * rounds + 5)
    tally = Tally("a staff refund of 30 € racing a payout run")
    rng = random.Random(7)
    for round_number in range(rounds):
        artist_order = completed(buyer, artist, variant)
        refund = partial(
            artist_order_staff_refund,
            artist_order=artist_order,
            by=staff,
            amount=D("30.00"),
            note="Chipped.",
            idempotency_key=f"race-{round_number}",
        )
        # A jitter of a few milliseconds, so that either may go first.
        delays = (rng.random() / 50, rng.random() / 50)
        results = run_together(
            lambda d=delays[0], f=refund: (time.sleep(d), f())[1],
            lambda d=delays[1]: (time.sleep(d), payout_run())[1],
        )
        assert errors(results) == []
        payout = Payout.objects.filter(artist=artist).order_by("-id").first()
        # 83.60 when the payout came first; 83.60 - 30.00 + 3.60 when the refund did.
        if payout and payout.amount == D("83.60"):
            tally.add("payout first")
        elif payout:
            tally.add("refund first")
        # Whatever the order, what is owed is what was earned less what was paid.
        assert owed(artist) + paid_out(artist) == D("57.20") * (round_number + 1)
    tally.report()
    assert_ledger_balanced()
    assert_never_paid_twice()
    assert_each_payout_paid_what_was_owed()
    assert_provider_paid_each_payout_once()


def test_fifty_refunds_and_payouts_at_once_on_one_shop(people):
    buyer, staff = people
    artist = make_artist("potter")
    variant = make_variant(artist, price="45.00", stock=200)
    orders = [completed(buyer, artist, variant) for _ in range(12)]
    rng = random.Random(14)
    calls = []
    for index in range(50):
        if index % 3 == 0:
            calls.append(payout_run)
        else:
            calls.append(
                partial(
                    artist_order_staff_refund,
                    artist_order=rng.choice(orders),
                    by=staff,
                    amount=D(rng.choice(["5.00", "12.34", "20.00", "33.33"])),
                    note="Goodwill.",
                    idempotency_key=f"many-{index}",
                )
            )
    results = run_together(*calls, timeout=120)
    assert errors(results) == []
    payout_run()
    assert_ledger_balanced()
    assert_never_paid_twice()
    assert_each_payout_paid_what_was_owed()
    assert_provider_paid_each_payout_once()
    assert balance_for(artist=artist).available < D("10.00")  # all paid but dust
    # The ledger agrees with the orders: paid, less refunded, less the
    # commission kept, is what was paid out plus what is still owed.
    for artist_order in orders:
        artist_order.refresh_from_db()
    kept = sum(
        LedgerEntry.objects.filter(account="commission").values_list(
            "amount", flat=True
        ),
        D("0.00"),
    )
    net = sum((o.paid - o.refunded for o in orders), D("0.00")) - kept
    assert paid_out(artist) + owed(artist) == net
