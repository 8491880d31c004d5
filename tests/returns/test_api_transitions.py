"""Return request transitions through the API: every transition of
design.md from every state (allowed, or 409 with the current state),
refunds and their cap, and the input of each transition."""

from decimal import Decimal

import pytest

from marketplace.notifications.models import Notification
from orders.models import Refund
from returns.models import ReturnRequest

from .factories import make_line, make_return
from .helpers import TRACKING, client_for, url


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
