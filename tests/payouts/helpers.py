"""Shared by the money tests: completed artist orders, payout runs, the
ledger invariants."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum
from django.test import TestCase

from marketplace.money import to_money
from orders.payments import TestPaymentProvider
from payouts.models import (
    Account,
    EntryKind,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutStatus,
    money_sum,
)
from payouts.selectors import balance_for
from payouts.services.runs import payout_run
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order

ZERO = Decimal("0.00")


def buyer(username="camille"):
    return UserFactory(username=username, email=f"{username}@example.com")


def completed(artist, *, buyer_user=None, price="45.00", quantity=2):
    """A completed artist order of ``artist``: quantity × price + 5 € shipping."""
    return make_artist_order(
        buyer=buyer_user or buyer(f"b{LedgerEntry.objects.count()}{artist.pk}"),
        artist=artist,
        state="completed",
        price=price,
        quantity=quantity,
    )


def artist_with_orders(username="potter", *, states=("completed",), price="45.00"):
    artist = make_artist(username)
    orders = [
        make_artist_order(
            buyer=buyer(f"{username}-b{index}"),
            artist=artist,
            state=state,
            price=price,
            quantity=2,
        )
        for index, state in enumerate(states)
    ]
    return artist, orders


def owed(artist) -> Decimal:
    return to_money(
        LedgerEntry.objects.filter(artist=artist, account=Account.ARTIST).aggregate(
            total=money_sum()
        )["total"]
        or ZERO
    )


def paid_out(artist) -> Decimal:
    return -to_money(
        LedgerEntry.objects.filter(
            artist=artist,
            account=Account.ARTIST,
            kind__in=[EntryKind.PAYOUT, EntryKind.PAYOUT_FAILED],
        ).aggregate(total=money_sum())["total"]
        or ZERO
    )


def assert_ledger_balanced():
    """Every transaction sums to zero, and so does the whole ledger."""
    unbalanced = (
        LedgerEntry.objects.values("transaction_id")
        .annotate(total=money_sum())
        .exclude(total=0)
    )
    assert list(unbalanced) == []
    total = to_money(LedgerEntry.objects.aggregate(total=money_sum())["total"] or ZERO)
    assert total == ZERO
    assert not LedgerTransaction.objects.filter(entries__isnull=True).exists()


PAYOUT_KINDS = Q(kind__in=[EntryKind.PAYOUT, EntryKind.PAYOUT_FAILED])


def assert_never_paid_twice():
    """No artist order was paid out more than it ever earned (its sale less
    the commission taken at payment, plus adjustments on it), and every
    payout's entries match its amount and status."""
    per_order = (
        LedgerEntry.objects.filter(account=Account.ARTIST, artist_order__isnull=False)
        .values("artist_order_id")
        .annotate(
            sale=money_sum("amount", filter=Q(kind=EntryKind.SALE)),
            commission=Sum(
                "amount",
                filter=Q(kind=EntryKind.COMMISSION, transaction__kind="payment"),
            ),
            adjustments=money_sum("amount", filter=Q(kind=EntryKind.ADJUSTMENT)),
            paid=money_sum("amount", filter=PAYOUT_KINDS),
        )
    )
    for row in per_order:
        ceiling = to_money(row["sale"] or ZERO) + to_money(row["commission"] or ZERO)
        ceiling += to_money(row["adjustments"] or ZERO)
        assert -to_money(row["paid"] or ZERO) <= ceiling, row
    for payout in Payout.objects.all():
        sent = LedgerEntry.objects.filter(
            transaction__payout=payout,
            transaction__kind="payout",
            account=Account.ARTIST,
        ).aggregate(total=money_sum())["total"]
        assert -to_money(sent or ZERO) == payout.amount
        failed = LedgerEntry.objects.filter(
            transaction__payout=payout, transaction__kind="payout_failed"
        ).exists()
        assert failed == (payout.status == PayoutStatus.FAILED)


def run(**kwargs):
    """A payout run, with what it queues after the commit done at once (the
    provider's answers included), as the worker would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return payout_run(**kwargs)


__all__ = [
    "TestPaymentProvider",
    "balance_for",
    "run",
]


def assert_each_payout_paid_what_was_owed():
    """Entry by entry, in the order they were written (the order of the
    artist order's lock), each payout leaves nothing owed on each artist
    order it pays: it paid exactly what was owed then, never more, so no
    artist order is paid twice."""
    running: dict = {}
    for order_id, kind, amount, txn in (
        LedgerEntry.objects.filter(account=Account.ARTIST)
        .order_by("id")
        .values_list("artist_order_id", "kind", "amount", "transaction_id")
    ):
        key = order_id or ("adjustments", txn)
        running[order_id] = running.get(order_id, ZERO) + amount
        if kind == EntryKind.PAYOUT and order_id is not None:
            assert running[order_id] == ZERO, (key, running[order_id])
