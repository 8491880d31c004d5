"""Publishing when Redis is down or hangs: fast, silent for the user, and the
outbox row stays pending for the sweep. Needs no running Redis: the publisher
is pointed at a closed port, or at a socket that accepts and never answers."""

import socket
import time

import pytest
from django.db import transaction

from marketplace.notifications import services
from marketplace.notifications.models import Notification, NotificationStatus
from tests.conftest import broker_unreachable


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_broker():
    """A TCP port that accepts connections and never answers (a hung Redis)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield listener.getsockname()[1]
    listener.close()


@pytest.mark.django_db
class TestPublishingWithTheBrokerDown:
    def test_the_change_commits_quickly_and_the_email_waits_for_the_sweep(
        self, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        with broker_unreachable(port=closed_port()):
            started = time.monotonic()
            with django_capture_on_commit_callbacks(execute=True):
                with transaction.atomic():
                    notification = services.notify(
                        recipient=buyer, event="shop_approved", context={}
                    )
            elapsed = time.monotonic() - started

        assert elapsed < 2
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.PENDING
        assert notification.attempts == 0
        assert mailoutbox == []

    def test_a_hung_broker_fails_the_publish_within_about_two_seconds(
        self, buyer, silent_broker
    ):
        notification = Notification.objects.create(
            recipient=buyer, to_email=buyer.email, event="shop_approved", language="en"
        )

        with broker_unreachable(port=silent_broker):
            started = time.monotonic()
            queued = services.dispatch(notification_id=notification.pk)
            elapsed = time.monotonic() - started

        assert queued is False
        assert elapsed < 3
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.PENDING

    def test_the_sweep_gives_up_at_the_first_refusal(self, buyer, silent_broker):
        for _ in range(5):
            Notification.objects.create(
                recipient=buyer,
                to_email=buyer.email,
                event="shop_approved",
                language="en",
            )

        with broker_unreachable(port=silent_broker):
            started = time.monotonic()
            dispatched = services.sweep_pending()
            elapsed = time.monotonic() - started

        assert dispatched == 0
        assert elapsed < 3
        assert (
            Notification.objects.filter(status=NotificationStatus.PENDING).count() == 5
        )
