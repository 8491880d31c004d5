"""The artist order lifecycle through the API, who may call what: every
endpoint for the buyer, another buyer, the artist, another artist, staff
and an anonymous caller (401/403/404)."""

import pytest

from orders.models import ArtistOrder
from tests.factories import UserFactory

from .factories import make_artist_order
from .helpers import SHIP_BODY, client_for, url

pytestmark = pytest.mark.usefixtures("_report_at_once")


@pytest.fixture
def other_buyer(db):
    return UserFactory(username="other-buyer")


@pytest.fixture
def staff(db):
    return UserFactory(username="support", is_staff=True)


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
