"""The artist order lifecycle through the API, cancelling: the buyer's
cancellation and cancellation requests with the artist's answer, and
cancelling a whole order."""

import pytest

from marketplace.notifications.models import Notification
from orders.models import CancellationRequest, Refund

from .factories import make_artist_order, make_variant
from .helpers import SHIP_BODY, url

pytestmark = pytest.mark.usefixtures("_report_at_once")


class TestCancellation:
    def test_cancelling_while_awaiting_acceptance_refunds_everything_and_puts_the_stock_back(
        self, buyer_api, buyer, artist
    ):
        variant = make_variant(artist, price="30.00", stock=4)
        artist_order = make_artist_order(
            buyer=buyer, artist=artist, variant=variant, quantity=2
        )

        response = buyer_api.post(
            url(artist_order, "cancel"), {"reason": "Ordered twice."}, format="json"
        )

        assert response.status_code == 200
        body = response.json()
        assert body["outcome"] == "cancelled"
        assert body["state"] == "cancelled"
        assert body["refunded"] == "65.00"
        assert [(r["amount"], r["reason"]) for r in body["refunds"]] == [
            ("65.00", "cancellation")
        ]
        variant.refresh_from_db()
        assert variant.stock == 4
        assert set(
            Notification.objects.values_list("event", "recipient__username")
        ) == {
            ("order_cancelled", buyer.username),
            ("order_cancelled_by_buyer", artist.user.username),
        }

    def test_cancelling_an_accepted_order_files_a_request_the_artist_sees(
        self, buyer_api, buyer, artist, artist_api
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        response = buyer_api.post(
            url(artist_order, "cancel"),
            {"reason": "Too late for the gift."},
            format="json",
        )

        assert response.status_code == 200
        assert response.json()["outcome"] == "requested"
        assert response.json()["state"] == "accepted"
        assert response.json()["cancellation_request"]["status"] == "open"
        assert response.json()["allowed_actions"] == ["withdraw_cancellation"]
        assert Notification.objects.filter(
            recipient=artist.user, event="cancellation_requested"
        ).exists()
        seen_by_artist = artist_api.get(url(artist_order)).json()
        assert (
            seen_by_artist["cancellation_request"]["reason"] == "Too late for the gift."
        )
        assert Refund.objects.count() == 0

    def test_a_second_request_is_a_conflict(self, buyer_api, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        buyer_api.post(url(artist_order, "cancel"), {}, format="json")

        response = buyer_api.post(url(artist_order, "cancel"), {}, format="json")

        assert response.status_code == 409
        assert response.json()["state"] == "accepted"
        assert (
            CancellationRequest.objects.filter(artist_order=artist_order).count() == 1
        )

    def test_refusing_after_a_request_accepts_it_and_refunds(
        self, buyer_api, artist_api, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        buyer_api.post(url(artist_order, "cancel"), {}, format="json")

        response = artist_api.post(
            url(artist_order, "refuse"),
            {"reason": "Cancelled at the buyer's request."},
            format="json",
        )

        assert response.status_code == 200
        assert response.json()["cancellation_request"]["status"] == "accepted"
        assert response.json()["refused_reason"] == "Cancelled at the buyer's request."
        assert response.json()["refunds"][0]["amount"] == "29.00"

    def test_shipping_over_an_open_request_needs_decline_cancellation(
        self, buyer_api, artist_api, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        buyer_api.post(url(artist_order, "cancel"), {}, format="json")

        response = artist_api.post(url(artist_order, "ship"), SHIP_BODY, format="json")

        assert response.status_code == 409
        assert response.json()["state"] == "accepted"
        assert "decline_cancellation" in response.json()["detail"]
        assert CancellationRequest.objects.get().status == "open"
        artist_order.refresh_from_db()
        assert (artist_order.state, artist_order.tracking_number) == ("accepted", "")

    def test_shipping_after_a_request_declines_it_when_confirmed(
        self, buyer_api, artist_api, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        buyer_api.post(url(artist_order, "cancel"), {}, format="json")

        response = artist_api.post(
            url(artist_order, "ship"),
            {**SHIP_BODY, "decline_cancellation": True},
            format="json",
        )

        assert response.status_code == 200
        assert response.json()["cancellation_request"]["status"] == "declined"
        assert response.json()["refunds"] == []


class TestCancelMyOrder:
    def test_cancels_what_awaits_acceptance_and_asks_for_what_was_accepted(
        self, buyer_api, buyer, artist, other_artist
    ):
        waiting = make_artist_order(buyer=buyer, artist=artist)
        accepted = make_artist_order(
            buyer=buyer, artist=other_artist, state="accepted", order=waiting.order
        )

        response = buyer_api.post(
            f"/api/v1/orders/{waiting.order.number}/cancel/", {}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["outcomes"] == {
            str(waiting.pk): "cancelled",
            str(accepted.pk): "requested",
        }
        assert response.json()["status"] == "partially_refunded"
        assert response.json()["refunded"] == "29.00"
        states = {ao["id"]: ao["state"] for ao in response.json()["artist_orders"]}
        assert states == {waiting.pk: "cancelled", accepted.pk: "accepted"}

    def test_is_a_conflict_when_nothing_can_be_cancelled(
        self, buyer_api, buyer, artist
    ):
        shipped = make_artist_order(buyer=buyer, artist=artist, state="shipped")

        response = buyer_api.post(
            f"/api/v1/orders/{shipped.order.number}/cancel/", {}, format="json"
        )

        assert response.status_code == 409
        assert response.json()["state"] == "shipped"
        shipped.refresh_from_db()
        assert shipped.state == "shipped"
