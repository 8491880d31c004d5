"""The artist's money through the API (api.md, "Money (artists)"): the
balance and why money is held, payouts and what each paid, the ledger by
month and the monthly statement; only ever the caller's own."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from orders.models import ArtistOrder
from payouts.selectors import payout_parts
from payouts.services.holds import adjustment_create, payouts_hold
from tests.artists.helpers import client_for
from tests.orders.factories import make_artist, make_artist_order
from tests.returns.factories import make_line, make_return, staff_user

from .helpers import buyer, run

pytestmark = pytest.mark.django_db

BALANCE = "/api/v1/shop/balance/"
PAYOUTS = "/api/v1/shop/payouts/"
LEDGER = "/api/v1/shop/ledger/"


def statement_url(month):
    return f"/api/v1/shop/statements/{month}.csv"


def this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


@pytest.fixture
def artist(db):
    return make_artist("potter")


@pytest.fixture
def artist_api(artist):
    return client_for(artist.user)


def sold(artist, name, state="completed") -> ArtistOrder:
    """Two pieces at 45 € and 5 € shipping: 95 € paid, 11.40 € commission."""
    return make_artist_order(
        buyer=buyer(name), artist=artist, state=state, price="45.00", quantity=2
    )


class TestBalance:
    def test_sorts_the_money_into_available_pending_and_on_hold_with_the_reason(
        self, artist, artist_api
    ):
        sold(artist, "a", "completed")
        sold(artist, "b", "shipped")
        line = make_line(
            buyer=buyer("c"), artist=artist, state="completed", price="45.00"
        )
        return_request = make_return(line=line, state="requested")

        response = artist_api.get(BALANCE)

        assert response.status_code == 200
        body = response.json()
        assert body["available"] == "83.60"
        assert body["pending"] == "83.60"
        assert body["on_hold"] == "83.60"
        assert body["total"] == "250.80"
        assert body["paid_out"] == "0.00"
        assert body["commission_rate"] == "0.1200"
        assert body["payout_minimum"] == "10.00"
        assert body["held_by_staff"] is False
        assert body["holds"] == [
            {
                "reason": "return",
                "reason_label": "A return request is open",
                "amount": "83.60",
                "artist_order": line.artist_order_id,
                "order": line.artist_order.order.number,
                "return_request": return_request.pk,
                "note": "",
            }
        ]

    def test_puts_what_was_available_on_hold_while_staff_holds_the_payouts(
        self, artist, artist_api
    ):
        sold(artist, "a")
        payouts_hold(artist=artist, by=staff_user(), reason="Bank details missing.")

        body = artist_api.get(BALANCE).json()

        assert body["available"] == "0.00"
        assert body["on_hold"] == "83.60"
        assert body["held_by_staff"] is True
        assert body["hold_reason"] == "Bank details missing."
        assert body["holds"] == [
            {
                "reason": "staff",
                "reason_label": "Payouts paused by the marketplace team",
                "amount": "83.60",
                "artist_order": None,
                "order": None,
                "return_request": None,
                "note": "Bank details missing.",
            }
        ]

    def test_counts_what_a_run_paid_out(self, artist, artist_api):
        sold(artist, "a")
        run()

        body = artist_api.get(BALANCE).json()

        assert body["available"] == "0.00"
        assert body["paid_out"] == "83.60"

    def test_is_refused_to_users_without_a_shop_and_to_anonymous_callers(self, artist):
        sold(artist, "a")

        assert client_for(buyer("z")).get(BALANCE).status_code == 403
        assert client_for(staff_user()).get(BALANCE).status_code == 403
        assert APIClient().get(BALANCE).status_code == 401


class TestPayouts:
    def test_lists_the_callers_payouts_newest_first_with_what_each_paid(
        self, artist, artist_api
    ):
        first_order = sold(artist, "a")
        first = run().payouts.get()
        second_order = sold(artist, "b")
        second = run().payouts.get()
        make_artist_order(
            buyer=buyer("c"), artist=make_artist("weaver"), state="completed"
        )
        run()

        response = artist_api.get(PAYOUTS)

        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2
        assert [payout["id"] for payout in body["results"]] == [second.pk, first.pk]
        assert [payout["artist_orders"][0]["id"] for payout in body["results"]] == [
            second_order.pk,
            first_order.pk,
        ]
        assert body["results"][1]["status"] == "paid"
        assert body["results"][1]["amount"] == "83.60"

    def test_shows_one_payout_artist_order_by_artist_order(self, artist, artist_api):
        artist_order = sold(artist, "a")
        payout = run().payouts.get()

        response = artist_api.get(f"{PAYOUTS}{payout.pk}/")

        assert response.status_code == 200
        body = response.json()
        assert body["id"] == payout.pk
        assert body["amount"] == "83.60"
        assert body["status"] == "paid"
        assert body["paid_at"] is not None
        assert body["created"] is not None
        assert body["artist_orders"] == [
            {
                "id": artist_order.pk,
                "order": artist_order.order.number,
                "sale": "95.00",
                "commission": "11.40",
                "refunds": "0.00",
                "adjustments": "0.00",
                "net": "83.60",
                "paid": "83.60",
            }
        ]

    def test_the_list_gives_each_payout_as_its_detail_does(self, artist, artist_api):
        sold(artist, "a")
        sold(artist, "b")
        adjustment_create(
            artist=artist, amount="12.50", reason="Postage refund.", by=staff_user()
        )
        payout = run().payouts.get()

        listed = artist_api.get(PAYOUTS).json()["results"]
        detail = artist_api.get(f"{PAYOUTS}{payout.pk}/").json()

        assert listed == [detail]
        assert len(detail["artist_orders"]) == 3
        assert detail["artist_orders"][-1]["id"] is None
        assert detail["artist_orders"][-1]["paid"] == "12.50"
        assert detail["amount"] == "179.70"
        assert len(payout_parts(payout)) == 3

    def test_the_list_reads_the_same_number_of_queries_whatever_its_length(
        self, artist, artist_api
    ):
        sold(artist, "a")
        run()
        with CaptureQueriesContext(connection) as one:
            artist_api.get(PAYOUTS)
        for name in ("b", "c", "d"):
            sold(artist, name)
            run()

        with CaptureQueriesContext(connection) as four:
            response = artist_api.get(PAYOUTS)

        assert response.json()["count"] == 4
        assert len(four) == len(one)

    def test_another_shops_payout_is_a_404_and_not_in_its_list(self, artist):
        sold(artist, "a")
        payout = run().payouts.get()
        other = client_for(make_artist("weaver").user)

        assert other.get(f"{PAYOUTS}{payout.pk}/").status_code == 404
        assert other.get(PAYOUTS).json()["count"] == 0

    def test_are_refused_to_users_without_a_shop_and_to_anonymous_callers(self, artist):
        sold(artist, "a")
        payout = run().payouts.get()
        customer = client_for(buyer("z"))

        assert customer.get(PAYOUTS).status_code == 403
        assert customer.get(f"{PAYOUTS}{payout.pk}/").status_code == 403
        assert APIClient().get(PAYOUTS).status_code == 401
        assert APIClient().get(f"{PAYOUTS}{payout.pk}/").status_code == 401


class TestLedger:
    def test_lists_the_callers_entries_newest_first(self, artist, artist_api):
        artist_order = sold(artist, "a")
        payout = run().payouts.get()
        make_artist_order(
            buyer=buyer("b"), artist=make_artist("weaver"), state="completed"
        )

        response = artist_api.get(LEDGER)

        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 3
        entries = body["results"]
        assert [(e["kind"], e["amount"]) for e in entries] == [
            ("payout", "-83.60"),
            ("commission", "-11.40"),
            ("sale", "95.00"),
        ]
        assert {e["artist_order"] for e in entries} == {artist_order.pk}
        assert {e["order"] for e in entries} == {artist_order.order.number}
        assert entries[0]["payout"] == payout.pk
        assert entries[0]["kind_label"] == "payout"
        assert entries[2]["payout"] is None
        assert all(e["at"] for e in entries)

    def test_shows_a_staff_adjustment_with_its_reason(self, artist, artist_api):
        adjustment_create(
            artist=artist, amount="-4.00", reason="Label reprinted.", by=staff_user()
        )

        entry = artist_api.get(LEDGER).json()["results"][0]

        assert entry["kind"] == "adjustment"
        assert entry["amount"] == "-4.00"
        assert entry["note"] == "Label reprinted."
        assert entry["artist_order"] is None
        assert entry["order"] is None

    def test_filters_by_month_and_by_kind(self, artist, artist_api):
        sold(artist, "a")
        run()

        assert artist_api.get(LEDGER, {"month": this_month()}).json()["count"] == 3
        assert artist_api.get(LEDGER, {"month": "2001-01"}).json()["count"] == 0
        sales = artist_api.get(LEDGER, {"kind": "sale"}).json()
        assert [entry["kind"] for entry in sales["results"]] == ["sale"]

    @pytest.mark.parametrize(
        "month", ["2026-13", "2026-1", "soon", "0001-01", "9999-12", "2026-01-01"]
    )
    def test_a_month_that_is_not_one_is_a_400_that_says_so(self, artist_api, month):
        response = artist_api.get(LEDGER, {"month": month})

        assert response.status_code == 400
        assert response.json() == {
            "month": ["Enter a month as YYYY-MM, for example 2026-03."]
        }

    def test_is_refused_to_users_without_a_shop_and_to_anonymous_callers(self):
        assert client_for(buyer("z")).get(LEDGER).status_code == 403
        assert APIClient().get(LEDGER).status_code == 401


class TestStatement:
    def test_is_the_months_movements_as_csv(self, artist, artist_api):
        sold(artist, "a")
        run()

        response = artist_api.get(statement_url(this_month()))

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert (
            f"statement-{artist.slug}-{this_month()}.csv"
            in response["Content-Disposition"]
        )
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:2] == ["date", "kind"]
        assert [(row[1], row[5]) for row in rows[1:]] == [
            ("opening_balance", ""),
            ("sale", "95.00"),
            ("commission", "-11.40"),
            ("payout", "-83.60"),
            ("closing_balance", ""),
        ]
        assert rows[-1][-1] == "0.00"

    def test_holds_only_the_callers_movements(self, artist):
        sold(artist, "a")
        other = client_for(make_artist("weaver").user)

        response = other.get(statement_url(this_month()))

        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert [row[1] for row in rows[1:]] == ["opening_balance", "closing_balance"]

    def test_answers_a_client_that_asks_for_csv(self, artist_api):
        response = artist_api.get(statement_url(this_month()), HTTP_ACCEPT="text/csv")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")

    @pytest.mark.parametrize("month", ["2026-13", "soon", "9999-12", "0001-01"])
    def test_a_path_that_names_no_month_is_a_404_in_json(self, artist_api, month):
        response = artist_api.get(statement_url(month), HTTP_ACCEPT="text/csv")

        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"

    def test_is_refused_to_users_without_a_shop_and_to_anonymous_callers(self):
        url = statement_url(this_month())

        assert client_for(buyer("z")).get(url).status_code == 403
        assert APIClient().get(url).status_code == 401
