"""What the hypothesis state machines of tests/fuzz share: the refusals a
random call may meet (409, 400, 403, a declined payment), how many runs
(``FUZZ_MACHINE_EXAMPLES``; ``make stress``: 200), the checks of money and
history run after every step, and each run isolated in a savepoint."""

import os
from collections import Counter
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine

from marketplace.errors import Conflict, DomainError, PaymentDeclined
from orders.models import RefundStatus

REFUSED = (Conflict, DomainError, PermissionDenied, PaymentDeclined)


def runs() -> int:
    if os.environ.get("FUZZ_MACHINE_EXAMPLES"):
        return int(os.environ["FUZZ_MACHINE_EXAMPLES"])
    return 200 if os.environ.get("STRESS_ROUNDS") else 20


def machine_settings():
    # The same runs every time in CI (a failure reproduces; no flaky
    # coverage); fresh random runs under make stress.
    return settings(
        derandomize=not os.environ.get("STRESS_ROUNDS"),
        max_examples=runs(),
        stateful_step_count=40,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def assert_money_safe(artist_orders) -> None:
    for artist_order in artist_orders:
        artist_order.refresh_from_db()
        live = artist_order.refunds.exclude(status=RefundStatus.FAILED)
        total = live.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
        assert total == artist_order.refunded, (
            artist_order.pk,
            total,
            artist_order.refunded,
        )
        assert artist_order.refunded <= artist_order.paid, artist_order.pk


def assert_history_chains(obj, first_state) -> list:
    rows = list(
        obj.history.order_by("at", "id").values_list(
            "transition", "from_state", "to_state"
        )
    )
    state = first_state
    for _transition, from_state, to_state in rows:
        assert from_state == state, (obj.pk, rows)
        state = to_state
    assert state == obj.state, (obj.pk, rows, obj.state)
    return rows


class Isolated(RuleBasedStateMachine):
    """Each run in a savepoint rolled back at its end: runs cannot see each
    other's rows. ``seen`` counts the moves made and refused (printed)."""

    seen: Counter = Counter()

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.run_id = Isolated.counter = getattr(Isolated, "counter", 0) + 1

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)


def report(name, seen: Counter) -> None:
    done = sum(count for label, count in seen.items() if label.endswith(" done"))
    print(
        f"[fuzz] {name}: {runs()} runs, {done} moves made, {sum(seen.values()) - done} refused; "
        + ", ".join(f"{label}: {count}" for label, count in sorted(seen.items()))
    )
