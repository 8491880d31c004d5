"""Staff's payout runs and payouts: the "Run payouts now" button (a POST
with its CSRF token), each payout's page with what it paid and its ledger,
the Retry button of a failed payout, and the escalation queue once the
runs leave a failing artist to staff."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from orders.payments import TestPaymentProvider
from payouts.models import Payout, PayoutAccount, PayoutRun, PayoutStatus
from payouts.rules import MAX_FAILED_PAYOUTS
from payouts.services.holds import payouts_hold

from .admin_helpers import (
    PAYOUTS,
    QUEUE,
    RUN_NOW,
    RUNS,
    change_url,
    logged_in,
    rows,
    shown_messages,
    staff_with,
    superuser,
    transition_url,
)
from .helpers import artist_with_orders, assert_never_paid_twice, run

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def staff(db):
    return superuser()


@pytest.fixture
def staff_client(staff):
    return logged_in(staff)


@pytest.fixture
def potter(db):
    """83.60 € available: a completed order, 95 € paid, 12 % commission."""
    artist, _orders = artist_with_orders("potter")
    return artist


@pytest.fixture
def declined(monkeypatch):
    """The bank refuses every payout until the test says otherwise."""
    monkeypatch.setattr(TestPaymentProvider, "payout_decline", True)
    return lambda: monkeypatch.setattr(TestPaymentProvider, "payout_decline", False)


def failed_payouts(artist, times):
    """``times`` runs whose payout to ``artist`` the bank refuses, each as
    soon as the previous one failed (its back-off skipped)."""
    for _attempt in range(times):
        PayoutAccount.objects.filter(artist=artist).update(next_attempt_at=None)
        run()
    return Payout.objects.filter(artist=artist).order_by("-pk").first()


class TestRunPayoutsNow:
    def test_pays_every_available_balance_and_says_how_many(
        self, staff, staff_client, potter, django_capture_on_commit_callbacks
    ):
        artist_with_orders("weaver", states=("completed", "completed"))
        listing = staff_client.get(RUNS).content.decode()

        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(RUN_NOW, follow=True)
        again = staff_client.post(RUN_NOW, follow=True)

        assert RUN_NOW in listing and 'data-testid="run-payouts"' in listing
        assert shown_messages(response) == [
            "2 artists paid, 250.80 € in all: the payouts are on their way to the provider."
        ]
        assert set(Payout.objects.values_list("status", "amount")) == {
            (PayoutStatus.PAID, D("83.60")),
            (PayoutStatus.PAID, D("167.20")),
        }
        first_run = PayoutRun.objects.order_by("pk").first()
        assert (first_run.started_by, first_run.payouts_count) == (staff, 2)
        assert shown_messages(again)[0].startswith("Nothing to pay")
        assert Payout.objects.count() == 2
        run_rows = rows(staff_client.get(RUNS))
        assert [run.payouts_count for run in run_rows] == [0, 2]
        run_page = staff_client.get(change_url(first_run)).content.decode()
        assert change_url(Payout.objects.get(artist=potter)) in run_page
        assert_never_paid_twice()

    def test_is_a_post_with_its_csrf_token(self, staff, potter):
        client = Client(enforce_csrf_checks=True)
        client.force_login(staff)

        assert client.get(RUN_NOW).status_code == 405
        assert client.post(RUN_NOW).status_code == 403
        assert not PayoutRun.objects.exists()

    def test_is_refused_to_staff_without_the_permission_and_to_artists(self, potter):
        viewer = logged_in(staff_with("view_payoutrun"))

        listing = viewer.get(RUNS)
        refused = viewer.post(RUN_NOW)
        artist = logged_in(potter.user).post(RUN_NOW)

        assert listing.status_code == 200
        assert 'data-testid="run-payouts"' not in listing.content.decode()
        assert refused.status_code == 403
        assert artist.status_code == 302 and "/login/" in artist["Location"]
        assert not PayoutRun.objects.exists()


class TestPayoutPage:
    def test_shows_what_it_paid_and_its_ledger_transactions(self, staff_client, potter):
        payout = run().payouts.get()

        html = staff_client.get(change_url(payout)).content.decode()

        order_number = potter.artist_orders.get().order.number
        assert order_number in html
        assert 'data-testid="part-paid"><strong>83.60 €' in html
        assert html.count('data-testid="payout-transaction"') == 1
        assert (
            reverse(
                "admin:orders_artistorder_change", args=[potter.artist_orders.get().pk]
            )
            in html
        )
        assert 'data-transition="retry"' not in html

    def test_the_list_filters_by_status_and_searches_by_artist(
        self, staff_client, potter, declined
    ):
        failed = run().payouts.get()
        declined()
        weaver, _orders = artist_with_orders("weaver")
        run()  # pays the weaver; the potter waits for its back-off

        failed_rows = rows(staff_client.get(PAYOUTS, {"status__exact": "failed"}))
        weaver_rows = rows(staff_client.get(PAYOUTS, {"q": weaver.slug}))

        assert failed_rows == [failed]
        assert [payout.artist for payout in weaver_rows] == [weaver]
        page = staff_client.get(change_url(failed)).content.decode()
        assert page.count('data-testid="payout-transaction"') == 2
        assert "The bank refused the transfer." in page


class TestRetry:
    def test_retries_a_failed_payout_and_pays_it(
        self, staff, staff_client, potter, declined, django_capture_on_commit_callbacks
    ):
        failed = run().payouts.get()
        assert failed.status == PayoutStatus.FAILED
        page = staff_client.get(change_url(failed)).content.decode()
        declined()

        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(transition_url(failed, "retry"), follow=True)

        assert transition_url(failed, "retry") in page
        retry = Payout.objects.get(retry_of=failed)
        assert (retry.status, retry.amount) == (PayoutStatus.PAID, D("83.60"))
        assert shown_messages(response) == [
            f"Payout #{retry.pk} of 83.60 € to {potter} is on its way to the provider."
        ]
        assert PayoutAccount.objects.get(artist=potter).failed_payouts == 0
        assert (
            change_url(retry) in staff_client.get(change_url(failed)).content.decode()
        )
        assert_never_paid_twice()

    def test_a_refused_retry_is_a_message_and_changes_nothing(
        self, staff, staff_client, potter, declined
    ):
        failed = run().payouts.get()
        declined()
        payouts_hold(artist=potter, by=staff, reason="Bank details")

        response = staff_client.post(transition_url(failed, "retry"), follow=True)

        assert response.status_code == 200
        assert shown_messages(response) == [
            "This artist's payouts are held: release them first."
        ]
        assert Payout.objects.count() == 1

    def test_a_paid_payout_has_no_retry(self, staff_client, potter):
        paid = run().payouts.get()

        response = staff_client.post(transition_url(paid, "retry"), follow=True)

        assert any("not possible" in text for text in shown_messages(response))
        assert Payout.objects.count() == 1


class TestEscalationQueue:
    def test_lists_the_latest_payout_once_the_runs_leave_it_to_staff(
        self, staff_client, potter, declined
    ):
        failed_payouts(potter, MAX_FAILED_PAYOUTS - 1)
        before = staff_client.get(QUEUE, {"kind": "payouts"}).context["rows"]
        latest = failed_payouts(potter, 1)

        response = staff_client.get(QUEUE)

        assert before == []
        assert Payout.objects.filter(status="failed").count() == MAX_FAILED_PAYOUTS
        payout_rows = [row for row in response.context["rows"] if row.kind == "payouts"]
        assert [row.url for row in payout_rows] == [change_url(latest)]
        html = response.content.decode()
        assert change_url(latest) in html
        assert 'id="payouts-help"' in html
        assert "The bank refused the transfer." in html
        left = rows(staff_client.get(PAYOUTS, {"left_to_staff": "yes"}))
        assert left == [latest]
        assert run().payouts_count == 0  # the runs no longer try

    def test_leaves_the_queue_once_retried(
        self, staff_client, potter, declined, django_capture_on_commit_callbacks
    ):
        latest = failed_payouts(potter, MAX_FAILED_PAYOUTS)
        declined()

        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(transition_url(latest, "retry"))

        assert staff_client.get(QUEUE, {"kind": "payouts"}).context["rows"] == []
        index = staff_client.get(reverse("admin:index"))
        counts = {
            kind: count for kind, _label, count in index.context["escalation_counts"]
        }
        assert counts["payouts"] == 0
