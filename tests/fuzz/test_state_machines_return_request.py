"""Hypothesis state machine of the return request: random sequences of the
real services (create, accept, reject, ship back, receive, refund,
replacement, conversion, escalate, staff decisions, withdraw, expire) by
the right and the wrong people, checking after every step that

- the pieces under request never exceed what the line holds;
- refunds never add up to more than what was paid, and ``refunded`` is the
  sum of the non-failed refunds; a refunded request has its refund;
- each state is reached only along the design's table, with one history
  row per move chaining from the first state without a gap; a refused call
  (409, 400, 403) changes nothing;
- stock and the pieces moved by returns add up: the variant's stock is what
  it started with, plus the pieces put back in stock on receipt and by
  hand, minus the replacements shipped, and never below 0 (a replacement
  with too few pieces left is refused).

How many runs: ``FUZZ_MACHINE_EXAMPLES`` (tests/fuzz/machines.py).
"""

from collections import Counter
from datetime import timedelta

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
from artists.stock import stock_set
from orders.models import ArtistOrder
from returns import services as returns
from returns.models import ReturnEvent, ReturnRequest, ReturnState
from tests.factories import UserFactory
from tests.orders.factories import make_artist
from tests.returns.factories import make_line

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


R = ReturnState


RETURN_MOVES = {
    "request": {"": R.REQUESTED},
    "accept": {R.REQUESTED: R.ACCEPTED, R.ESCALATED: R.ACCEPTED},
    "reject": {R.REQUESTED: R.REJECTED},
    "ship_back": {R.ACCEPTED: R.IN_TRANSIT},
    "receive": {R.ACCEPTED: R.RECEIVED, R.IN_TRANSIT: R.RECEIVED},
    "refund": {R.RECEIVED: R.REFUNDED},
    "ship_replacement": {R.RECEIVED: R.REPLACEMENT_SHIPPED},
    "convert_to_refund": {R.RECEIVED: R.REFUNDED},
    "escalate": {R.REJECTED: R.ESCALATED, R.REQUESTED: R.ESCALATED},
    "staff_refund": {R.ESCALATED: R.REFUNDED},
    "staff_close": {R.ESCALATED: R.CLOSED},
    "withdraw": {R.REQUESTED: R.WITHDRAWN, R.ACCEPTED: R.WITHDRAWN},
    "expire": {R.ACCEPTED: R.EXPIRED},
}
HOLDS_QUANTITY = [
    R.REQUESTED,
    R.ACCEPTED,
    R.IN_TRANSIT,
    R.RECEIVED,
    R.REFUNDED,
    R.REPLACEMENT_SHIPPED,
    R.ESCALATED,
]
LINE_QUANTITY = 4
# Little stock, so that replacements are refused for want of it too.
STOCK_AT_START = 1


class ReturnMachine(Isolated):
    requests = Bundle("return_requests")

    @initialize(reason=st.sampled_from(["changed_mind", "wrong_size", "other"]))
    def delivered_line(self, reason):
        n = self.run_id
        self.buyer = UserFactory(
            username=f"r{n}-buyer", email=f"r{n}-buyer@example.com"
        )
        self.artist = make_artist(f"r{n}-potter")
        self.staff = UserFactory(
            username=f"r{n}-staff", email=f"r{n}-staff@example.com", is_staff=True
        )
        self.line = make_line(
            buyer=self.buyer, artist=self.artist, quantity=LINE_QUANTITY, price="24.00"
        )
        self.reason = reason
        self.request_ids: list[int] = []
        self.variant_id = self.line.variant_id
        Variant.objects.filter(pk=self.variant_id).update(stock=STOCK_AT_START)
        self.raised_by_hand = 0

    def who(self, name):
        return {
            "buyer": self.buyer,
            "artist": self.artist.user,
            "staff": self.staff,
            "system": None,
        }[name]

    @rule(
        target=requests,
        quantity=st.integers(min_value=0, max_value=LINE_QUANTITY + 1),
        kind=st.sampled_from(["return", "exchange"]),
    )
    def create(self, quantity, kind):
        held_before = self.held()
        try:
            with transaction.atomic():
                rr = returns.return_request_create(
                    buyer=self.buyer,
                    line=self.line,
                    quantity=quantity,
                    kind=kind,
                    reason=self.reason,
                    desired_text="The same in blue" if kind == "exchange" else "",
                )
        except REFUSED:
            assert quantity < 1 or held_before + quantity > LINE_QUANTITY
            return -1
        assert rr.state == R.REQUESTED and held_before + quantity <= LINE_QUANTITY
        self.request_ids.append(rr.pk)
        return rr.pk

    def held(self) -> int:
        return (
            ReturnRequest.objects.filter(
                line=self.line, state__in=HOLDS_QUANTITY
            ).aggregate(total=Sum("quantity"))["total"]
            or 0
        )

    def step(self, request_id, transition, call):
        if request_id < 0:
            return
        before = ReturnRequest.objects.get(pk=request_id)
        history_before = before.history.count()
        artist_order = ArtistOrder.objects.get(pk=before.artist_order_id)
        try:
            with transaction.atomic():
                call(ReturnRequest.objects.get(pk=request_id))
        except REFUSED:
            self.seen[f"{transition} refused"] += 1
            after = ReturnRequest.objects.get(pk=request_id)
            assert (
                after.state == before.state and after.history.count() == history_before
            )
            assert (
                ArtistOrder.objects.get(pk=artist_order.pk).refunded
                == artist_order.refunded
            )
            return
        after = ReturnRequest.objects.get(pk=request_id)
        self.seen[f"{transition} done"] += 1
        new = list(
            after.history.order_by("at", "id").values_list(
                "transition", "from_state", "to_state"
            )
        )[history_before:]
        assert len(new) == 1, new
        done = new[0][0]
        assert done == transition or (transition, done) in {
            ("staff_decide", "staff_refund"),
            ("staff_decide", "staff_close"),
            ("staff_decide", "accept"),
            ("refund", "staff_refund"),
        }, (transition, done)
        assert RETURN_MOVES[done].get(before.state) == after.state, (
            done,
            before.state,
            after.state,
        )
        assert new[0][1:] == (before.state, after.state)

    @rule(
        rr=requests, steps=st.integers(min_value=1, max_value=4), path=st.integers(0, 5)
    )
    def advance(self, rr, steps, path):
        """The next ``steps`` of a return going one of its usual ways (the
        other rules try everything anywhere)."""
        if rr < 0:
            return
        for _step in range(steps):
            request = ReturnRequest.objects.get(pk=rr)
            if request.state == R.REQUESTED:
                self.accept(rr, "artist") if path else self.reject(rr, "artist")
            elif request.state == R.ACCEPTED:
                self.ship_back(rr, "buyer") if path != 1 else self.receive(rr, "artist")
            elif request.state == R.IN_TRANSIT:
                self.receive(rr, "artist", restock=path % 2 == 0)
            elif request.state == R.RECEIVED and request.kind == "exchange":
                self.ship_replacement(rr) if path % 2 else self.convert_to_refund(
                    rr, None
                )
            elif request.state == R.RECEIVED:
                self.refund(rr, "artist", None, "")
            elif request.state == R.REJECTED:
                self.escalate(rr, "buyer", 0)
            elif request.state == R.ESCALATED:
                self.staff_decide(rr, ("refund", "accept", "close")[path % 3], None)

    @rule(rr=requests, by=st.sampled_from(["artist", "staff", "buyer"]))
    def accept(self, rr, by):
        self.step(
            rr,
            "accept",
            lambda r: returns.return_request_accept(
                return_request=r, by=self.who(by), instructions="Lyon."
            ),
        )

    @rule(rr=requests, by=st.sampled_from(["artist", "buyer"]))
    def reject(self, rr, by):
        self.step(
            rr,
            "reject",
            lambda r: returns.return_request_reject(
                return_request=r, by=self.who(by), reason="Worn."
            ),
        )

    @rule(rr=requests, by=st.sampled_from(["buyer", "artist"]))
    def ship_back(self, rr, by):
        self.step(
            rr,
            "ship_back",
            lambda r: returns.return_request_ship_back(
                return_request=r,
                by=self.who(by),
                carrier="Colissimo",
                tracking_number="8R1",
            ),
        )

    @rule(
        rr=requests,
        by=st.sampled_from(["artist", "staff", "buyer"]),
        restock=st.booleans(),
    )
    def receive(self, rr, by, restock=False):
        self.step(
            rr,
            "receive",
            lambda r: returns.return_request_receive(
                return_request=r, by=self.who(by), restock=restock
            ),
        )

    @rule(pieces=st.integers(min_value=1, max_value=2))
    def raise_stock(self, pieces):
        """The artist adds pieces on the item page."""
        variant = Variant.objects.get(pk=self.variant_id)
        stock_set(variant=variant, stock=variant.stock + pieces)
        self.raised_by_hand += pieces

    @rule(
        rr=requests,
        by=st.sampled_from(["artist", "staff"]),
        amount=st.sampled_from([None, "1.00", "24.00", "500.00", "-3"]),
        note=st.sampled_from(["", "Scratched."]),
    )
    def refund(self, rr, by, amount, note):
        self.step(
            rr,
            "refund",
            lambda r: returns.return_request_refund(
                return_request=r, by=self.who(by), amount=amount, note=note
            ),
        )

    @rule(rr=requests)
    def ship_replacement(self, rr):
        self.step(
            rr,
            "ship_replacement",
            lambda r: returns.return_request_ship_replacement(
                return_request=r,
                by=self.artist.user,
                carrier="Colissimo",
                tracking_number="8R2",
            ),
        )

    @rule(rr=requests, amount=st.sampled_from([None, "10.00"]))
    def convert_to_refund(self, rr, amount):
        self.step(
            rr,
            "convert_to_refund",
            lambda r: returns.return_request_convert_to_refund(
                return_request=r,
                by=self.artist.user,
                amount=amount,
                note="Out of stock.",
            ),
        )

    @rule(
        rr=requests,
        by=st.sampled_from(["buyer", "system"]),
        days=st.sampled_from([0, 10]),
    )
    def escalate(self, rr, by, days):
        now = timezone.now() + timedelta(days=days)
        self.step(
            rr,
            "escalate",
            lambda r: returns.return_request_escalate(
                return_request=r,
                by=self.who(by),
                message="Please look." if by == "buyer" else "",
                now=now,
            ),
        )

    @rule(
        rr=requests,
        decision=st.sampled_from(["accept", "refund", "close"]),
        amount=st.sampled_from([None, "5.00", "96.00", "1000.00"]),
    )
    def staff_decide(self, rr, decision, amount):
        self.step(
            rr,
            "staff_decide",
            lambda r: returns.return_request_staff_decide(
                return_request=r,
                by=self.staff,
                decision=decision,
                instructions="Lyon.",
                amount=amount,
                note="Decided.",
            ),
        )

    @rule(rr=requests, by=st.sampled_from(["buyer", "artist"]))
    def withdraw(self, rr, by):
        self.step(
            rr,
            "withdraw",
            lambda r: returns.return_request_withdraw(
                return_request=r, by=self.who(by)
            ),
        )

    @rule(rr=requests, days=st.sampled_from([1, 400]))
    def expire(self, rr, days):
        now = timezone.now() + timedelta(days=days)
        self.step(
            rr,
            "expire",
            lambda r: returns.return_request_expire(return_request=r, now=now),
        )

    def stock_moved_by_returns(self) -> int:
        """Pieces put back on receipt minus the replacements shipped."""
        restocked = ReturnEvent.objects.filter(
            request_id__in=self.request_ids, note_event="restocked"
        ).aggregate(total=Sum("request__quantity"))["total"]
        shipped = ReturnRequest.objects.filter(
            pk__in=self.request_ids, state=R.REPLACEMENT_SHIPPED
        ).aggregate(total=Sum("quantity"))["total"]
        return (restocked or 0) - (shipped or 0)

    @invariant()
    def quantities_money_and_history_are_straight(self):
        if not hasattr(self, "line"):
            return
        assert self.held() <= LINE_QUANTITY
        stock = Variant.objects.get(pk=self.variant_id).stock
        assert stock >= 0
        assert stock == (
            STOCK_AT_START + self.raised_by_hand + self.stock_moved_by_returns()
        )
        assert_money_safe([self.line.artist_order])
        for rr in ReturnRequest.objects.filter(pk__in=self.request_ids):
            rows = assert_history_chains(rr, "")
            for transition, from_state, to_state in rows:
                assert RETURN_MOVES[transition].get(from_state) == to_state, rows
            if rr.state == R.REFUNDED:
                assert (
                    rr.refund is not None and rr.refund.amount == rr.refund_amount > 0
                )


def test_the_return_request_state_machine_keeps_quantities_money_and_history_straight():
    ReturnMachine.seen = Counter()

    run_state_machine_as_test(ReturnMachine, settings=machine_settings())

    report("return request machine", ReturnMachine.seen)
    for transition in ("accept", "reject", "ship_back", "receive", "withdraw"):
        assert ReturnMachine.seen[f"{transition} done"], f"no run reached {transition}"
