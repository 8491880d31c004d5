"""The Celery door of system messages and the includes other pages use."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from messaging import services
from messaging.models import Message
from messaging.tasks import post_system_message

from .factories import make_artist_order

pytestmark = pytest.mark.django_db


def render(template, user, **context):
    request = RequestFactory().get("/")
    request.user = user
    return Template(template).render(Context({"request": request, "user": user, **context}))


class TestPostSystemMessageTask:
    def test_a_retried_task_posts_the_message_once(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        kwargs = {
            "artist_order_id": artist_order.pk,
            "event": "order_accepted",
            "context": {},
            "dedupe_key": f"artist_order:{artist_order.pk}:accept",
        }

        first = post_system_message.apply(kwargs=kwargs).get()
        second = post_system_message.apply(kwargs=kwargs).get()

        assert first == Message.objects.get(dedupe_key=kwargs["dedupe_key"]).pk
        assert second is None

    def test_a_missing_artist_order_posts_nothing(self):
        result = post_system_message.apply(
            kwargs={"artist_order_id": 999, "event": "order_accepted", "context": {}, "dedupe_key": "x"}
        ).get()

        assert result is None
        assert not Message.objects.filter(dedupe_key="x").exists()


class TestInlineThread:
    def test_shows_the_order_conversation_in_the_readers_view(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        services.artist_order_message_post(artist_order=artist_order, author=buyer, body="Hello")
        services.system_message_post(
            artist_order=artist_order, event="order_accepted", context={}, dedupe_key="a"
        )

        html = render(
            '{% include "messaging/thread_inline.html" with artist_order=ao %}', buyer, ao=artist_order
        )

        assert "Hello" in html
        assert "The artist accepted the order: it is being prepared." in html
        thread = Message.objects.get(body="Hello").thread
        assert f'href="{thread.get_absolute_url()}"' in html

    def test_without_a_conversation_offers_to_start_one(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)

        as_buyer = render(
            '{% include "messaging/thread_inline.html" with artist_order=ao %}', buyer, ao=artist_order
        )
        as_artist = render(
            '{% include "messaging/thread_inline.html" with artist_order=ao %}',
            artist.user,
            ao=artist_order,
        )

        assert f"/messages/orders/{artist_order.pk}/" in as_buyer
        assert "Message the artist" in as_buyer
        assert "Message the buyer" in as_artist
