"""The artist order lifecycle through the API: every transition of
design.md's table from every state (allowed, or 409 with the current state),
input errors, and who may call what (401/403/404)."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from marketplace.notifications.models import Notification
from orders.models import ArtistOrder, CancellationRequest, NotReceivedReport, Refund
from tests.factories import UserFactory

from .factories import make_artist_order, make_variant

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

SHIP_BODY = {"carrier": "Colissimo", "tracking_number": "6A12345678901"}

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


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture(autouse=True)
def _report_at_once(settings):
    """A parcel may be reported as not received as soon as it is shipped."""
    settings.NOT_RECEIVED_AFTER_DAYS = 0


@pytest.fixture
def other_buyer(db):
    return UserFactory(username="other-buyer")


@pytest.fixture
def staff(db):
    return UserFactory(username="support", is_staff=True)


def url(artist_order, action=None):
    base = f"/api/v1/artist-orders/{artist_order.pk}/"
    return f"{base}{action}/" if action else base


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
            "awaiting_acceptance": ["cancel"],
            "accepted": ["request_cancellation"],
            "shipped": ["confirm_delivery", "report_not_received"],
        }.get(state, [])
        artist_expected = {
            "awaiting_acceptance": ["accept", "refuse"],
            "accepted": ["refuse", "ship"],
        }.get(state, [])
        assert as_buyer == buyer_expected
        assert as_artist == artist_expected


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
        assert response.json()["allowed_actions"] == []
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

    def test_shipping_after_a_request_declines_it(
        self, buyer_api, artist_api, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        buyer_api.post(url(artist_order, "cancel"), {}, format="json")

        response = artist_api.post(url(artist_order, "ship"), SHIP_BODY, format="json")

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


# Who may call what ---------------------------------------------------------------

ROLES = ["buyer", "other_buyer", "artist", "other_artist", "staff", "anonymous"]

# endpoint: (method, state the artist order is put in, body, {role: status})
OK_ARTIST = {
    "artist": 200,
    "staff": 200,
    "buyer": 403,
    "other_buyer": 404,
    "other_artist": 404,
    "anonymous": 401,
}
OK_BUYER = {
    "buyer": 200,
    "artist": 403,
    "staff": 403,
    "other_buyer": 404,
    "other_artist": 404,
    "anonymous": 401,
}
ENDPOINTS = {
    "order": (
        "get",
        "awaiting_acceptance",
        None,
        {
            "buyer": 200,
            "other_buyer": 404,
            "artist": 404,
            "other_artist": 404,
            "staff": 404,
            "anonymous": 401,
        },
    ),
    "order-cancel": (
        "post",
        "awaiting_acceptance",
        {},
        {
            "buyer": 200,
            "other_buyer": 404,
            "artist": 404,
            "other_artist": 404,
            "staff": 404,
            "anonymous": 401,
        },
    ),
    "artist-order": (
        "get",
        "awaiting_acceptance",
        None,
        {
            "buyer": 200,
            "artist": 200,
            "staff": 200,
            "other_buyer": 404,
            "other_artist": 404,
            "anonymous": 401,
        },
    ),
    "accept": ("post", "awaiting_acceptance", {}, OK_ARTIST),
    "refuse": ("post", "accepted", {"reason": "Sorry."}, OK_ARTIST),
    "ship": ("post", "accepted", SHIP_BODY, OK_ARTIST),
    "reship": ("post", "reported", SHIP_BODY, OK_ARTIST),
    "refund-lost": ("post", "reported", {}, OK_ARTIST),
    "cancel": ("post", "awaiting_acceptance", {}, OK_BUYER),
    "confirm-delivery": ("post", "shipped", {}, OK_BUYER),
    "report-not-received": ("post", "shipped", {}, OK_BUYER),
}


@pytest.fixture
def people(buyer, other_buyer, artist, other_artist, staff):
    return {
        "buyer": buyer,
        "other_buyer": other_buyer,
        "artist": artist.user,
        "other_artist": other_artist.user,
        "staff": staff,
        "anonymous": None,
    }


class TestWhoMayCallWhat:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("endpoint", list(ENDPOINTS))
    def test_only_the_right_people_succeed(self, people, buyer, artist, endpoint, role):
        method, state, body, expected = ENDPOINTS[endpoint]
        artist_order = make_artist_order(
            buyer=buyer,
            artist=artist,
            state="shipped" if state == "reported" else state,
        )
        if state == "reported":
            client_for(buyer).post(
                url(artist_order, "report-not-received"), {}, format="json"
            )
        if endpoint == "order":
            path = f"/api/v1/orders/{artist_order.order.number}/"
        elif endpoint == "order-cancel":
            path = f"/api/v1/orders/{artist_order.order.number}/cancel/"
        elif endpoint == "artist-order":
            path = url(artist_order)
        else:
            path = url(artist_order, endpoint)
        before = ArtistOrder.objects.get(pk=artist_order.pk).state

        client = client_for(people[role])
        response = (
            client.get(path)
            if method == "get"
            else client.post(path, body, format="json")
        )

        assert response.status_code == expected[role], response.content
        if response.status_code != 200:
            assert ArtistOrder.objects.get(pk=artist_order.pk).state == before

    @pytest.mark.parametrize("role", ROLES)
    def test_lists_show_only_what_is_the_callers(self, people, buyer, artist, role):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = client_for(people[role])

        orders = client.get("/api/v1/orders/")
        artist_orders = client.get("/api/v1/artist-orders/")

        if role == "anonymous":
            assert (orders.status_code, artist_orders.status_code) == (401, 401)
            return
        sees_order = [o["number"] for o in orders.json()["results"]]
        sees_artist_orders = [ao["id"] for ao in artist_orders.json()["results"]]
        assert sees_order == ([artist_order.order.number] if role == "buyer" else [])
        assert sees_artist_orders == (
            [artist_order.pk] if role in ("buyer", "artist") else []
        )
