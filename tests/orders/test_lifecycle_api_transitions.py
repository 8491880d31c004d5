"""The artist order lifecycle through the API: every transition of
design.md's table from every state (allowed, or 409 with the current
state), and the input of refusing, shipping and the parcel not received."""

from decimal import Decimal

import pytest

from marketplace.notifications.models import Notification
from orders.models import NotReceivedReport, Refund

from .factories import make_artist_order, make_variant
from .helpers import SHIP_BODY, client_for, url

pytestmark = pytest.mark.usefixtures("_report_at_once")


STATES = [
    "awaiting_payment",
    "awaiting_acceptance",
    "accepted",
    "shipped",
    "delivered",
    "completed",
    "refused",
    "cancelled",
]


# action: (body, {state it is allowed from: state it leads to})
TRANSITIONS = {
    "accept": ({}, {"awaiting_acceptance": "accepted"}),
    "refuse": (
        {"reason": "The kiln broke."},
        {"awaiting_acceptance": "refused", "accepted": "refused"},
    ),
    "ship": (SHIP_BODY, {"accepted": "shipped"}),
    # In accepted, cancel files a cancellation request: the state stays.
    "cancel": ({}, {"awaiting_acceptance": "cancelled", "accepted": "accepted"}),
    "confirm-delivery": ({}, {"shipped": "delivered"}),
    "report-not-received": (
        {"note": "Nothing in the letterbox."},
        {"shipped": "shipped"},
    ),
    # Both need an open not-received report, which no state has by itself.
    "reship": (SHIP_BODY, {}),
    "refund-lost": ({}, {}),
}
ARTIST_ACTIONS = {"accept", "refuse", "ship", "reship", "refund-lost"}


def caller_of(action, *, buyer, artist):
    return artist.user if action in ARTIST_ACTIONS else buyer


class TestEveryTransitionFromEveryState:
    @pytest.mark.parametrize("state", STATES)
    @pytest.mark.parametrize("action", list(TRANSITIONS))
    def test_runs_where_design_allows_it_and_answers_409_with_the_state_elsewhere(
        self, buyer, artist, action, state
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state=state)
        body, allowed = TRANSITIONS[action]
        client = client_for(caller_of(action, buyer=buyer, artist=artist))

        response = client.post(url(artist_order, action), body, format="json")

        artist_order.refresh_from_db()
        if state in allowed:
            assert response.status_code == 200, response.content
            assert response.json()["state"] == allowed[state]
            assert artist_order.state == allowed[state]
        else:
            assert response.status_code == 409, response.content
            assert response.json()["state"] == state
            assert response.json()["detail"]
            assert artist_order.state == state

    @pytest.mark.parametrize("state", STATES)
    def test_allowed_actions_list_exactly_what_succeeds(self, buyer, artist, state):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state=state)

        as_buyer = client_for(buyer).get(url(artist_order)).json()["allowed_actions"]
        as_artist = (
            client_for(artist.user).get(url(artist_order)).json()["allowed_actions"]
        )

        buyer_expected = {
            "awaiting_acceptance": ["cancel", "change"],
            "accepted": ["request_cancellation"],
            "shipped": ["confirm_delivery", "report_not_received"],
        }.get(state, [])
        artist_expected = {
            "awaiting_acceptance": ["accept", "refuse"],
            "accepted": ["refuse", "ship"],
        }.get(state, [])
        assert as_buyer == buyer_expected
        assert as_artist == artist_expected


class TestRefusal:
    def test_refunds_items_and_shipping_at_once_and_puts_the_stock_back(
        self, artist_api, buyer, artist
    ):
        variant = make_variant(artist, price="24.00", stock=3)
        artist_order = make_artist_order(
            buyer=buyer, artist=artist, variant=variant, quantity=3
        )

        response = artist_api.post(
            url(artist_order, "refuse"), {"reason": "Out of clay."}, format="json"
        )

        assert response.status_code == 200
        refund = Refund.objects.get(artist_order=artist_order)
        assert (refund.amount, refund.reason) == (Decimal("77.00"), "refusal")
        variant.refresh_from_db()
        assert variant.stock == 3
        assert [h["transition"] for h in response.json()["history"]] == [
            "pay",
            "refuse",
        ]
        assert response.json()["history"][-1]["note"] == "Out of clay."
        emails = Notification.objects.filter(recipient=buyer)
        assert list(emails.values_list("event", flat=True)) == ["order_refused"]

    @pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
    def test_needs_a_reason(self, artist_api, buyer, artist, body):
        artist_order = make_artist_order(buyer=buyer, artist=artist)

        response = artist_api.post(url(artist_order, "refuse"), body, format="json")

        assert response.status_code == 400
        assert "reason" in response.json()
        artist_order.refresh_from_db()
        assert artist_order.state == "awaiting_acceptance"
        assert not Refund.objects.exists()


class TestShipping:
    @pytest.mark.parametrize(
        ("body", "missing"),
        [
            ({"tracking_number": "123"}, {"carrier"}),
            ({"carrier": "DHL"}, {"tracking_number"}),
            ({"carrier": " ", "tracking_number": ""}, {"carrier", "tracking_number"}),
        ],
    )
    def test_needs_a_carrier_and_a_tracking_number(
        self, artist_api, buyer, artist, body, missing
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        response = artist_api.post(url(artist_order, "ship"), body, format="json")

        assert response.status_code == 400
        assert set(response.json()) == missing
        artist_order.refresh_from_db()
        assert artist_order.state == "accepted"

    def test_gives_the_buyer_the_tracking_link(
        self, artist_api, buyer_api, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        artist_api.post(url(artist_order, "ship"), SHIP_BODY, format="json")

        body = buyer_api.get(url(artist_order)).json()
        assert body["carrier"] == "Colissimo"
        assert body["tracking_number"] == "6A12345678901"
        assert (
            body["tracking_url"]
            == "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"
        )
        assert body["not_received_available_at"] is not None


class TestNotReceived:
    def test_is_refused_before_the_delay(self, buyer_api, buyer, artist, settings):
        settings.NOT_RECEIVED_AFTER_DAYS = 14
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")

        response = buyer_api.post(
            url(artist_order, "report-not-received"), {}, format="json"
        )

        assert response.status_code == 409
        assert response.json()["state"] == "shipped"
        assert (
            "report_not_received"
            not in buyer_api.get(url(artist_order)).json()["allowed_actions"]
        )
        assert not NotReceivedReport.objects.exists()

    @pytest.fixture
    def reported(self, buyer_api, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        response = buyer_api.post(
            url(artist_order, "report-not-received"),
            {"note": "Nothing came."},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["not_received_report"]["status"] == "open"
        return artist_order

    def test_the_artist_can_ship_again_with_a_new_tracking_number(
        self, artist_api, reported
    ):
        assert artist_api.get(url(reported)).json()["allowed_actions"] == [
            "refund_lost",
            "reship",
        ]

        response = artist_api.post(
            url(reported, "reship"),
            {"carrier": "DHL", "tracking_number": "JD999"},
            format="json",
        )

        assert response.status_code == 200
        body = response.json()
        assert (body["state"], body["tracking_number"]) == ("shipped", "JD999")
        assert body["not_received_report"]["status"] == "reshipped"
        assert body["history"][-1]["transition"] == "reship"

    def test_the_artist_can_refund_the_lost_parcel(
        self, artist_api, buyer_api, reported
    ):
        response = artist_api.post(url(reported, "refund-lost"), {}, format="json")

        assert response.status_code == 200
        body = response.json()
        assert body["state"] == "completed"
        assert [(r["amount"], r["reason"]) for r in body["refunds"]] == [
            ("29.00", "lost_parcel")
        ]
        assert body["not_received_report"]["status"] == "refunded"
        order = buyer_api.get(f"/api/v1/orders/{reported.order.number}/").json()
        assert (order["status"], order["refunded"]) == ("refunded", "29.00")

    def test_a_second_report_is_a_conflict(self, buyer_api, reported):
        response = buyer_api.post(
            url(reported, "report-not-received"), {}, format="json"
        )

        assert response.status_code == 409
        assert NotReceivedReport.objects.filter(artist_order=reported).count() == 1
