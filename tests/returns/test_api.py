"""Return requests through the API: filing one (multipart with photos),
every transition of design.md from every state (allowed, or 409 with the
current state), refunds and their cap, private photos, who may call what
(401/403/404) and the query budget of the list."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from marketplace.notifications.models import Notification
from orders.models import Refund
from returns.models import ReturnPhoto, ReturnRequest
from tests.factories import UserFactory

from .factories import jpeg_upload, make_line, make_return, staff_user


def make_request(*, line, state, kind="return", **kwargs):
    """``make_return``, with refunded exchanges converted to a refund."""
    if kind == "exchange" and state == "refunded":
        from returns import services

        received = make_return(line=line, state="received", kind=kind, **kwargs)
        services.return_request_convert_to_refund(
            return_request=received, by=line.artist_order.artist.user
        )
        return ReturnRequest.objects.get(pk=received.pk)
    return make_return(line=line, state=state, kind=kind, **kwargs)


STATES = [
    "requested",
    "accepted",
    "rejected",
    "in_transit",
    "received",
    "refunded",
    "replacement_shipped",
    "escalated",
    "withdrawn",
    "expired",
    "closed",
]
TRACKING = {"carrier": "Colissimo", "tracking_number": "8R123456789"}

# endpoint: (body, caller, {kind: {state it is allowed from: state it leads to}})
TRANSITIONS = {
    "accept": (
        {"instructions": "Send it to 3 rue du Four, 69001 Lyon."},
        "artist",
        {"return": {"requested": "accepted"}, "exchange": {"requested": "accepted"}},
    ),
    "reject": (
        {"reason": "The piece was worn."},
        "artist",
        {"return": {"requested": "rejected"}, "exchange": {"requested": "rejected"}},
    ),
    "ship-back": (
        TRACKING,
        "buyer",
        {"return": {"accepted": "in_transit"}, "exchange": {"accepted": "in_transit"}},
    ),
    "receive": (
        {},
        "artist",
        {
            "return": {"accepted": "received", "in_transit": "received"},
            "exchange": {"accepted": "received", "in_transit": "received"},
        },
    ),
    "refund": ({}, "artist", {"return": {"received": "refunded"}, "exchange": {}}),
    "ship-replacement": (
        TRACKING,
        "artist",
        {"return": {}, "exchange": {"received": "replacement_shipped"}},
    ),
    "convert-to-refund": (
        {},
        "artist",
        {"return": {}, "exchange": {"received": "refunded"}},
    ),
    # RETURN_ANSWER_DAYS is 0 here: an unanswered request may be escalated.
    "escalate": (
        {"message": "The artist does not answer."},
        "buyer",
        {
            "return": {"requested": "escalated", "rejected": "escalated"},
            "exchange": {"requested": "escalated", "rejected": "escalated"},
        },
    ),
    "withdraw": (
        {},
        "buyer",
        {
            "return": {"requested": "withdrawn", "accepted": "withdrawn"},
            "exchange": {"requested": "withdrawn", "accepted": "withdrawn"},
        },
    ),
}
# allowed_actions names of the endpoints
ACTION_NAMES = {name: name.replace("-", "_") for name in TRANSITIONS}


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(return_request, action=None):
    base = f"/api/v1/returns/{return_request.pk}/"
    return f"{base}{action}/" if action else base


@pytest.fixture
def line(buyer, artist):
    return make_line(buyer=buyer, artist=artist, quantity=2, price="30.00")


@pytest.fixture
def other_buyer(db):
    return UserFactory(username="other-buyer")


@pytest.fixture
def staff(db):
    return staff_user()


# Filing a request ------------------------------------------------------------------


class TestFilingARequest:
    def test_a_damaged_piece_with_a_photo_becomes_a_requested_return_the_artist_is_told_of(
        self, buyer_api, line, artist, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_api.post(
                "/api/v1/returns/",
                {
                    "line": line.pk,
                    "quantity": 1,
                    "kind": "return",
                    "reason": "damaged",
                    "comment": "Cracked in the box.",
                    "photos": [jpeg_upload("crack.jpg"), jpeg_upload("box.jpg")],
                },
                format="multipart",
            )

        assert response.status_code == 201, response.content
        body = response.json()
        assert body["state"] == "requested"
        assert (body["line"], body["quantity"], body["reason"]) == (
            line.pk,
            1,
            "damaged",
        )
        assert body["artist_order"] == line.artist_order_id
        assert len(body["photos"]) == 2
        assert all("/api/v1/returns/" in photo for photo in body["photos"])
        assert [h["to"] for h in body["history"]] == ["requested"]
        assert set(body["allowed_actions"]) == {"withdraw"}
        assert body["thread"] is not None
        assert ReturnPhoto.objects.filter(request_id=body["id"]).count() == 2
        assert [m.to for m in mailoutbox] == [[artist.user.email]]

    def test_an_exchange_names_a_piece_of_the_same_artist(
        self, buyer_api, line, artist
    ):
        from .factories import make_variant

        blue = make_variant(artist, price="30.00")

        response = buyer_api.post(
            "/api/v1/returns/",
            {
                "line": line.pk,
                "quantity": 1,
                "kind": "exchange",
                "reason": "wrong_size",
                "desired_replacement": f"variant:{blue.pk}",
            },
            format="multipart",
        )

        assert response.status_code == 201, response.content
        assert response.json()["desired_variant"] == blue.pk
        assert blue.item.title in response.json()["desired_replacement"]

    def test_an_exchange_may_describe_the_replacement_in_free_text(
        self, buyer_api, line
    ):
        response = buyer_api.post(
            "/api/v1/returns/",
            {
                "line": line.pk,
                "quantity": 1,
                "kind": "exchange",
                "reason": "wrong_size",
                "desired_replacement": "The same bowl, one size up",
            },
            format="multipart",
        )

        assert response.status_code == 201, response.content
        assert response.json()["desired_replacement"] == "The same bowl, one size up"

    def test_a_piece_of_another_artist_is_refused_as_replacement(
        self, buyer_api, line, other_artist
    ):
        from .factories import make_variant

        elsewhere = make_variant(other_artist)

        response = buyer_api.post(
            "/api/v1/returns/",
            {
                "line": line.pk,
                "quantity": 1,
                "kind": "exchange",
                "reason": "wrong_size",
                "desired_replacement": f"variant:{elsewhere.pk}",
            },
            format="multipart",
        )

        assert response.status_code == 400
        assert "desired_replacement" in response.json()
        assert not ReturnRequest.objects.exists()

    @pytest.mark.parametrize("reason", ["wrong_item", "damaged", "non_compliant"])
    def test_an_artist_fault_without_a_photo_is_a_400_and_nothing_is_stored(
        self, buyer_api, line, reason
    ):
        response = buyer_api.post(
            "/api/v1/returns/",
            {"line": line.pk, "quantity": 1, "kind": "return", "reason": reason},
            format="multipart",
        )

        assert response.status_code == 400
        assert "photos" in response.json()
        assert not ReturnRequest.objects.exists()

    def test_a_line_of_another_buyer_is_a_400_on_line(self, line, other_buyer):
        response = client_for(other_buyer).post(
            "/api/v1/returns/",
            {
                "line": line.pk,
                "quantity": 1,
                "kind": "return",
                "reason": "changed_mind",
            },
            format="multipart",
        )

        assert response.status_code == 400
        assert "line" in response.json()
        assert not ReturnRequest.objects.exists()

    def test_more_than_bought_is_a_400_on_quantity(self, buyer_api, line):
        response = buyer_api.post(
            "/api/v1/returns/",
            {
                "line": line.pk,
                "quantity": 3,
                "kind": "return",
                "reason": "changed_mind",
            },
            format="multipart",
        )

        assert response.status_code == 400
        assert "quantity" in response.json()

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"quantity": 1, "kind": "return", "reason": "changed_mind"}, "line"),
            ({"quantity": 0, "kind": "return", "reason": "changed_mind"}, "quantity"),
            ({"quantity": 1, "kind": "swap", "reason": "changed_mind"}, "kind"),
            ({"quantity": 1, "kind": "return", "reason": "bored"}, "reason"),
            (
                {"quantity": "two", "kind": "return", "reason": "changed_mind"},
                "quantity",
            ),
        ],
    )
    def test_malformed_input_is_a_400_with_the_field(
        self, buyer_api, line, body, field
    ):
        if field != "line":
            body = {"line": line.pk, **body}

        response = buyer_api.post("/api/v1/returns/", body, format="multipart")

        assert response.status_code == 400
        assert field in response.json()
        assert not ReturnRequest.objects.exists()


# Every transition from every state -----------------------------------------------


def _cases():
    for action in TRANSITIONS:
        for kind in ("return", "exchange"):
            for state in STATES:
                if state == "replacement_shipped" and kind == "return":
                    continue
                yield pytest.param(action, kind, state, id=f"{action}-{kind}-{state}")


class TestEveryTransitionFromEveryState:
    @pytest.fixture(autouse=True)
    def _answer_due_at_once(self, settings):
        settings.RETURN_ANSWER_DAYS = 0

    @pytest.mark.parametrize("action, kind, state", list(_cases()))
    def test_runs_where_design_allows_it_and_answers_409_with_the_state_elsewhere(
        self, buyer, artist, action, kind, state
    ):
        line = make_line(buyer=buyer, artist=artist, quantity=2)
        return_request = make_request(line=line, state=state, kind=kind)
        body, caller, allowed_by_kind = TRANSITIONS[action]
        allowed = allowed_by_kind[kind]
        client = client_for(buyer if caller == "buyer" else artist.user)
        before_history = return_request.history.count()

        response = client.post(url(return_request, action), body, format="json")

        return_request.refresh_from_db()
        if state in allowed:
            assert response.status_code == 200, response.content
            assert response.json()["state"] == allowed[state]
            assert return_request.state == allowed[state]
            assert return_request.history.count() == before_history + 1
        else:
            assert response.status_code == 409, response.content
            assert response.json()["state"] == state
            assert response.json()["detail"]
            assert return_request.state == state
            assert return_request.history.count() == before_history

    @pytest.mark.parametrize("state", STATES)
    def test_allowed_actions_list_exactly_what_the_table_allows(
        self, buyer, artist, state
    ):
        kind = "exchange" if state == "replacement_shipped" else "return"
        line = make_line(buyer=buyer, artist=artist, quantity=2)
        return_request = make_return(line=line, state=state, kind=kind)

        as_buyer = client_for(buyer).get(url(return_request)).json()["allowed_actions"]
        as_artist = (
            client_for(artist.user).get(url(return_request)).json()["allowed_actions"]
        )

        def expected(caller):
            return sorted(
                ACTION_NAMES[action]
                for action, (_body, who, allowed) in TRANSITIONS.items()
                if who == caller and state in allowed[kind]
            )

        assert as_buyer == expected("buyer")
        assert as_artist == expected("artist")


# Refunds ----------------------------------------------------------------------------


class TestRefund:
    def test_defaults_to_unit_price_times_quantity_and_records_one_refund(
        self, artist_api, buyer, artist, django_capture_on_commit_callbacks
    ):
        line = make_line(buyer=buyer, artist=artist, quantity=2, price="30.00")
        return_request = make_return(
            line=line, state="received", reason="changed_mind", quantity=1
        )

        with django_capture_on_commit_callbacks(execute=True):
            response = artist_api.post(url(return_request, "refund"), {}, format="json")

        assert response.status_code == 200, response.content
        assert response.json()["refund_amount"] == "30.00"
        refund = Refund.objects.get(artist_order=line.artist_order)
        assert (refund.amount, refund.reason) == (Decimal("30.00"), "return")
        assert response.json()["refund"]["amount"] == "30.00"

    def test_the_artist_may_lower_it_with_a_note(self, artist_api, buyer, artist):
        line = make_line(buyer=buyer, artist=artist, quantity=1, price="30.00")
        return_request = make_return(line=line, state="received", reason="changed_mind")

        response = artist_api.post(
            url(return_request, "refund"),
            {"amount": "20.00", "note": "The glaze is chipped."},
            format="json",
        )

        assert response.status_code == 200, response.content
        assert response.json()["refund_amount"] == "20.00"
        assert response.json()["refund_note"] == "The glaze is chipped."

    def test_a_lower_amount_without_a_note_is_a_400(self, artist_api, buyer, artist):
        line = make_line(buyer=buyer, artist=artist, quantity=1, price="30.00")
        return_request = make_return(line=line, state="received", reason="changed_mind")

        response = artist_api.post(
            url(return_request, "refund"), {"amount": "20.00"}, format="json"
        )

        assert response.status_code == 400
        assert not Refund.objects.filter(artist_order=line.artist_order).exists()
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "received"

    @pytest.mark.parametrize("amount", ["1000.00", "-5.00", "abc"])
    def test_an_amount_above_what_may_be_refunded_or_malformed_is_a_400_on_amount(
        self, artist_api, buyer, artist, amount
    ):
        line = make_line(buyer=buyer, artist=artist, quantity=1, price="30.00")
        return_request = make_return(line=line, state="received", reason="changed_mind")

        response = artist_api.post(
            url(return_request, "refund"), {"amount": amount}, format="json"
        )

        assert response.status_code == 400
        assert "amount" in response.json()
        assert not Refund.objects.filter(artist_order=line.artist_order).exists()

    def test_a_second_refund_is_a_409(self, artist_api, buyer, artist):
        line = make_line(buyer=buyer, artist=artist, quantity=1)
        return_request = make_return(line=line, state="received", reason="changed_mind")
        artist_api.post(url(return_request, "refund"), {}, format="json")

        response = artist_api.post(url(return_request, "refund"), {}, format="json")

        assert response.status_code == 409
        assert response.json()["state"] == "refunded"
        assert Refund.objects.filter(artist_order=line.artist_order).count() == 1

    def test_the_buyer_is_told_when_received_and_again_when_the_refund_is_confirmed(
        self, artist_api, buyer, artist, django_capture_on_commit_callbacks
    ):
        line = make_line(buyer=buyer, artist=artist, quantity=1)
        return_request = make_return(
            line=line, state="in_transit", reason="changed_mind"
        )

        with django_capture_on_commit_callbacks(execute=True):
            artist_api.post(url(return_request, "receive"), {}, format="json")
        with django_capture_on_commit_callbacks(execute=True):
            artist_api.post(url(return_request, "refund"), {}, format="json")

        events = list(
            Notification.objects.filter(recipient=buyer)
            .order_by("id")
            .values_list("event", flat=True)
        )
        assert "return_received" in events
        assert "return_refund_confirmed" in events
        assert events.index("return_received") < events.index("return_refund_confirmed")


class TestInputOfTransitions:
    @pytest.mark.parametrize(
        "action, state, caller, body, field",
        [
            ("accept", "requested", "artist", {}, "instructions"),
            ("accept", "requested", "artist", {"instructions": "   "}, "instructions"),
            ("reject", "requested", "artist", {}, "reason"),
            (
                "ship-back",
                "accepted",
                "buyer",
                {"carrier": "Colissimo"},
                "tracking_number",
            ),
            ("ship-back", "accepted", "buyer", {"tracking_number": "8R1"}, "carrier"),
            ("ship-replacement", "received", "artist", {}, "carrier"),
            ("escalate", "rejected", "buyer", {}, "message"),
            (
                "accept",
                "requested",
                "artist",
                {"instructions": "x", "ship_back_deadline": "soon"},
                "ship_back_deadline",
            ),
        ],
    )
    def test_missing_or_malformed_input_is_a_400_and_changes_nothing(
        self, buyer, artist, action, state, caller, body, field
    ):
        line = make_line(buyer=buyer, artist=artist)
        kind = "exchange" if action == "ship-replacement" else "return"
        return_request = make_return(line=line, state=state, kind=kind)
        client = client_for(buyer if caller == "buyer" else artist.user)

        response = client.post(url(return_request, action), body, format="json")

        assert response.status_code == 400, response.content
        assert field in response.json()
        assert ReturnRequest.objects.get(pk=return_request.pk).state == state

    def test_accepting_with_a_deadline_gives_it_to_the_buyer(
        self, artist_api, buyer, artist
    ):
        line = make_line(buyer=buyer, artist=artist)
        return_request = make_return(line=line)
        from django.utils import timezone

        deadline = (timezone.localdate() + timezone.timedelta(days=10)).isoformat()

        response = artist_api.post(
            url(return_request, "accept"),
            {"instructions": "3 rue du Four, Lyon", "ship_back_deadline": deadline},
            format="json",
        )

        assert response.status_code == 200, response.content
        assert response.json()["ship_back_deadline"] == deadline
        assert response.json()["instructions"] == "3 rue du Four, Lyon"


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
