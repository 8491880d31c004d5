"""An open cancellation request has a reminder, a deadline and a
consequence: the artist is reminded once halfway through
STAFF_CANCELLATION_WAIT_HOURS, both pages show when the marketplace team
takes the request over, and after it the request waits in staff's queue."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.notifications.models import Notification
from orders import jobs
from orders import services as order_services
from orders.models import CancellationRequest
from staff.escalations import escalation_queue

from .factories import make_artist_order
from .helpers import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(buyer, artist):
    artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
    order_services.artist_order_cancel(
        artist_order=artist_order, by=buyer, reason="Ordered twice."
    )
    return CancellationRequest.objects.get(artist_order=artist_order)


def reminders() -> list[str]:
    return list(
        Notification.objects.filter(event="cancellation_reminder").values_list(
            "recipient__username", flat=True
        )
    )


def test_the_artist_is_reminded_once_halfway_then_staff_takes_it_over(
    asked, settings, django_capture_on_commit_callbacks, mailoutbox
):
    start = asked.created_at
    assert "orders.jobs.remind_cancellation_requests" in settings.DUE_JOBS

    early = jobs.remind_cancellation_requests(now=start + timedelta(hours=11))
    with django_capture_on_commit_callbacks(execute=True):
        due = jobs.remind_cancellation_requests(now=start + timedelta(hours=13))
    again = jobs.remind_cancellation_requests(now=start + timedelta(hours=14))

    assert (early, due, again) == (0, 1, 0)
    assert reminders() == ["potter"]
    assert "the marketplace team takes the request over" in mailoutbox[-1].body
    assert not escalation_queue(kind="cancellation", now=start + timedelta(hours=23))
    assert escalation_queue(kind="cancellation", now=start + timedelta(hours=25))


def test_a_request_answered_meanwhile_is_not_reminded(asked, artist):
    order_services.artist_order_refuse(
        artist_order=asked.artist_order, by=artist.user, reason="Cancelled for you."
    )
    assert (
        jobs.remind_cancellation_requests(now=asked.created_at + timedelta(hours=13))
        == 0
    )
    assert reminders() == []


def test_both_pages_show_when_staff_takes_over(asked, buyer, artist):
    artist_order = asked.artist_order
    dashboard = logged_in(artist.user).get(
        reverse("dashboard:order", kwargs={"pk": artist_order.pk})
    )
    account = logged_in(buyer).get(artist_order.order.get_absolute_url())

    assert 'data-testid="cancellation-deadline"' in dashboard.content.decode()
    assert "the marketplace team takes your request over" in account.content.decode()
    assert asked.staff_takes_over_at == asked.created_at + timedelta(hours=24)
    assert timezone.now() < asked.staff_takes_over_at
