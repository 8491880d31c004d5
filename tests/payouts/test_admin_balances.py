"""Staff's artist balances: one row per artist with what it is owed and was
paid, sortable; holding and releasing payouts with a logged reason (a run
skips a held artist); adjusting a balance once per form; a shop's own
commission rate. Bad input is a form error, never a 500."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.db.models import Sum

from artists.models import Artist
from payouts.models import (
    LedgerEntry,
    LedgerTransaction,
    PayoutAccount,
    PayoutHoldEvent,
    TransactionKind,
)
from payouts.services.holds import payouts_hold
from tests.orders.factories import make_artist

from .admin_helpers import (
    BALANCES,
    change_url,
    form_token,
    logged_in,
    rows,
    shown_messages,
    staff_with,
    superuser,
    transition_url,
)
from .helpers import artist_with_orders, assert_ledger_balanced, owed, run

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
    """83.60 € available (a completed order: 95 € paid, 12 % commission) and
    83.60 € pending (a delivered one)."""
    artist, _orders = artist_with_orders("potter", states=("completed", "delivered"))
    return artist


@pytest.fixture
def account(potter):
    account, _created = PayoutAccount.objects.get_or_create(artist=potter)
    return account


class TestBalanceList:
    def test_lists_every_artist_even_without_an_account_and_sorts_by_what_is_owed(
        self, staff_client, potter
    ):
        weaver, _orders = artist_with_orders(
            "weaver", states=("completed", "completed", "completed")
        )
        newcomer = make_artist("newcomer")
        assert not PayoutAccount.objects.exists()

        by_owed = rows(staff_client.get(BALANCES, {"o": "-2"}))
        by_owed_ascending = rows(staff_client.get(BALANCES, {"o": "2"}))
        page = staff_client.get(BALANCES).content.decode()

        assert [account.artist for account in by_owed] == [weaver, potter, newcomer]
        assert [account.artist for account in by_owed_ascending] == [
            newcomer,
            potter,
            weaver,
        ]
        assert PayoutAccount.objects.count() == Artist.objects.count() == 3
        weaver_row = next(row for row in by_owed if row.artist == weaver)
        assert weaver_row.owed == weaver_row.completed_owed == D("250.80")
        potter_row = next(row for row in by_owed if row.artist == potter)
        assert (potter_row.owed, potter_row.completed_owed) == (D("167.20"), D("83.60"))
        for amount in ("250.80", "167.20", "83.60", "0.00"):
            assert f">{amount}<" in page
        assert "12.00 % (default)" in page

    def test_sorts_by_what_was_paid_out(self, staff_client, potter):
        weaver, _orders = artist_with_orders("weaver", states=("completed",) * 2)
        run()

        most_paid_first = rows(staff_client.get(BALANCES, {"o": "-3"}))

        assert [row.artist for row in most_paid_first] == [weaver, potter]
        assert [-row.paid_out_total for row in most_paid_first] == [
            D("167.20"),
            D("83.60"),
        ]

    def test_searches_by_shop_and_filters_held_and_failed(self, staff_client, potter):
        weaver = make_artist("weaver", name="Brins de Laine")
        payouts_hold(artist=potter, by=superuser("lead"), reason="Bank details")
        PayoutAccount.objects.filter(artist=potter).update(failed_payouts=3)
        staff_client.get(BALANCES)

        found = rows(staff_client.get(BALANCES, {"q": "Brins"}))
        by_slug = rows(staff_client.get(BALANCES, {"q": potter.slug}))
        held = rows(staff_client.get(BALANCES, {"held__exact": "1"}))
        failing = rows(staff_client.get(BALANCES, {"failed": "staff"}))
        not_held = rows(staff_client.get(BALANCES, {"held__exact": "0"}))

        assert [row.artist for row in found] == [weaver]
        assert [row.artist for row in by_slug] == [potter]
        assert [row.artist for row in held] == [potter]
        assert [row.artist for row in failing] == [potter]
        assert [row.artist for row in not_held] == [weaver]

    def test_the_balance_page_shows_the_balance_and_the_buttons(
        self, staff_client, account
    ):
        page = staff_client.get(change_url(account))

        html = page.content.decode()
        assert page.status_code == 200
        assert 'data-testid="available">83.60 €' in html
        assert 'data-testid="pending">83.60 €' in html
        for action in ("hold", "adjust", "commission"):
            assert transition_url(account, action) in html
        assert transition_url(account, "release") not in html
        assert "No payout yet." in html


class TestHold:
    def test_holds_with_the_reason_logged_and_the_next_run_skips_the_artist(
        self, staff, staff_client, account, potter
    ):
        form = staff_client.get(transition_url(account, "hold"))

        response = staff_client.post(
            transition_url(account, "hold"), {"reason": "Bank details to check"}
        )

        assert form.status_code == 200
        assert response.status_code == 302
        assert response["Location"] == change_url(account)
        account.refresh_from_db()
        assert account.held and account.hold_reason == "Bank details to check"
        event = PayoutHoldEvent.objects.get()
        assert (event.action, event.reason, event.by) == (
            "hold",
            "Bank details to check",
            staff,
        )
        assert LogEntry.objects.filter(object_id=str(account.pk)).exists()
        assert run().payouts_count == 0
        page = staff_client.get(change_url(account)).content.decode()
        assert "Bank details to check" in page
        assert transition_url(account, "release") in page

    def test_a_missing_reason_is_a_form_error_and_changes_nothing(
        self, staff_client, account
    ):
        for reason in ("", "   "):
            response = staff_client.post(
                transition_url(account, "hold"), {"reason": reason}
            )

            assert response.status_code == 200
            assert response.context["form"].errors["reason"]
        account.refresh_from_db()
        assert not account.held
        assert not PayoutHoldEvent.objects.exists()

    def test_holding_a_held_artist_is_a_message_not_an_error(
        self, staff, staff_client, account, potter
    ):
        payouts_hold(artist=potter, by=staff, reason="First")

        response = staff_client.post(
            transition_url(account, "hold"), {"reason": "Again"}, follow=True
        )

        assert response.status_code == 200
        assert any("not possible" in text for text in shown_messages(response))
        assert PayoutHoldEvent.objects.count() == 1

    def test_release_with_a_reason_then_the_run_pays(
        self, staff, staff_client, account, potter
    ):
        payouts_hold(artist=potter, by=staff, reason="Bank details to check")

        response = staff_client.post(
            transition_url(account, "release"), {"reason": "Checked with the artist"}
        )

        assert response.status_code == 302
        account.refresh_from_db()
        assert not account.held and account.hold_reason == ""
        assert list(PayoutHoldEvent.objects.values_list("action", "reason")) == [
            ("release", "Checked with the artist"),
            ("hold", "Bank details to check"),
        ]
        assert run().payouts_count == 1

    def test_staff_who_may_only_look_see_no_button_and_cannot_hold(self, account):
        client = logged_in(staff_with("view_payoutaccount"))

        page = client.get(change_url(account))
        refused = client.post(transition_url(account, "hold"), {"reason": "x"})

        assert page.status_code == 200
        assert "data-transition" not in page.content.decode()
        assert refused.status_code == 403
        account.refresh_from_db()
        assert not account.held

    def test_buyers_and_artists_are_sent_to_the_login(self, account, potter):
        for client in (logged_in(potter.user), logged_in(None)):
            for response in (
                client.get(BALANCES),
                client.post(transition_url(account, "hold"), {"reason": "x"}),
            ):
                assert response.status_code == 302
                assert "/login/" in response["Location"]
        account.refresh_from_db()
        assert not account.held


class TestAdjustment:
    def test_writes_a_balanced_transaction_counted_once_when_sent_twice(
        self, staff, staff_client, account, potter
    ):
        url = transition_url(account, "adjust")
        token = form_token(staff_client, url)
        before = owed(potter)
        data = {"amount": "-12.50", "reason": "Chipped bowl, agreed", "token": token}

        first = staff_client.post(url, data)
        second = staff_client.post(url, data)

        assert first.status_code == second.status_code == 302
        adjustment = LedgerTransaction.objects.get(kind=TransactionKind.ADJUSTMENT)
        assert (adjustment.memo, adjustment.created_by) == (
            "Chipped bowl, agreed",
            staff,
        )
        assert adjustment.entries.aggregate(total=Sum("amount"))["total"] == 0
        assert set(adjustment.entries.values_list("account", "amount")) == {
            ("artist", D("-12.50")),
            ("adjustments", D("12.50")),
        }
        assert owed(potter) == before - D("12.50")
        assert_ledger_balanced()

    def test_another_form_counts_again_and_a_positive_amount_is_paid(
        self, staff_client, account, potter
    ):
        url = transition_url(account, "adjust")
        for amount in ("10.00", "5.25"):
            staff_client.post(
                url,
                {
                    "amount": amount,
                    "reason": "Goodwill",
                    "token": form_token(staff_client, url),
                },
            )

        assert LedgerTransaction.objects.filter(kind="adjustment").count() == 2
        assert run().payouts.get().amount == D("83.60") + D("15.25")

    @pytest.mark.parametrize(
        "data, field",
        [
            ({"amount": "abc", "reason": "Why"}, "amount"),
            ({"amount": "0", "reason": "Why"}, "amount"),
            ({"amount": "1e9", "reason": "Why"}, "amount"),
            ({"amount": "10", "reason": ""}, "reason"),
            ({"amount": "10", "reason": "Why", "token": ""}, "token"),
        ],
    )
    def test_bad_input_is_a_form_error_and_records_nothing(
        self, staff_client, account, data, field
    ):
        url = transition_url(account, "adjust")
        data = {"token": form_token(staff_client, url), **data}

        response = staff_client.post(url, data)

        assert response.status_code == 200
        assert response.context["form"].errors[field]
        assert not LedgerEntry.objects.filter(kind="adjustment").exists()


class TestCommissionRate:
    def test_sets_the_shops_rate_then_back_to_the_default(self, staff_client, account):
        url = transition_url(account, "commission")

        staff_client.post(url, {"rate": "0.15"})
        account.refresh_from_db()
        shown = staff_client.get(BALANCES).content.decode()
        staff_client.post(url, {"rate": ""})

        assert account.commission_rate == D("0.1500")
        assert "15.00 %" in shown
        account.refresh_from_db()
        assert account.commission_rate is None

    @pytest.mark.parametrize("rate", ["abc", "1.5", "-0.1", "0.123456"])
    def test_a_rate_out_of_bounds_is_a_form_error(self, staff_client, account, rate):
        response = staff_client.post(
            transition_url(account, "commission"), {"rate": rate}
        )

        assert response.status_code == 200
        assert response.context["form"].errors["rate"]
        account.refresh_from_db()
        assert account.commission_rate is None
