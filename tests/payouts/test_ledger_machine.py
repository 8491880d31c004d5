"""Hypothesis state machine of the money: random sequences of checkout,
the artist order moving on (accept, ship, delivery, completion), staff
refunds, returns (left open, or refunded), payout runs (sent, refused by
the bank, or with the clock moved on) and staff holds, checking after every
step that

- every ledger transaction sums to zero;
- each payout paid exactly what was owed on each artist order it paid, so
  no artist order is paid twice and nothing held or pending is paid;
- an artist's pending, available and on-hold money add up to what is owed.

How many runs: ``FUZZ_MACHINE_EXAMPLES`` (tests/fuzz/machines.py).
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import TestCase
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from orders import services as order_services
from orders.models import ArtistOrder, ArtistOrderState
from orders.payments import TestPaymentProvider
from orders.services.staff import artist_order_staff_refund
from payouts.models import Payout
from payouts.services.holds import payouts_hold, payouts_release
from payouts.services.runs import payout_run
from returns.models import ReturnRequest
from tests.factories import UserFactory
from tests.fuzz.machines import REFUSED, Isolated, machine_settings, report
from tests.orders.factories import make_artist, make_variant
from tests.orders.lifecycle_factories import place_order
from tests.returns.factories import make_return

from .helpers import (
    assert_each_payout_paid_what_was_owed,
    assert_ledger_balanced,
    assert_never_paid_twice,
    balance_for,
    owed,
    paid_out,
)

pytestmark = pytest.mark.django_db
S = ArtistOrderState
NEXT = {
    S.AWAITING_ACCEPTANCE: "accept",
    S.ACCEPTED: "ship",
    S.SHIPPED: "confirm_delivery",
    S.DELIVERED: "complete",
}


class MoneyMachine(Isolated):
    orders = Bundle("artist_orders")

    @initialize()
    def shop(self):
        n = self.run_id
        self.buyer = UserFactory(username=f"mm{n}-buyer", email=f"mm{n}@example.com")
        self.staff = UserFactory(
            username=f"mm{n}-staff", email=f"mm{n}-s@example.com", is_staff=True
        )
        self.artists = [make_artist(f"mm{n}-potter"), make_artist(f"mm{n}-weaver")]
        self.variants = [
            make_variant(artist, price=price, stock=500)
            for artist, price in zip(self.artists, ("45.00", "13.37"), strict=True)
        ]
        self.clock = timezone.now()
        self.refunds = 0

    def _move(self, label, call):
        try:
            result = call()
        except REFUSED:
            self.seen[f"{label} refused"] += 1
            return None
        self.seen[f"{label} done"] += 1
        return result

    @rule(
        target=orders,
        which=st.integers(0, 1),
        quantity=st.integers(1, 3),
        steps=st.integers(0, 4),
    )
    def checkout(self, which, quantity, steps):
        """A checkout, and its artist order taken ``steps`` steps on."""
        order = place_order(self.buyer, (self.variants[which], quantity))
        self.seen["checkout done"] += 1
        pk = order.artist_orders.get().pk
        for _step in range(steps):
            self._step(pk)
        return pk

    @rule(pk=orders, steps=st.integers(1, 4))
    def move_on(self, pk, steps):
        for _step in range(steps):
            self._step(pk)

    def _step(self, pk):
        artist_order = ArtistOrder.objects.get(pk=pk)
        step = NEXT.get(artist_order.state)
        if step is None:
            return
        artist_user = artist_order.artist.user
        calls = {
            "accept": lambda: order_services.artist_order_accept(
                artist_order=artist_order, by=artist_user
            ),
            "ship": lambda: order_services.artist_order_ship(
                artist_order=artist_order,
                by=artist_user,
                carrier="Colissimo",
                tracking_number=f"6A{pk:011d}",
            ),
            "confirm_delivery": lambda: order_services.artist_order_confirm_delivery(
                artist_order=artist_order, by=self.buyer
            ),
            "complete": lambda: order_services.artist_order_complete(
                artist_order=artist_order
            ),
        }
        self._move(step, calls[step])

    @rule(pk=orders, cents=st.integers(1, 12000))
    def staff_refund(self, pk, cents):
        self.refunds += 1
        self._move(
            "staff refund",
            lambda: artist_order_staff_refund(
                artist_order=ArtistOrder.objects.get(pk=pk),
                by=self.staff,
                amount=Decimal(cents) / 100,
                note="Goodwill.",
                idempotency_key=f"mm{self.run_id}-{self.refunds}",
            ),
        )

    @rule(pk=orders, state=st.sampled_from(["requested", "refunded"]))
    def return_request(self, pk, state):
        artist_order = ArtistOrder.objects.get(pk=pk)
        if artist_order.state not in (S.DELIVERED, S.COMPLETED):
            return
        line = artist_order.lines.get()
        if ReturnRequest.objects.filter(line=line).exists():
            return
        self._move(
            f"return {state}",
            lambda: make_return(line=line, state=state, reason="changed_mind"),
        )

    @rule(decline=st.booleans(), days=st.sampled_from([0, 0, 1, 3]))
    def payout(self, decline, days):
        self.clock += timedelta(days=days)
        TestPaymentProvider.payout_decline = decline
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                made = payout_run(now=self.clock).payouts_count
        finally:
            TestPaymentProvider.payout_decline = False
        self.seen[
            f"payout {'refused' if decline else 'sent'} ×{min(made, 1)} done"
        ] += 1

    @rule(which=st.integers(0, 1), hold=st.booleans())
    def staff_hold(self, which, hold):
        action = payouts_hold if hold else payouts_release
        self._move(
            "hold" if hold else "release",
            lambda: action(artist=self.artists[which], by=self.staff, reason="Check"),
        )

    @invariant()
    def ledger_holds(self):
        if not hasattr(self, "artists"):
            return
        assert_ledger_balanced()
        assert_each_payout_paid_what_was_owed()
        assert_never_paid_twice()
        for artist in self.artists:
            balance = balance_for(artist=artist)
            assert balance.available + balance.pending + balance.on_hold == owed(artist)
            assert balance.paid_out == paid_out(artist)
            assert not Payout.objects.filter(artist=artist, amount__lte=0).exists()


def test_the_money_state_machine_keeps_the_ledger_straight():
    MoneyMachine.seen = Counter()
    run_state_machine_as_test(
        MoneyMachine, settings=settings(machine_settings(), stateful_step_count=20)
    )
    report("money machine", MoneyMachine.seen)
    assert MoneyMachine.seen["complete done"] > 0
    assert any(label.startswith("payout sent ×1") for label in MoneyMachine.seen)
    assert any(label.startswith("payout refused ×1") for label in MoneyMachine.seen)
