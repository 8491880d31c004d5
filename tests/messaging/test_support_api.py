"""Support threads with the marketplace team through the API (POST
support/, threads/ with ``support: true``, replies through the thread's
messages), then the database and the outbox."""

import pytest

from marketplace.notifications.models import Notification
from messaging.models import Message, Thread
from tests.returns.factories import make_line, make_return

from .conftest import api_as
from .factories import make_artist_order, make_shop

pytestmark = pytest.mark.django_db

SUPPORT = "/api/v1/support/"
THREADS = "/api/v1/threads/"


def messages_url(thread_id):
    return f"/api/v1/threads/{thread_id}/messages/"


def open_support(client, **data):
    payload = {"subject": "An invoice", "body": "Could I get an invoice?", **data}
    return client.post(SUPPORT, payload, format="json")


class TestOpening:
    def test_a_buyer_asks_about_an_order_and_staff_is_emailed(
        self, buyer, artist, staff, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            response = open_support(api_as(buyer), artist_order=artist_order.pk)

        assert response.status_code == 201, response.content
        thread = response.json()
        assert thread["support"] is True
        assert thread["artist"] is None
        assert thread["artist_order"] == artist_order.pk
        assert thread["role"] == "buyer"
        assert thread["subject"] == "An invoice"
        assert [m["body"] for m in thread["messages"]] == ["Could I get an invoice?"]
        to_staff = [m for m in mailoutbox if m.to == ["moderator@example.com"]]
        assert len(to_staff) == 1
        assert "support request" in to_staff[0].subject.lower()
        assert artist_order.order.number in to_staff[0].body
        # The artist of the order hears nothing: the thread is with the team.
        assert not [m for m in mailoutbox if m.to == [artist.user.email]]

    def test_threads_lists_it_with_support_true_and_others_false(
        self, buyer, artist, staff
    ):
        client = api_as(buyer)
        client.post(
            THREADS,
            {"artist": artist.slug, "subject": "Hi", "body": "A question"},
            format="json",
        )
        open_support(client)

        rows = client.get(THREADS).json()["results"]

        assert sorted((row["support"], row["artist"]) for row in rows) == [
            (False, artist.slug),
            (True, None),
        ]

    def test_an_artist_writes_from_its_shop_side(self, artist, buyer, staff):
        client = api_as(artist.user)

        response = open_support(client, side="artist")

        assert response.status_code == 201, response.content
        assert response.json()["role"] == "artist"
        as_artist = client.get(THREADS, {"as": "artist"}).json()["results"]
        as_buyer = client.get(THREADS, {"as": "buyer"}).json()["results"]
        assert [row["support"] for row in as_artist] == [True]
        assert as_buyer == []

    def test_an_artist_about_its_shops_return_request(self, buyer, artist, staff):
        line = make_line(buyer=buyer, artist=artist)
        return_request = make_return(line=line)

        response = open_support(api_as(artist.user), return_request=return_request.pk)

        assert response.status_code == 201, response.content
        body = response.json()
        assert body["return_request"] == return_request.pk
        assert body["artist_order"] == return_request.artist_order_id
        assert body["role"] == "artist"


class TestRefusals:
    def test_another_buyers_order_is_a_field_error_and_nothing_is_made(
        self, buyer, other_buyer, artist, staff
    ):
        artist_order = make_artist_order(buyer=other_buyer, artist=artist)

        response = open_support(api_as(buyer), artist_order=artist_order.pk)

        assert response.status_code == 400
        assert "artist_order" in response.json()
        assert not Thread.objects.filter(kind="support").exists()

    def test_another_shops_return_request_is_a_field_error(self, buyer, artist, staff):
        line = make_line(buyer=buyer, artist=artist)
        return_request = make_return(line=line)
        stranger = make_shop("stranger")

        response = open_support(api_as(stranger.user), return_request=return_request.pk)

        assert response.status_code == 400
        assert "return_request" in response.json()
        assert not Thread.objects.filter(kind="support").exists()

    def test_a_subject_and_a_message_are_required(self, buyer):
        response = api_as(buyer).post(SUPPORT, {"body": ""}, format="json")

        assert response.status_code == 400
        assert "subject" in response.json()
        assert not Thread.objects.exists()

    def test_an_unknown_side_is_a_field_error(self, buyer):
        response = open_support(api_as(buyer), side="staff")

        assert response.status_code == 400
        assert "side" in response.json()
        assert not Thread.objects.exists()

    def test_staff_answers_but_does_not_open(self, staff):
        response = open_support(api_as(staff))

        assert response.status_code == 400
        assert not Thread.objects.exists()

    def test_the_burst_limit_applies(self, buyer, settings):
        settings.MESSAGE_BURST_RATE = "1/m"
        client = api_as(buyer)

        first = open_support(client)
        second = open_support(client, subject="Again")

        assert first.status_code == 201
        assert second.status_code == 429
        assert Thread.objects.count() == 1


class TestConversation:
    def test_staff_answers_the_opener_is_emailed_and_replies(
        self, buyer, staff, mailoutbox, django_capture_on_commit_callbacks
    ):
        thread_id = open_support(api_as(buyer)).json()["id"]
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            answer = api_as(staff).post(
                messages_url(thread_id), {"body": "Here it is."}, format="json"
            )
        to_buyer = [m for m in mailoutbox if m.to == ["buyer@example.com"]]
        with django_capture_on_commit_callbacks(execute=True):
            reply = api_as(buyer).post(
                messages_url(thread_id), {"body": "Thanks!"}, format="json"
            )

        assert answer.status_code == 201
        assert answer.json()["staff"] is True
        assert answer.json()["author_name"] == "Atelier team"
        assert len(to_buyer) == 1
        assert "answered" in to_buyer[0].subject
        assert "Here it is." in to_buyer[0].body
        assert reply.status_code == 201
        assert (
            Notification.objects.filter(
                event="support_message", recipient=staff
            ).count()
            == 2
        )

    def test_another_user_cannot_read_or_write_in_it(self, buyer, other_buyer, artist):
        thread_id = open_support(api_as(buyer)).json()["id"]

        for user in (other_buyer, artist.user):
            client = api_as(user)
            assert client.get(f"{THREADS}{thread_id}/").status_code == 404
            posted = client.post(
                messages_url(thread_id), {"body": "Me too"}, format="json"
            )
            assert posted.status_code == 404
            assert client.get(THREADS).json()["results"] == []
        assert Message.objects.filter(thread_id=thread_id).count() == 1
