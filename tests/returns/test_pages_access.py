"""Who may open or post each of the buyer's return pages: the buyer, another
buyer, the artist, another artist, staff and an anonymous visitor."""

import pytest
from django.urls import reverse

from returns.models import ReturnRequest
from tests.factories import UserFactory

from .factories import make_line, make_return, staff_user
from .helpers import detail, logged_in

ROLES = ["buyer", "other_buyer", "artist", "other_artist", "staff", "anonymous"]


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


# page: (method, state, body, {role: status}); 302 "login" for anonymous
# visitors, "dashboard" for the artist sent to its own page of the request.
OWN = {
    "buyer": 200,
    "other_buyer": 404,
    "artist": 404,
    "other_artist": 404,
    "staff": 404,
    "anonymous": "login",
}
ACT = {
    "buyer": 302,
    "other_buyer": 404,
    "artist": 404,
    "other_artist": 404,
    "staff": 404,
    "anonymous": "login",
}
PAGES = {
    "detail": ("get", "requested", None, {**OWN, "artist": "dashboard"}),
    "message": ("post", "requested", {"body": "Hello"}, ACT),
    "ship_back": (
        "post",
        "accepted",
        {"ship_back-carrier": "Colissimo", "ship_back-tracking_number": "8R1"},
        ACT,
    ),
    "withdraw": ("post", "requested", {}, ACT),
    "escalate": ("post", "rejected", {"message": "Please."}, ACT),
    "photo": (
        "get",
        "requested",
        None,
        {
            "buyer": 200,
            "artist": 200,
            "staff": 200,
            "other_buyer": 404,
            "other_artist": 404,
            "anonymous": "login",
        },
    ),
    "create": ("get", None, None, OWN),
    "list": (
        "get",
        None,
        None,
        {
            "buyer": 200,
            "other_buyer": 200,
            "artist": 200,
            "other_artist": 200,
            "staff": 200,
            "anonymous": "login",
        },
    ),
}


class TestWhoMayOpenWhat:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("page", list(PAGES))
    def test_only_the_right_people_get_in(self, people, buyer, artist, page, role):
        method, state, body, expected = PAGES[page]
        line = make_line(buyer=buyer, artist=artist)
        return_request = make_return(
            line=line, state=state or "requested", reason="damaged"
        )
        if page == "photo":
            path = reverse(
                "returns:photo", kwargs={"pk": return_request.photos.get().pk}
            )
        elif page == "create":
            path = reverse("returns:create", kwargs={"line_pk": line.pk})
        elif page == "list":
            path = reverse("returns:list")
        else:
            path = reverse(f"returns:{page}", kwargs={"pk": return_request.pk})
        before = ReturnRequest.objects.get(pk=return_request.pk).state

        client = logged_in(people[role])
        response = client.get(path) if method == "get" else client.post(path, body)

        want = expected[role]
        if want == "login":
            assert response.status_code == 302
            assert response.url.startswith(reverse("accounts:login"))
        elif want == "dashboard":
            assert response.status_code == 302
            assert response.url == reverse(
                "dashboard:return", kwargs={"pk": return_request.pk}
            )
        else:
            assert response.status_code == want, response.content[:500]
        if want != 302:
            assert ReturnRequest.objects.get(pk=return_request.pk).state == before

    def test_the_list_of_another_buyer_shows_none_of_the_buyers_requests(
        self, people, buyer, artist
    ):
        return_request = make_return(
            line=make_line(buyer=buyer, artist=artist), reason="changed_mind"
        )

        html = (
            logged_in(people["other_buyer"])
            .get(reverse("returns:list"))
            .content.decode()
        )

        assert detail(return_request) not in html
