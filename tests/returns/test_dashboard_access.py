"""The returns part of the seller dashboard, who may open or post each
page: the artist, another artist, the buyer, another buyer, staff and an
anonymous visitor."""

import pytest
from django.urls import reverse

from returns.models import ReturnRequest
from tests.factories import UserFactory

from .factories import make_line, make_return, staff_user
from .helpers import action, logged_in, page

ROLES = ["buyer", "other_buyer", "artist", "other_artist", "staff", "anonymous"]
OPEN = {
    "artist": 200,
    "buyer": 404,
    "other_buyer": 404,
    "other_artist": 404,
    "staff": 404,
    "anonymous": "login",
}
ACT = {**OPEN, "artist": 302}
PAGES = {
    # Another artist opens its own (empty) returns page.
    "returns": ("get", "requested", None, "return", {**OPEN, "other_artist": 200}),
    "return": ("get", "requested", None, "return", OPEN),
    "accept": ("post", "requested", {"instructions": "3 rue du Four"}, "return", ACT),
    "reject": ("post", "requested", {"reason": "No."}, "return", ACT),
    "receive": ("post", "accepted", {}, "return", ACT),
    "refund": ("post", "received", {"refund-amount": "30.00"}, "return", ACT),
    "ship_replacement": (
        "post",
        "received",
        {"replacement-carrier": "DHL", "replacement-tracking_number": "1"},
        "exchange",
        ACT,
    ),
    "convert_to_refund": (
        "post",
        "received",
        {"convert-amount": "30.00"},
        "exchange",
        ACT,
    ),
    "message": ("post", "requested", {"body": "Hello"}, "return", ACT),
}


@pytest.fixture
def people(buyer, artist, other_artist):
    return {
        "buyer": buyer,
        "other_buyer": UserFactory(username="other-buyer"),
        "artist": artist.user,
        "other_artist": other_artist.user,
        "staff": staff_user(),
        "anonymous": None,
    }


class TestWhoMayOpenWhat:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("name", list(PAGES))
    def test_only_the_shops_artist_gets_in(self, people, buyer, artist, name, role):
        method, state, body, kind, expected = PAGES[name]
        line = make_line(buyer=buyer, artist=artist, quantity=1, price="30.00")
        return_request = make_return(
            line=line, state=state, kind=kind, reason="changed_mind"
        )
        if name == "returns":
            path = reverse("dashboard:returns")
        elif name == "return":
            path = page(return_request)
        else:
            path = action(name, return_request)

        client = logged_in(people[role])
        response = client.get(path) if method == "get" else client.post(path, body)

        want = expected[role]
        if want == "login":
            assert response.status_code == 302
            assert response.url.startswith(reverse("accounts:login"))
        else:
            assert response.status_code == want
        if want != 302:
            assert ReturnRequest.objects.get(pk=return_request.pk).state == state
        if want == 200 and role == "other_artist":
            assert page(return_request) not in response.content.decode()
