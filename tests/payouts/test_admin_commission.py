"""Staff's commission pages: the marketplace's default rate (set through
its service, applied to the next payment, never deleted), the commission
earned per month, and the ledger, read-only, searched by artist."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from payouts.models import CommissionDefault, LedgerEntry, LedgerTransaction
from tests.orders.factories import make_artist, make_artist_order
from tests.orders.lifecycle_factories import paid_artist_order

from .admin_helpers import (
    COMMISSION_BY_MONTH,
    COMMISSION_DEFAULT,
    ENTRIES,
    TRANSACTIONS,
    change_url,
    logged_in,
    rows,
    shown_messages,
    staff_with,
    superuser,
)
from .helpers import buyer

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
    return make_artist("potter")


class TestDefaultCommission:
    def test_shows_the_settings_rate_until_staff_sets_one(self, staff_client, settings):
        settings.COMMISSION_RATE = "0.12"

        response = staff_client.get(COMMISSION_DEFAULT)

        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="effective-rate"><strong>12.00 %' in html
        assert "COMMISSION_RATE" in html
        assert response.context["form"]["rate"].value() == D("0.12")

    def test_a_new_rate_applies_to_the_next_payment(self, staff, staff_client):
        response = staff_client.post(COMMISSION_DEFAULT, {"rate": "0.20"}, follow=True)

        setting = CommissionDefault.objects.get()
        assert (setting.pk, setting.rate, setting.updated_by) == (1, D("0.2000"), staff)
        assert shown_messages(response) == [
            "The default commission is now 20.00 %: it applies to payments from now on."
        ]
        assert "20.00 %" in response.content.decode()
        assert LogEntry.objects.filter(object_id="1").count() == 1
        artist_order, _variant = paid_artist_order()  # 95 € through checkout
        commission = LedgerEntry.objects.get(
            artist_order=artist_order, account="commission"
        )
        assert commission.amount == D("19.00")

    def test_changes_the_one_row_from_its_change_page_and_never_deletes_it(
        self, staff_client
    ):
        staff_client.post(COMMISSION_DEFAULT, {"rate": "0.20"})
        setting = CommissionDefault.objects.get()
        opts = "admin:payouts_commissiondefault"

        page = staff_client.get(change_url(setting))
        staff_client.post(change_url(setting), {"rate": "0.1"})
        delete = staff_client.post(reverse(f"{opts}_delete", args=[1]), {"post": "yes"})

        assert page.status_code == 200
        assert CommissionDefault.objects.get().rate == D("0.1000")
        assert delete.status_code == 403
        assert CommissionDefault.objects.count() == 1

    @pytest.mark.parametrize("rate", ["abc", "1.5", "-0.01", "", "0.12345"])
    def test_a_bad_rate_is_a_form_error_and_saves_nothing(self, staff_client, rate):
        response = staff_client.post(COMMISSION_DEFAULT, {"rate": rate})

        assert response.status_code == 200
        assert response.context["form"].errors["rate"]
        assert not CommissionDefault.objects.exists()

    def test_staff_who_may_only_look_see_no_form_and_cannot_set_it(self):
        client = logged_in(staff_with("view_commissiondefault"))

        page = client.get(COMMISSION_DEFAULT)
        refused = client.post(COMMISSION_DEFAULT, {"rate": "0.5"})

        assert page.status_code == 200 and page.context["form"] is None
        assert refused.status_code == 403
        assert not CommissionDefault.objects.exists()

    def test_in_french_with_a_decimal_comma(self, staff, staff_client):
        staff.language = "fr"
        staff.save()

        page = staff_client.get(COMMISSION_DEFAULT)
        staff_client.post(COMMISSION_DEFAULT, {"rate": "0,15"})

        assert page.status_code == 200
        assert "12,00 %" in page.content.decode()
        assert CommissionDefault.objects.get().rate == D("0.1500")


class TestCommissionPerMonth:
    def test_lists_taken_given_back_and_net_newest_month_first(
        self, staff_client, potter, monkeypatch
    ):
        earlier = timezone.now() - timedelta(days=40)
        with monkeypatch.context() as patched:
            patched.setattr(timezone, "now", lambda: earlier)
            make_artist_order(
                buyer=buyer("a"), artist=potter, price="45.00", quantity=2
            )
        make_artist_order(buyer=buyer("b"), artist=potter, price="45.00", quantity=2)
        make_artist_order(
            buyer=buyer("c"), artist=potter, state="refused", price="45.00", quantity=2
        )

        response = staff_client.get(COMMISSION_BY_MONTH)

        assert response.status_code == 200
        table = [
            (
                row["month"].strftime("%Y-%m"),
                row["taken"],
                row["given_back"],
                row["net"],
            )
            for row in response.context["rows"]
        ]
        assert table == [
            (
                timezone.localdate().strftime("%Y-%m"),
                D("22.80"),
                D("11.40"),
                D("11.40"),
            ),
            (
                timezone.localtime(earlier).strftime("%Y-%m"),
                D("11.40"),
                D("0"),
                D("11.40"),
            ),
        ]
        assert response.context["totals"] == {
            "taken": D("34.20"),
            "given_back": D("11.40"),
            "net": D("22.80"),
        }
        html = response.content.decode()
        assert date_format(timezone.localtime(earlier), "F Y") in html
        for amount in ("22.80", "11.40", "34.20"):
            assert f">{amount}<" in html

    def test_is_linked_from_the_index_and_the_ledger(self, staff_client):
        for url in (
            reverse("admin:index"),
            ENTRIES,
            reverse("admin:app_list", args=["payouts"]),
        ):
            assert COMMISSION_BY_MONTH in staff_client.get(url).content.decode(), url

        empty = staff_client.get(COMMISSION_BY_MONTH)
        assert "No commission yet." in empty.content.decode()

    def test_is_for_staff_only(self, potter):
        for client in (logged_in(potter.user), logged_in(None)):
            response = client.get(COMMISSION_BY_MONTH)
            assert response.status_code == 302 and "/login/" in response["Location"]
        no_permission = logged_in(staff_with("view_payout"))
        assert no_permission.get(COMMISSION_BY_MONTH).status_code == 403


class TestLedger:
    def test_filters_by_kind_and_account_and_searches_by_artist(
        self, staff_client, potter
    ):
        weaver = make_artist("weaver", name="Brins de Laine")
        make_artist_order(buyer=buyer("a"), artist=potter, state="refused")
        make_artist_order(buyer=buyer("b"), artist=weaver)

        refunds = rows(staff_client.get(TRANSACTIONS, {"kind__exact": "refund"}))
        weavers = rows(staff_client.get(TRANSACTIONS, {"q": "Brins"}))
        commission = rows(staff_client.get(ENTRIES, {"account__exact": "commission"}))
        by_slug = rows(staff_client.get(ENTRIES, {"q": potter.slug}))

        assert [record.artist for record in refunds] == [potter]
        assert [(record.artist, record.kind) for record in weavers] == [
            (weaver, "payment")
        ]
        assert {entry.kind for entry in commission} == {
            "commission",
            "commission_reversal",
        }
        assert {entry.artist for entry in by_slug} == {potter}
        assert len(by_slug) == 8

    def test_is_read_only(self, staff_client, potter):
        make_artist_order(buyer=buyer("a"), artist=potter)
        record = LedgerTransaction.objects.get()
        entry = record.entries.first()

        page = staff_client.get(change_url(record))
        responses = [
            staff_client.get(reverse("admin:payouts_ledgertransaction_add")),
            staff_client.post(change_url(record), {"memo": "edited"}),
            staff_client.post(change_url(entry), {"amount": "1"}),
            staff_client.post(
                reverse("admin:payouts_ledgerentry_delete", args=[entry.pk]),
                {"post": "yes"},
            ),
        ]

        assert page.status_code == 200
        assert page.content.decode().count("<tr") >= 4  # its four entries
        assert [response.status_code for response in responses] == [403] * 4
        assert LedgerTransaction.objects.get().memo == ""
        assert LedgerEntry.objects.count() == 4
