"""Payout runs: who is paid and how much, once; the minimum; refunds after
a payout; failures returned to the balance, retried with back-off, then
left to staff; the clock moved with ``run_due_jobs --at``; the emails."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from marketplace.notifications.emails import render
from marketplace.notifications.models import Notification
from orders.models import ArtistOrder, ArtistOrderState
from orders.payments import TestPaymentProvider
from orders.services.staff import artist_order_staff_refund
from payouts.models import Payout, PayoutAccount, PayoutStatus
from payouts.rules import MAX_FAILED_PAYOUTS
from payouts.selectors import payout_parts
from payouts.services.holds import adjustment_create, payouts_hold, payouts_release
from payouts.services.runs import retry_pending_payouts_due
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order

from .helpers import (
    ZERO,
    assert_ledger_balanced,
    assert_never_paid_twice,
    balance_for,
    buyer,
    paid_out,
    run,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def staff(db):
    return UserFactory(username="support", email="support@example.com", is_staff=True)


@pytest.fixture
def artist(db):
    return make_artist("potter")


def complete(artist, name, price="45.00", quantity=2, state="completed"):
    return make_artist_order(
        buyer=buyer(name), artist=artist, state=state, price=price, quantity=quantity
    )


def test_a_run_pays_each_artist_its_available_balance_once(artist):
    other = make_artist("weaver")
    complete(artist, "a")
    complete(artist, "b")
    complete(other, "c", price="20.00", quantity=1)  # 25 paid, 22.00 net
    complete(other, "d", state="delivered")  # pending: not paid
    first = run()
    assert first.payouts_count == 2
    assert first.total == D("167.20") + D("22.00")
    assert {(p.artist_id, p.amount, p.status) for p in first.payouts.all()} == {
        (artist.pk, D("167.20"), PayoutStatus.PAID),
        (other.pk, D("22.00"), PayoutStatus.PAID),
    }
    assert run().payouts_count == 0
    sent = {key: amount for _to, key, amount in TestPaymentProvider.payouts_paid}
    for payout in first.payouts.all():
        assert sent[str(payout.idempotency_key)] == payout.amount
    balance = balance_for(artist=other)
    assert (balance.available, balance.pending, balance.paid_out) == (
        ZERO,
        D("83.60"),
        D("22.00"),
    )
    assert_ledger_balanced()
    assert_never_paid_twice()


def test_under_the_minimum_nothing_is_paid(artist, settings):
    settings.PAYOUT_MINIMUM = "100.00"
    complete(artist, "a")  # 83.60
    assert run().payouts_count == 0
    complete(artist, "b")
    assert run().payouts.get().amount == D("167.20")


def test_held_money_and_staff_holds_are_not_paid(artist, staff):
    complete(artist, "a")
    payouts_hold(artist=artist, by=staff, reason="Identity check")
    assert run().payouts_count == 0
    payouts_release(artist=artist, by=staff, reason="Checked")
    assert run().payouts_count == 1
    assert list(
        PayoutAccount.objects.get(artist=artist)
        .hold_events.order_by("at")
        .values_list("action", "reason")
    ) == [("hold", "Identity check"), ("release", "Checked")]


def test_a_refund_after_a_payout_is_recovered_from_the_next_sales(artist, staff):
    first = complete(artist, "a")
    assert run().payouts.get().amount == D("83.60")
    artist_order_staff_refund(
        artist_order=first,
        by=staff,
        amount="50.00",
        note="Broken",
        idempotency_key="r1",
    )
    # 50.00 out, 6.00 of commission back: 44.00 owed by the artist.
    assert balance_for(artist=artist).available == D("-44.00")
    assert run().payouts_count == 0  # never a negative payout
    complete(artist, "b")
    payout = run().payouts.get()
    assert payout.amount == D("39.60")  # 83.60 - 44.00
    assert balance_for(artist=artist).available == ZERO
    assert paid_out(artist) == D("123.20")
    assert_ledger_balanced()
    assert_never_paid_twice()


def test_an_adjustment_is_paid_with_the_next_payout(artist, staff):
    complete(artist, "a")
    adjustment_create(artist=artist, amount="-3.60", reason="Postage label", by=staff)
    payout = run().payouts.get()
    assert payout.amount == D("80.00")
    parts = payout_parts(payout)
    assert [(part.artist_order is None, part.paid) for part in parts] == [
        (False, D("83.60")),
        (True, D("-3.60")),
    ]
    assert_ledger_balanced()


class TestFailures:
    def test_a_refused_payout_goes_back_to_available_and_is_retried_later(
        self, artist, monkeypatch
    ):
        complete(artist, "a")
        monkeypatch.setattr(TestPaymentProvider, "payout_decline", True)
        payout = run().payouts.get()
        payout.refresh_from_db()
        assert payout.status == PayoutStatus.FAILED
        assert balance_for(artist=artist).available == D("83.60")
        assert paid_out(artist) == ZERO
        email = Notification.objects.get(event="payout_failed")
        assert email.recipient == artist.user
        assert email.context["retry_at"]
        # Back-off: not again at once...
        monkeypatch.setattr(TestPaymentProvider, "payout_decline", False)
        assert run().payouts_count == 0
        # ...but after it.
        later = run(now=timezone.now() + timedelta(hours=2))
        retried = later.payouts.get()
        assert retried.status == PayoutStatus.PAID
        assert retried.amount == D("83.60")
        assert PayoutAccount.objects.get(artist=artist).failed_payouts == 0
        assert Notification.objects.filter(event="payout_sent").count() == 1
        assert_ledger_balanced()
        assert_never_paid_twice()

    def test_after_a_few_failures_staff_takes_over(self, artist, monkeypatch):
        complete(artist, "a")
        monkeypatch.setattr(TestPaymentProvider, "payout_decline", True)
        at = timezone.now()
        for _attempt in range(MAX_FAILED_PAYOUTS):
            assert run(now=at).payouts_count == 1
            at += timedelta(days=2)
        assert run(now=at).payouts_count == 0
        assert (
            PayoutAccount.objects.get(artist=artist).failed_payouts
            == MAX_FAILED_PAYOUTS
        )
        last = (
            Notification.objects.filter(event="payout_failed").order_by("-id").first()
        )
        assert last.context["retry_at"] == ""  # "our team will look into it"
        assert balance_for(artist=artist).available == D("83.60")

    def test_an_unreachable_provider_keeps_the_payout_pending(
        self, artist, monkeypatch
    ):
        complete(artist, "a")
        monkeypatch.setattr(TestPaymentProvider, "payout_outage", True)
        payout = run().payouts.get()
        payout.refresh_from_db()
        assert payout.status == PayoutStatus.PENDING
        assert balance_for(artist=artist).available == ZERO  # on its way
        assert run().payouts_count == 0  # one payout on its way at a time
        monkeypatch.setattr(TestPaymentProvider, "payout_outage", False)
        retry_pending_payouts_due(now=timezone.now() + timedelta(hours=1))
        payout.refresh_from_db()
        assert payout.status == PayoutStatus.PAID
        assert_never_paid_twice()


def test_run_due_jobs_at_a_later_date_completes_then_pays(artist, capsys):
    delivered = complete(artist, "a", state="delivered")
    call_command("run_due_jobs")
    assert Payout.objects.count() == 0
    later = timezone.localtime() + timedelta(days=45)
    call_command("run_due_jobs", at=later.strftime("%Y-%m-%dT%H:%M"))
    assert ArtistOrder.objects.get(pk=delivered.pk).state == ArtistOrderState.COMPLETED
    assert Payout.objects.get().amount == D("83.60")
    assert "payouts.jobs.run_payouts: 1" in capsys.readouterr().out


def test_run_due_jobs_refuses_a_malformed_date():
    with pytest.raises(CommandError):
        call_command("run_due_jobs", at="next tuesday")


def test_the_payout_emails_are_in_the_artist_language(monkeypatch):
    artist = make_artist("potiere", language="fr")
    complete(artist, "a")
    run()
    email = Notification.objects.get(event="payout_sent")
    assert email.language == "fr"
    assert email.context["amount"] == "83,60"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_payout_emails_render(monkeypatch, language):
    artist = make_artist(f"maker-{language}", language=language)
    complete(artist, "a")
    monkeypatch.setattr(TestPaymentProvider, "payout_decline", True)
    run()
    monkeypatch.setattr(TestPaymentProvider, "payout_decline", False)
    run(now=timezone.now() + timedelta(hours=2))
    for event in ("payout_failed", "payout_sent"):
        subject, text, html = render(Notification.objects.get(event=event))
        assert "83" in subject
        assert "/dashboard/money/" in text
        assert "<a href=" in html
    subject, text, _html = render(Notification.objects.get(event="payout_sent"))
    if language == "fr":
        assert "83,60" in subject
