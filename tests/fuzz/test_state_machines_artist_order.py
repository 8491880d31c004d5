"""Hypothesis state machine of the artist order: random sequences of the
real services (checkout, accept, refuse, time out, cancel, ship, deliver,
complete, not received, reship, lost parcel, staff refund/cancel/delivery,
the provider paying or declining refunds) by the right and the wrong
people, checking after every step that

- refunds never add up to more than what was paid, and ``refunded`` is the
  sum of the non-failed refunds;
- the stock never goes negative, and stock + pieces held by orders is
  constant (what was taken is held or given back);
- each state is reached only along the design's table, with one history
  row per move chaining from the first state without a gap; a refused call
  (409, 400, 403) changes nothing.

How many runs: ``FUZZ_MACHINE_EXAMPLES`` (tests/fuzz/machines.py).
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from artists.models import Variant
from marketplace.errors import DomainError
from orders.models import (
    ArtistOrder,
    ArtistOrderState,
    Cart,
    OrderLine,
    Refund,
    RefundStatus,
)
from orders.services import (
    artist_order_accept,
    artist_order_cancel,
    artist_order_complete,
    artist_order_confirm_delivery,
    artist_order_refund_lost,
    artist_order_refuse,
    artist_order_report_not_received,
    artist_order_reship,
    artist_order_ship,
    artist_order_time_out,
    cart_add_line,
    checkout,
)
from orders.services.staff import (
    artist_order_staff_cancel,
    artist_order_staff_confirm_delivery,
    artist_order_staff_refund,
)
from tests.factories import UserFactory
from tests.orders.factories import ADDRESS, make_artist, make_variant

from .machines import (
    REFUSED,
    Isolated,
    assert_history_chains,
    assert_money_safe,
    machine_settings,
    report,
)

# On PostgreSQL only (as in production): CI runs it once, in its PostgreSQL run.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


S = ArtistOrderState


# transition → {from state: to state}, from design.md's table (a cancellation
# request and the not-received report and reship keep the state).
ORDER_MOVES = {
    "pay": {S.AWAITING_PAYMENT: S.AWAITING_ACCEPTANCE},
    "accept": {S.AWAITING_ACCEPTANCE: S.ACCEPTED},
    "refuse": {S.AWAITING_ACCEPTANCE: S.REFUSED, S.ACCEPTED: S.REFUSED},
    "time_out": {S.AWAITING_ACCEPTANCE: S.REFUSED},
    "cancel": {S.AWAITING_ACCEPTANCE: S.CANCELLED},
    "request_cancellation": {S.ACCEPTED: S.ACCEPTED},
    "ship": {S.ACCEPTED: S.SHIPPED},
    "confirm_delivery": {S.SHIPPED: S.DELIVERED},
    "complete": {S.DELIVERED: S.COMPLETED},
    "report_not_received": {S.SHIPPED: S.SHIPPED},
    "reship": {S.SHIPPED: S.SHIPPED},
    "refund_lost": {S.SHIPPED: S.COMPLETED},
    # Staff refunds keep the state (every state once paid).
    "staff_refund": {state: state for state in S.values if state != S.AWAITING_PAYMENT},
}
HOLDS_STOCK = [
    S.AWAITING_PAYMENT,
    S.AWAITING_ACCEPTANCE,
    S.ACCEPTED,
    S.SHIPPED,
    S.DELIVERED,
    S.COMPLETED,
]
STOCK = 40


class ArtistOrderMachine(Isolated):
    orders = Bundle("artist_orders")

    @initialize()
    def shop(self):
        n = self.run_id
        self.buyer = UserFactory(
            username=f"m{n}-buyer", email=f"m{n}-buyer@example.com"
        )
        self.artist = make_artist(f"m{n}-potter")
        self.staff = UserFactory(
            username=f"m{n}-staff", email=f"m{n}-staff@example.com", is_staff=True
        )
        self.variant = make_variant(self.artist, price="30.00", stock=STOCK)
        self.artist_order_ids: list[int] = []

    def who(self, name):
        return {
            "buyer": self.buyer,
            "artist": self.artist.user,
            "staff": self.staff,
            "system": None,
        }[name]

    @rule(target=orders, quantity=st.integers(min_value=1, max_value=4))
    def place_order(self, quantity):
        cart, _created = Cart.objects.get_or_create(user=self.buyer)
        cart.lines.all().delete()
        try:
            with transaction.atomic():
                cart_add_line(cart=cart, variant_id=self.variant.pk, quantity=quantity)
                order = checkout(
                    cart=cart,
                    buyer=self.buyer,
                    shipping_address=ADDRESS,
                    payment={"provider": "test", "token": "ok"},
                )
        except DomainError:
            # Only refused when the stock is short.
            assert Variant.objects.get(pk=self.variant.pk).stock < quantity
            return -1  # names no order: the rules given it do nothing
        artist_order = order.artist_orders.get()
        assert artist_order.state == S.AWAITING_ACCEPTANCE
        self.artist_order_ids.append(artist_order.pk)
        return artist_order.pk

    def step(self, artist_order_id, transition, call):
        """Run ``call`` on a fresh copy; check the move it made, or that it
        changed nothing when refused."""
        if artist_order_id < 0:
            return
        before = ArtistOrder.objects.get(pk=artist_order_id)
        history_before = before.history.count()
        refunds_before = list(before.refunds.values_list("pk", "amount", "status"))
        try:
            with transaction.atomic():
                call(ArtistOrder.objects.get(pk=artist_order_id))
        except REFUSED:
            self.seen[f"{transition or 'staff refund replay'} refused"] += 1
            after = ArtistOrder.objects.get(pk=artist_order_id)
            assert after.state == before.state
            assert after.refunded == before.refunded
            assert after.history.count() == history_before
            assert (
                list(after.refunds.values_list("pk", "amount", "status"))
                == refunds_before
            )
            return
        after = ArtistOrder.objects.get(pk=artist_order_id)
        self.seen[f"{transition or 'staff refund replay'} done"] += 1
        if transition is None:  # a replayed staff refund: nothing new
            assert (
                after.state == before.state and after.history.count() == history_before
            )
            return
        new = list(
            after.history.order_by("at", "id").values_list(
                "transition", "from_state", "to_state"
            )
        )[history_before:]
        assert len(new) == 1 and new[0][1:] == (before.state, after.state), new
        done = new[0][0]
        # The buyer's cancel of an accepted order files a request instead.
        assert done == transition or (transition, done) == (
            "cancel",
            "request_cancellation",
        ), (transition, done)
        assert ORDER_MOVES[done].get(before.state) == after.state, (
            done,
            before.state,
            after.state,
        )

    @rule(
        artist_order=orders,
        steps=st.integers(min_value=1, max_value=4),
        path=st.integers(0, 5),
    )
    def advance(self, artist_order, steps, path):
        """The next ``steps`` of a sale going one of its usual ways, so that
        runs reach the late states too (the other rules try everything
        anywhere)."""
        if artist_order < 0:
            return
        for _step in range(steps):
            current = ArtistOrder.objects.get(pk=artist_order)
            if current.state == S.AWAITING_ACCEPTANCE:
                self.accept(artist_order, "artist") if path else self.refuse(
                    artist_order, "artist", "No clay."
                )
            elif current.state == S.ACCEPTED:
                self.ship(artist_order, "artist", "6A123")
            elif current.state == S.SHIPPED and path >= 4:
                # Lost in the post: reported, then shipped again or refunded.
                if not current.not_received_reports.filter(status="open").exists():
                    self.report_not_received(artist_order, long_ago=True)
                elif path == 4:
                    self.reship(artist_order, "artist")
                else:
                    self.refund_lost(artist_order, "staff")
            elif current.state == S.SHIPPED:
                self.confirm_delivery(artist_order, "buyer")
            elif current.state == S.DELIVERED:
                self.complete(artist_order)

    @rule(artist_order=orders, by=st.sampled_from(["artist"] * 3 + ["staff", "buyer"]))
    def accept(self, artist_order, by):
        self.step(
            artist_order,
            "accept",
            lambda ao: artist_order_accept(artist_order=ao, by=self.who(by)),
        )

    @rule(
        artist_order=orders,
        by=st.sampled_from(["artist", "staff", "buyer"]),
        reason=st.sampled_from(["", "No clay.", "No clay."]),
    )
    def refuse(self, artist_order, by, reason):
        self.step(
            artist_order,
            "refuse",
            lambda ao: artist_order_refuse(
                artist_order=ao, by=self.who(by), reason=reason
            ),
        )

    @rule(artist_order=orders, days=st.sampled_from([-1, 30]))
    def time_out(self, artist_order, days):
        now = timezone.now() + timedelta(days=days)
        self.step(
            artist_order,
            "time_out",
            lambda ao: artist_order_time_out(artist_order=ao, now=now),
        )

    @rule(artist_order=orders, by=st.sampled_from(["buyer", "artist"]))
    def cancel(self, artist_order, by):
        self.step(
            artist_order,
            "cancel",
            lambda ao: artist_order_cancel(artist_order=ao, by=self.who(by)),
        )

    @rule(
        artist_order=orders,
        by=st.sampled_from(["artist"] * 3 + ["buyer"]),
        tracking=st.sampled_from(["", "6A123", "6A123"]),
    )
    def ship(self, artist_order, by, tracking):
        self.step(
            artist_order,
            "ship",
            lambda ao: artist_order_ship(
                artist_order=ao,
                by=self.who(by),
                carrier="Colissimo",
                tracking_number=tracking,
            ),
        )

    @rule(
        artist_order=orders, by=st.sampled_from(["buyer", "buyer", "system", "artist"])
    )
    def confirm_delivery(self, artist_order, by):
        self.step(
            artist_order,
            "confirm_delivery",
            lambda ao: artist_order_confirm_delivery(artist_order=ao, by=self.who(by)),
        )

    @rule(artist_order=orders)
    def complete(self, artist_order):
        self.step(
            artist_order, "complete", lambda ao: artist_order_complete(artist_order=ao)
        )

    @rule(artist_order=orders, long_ago=st.booleans())
    def report_not_received(self, artist_order, long_ago):
        if artist_order > 0 and long_ago:
            ArtistOrder.objects.filter(
                pk=artist_order, shipped_at__isnull=False
            ).update(shipped_at=timezone.now() - timedelta(days=60))
        self.step(
            artist_order,
            "report_not_received",
            lambda ao: artist_order_report_not_received(artist_order=ao, by=self.buyer),
        )

    @rule(artist_order=orders, by=st.sampled_from(["artist", "staff"]))
    def reship(self, artist_order, by):
        self.step(
            artist_order,
            "reship",
            lambda ao: artist_order_reship(
                artist_order=ao, by=self.who(by), carrier="DHL", tracking_number="JD1"
            ),
        )

    @rule(artist_order=orders, by=st.sampled_from(["artist", "staff"]))
    def refund_lost(self, artist_order, by):
        self.step(
            artist_order,
            "refund_lost",
            lambda ao: artist_order_refund_lost(artist_order=ao, by=self.who(by)),
        )

    @rule(
        artist_order=orders,
        cents=st.integers(min_value=-100, max_value=20_000),
        key=st.integers(0, 3),
        by=st.sampled_from(["staff", "staff", "artist"]),
        note=st.sampled_from(["Goodwill.", ""]),
    )
    def staff_refund(self, artist_order, cents, key, by, note):
        """The staff door (admin); the same key twice refunds once."""
        amount = Decimal(cents) / 100
        if (
            artist_order > 0
            and Refund.objects.filter(
                idempotency_key=f"staff:{artist_order}:{key}"
            ).exists()
        ):
            transition = None  # a replay: the first refund back, nothing new
        else:
            transition = "staff_refund"
        self.step(
            artist_order,
            transition,
            lambda ao: artist_order_staff_refund(
                artist_order=ao,
                amount=amount,
                by=self.who(by),
                note=note,
                idempotency_key=f"staff:{ao.pk}:{key}",
            ),
        )

    @rule(artist_order=orders, reason=st.sampled_from(["The buyer asked.", ""]))
    def staff_cancel(self, artist_order, reason):
        self.step(
            artist_order,
            "cancel",
            lambda ao: artist_order_staff_cancel(
                artist_order=ao, by=self.staff, reason=reason
            ),
        )

    @rule(artist_order=orders)
    def staff_confirm_delivery(self, artist_order):
        self.step(
            artist_order,
            "confirm_delivery",
            lambda ao: artist_order_staff_confirm_delivery(
                artist_order=ao, by=self.staff
            ),
        )

    @rule(refund_index=st.integers(0, 20), succeed=st.booleans())
    def provider_answers(self, refund_index, succeed):
        """The provider pays or declines a pending refund (a decline frees its amount)."""
        from orders.services import refund_mark_failed

        pending = list(
            Refund.objects.filter(
                artist_order_id__in=self.artist_order_ids, status=RefundStatus.PENDING
            ).order_by("pk")
        )
        if not pending:
            return
        refund = pending[refund_index % len(pending)]
        if succeed:
            Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.SUCCEEDED)
        else:
            assert refund_mark_failed(refund=refund, message="declined")

    @invariant()
    def money_and_stock_are_safe(self):
        if not hasattr(self, "variant"):
            return
        artist_orders = list(ArtistOrder.objects.filter(pk__in=self.artist_order_ids))
        assert_money_safe(artist_orders)
        stock = Variant.objects.get(pk=self.variant.pk).stock
        held = (
            OrderLine.objects.filter(
                artist_order_id__in=self.artist_order_ids,
                artist_order__state__in=HOLDS_STOCK,
            ).aggregate(total=Sum("quantity"))["total"]
            or 0
        )
        assert stock >= 0
        assert stock + held == STOCK, (stock, held)
        for artist_order in artist_orders:
            rows = assert_history_chains(artist_order, S.AWAITING_PAYMENT)
            for transition, from_state, to_state in rows:
                assert ORDER_MOVES[transition].get(from_state) == to_state, rows


def test_the_artist_order_state_machine_keeps_money_stock_and_history_straight():
    ArtistOrderMachine.seen = Counter()

    run_state_machine_as_test(ArtistOrderMachine, settings=machine_settings())

    report("artist order machine", ArtistOrderMachine.seen)
    for transition in (
        "accept",
        "refuse",
        "ship",
        "confirm_delivery",
        "complete",
        "cancel",
    ):
        assert ArtistOrderMachine.seen[f"{transition} done"], (
            f"no run reached {transition}"
        )
