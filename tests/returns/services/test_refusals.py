"""Return request services refusing: a transition from a state it does not
start from (409 with the state, nothing changed), a stale request, and a
person who may not act (buyer, artist, another artist, staff); the actions
allowed to each person in each state."""

import pytest
from django.core.exceptions import PermissionDenied

from marketplace.errors import Conflict
from returns import rules, services
from returns.models import ReturnEvent
from tests.factories import UserFactory

from ..factories import make_artist, make_return, staff_user
from .helpers import (
    _accept,
    _actors,
    _convert,
    _escalate,
    _expire,
    _receive,
    _refund,
    _reject,
    _ship_back,
    _ship_replacement,
    _staff_close,
    _withdraw,
    fresh,
)

pytestmark = pytest.mark.django_db


class TestRefusedTransitions:
    """Every service refuses a state it does not start from (409 with the
    state) and changes nothing."""

    CALLS = {
        "accept": (_accept, {"requested", "escalated"}),
        "reject": (_reject, {"requested"}),
        "ship_back": (_ship_back, {"accepted"}),
        "receive": (_receive, {"accepted", "in_transit"}),
        "refund": (_refund, {"received"}),
        "escalate": (_escalate, {"rejected"}),
        "withdraw": (_withdraw, {"requested", "accepted"}),
        "expire": (_expire, {"accepted"}),
        "staff_close": (_staff_close, {"escalated"}),
    }
    STATES = [
        "requested",
        "accepted",
        "rejected",
        "in_transit",
        "received",
        "refunded",
        "escalated",
        "withdrawn",
        "expired",
        "closed",
    ]

    @pytest.mark.parametrize("state", STATES)
    def test_actions_not_allowed_in_a_state_raise_conflict_and_change_nothing(
        self, line, state
    ):
        rr = make_return(line=line, state=state, quantity=1)
        actors = _actors(rr)
        history = list(rr.history.values_list("pk", flat=True))

        for name, (call, allowed_from) in self.CALLS.items():
            if state in allowed_from:
                continue
            with pytest.raises(Conflict) as error:
                call(fresh(rr), actors)
            assert error.value.state == state, name

        assert fresh(rr).state == state
        assert list(fresh(rr).history.values_list("pk", flat=True)) == history

    def test_a_return_gets_no_replacement_and_an_exchange_no_plain_refund(self, line):
        rr = make_return(line=line, state="received")

        with pytest.raises(Conflict):
            _ship_replacement(fresh(rr), _actors(rr))
        with pytest.raises(Conflict):
            _convert(fresh(rr), _actors(rr))

    def test_a_request_read_before_another_change_loses(self, line):
        rr = make_return(line=line)
        stale = fresh(rr)
        _accept(fresh(rr), _actors(rr))

        with pytest.raises(Conflict) as error:
            _reject(stale, _actors(rr))

        assert error.value.state == "accepted"

    def test_the_buyer_escalates_an_unanswered_request_only_after_the_answer_delay(
        self, line
    ):
        rr = make_return(line=line)

        with pytest.raises(Conflict):
            _escalate(fresh(rr), _actors(rr))

        assert fresh(rr).state == "requested"

    def test_a_rejected_request_whose_pieces_are_under_a_new_request_cannot_be_escalated(
        self, line
    ):
        """Rejecting gives the pieces back: once a new request holds them,
        escalating the rejected one would put more pieces under request than
        the line has (found by the state-machine fuzz: 5 of 4)."""
        rejected = make_return(line=line, state="rejected", quantity=2)
        newer = make_return(line=line, quantity=1)
        actors = _actors(rejected)

        assert "escalate" not in rules.allowed_return_actions(
            return_request=fresh(rejected), user=actors["buyer"]
        )
        with pytest.raises(Conflict) as error:
            _escalate(fresh(rejected), actors)

        assert error.value.state == "rejected"
        assert fresh(rejected).state == "rejected"
        assert not ReturnEvent.objects.filter(
            request=rejected, transition="escalate"
        ).exists()
        # Once the newer request lets its pieces go, the rejected one may go on.
        services.return_request_withdraw(
            return_request=fresh(newer), by=actors["buyer"]
        )
        assert "escalate" in rules.allowed_return_actions(
            return_request=fresh(rejected), user=actors["buyer"]
        )
        _escalate(fresh(rejected), actors)
        assert fresh(rejected).state == "escalated"

    def test_the_artist_cannot_accept_once_escalated(self, line):
        rr = make_return(line=line, state="escalated")

        with pytest.raises(Conflict):
            _accept(fresh(rr), _actors(rr))


class TestWhoMayAct:
    def test_the_buyer_cannot_run_artist_actions(self, line):
        rr = make_return(line=line)

        with pytest.raises(PermissionDenied):
            services.return_request_accept(
                return_request=rr, by=rr.buyer, instructions="x"
            )

    def test_another_artist_cannot_answer(self, line):
        rr = make_return(line=line)

        with pytest.raises(PermissionDenied):
            services.return_request_reject(
                return_request=rr, by=make_artist("other").user, reason="No."
            )

    def test_the_artist_cannot_run_buyer_actions(self, line):
        rr = make_return(line=line, state="accepted")

        with pytest.raises(PermissionDenied):
            services.return_request_ship_back(
                return_request=rr,
                by=rr.artist_order.artist.user,
                carrier="X",
                tracking_number="1",
            )

    def test_only_staff_decide_on_an_escalated_request(self, line):
        rr = make_return(line=line, state="escalated")

        with pytest.raises(PermissionDenied):
            services.return_request_staff_decide(
                return_request=rr, by=rr.artist_order.artist.user, decision="close"
            )

    def test_staff_actions_are_logged_with_their_author(self, line):
        rr = make_return(line=line, state="escalated")
        support = staff_user()

        services.return_request_staff_decide(
            return_request=rr, by=support, decision="close"
        )

        assert fresh(rr).history.last().by == support

    @pytest.mark.parametrize(
        "state, buyer_actions, artist_actions",
        [
            ("requested", {"withdraw"}, {"accept", "reject"}),
            ("accepted", {"ship_back", "withdraw"}, {"receive"}),
            ("rejected", {"escalate"}, set()),
            ("in_transit", set(), {"receive"}),
            ("received", set(), {"refund"}),
            ("refunded", set(), set()),
            ("escalated", set(), set()),
            ("withdrawn", set(), set()),
        ],
    )
    def test_allowed_actions_match_the_state_and_the_person(
        self, line, state, buyer_actions, artist_actions
    ):
        rr = make_return(line=line, state=state)

        assert (
            rules.allowed_return_actions(return_request=rr, user=rr.buyer)
            == buyer_actions
        )
        assert (
            rules.allowed_return_actions(
                return_request=rr, user=rr.artist_order.artist.user
            )
            == artist_actions
        )
        assert (
            rules.allowed_return_actions(return_request=rr, user=UserFactory()) == set()
        )

    def test_staff_may_decide_on_escalated_requests(self, line):
        rr = make_return(line=line, state="escalated")

        assert rules.allowed_return_actions(return_request=rr, user=staff_user()) == {
            "accept",
            "refund",
            "staff_decide",
        }
