"""Return requests through the API, who may see and call what: private
photos, every endpoint for each caller (401/403/404), and the query budget
of the list."""

import pytest

from returns.models import ReturnRequest

from .factories import make_line, make_return, staff_user
from .helpers import TRACKING, client_for, url


@pytest.fixture
def staff(db):
    return staff_user()


# Photos -----------------------------------------------------------------------------


class TestPhotos:
    @pytest.fixture
    def photo_url(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)
        return_request = make_return(line=line, reason="damaged")
        return client_for(buyer).get(url(return_request)).json()["photos"][0]

    @pytest.mark.parametrize("role", ["buyer", "artist", "staff"])
    def test_the_buyer_the_artist_and_staff_see_them(self, people, photo_url, role):
        response = client_for(people[role]).get(photo_url)

        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"

    @pytest.mark.parametrize("role", ["other_buyer", "other_artist"])
    def test_anyone_else_gets_a_404(self, people, photo_url, role):
        assert client_for(people[role]).get(photo_url).status_code == 404

    def test_anonymous_callers_get_a_401(self, photo_url):
        assert client_for(None).get(photo_url).status_code == 401

    def test_a_photo_asked_under_another_request_is_a_404(
        self, buyer, artist, photo_url
    ):
        line = make_line(buyer=buyer, artist=artist)
        other_request = make_return(line=line, reason="changed_mind")
        photo_id = photo_url.rstrip("/").rsplit("/", 1)[1]

        response = client_for(buyer).get(
            f"/api/v1/returns/{other_request.pk}/photos/{photo_id}/"
        )

        assert response.status_code == 404

    def test_they_are_not_under_the_public_media_url(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)
        return_request = make_return(line=line, reason="damaged")
        name = return_request.photos.get().image.name

        assert client_for(buyer).get(f"/media/{name}").status_code == 404


# Who may call what -------------------------------------------------------------------

ROLES = ["buyer", "other_buyer", "artist", "other_artist", "staff", "anonymous"]

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
READ = {
    "buyer": 200,
    "artist": 200,
    "staff": 200,
    "other_buyer": 404,
    "other_artist": 404,
    "anonymous": 401,
}
# endpoint: (method, state, kind, body, {role: status})
ENDPOINTS = {
    "detail": ("get", "requested", "return", None, READ),
    "accept": (
        "post",
        "requested",
        "return",
        {"instructions": "3 rue du Four"},
        OK_ARTIST,
    ),
    "reject": ("post", "requested", "return", {"reason": "Worn."}, OK_ARTIST),
    "ship-back": ("post", "accepted", "return", TRACKING, OK_BUYER),
    "receive": ("post", "in_transit", "return", {}, OK_ARTIST),
    "refund": ("post", "received", "return", {}, OK_ARTIST),
    "ship-replacement": ("post", "received", "exchange", TRACKING, OK_ARTIST),
    "convert-to-refund": ("post", "received", "exchange", {}, OK_ARTIST),
    "escalate": ("post", "rejected", "return", {"message": "Please look."}, OK_BUYER),
    "withdraw": ("post", "requested", "return", {}, OK_BUYER),
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
        method, state, kind, body, expected = ENDPOINTS[endpoint]
        line = make_line(buyer=buyer, artist=artist)
        return_request = make_return(line=line, state=state, kind=kind)
        path = (
            url(return_request)
            if endpoint == "detail"
            else url(return_request, endpoint)
        )

        client = client_for(people[role])
        response = (
            client.get(path)
            if method == "get"
            else client.post(path, body, format="json")
        )

        assert response.status_code == expected[role], response.content
        if response.status_code != 200:
            assert ReturnRequest.objects.get(pk=return_request.pk).state == state

    @pytest.mark.parametrize("role", ROLES)
    def test_the_list_shows_only_what_is_the_callers(self, people, buyer, artist, role):
        line = make_line(buyer=buyer, artist=artist)
        return_request = make_return(line=line)

        response = client_for(people[role]).get("/api/v1/returns/")

        if role == "anonymous":
            assert response.status_code == 401
            return
        seen = [r["id"] for r in response.json()["results"]]
        assert seen == (
            [return_request.pk] if role in ("buyer", "artist", "staff") else []
        )

    @pytest.mark.parametrize("role, sees", [("buyer", True), ("artist", False)])
    def test_as_narrows_the_list_to_one_side(self, people, buyer, artist, role, sees):
        line = make_line(buyer=buyer, artist=artist)
        return_request = make_return(line=line)

        response = client_for(people[role]).get("/api/v1/returns/?as=buyer")

        assert [r["id"] for r in response.json()["results"]] == (
            [return_request.pk] if sees else []
        )

    def test_filing_needs_a_login(self, line):
        response = client_for(None).post(
            "/api/v1/returns/",
            {
                "line": line.pk,
                "quantity": 1,
                "kind": "return",
                "reason": "changed_mind",
            },
            format="multipart",
        )

        assert response.status_code == 401

    @pytest.mark.parametrize("query", ["as=everyone", "state=lost"])
    def test_unknown_filters_are_a_400(self, buyer_api, query):
        assert buyer_api.get(f"/api/v1/returns/?{query}").status_code == 400


# Query budget -----------------------------------------------------------------------


class TestQueryBudget:
    @pytest.mark.parametrize("size", [2, 12])
    def test_the_list_reads_a_constant_number_of_queries(
        self, buyer, artist, size, django_assert_max_num_queries
    ):
        for _ in range(size):
            line = make_line(buyer=buyer, artist=artist, quantity=1)
            make_return(line=line, state="accepted", reason="damaged")
        client = client_for(artist.user)

        with django_assert_max_num_queries(6):
            response = client.get("/api/v1/returns/")

        assert response.status_code == 200
        assert response.json()["count"] == size

    @pytest.mark.parametrize("size", [2, 12])
    def test_the_buyers_list_of_rejected_requests_reads_a_constant_number_of_queries(
        self, buyer, artist, size, django_assert_max_num_queries
    ):
        """Whether a rejected request may still be escalated depends on the
        other requests of its line: read for the whole page at once."""
        lines = [make_line(buyer=buyer, artist=artist, quantity=2) for _ in range(size)]
        for line in lines:
            make_return(line=line, state="rejected", reason="damaged")
        # One line's rejected piece was asked for again since: no escalating it.
        make_return(line=lines[0], quantity=2, state="requested", reason="damaged")
        client = client_for(buyer)

        with django_assert_max_num_queries(7):
            response = client.get("/api/v1/returns/?state=rejected")

        assert response.status_code == 200
        results = response.json()["results"]
        assert len(results) == size
        actions = {row["line"]: row["allowed_actions"] for row in results}
        assert actions[lines[0].pk] == []
        assert all(actions[line.pk] == ["escalate"] for line in lines[1:])
