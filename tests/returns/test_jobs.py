"""The periodic jobs of returns: unanswered requests escalate after
RETURN_ANSWER_DAYS, accepted ones not sent back expire after
RETURN_SHIP_BACK_DAYS (fractional deadlines too), each once."""

import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from marketplace.notifications.models import Notification
from returns import jobs
from returns.models import ReturnRequest
from tests.factories import UserFactory

from .factories import make_artist, make_line, make_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def line():
    buyer = UserFactory(username="camille", email="camille@example.com", language="fr")
    return make_line(buyer=buyer, artist=make_artist("potter"), quantity=3)


def state_of(rr) -> str:
    return ReturnRequest.objects.get(pk=rr.pk).state


def sent(event) -> list[str]:
    return sorted(
        Notification.objects.filter(event=event).values_list(
            "recipient__username", flat=True
        )
    )


def test_both_jobs_run_with_the_others():
    assert "returns.jobs.escalate_unanswered_returns" in django_settings.DUE_JOBS
    assert "returns.jobs.expire_unshipped_returns" in django_settings.DUE_JOBS


class TestEscalateUnansweredReturns:
    def test_escalates_a_request_left_unanswered_after_a_fractional_delay_once(
        self, line, settings, django_capture_on_commit_callbacks, mailoutbox
    ):
        settings.RETURN_ANSWER_DAYS = 0.5
        rr = make_return(line=line)
        answered = make_return(line=line, state="accepted")
        created_at = ReturnRequest.objects.get(pk=rr.pk).created_at

        before = jobs.escalate_unanswered_returns(now=created_at + timedelta(hours=11))
        with django_capture_on_commit_callbacks(execute=True):
            done = jobs.escalate_unanswered_returns(
                now=created_at + timedelta(hours=13)
            )
        again = jobs.escalate_unanswered_returns(now=created_at + timedelta(hours=14))

        assert (before, done, again) == (0, 1, 0)
        assert state_of(rr) == "escalated"
        assert state_of(answered) == "accepted"
        assert ReturnRequest.objects.get(pk=rr.pk).history.last().by is None
        assert sent("return_escalated") == ["camille", "potter"]
        assert len([m for m in mailoutbox if m.to == ["camille@example.com"]]) == 1

    def test_runs_on_the_real_clock_through_run_due_jobs(self, line, settings):
        settings.RETURN_ANSWER_DAYS = 0.000002  # about 0.17 s
        rr = make_return(line=line)
        time.sleep(0.3)

        call_command("run_due_jobs")
        call_command("run_due_jobs")

        assert state_of(rr) == "escalated"
        assert (
            ReturnRequest.objects.get(pk=rr.pk)
            .history.filter(transition="escalate")
            .count()
            == 1
        )

    def test_a_request_answered_meanwhile_is_left_alone(self, line, settings):
        settings.RETURN_ANSWER_DAYS = 0.001
        rr = make_return(line=line, state="rejected")

        done = jobs.escalate_unanswered_returns(now=timezone.now() + timedelta(days=1))

        assert done == 0
        assert state_of(rr) == "rejected"


class TestExpireUnshippedReturns:
    def test_expires_an_accepted_request_not_sent_back_after_a_fractional_delay_once(
        self, line, settings, django_capture_on_commit_callbacks
    ):
        settings.RETURN_SHIP_BACK_DAYS = 0.25
        rr = make_return(line=line, state="accepted")
        shipped = make_return(line=line, state="in_transit")
        accepted_at = ReturnRequest.objects.get(pk=rr.pk).answered_at

        before = jobs.expire_unshipped_returns(now=accepted_at + timedelta(hours=5))
        with django_capture_on_commit_callbacks(execute=True):
            done = jobs.expire_unshipped_returns(now=accepted_at + timedelta(hours=7))
        again = jobs.expire_unshipped_returns(now=accepted_at + timedelta(hours=8))

        assert (before, done, again) == (0, 1, 0)
        assert state_of(rr) == "expired"
        assert state_of(shipped) == "in_transit"
        assert sent("return_expired") == ["camille"]

    def test_the_artists_later_deadline_is_respected(self, line, settings):
        settings.RETURN_SHIP_BACK_DAYS = 1
        rr = make_return(line=line)
        from returns.services import return_request_accept

        return_request_accept(
            return_request=rr,
            by=rr.artist_order.artist.user,
            instructions="Take your time.",
            ship_back_deadline=timezone.localdate() + timedelta(days=10),
        )

        early = jobs.expire_unshipped_returns(now=timezone.now() + timedelta(days=3))
        late = jobs.expire_unshipped_returns(now=timezone.now() + timedelta(days=12))

        assert (early, late) == (0, 1)
        assert state_of(rr) == "expired"

    def test_expired_pieces_can_be_asked_for_again(self, line, settings):
        settings.RETURN_SHIP_BACK_DAYS = 0.001
        make_return(line=line, state="accepted", quantity=3)
        jobs.expire_unshipped_returns(now=timezone.now() + timedelta(days=1))

        rr = make_return(line=line, quantity=3)

        assert rr.state == "requested"


class TestCompletionWaitsForReturns:
    def test_an_artist_order_with_a_running_return_is_not_completed(self, line):
        from orders.jobs import complete_finished_orders
        from orders.models import ArtistOrder

        other = make_line(
            buyer=line.artist_order.order.buyer,
            artist=make_artist("weaver"),
            quantity=1,
        )
        rr = make_return(line=line, state="in_transit")
        later = timezone.now() + timedelta(days=30)

        done = complete_finished_orders(now=later)

        assert done == 1
        assert ArtistOrder.objects.get(pk=line.artist_order_id).state == "delivered"
        assert ArtistOrder.objects.get(pk=other.artist_order_id).state == "completed"
        assert state_of(rr) == "in_transit"

    @pytest.mark.parametrize("state", ["rejected", "withdrawn", "refunded", "closed"])
    def test_a_finished_return_does_not_hold_completion(self, line, state):
        from orders.jobs import complete_finished_orders
        from orders.models import ArtistOrder

        make_return(line=line, state=state, quantity=1)

        complete_finished_orders(now=timezone.now() + timedelta(days=30))

        assert ArtistOrder.objects.get(pk=line.artist_order_id).state == "completed"
