from decimal import Decimal

import pytest

from payouts.models import PayoutStatus

from .helpers import (
    artist_with_orders,
    assert_ledger_balanced,
    assert_never_paid_twice,
    balance_for,
    owed,
    paid_out,
    run,
)

pytestmark = pytest.mark.django_db


def test_smoke():
    artist, orders = artist_with_orders(states=("completed", "delivered", "shipped"))
    balance = balance_for(artist=artist)
    # 95 paid each, 12 % = 11.40 commission: 83.60 net
    assert balance.available == Decimal("83.60")
    assert balance.pending == Decimal("167.20")
    first = run()
    assert first.payouts_count == 1
    payout = first.payouts.get()
    assert payout.status == PayoutStatus.PAID
    assert payout.amount == Decimal("83.60")
    assert run().payouts_count == 0
    assert paid_out(artist) == Decimal("83.60")
    assert owed(artist) == Decimal("167.20")
    assert_ledger_balanced()
    assert_never_paid_twice()
