"""Every change of an artist order posts a system message into its thread,
once, whatever the retries; the status-change email is its only email."""

import pytest

from marketplace.notifications.models import Notification
from marketplace.notifications.tasks import send_notification
from messaging.models import Message, Thread
from orders.models import ArtistOrderEvent
from orders.services.history import SYSTEM_MESSAGE_EVENTS, post_system_message
from tests.orders.factories import make_artist_order

from .conftest import api_as

pytestmark = pytest.mark.django_db

SHIP = {"carrier": "Colissimo", "tracking_number": "6A12345678901"}


def system_events(artist_order):
    thread = Thread.objects.get(artist_order=artist_order, kind="artist_order")
    return list(thread.messages.filter(system=True).values_list("event", flat=True))


def run_twice(callbacks):
    """What a broker redelivering every task does: each runs again."""
    for callback in [*callbacks, *callbacks]:
        callback()


class TestAcceptAndShip:
    def test_post_two_system_messages_once_each_even_when_everything_runs_twice(
        self, camille, potter, django_capture_on_commit_callbacks, mailoutbox
    ):
        artist_order = make_artist_order(buyer=camille, artist=potter)
        artist = api_as(potter.user)

        with django_capture_on_commit_callbacks() as accepted:
            assert (
                artist.post(
                    f"/api/v1/artist-orders/{artist_order.pk}/accept/"
                ).status_code
                == 200
            )
        run_twice(accepted)
        with django_capture_on_commit_callbacks() as shipped:
            response = artist.post(
                f"/api/v1/artist-orders/{artist_order.pk}/ship/", SHIP, format="json"
            )
            assert response.status_code == 200
        run_twice(shipped)
        # The worker retries every send, and the history posts again.
        for notification in Notification.objects.all():
            send_notification.apply(kwargs={"notification_id": notification.pk})
        for event in ArtistOrderEvent.objects.filter(artist_order=artist_order):
            post_system_message(event=event, artist_order=artist_order, extra=None)

        assert system_events(artist_order) == ["order_accepted", "order_shipped"]
        events = sorted(Notification.objects.values_list("event", "to_email"))
        assert events == [
            ("order_accepted", "camille@example.com"),
            ("order_shipped", "camille@example.com"),
        ]
        assert len(mailoutbox) == 2
        assert [email.to for email in mailoutbox] == [["camille@example.com"]] * 2

    def test_the_messages_read_the_change_in_each_readers_language(
        self, camille, potter
    ):
        from messaging.rendering import system_text

        artist_order = make_artist_order(buyer=camille, artist=potter, state="shipped")
        shipped = Message.objects.get(event="order_shipped")

        assert f"6A{artist_order.pk:011d}" in system_text(shipped, language="en")
        assert "Colissimo" in system_text(shipped, language="en")
        assert system_text(shipped, language="fr") != ""

    def test_count_as_unread_for_nobody_and_send_no_new_message_email(
        self, camille, potter, client, django_capture_on_commit_callbacks, mailoutbox
    ):
        artist_order = make_artist_order(buyer=camille, artist=potter)
        with django_capture_on_commit_callbacks(execute=True):
            api_as(potter.user).post(f"/api/v1/artist-orders/{artist_order.pk}/accept/")

        assert not Notification.objects.filter(event="new_message").exists()
        for user in (camille, potter.user):
            body = api_as(user).get("/api/v1/threads/").json()
            rows = body["results"] if isinstance(body, dict) else body
            assert [row["unread"] for row in rows] == [0]


class TestEveryTransition:
    @pytest.mark.parametrize(
        ("state", "expected"),
        [
            ("awaiting_acceptance", []),
            ("accepted", ["order_accepted"]),
            ("shipped", ["order_accepted", "order_shipped"]),
            ("delivered", ["order_accepted", "order_shipped", "order_delivered"]),
            (
                "completed",
                [
                    "order_accepted",
                    "order_shipped",
                    "order_delivered",
                    "order_completed",
                ],
            ),
            ("refused", ["order_refused"]),
            ("cancelled", ["order_cancelled"]),
        ],
    )
    def test_each_change_posts_its_own_message(self, camille, potter, state, expected):
        artist_order = make_artist_order(buyer=camille, artist=potter, state=state)

        if expected:
            assert system_events(artist_order) == expected
        else:
            assert not Thread.objects.filter(artist_order=artist_order).exists()

    def test_every_transition_has_a_text_in_both_languages(self):
        from django.template.loader import get_template

        for event in SYSTEM_MESSAGE_EVENTS.values():
            get_template(f"messaging/system/{event}.txt")

    def test_not_received_then_reship_and_refund_lost_are_told(self, camille, potter):
        from orders import services as order_services

        artist_order = make_artist_order(buyer=camille, artist=potter, state="shipped")
        order_services.artist_order_report_not_received(
            artist_order=artist_order, by=camille, note="Nothing came"
        )
        order_services.artist_order_reship(
            artist_order=artist_order,
            by=potter.user,
            carrier="DHL",
            tracking_number="JD0002",
        )
        order_services.artist_order_report_not_received(
            artist_order=artist_order, by=camille
        )
        order_services.artist_order_refund_lost(
            artist_order=artist_order, by=potter.user
        )

        assert system_events(artist_order)[2:] == [
            "not_received_reported",
            "order_reshipped",
            "not_received_reported",
            "lost_parcel_refunded",
        ]
        lost = Message.objects.get(event="lost_parcel_refunded")
        assert lost.context["amount"] == str(artist_order.paid)
        reshipped = Message.objects.get(event="order_reshipped")
        assert reshipped.context["tracking_number"] == "JD0002"
