"""Every money page of the admin opens with data in it, in a number of
queries that does not grow with the number of artists and payouts, and
answers bad input in the address with a page, never a 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.payments import TestPaymentProvider
from payouts.models import (
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutAccount,
    PayoutRun,
)
from payouts.services.holds import adjustment_create, payouts_hold
from staff.escalations import KINDS

from .admin_helpers import (
    BALANCES,
    COMMISSION_BY_MONTH,
    COMMISSION_DEFAULT,
    ENTRIES,
    PAYOUTS,
    QUEUE,
    RUNS,
    TRANSACTIONS,
    change_url,
    logged_in,
    superuser,
    transition_url,
)
from .helpers import artist_with_orders, run

pytestmark = pytest.mark.django_db

LISTS = [
    BALANCES,
    PAYOUTS,
    RUNS,
    TRANSACTIONS,
    ENTRIES,
    COMMISSION_BY_MONTH,
    COMMISSION_DEFAULT,
    reverse("admin:payouts_payoutholdevent_changelist"),
    QUEUE,
]
LIST_BUDGET = 20
PAGE_BUDGET = 40


def money(tag: str, *, staff, monkeypatch):
    """Two artists paid, one whose payout failed and one held, with an
    adjustment: a row in every money table."""
    paid, _orders = artist_with_orders(f"paid-{tag}", states=("completed", "shipped"))
    failing, _orders = artist_with_orders(f"failing-{tag}")
    held, _orders = artist_with_orders(f"held-{tag}")
    payouts_hold(artist=held, by=staff, reason="Checking")
    adjustment_create(artist=paid, amount="3.00", reason="Gift wrap", by=staff)
    monkeypatch.setattr(TestPaymentProvider, "payout_decline", True)
    run(artist_ids=[failing.pk])
    monkeypatch.setattr(TestPaymentProvider, "payout_decline", False)
    run()


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_the_lists_cost_the_same_whatever_their_length(monkeypatch):
    staff = superuser()
    client = logged_in(staff)
    money("a", staff=staff, monkeypatch=monkeypatch)
    for url in LISTS:
        client.get(url)  # accounts created, session warm
    small = {url: count(client, url) for url in LISTS}
    money("b", staff=staff, monkeypatch=monkeypatch)
    money("c", staff=staff, monkeypatch=monkeypatch)
    for url in LISTS:
        client.get(url)

    large = {url: count(client, url) for url in LISTS}

    assert large == small
    assert max(n for url, n in large.items() if url != QUEUE) <= LIST_BUDGET, large
    # The escalation queue reads each of its kinds once and counts it once.
    assert large[QUEUE] <= 2 * len(KINDS) + 2, large


def test_every_record_page_and_button_form_opens(monkeypatch):
    staff = superuser()
    client = logged_in(staff)
    money("a", staff=staff, monkeypatch=monkeypatch)
    client.get(BALANCES)
    failed = Payout.objects.get(status="failed")
    account = PayoutAccount.objects.filter(held=True).get()
    pages = [
        change_url(account),
        change_url(PayoutAccount.objects.filter(held=False).first()),
        change_url(failed),
        change_url(Payout.objects.filter(status="paid").first()),
        change_url(PayoutRun.objects.first()),
        change_url(LedgerTransaction.objects.filter(kind="payout_failed").get()),
        change_url(LedgerEntry.objects.first()),
        transition_url(account, "release"),
        transition_url(account, "adjust"),
        transition_url(account, "commission"),
        transition_url(failed, "retry"),
    ]

    over = {
        url: queries for url in pages if (queries := count(client, url)) > PAGE_BUDGET
    }

    assert not over, over


@pytest.mark.parametrize(
    "url",
    [
        BALANCES + "?o=abc",
        BALANCES + "?failed=nonsense",
        PAYOUTS + "?status__exact=nonsense",
        PAYOUTS + "?left_to_staff=maybe",
        reverse("admin:payouts_payout_change", args=["abc"]),
        reverse("admin:payouts_payoutaccount_change", args=["999999"]),
        reverse(
            "admin:payouts_payoutaccount_transition",
            kwargs={"object_id": "999999", "action": "hold"},
        ),
        reverse("admin:payouts_commissiondefault_change", args=["not-a-number"]),
    ],
)
def test_bad_addresses_are_pages_not_errors(url):
    client = logged_in(superuser())

    response = client.get(url)

    assert response.status_code in (200, 302, 404), response.status_code


def test_an_unknown_button_is_a_message(monkeypatch):
    staff = superuser()
    client = logged_in(staff)
    money("a", staff=staff, monkeypatch=monkeypatch)
    account = PayoutAccount.objects.first()

    response = client.post(transition_url(account, "explode"), {"reason": "x"})

    assert response.status_code == 302
    assert response["Location"] == change_url(account)
