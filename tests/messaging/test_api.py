"""The Messages endpoints of api.md, through the API and then the database
and the outbox."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from messaging.models import Message, StaffAction, Thread
from tests.factories import ItemFactory

from .conftest import api_as
from .factories import make_artist_order, make_shop, photo_upload

pytestmark = pytest.mark.django_db

THREADS = "/api/v1/threads/"


def thread_url(thread_id):
    return f"/api/v1/threads/{thread_id}/"


def messages_url(thread_id):
    return f"/api/v1/threads/{thread_id}/messages/"


def unread_of(client, thread_id):
    rows = client.get(THREADS).json()["results"]
    return next(row["unread"] for row in rows if row["id"] == thread_id)


def emails_to(mailoutbox, address, *, about="message"):
    return [m for m in mailoutbox if m.to == [address] and about in m.subject.lower()]


class TestConversationAboutAnArtistOrder:
    def test_buyer_writes_artist_is_emailed_once_in_french_and_replies(
        self, buyer, french_artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order = make_artist_order(buyer=buyer, artist=french_artist)
        buyer_api, artist_api = api_as(buyer), api_as(french_artist.user)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_api.post(
                THREADS,
                {
                    "artist": french_artist.slug,
                    "artist_order": artist_order.pk,
                    "subject": "Gift wrapping",
                    "body": "Could you wrap it as a gift, please?",
                },
                format="json",
            )

        assert response.status_code == 201, response.content
        thread = response.json()
        assert thread["artist"] == "brins-de-laine"
        assert thread["artist_order"] == artist_order.pk
        assert thread["return_request"] is None
        assert thread["buyer"] == "buyer"
        assert [m["body"] for m in thread["messages"]] == [
            "Could you wrap it as a gift, please?"
        ]
        to_artist = [m for m in mailoutbox if m.to == ["tisserande@example.com"]]
        assert len(to_artist) == 1
        email = to_artist[0]
        # In the artist's language (French): the greeting and the signature.
        assert email.body.startswith("Bonjour tisserande,")
        assert "L'équipe Atelier" in email.body
        assert "Could you wrap it as a gift, please?" in email.body
        assert f"http://127.0.0.1:8000/messages/{thread['id']}/" in email.body
        assert emails_to(mailoutbox, "buyer@example.com") == []

        assert unread_of(artist_api, thread["id"]) == 1
        assert unread_of(buyer_api, thread["id"]) == 0

        read = artist_api.get(thread_url(thread["id"]))
        assert read.status_code == 200
        assert unread_of(artist_api, thread["id"]) == 0

        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            reply = artist_api.post(
                messages_url(thread["id"]),
                {"body": "Bien sûr, avec plaisir !"},
                format="json",
            )

        assert reply.status_code == 201, reply.content
        assert reply.json()["author"] == "tisserande"
        assert reply.json()["author_name"] == "Brins de Laine"
        assert reply.json()["system"] is False
        assert unread_of(buyer_api, thread["id"]) == 1
        assert unread_of(artist_api, thread["id"]) == 0
        to_buyer = emails_to(mailoutbox, "buyer@example.com")
        assert len(to_buyer) == 1
        assert "New message from Brins de Laine" in to_buyer[0].subject
        assert to_buyer[0].body.startswith("Hello buyer,")
        assert "Bien sûr, avec plaisir !" in to_buyer[0].body

    def test_writing_again_about_the_same_order_continues_its_thread(
        self, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = api_as(buyer)
        body = {"artist": artist.slug, "artist_order": artist_order.pk, "body": "Hello"}

        first = client.post(THREADS, body, format="json")
        second = client.post(THREADS, {**body, "body": "Again"}, format="json")

        assert first.json()["id"] == second.json()["id"]
        assert Thread.objects.filter(artist_order=artist_order).count() == 1
        assert [m["body"] for m in second.json()["messages"] if not m["system"]] == [
            "Hello",
            "Again",
        ]

    def test_another_buyers_order_is_refused_with_a_field_error(
        self, buyer, other_buyer, artist
    ):
        artist_order = make_artist_order(buyer=other_buyer, artist=artist)

        response = api_as(buyer).post(
            THREADS,
            {"artist": artist.slug, "artist_order": artist_order.pk, "body": "Hi"},
            format="json",
        )

        assert response.status_code == 400
        assert "artist_order" in response.json()
        assert not Message.objects.filter(system=False).exists()
        assert not Thread.objects.filter(buyer=buyer).exists()


class TestThreadStart:
    def test_a_question_about_an_item_and_one_about_the_shop_are_two_threads(
        self, buyer, artist
    ):
        item = ItemFactory(artist=artist)
        client = api_as(buyer)

        about_item = client.post(
            THREADS,
            {"artist": artist.slug, "item": item.pk, "body": "Is it oven-safe?"},
        )
        general = client.post(
            THREADS, {"artist": artist.slug, "body": "Do you take commissions?"}
        )

        assert about_item.status_code == 201 and general.status_code == 201
        assert about_item.json()["item"] == item.pk
        assert about_item.json()["subject"] == item.title
        assert general.json()["item"] is None
        assert about_item.json()["id"] != general.json()["id"]

    def test_photos_are_cleaned_and_served_only_through_the_private_view(
        self, buyer, artist
    ):
        response = api_as(buyer).post(
            THREADS,
            {
                "artist": artist.slug,
                "body": "Like this one?",
                "photos": [photo_upload("a.png"), photo_upload("b.jpg", fmt="JPEG")],
            },
            format="multipart",
        )

        assert response.status_code == 201, response.content
        photos = response.json()["messages"][0]["photos"]
        assert len(photos) == 2
        assert all("/messages/photos/" in url for url in photos)

    def test_more_than_three_photos_are_refused(self, buyer, artist):
        response = api_as(buyer).post(
            THREADS,
            {
                "artist": artist.slug,
                "body": "Look",
                "photos": [photo_upload(f"{n}.png") for n in range(4)],
            },
            format="multipart",
        )

        assert response.status_code == 400
        assert "photos" in response.json()
        assert not Message.objects.exists()

    def test_a_file_that_is_not_a_photo_is_refused(self, buyer, artist):
        from django.core.files.uploadedfile import SimpleUploadedFile

        fake = SimpleUploadedFile(
            "x.png", b"<svg onload=alert(1)>", content_type="image/png"
        )

        response = api_as(buyer).post(
            THREADS,
            {"artist": artist.slug, "body": "Look", "photos": [fake]},
            format="multipart",
        )

        assert response.status_code == 400
        assert "photos" in response.json()

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"artist": "no-such-shop", "body": "Hi"}, "artist"),
            ({"body": "Hi"}, "artist"),
            ({"artist": "{slug}", "body": "   "}, "body"),
            ({"artist": "{slug}", "body": "Hi", "item": 999999}, "item"),
            ({"artist": "{slug}", "body": "x" * 5001}, "body"),
        ],
    )
    def test_bad_input_is_a_400_with_field_errors(self, buyer, artist, body, field):
        body = {
            k: (v.format(slug=artist.slug) if isinstance(v, str) else v)
            for k, v in body.items()
        }

        response = api_as(buyer).post(THREADS, body, format="json")

        assert response.status_code == 400
        assert field in response.json()
        assert not Message.objects.exists()

    def test_an_artist_cannot_write_to_its_own_shop(self, artist):
        response = api_as(artist.user).post(
            THREADS, {"artist": artist.slug, "body": "Me?"}, format="json"
        )

        assert response.status_code == 400
        assert "artist" in response.json()

    def test_a_shop_awaiting_approval_cannot_be_written_to(self, buyer):
        pending = make_shop("newcomer", approved_at=None)

        response = api_as(buyer).post(THREADS, {"artist": pending.slug, "body": "Hi"})

        assert response.status_code == 400
        assert "artist" in response.json()


class TestAccess:
    @pytest.fixture
    def conversation(self, buyer, artist):
        response = api_as(buyer).post(
            THREADS,
            {
                "artist": artist.slug,
                "body": "Private question",
                "photos": [photo_upload()],
            },
            format="multipart",
        )
        assert response.status_code == 201
        return response.json()

    def test_the_thread_and_its_photo_are_404_for_another_buyer_and_another_artist(
        self, conversation, other_buyer, other_artist, client
    ):
        photo_url = conversation["messages"][0]["photos"][0]
        for outsider in (other_buyer, other_artist.user):
            api = api_as(outsider)
            assert api.get(thread_url(conversation["id"])).status_code == 404
            assert (
                api.post(messages_url(conversation["id"]), {"body": "Hi"}).status_code
                == 404
            )
            assert conversation["id"] not in [
                t["id"] for t in api.get(THREADS).json()["results"]
            ]
            client.force_login(outsider)
            assert client.get(photo_url).status_code == 404
        assert Message.objects.count() == 1

    def test_anonymous_callers_get_401_and_the_photo_asks_to_log_in(
        self, conversation, client
    ):
        anonymous = APIClient()

        assert anonymous.get(THREADS).status_code == 401
        assert anonymous.get(thread_url(conversation["id"])).status_code == 401
        assert (
            anonymous.post(messages_url(conversation["id"]), {"body": "x"}).status_code
            == 401
        )
        photo = client.get(conversation["messages"][0]["photos"][0])
        assert photo.status_code == 302
        assert reverse("accounts:login") in photo["Location"]

    def test_the_participants_see_the_photo(self, conversation, buyer, artist, client):
        photo_url = conversation["messages"][0]["photos"][0]
        for participant in (buyer, artist.user):
            client.force_login(participant)
            response = client.get(photo_url)
            assert response.status_code == 200
            assert response["Content-Type"] == "image/png"
            assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    def test_staff_reads_any_thread_and_posts_as_the_team(
        self,
        conversation,
        staff,
        buyer,
        artist,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        api = api_as(staff)

        read = api.get(thread_url(conversation["id"]))
        with django_capture_on_commit_callbacks(execute=True):
            posted = api.post(
                messages_url(conversation["id"]),
                {"body": "Please keep it civil."},
                format="json",
            )

        assert read.status_code == 200
        assert read.json()["role"] == "staff"
        assert posted.status_code == 201
        assert posted.json()["staff"] is True
        assert posted.json()["author_name"] == "Atelier team"
        action = StaffAction.objects.get()
        assert (action.by, action.action) == (staff, "staff_post")
        recipients = sorted(m.to[0] for m in mailoutbox)
        assert recipients == ["buyer@example.com", "potter@example.com"]
        assert unread_of(api_as(buyer), conversation["id"]) == 1
        assert unread_of(api_as(artist.user), conversation["id"]) == 2

    def test_a_thread_id_that_is_not_a_number_is_a_404(self, buyer):
        assert api_as(buyer).get("/api/v1/threads/abc/").status_code == 404


class TestThreadList:
    def test_a_user_who_buys_and_sells_sees_both_sides_labelled_unread_first(
        self, buyer, artist, other_artist
    ):
        other_buyer_thread = (
            api_as(buyer)
            .post(THREADS, {"artist": other_artist.slug, "body": "Hello weaver"})
            .json()
        )
        mine = (
            api_as(artist.user)
            .post(
                THREADS,
                {"artist": other_artist.slug, "body": "Hello from a fellow artist"},
            )
            .json()
        )
        to_my_shop = (
            api_as(buyer)
            .post(THREADS, {"artist": artist.slug, "body": "Hi potter"})
            .json()
        )
        api_as(other_artist.user).post(messages_url(mine["id"]), {"body": "Welcome!"})

        rows = api_as(artist.user).get(THREADS).json()["results"]

        assert [(r["id"], r["role"], r["unread"]) for r in rows] == [
            (mine["id"], "buyer", 1),
            (to_my_shop["id"], "artist", 1),
        ]
        assert other_buyer_thread["id"] not in {r["id"] for r in rows}
        shop_only = api_as(artist.user).get(THREADS, {"as": "artist"}).json()["results"]
        assert [r["id"] for r in shop_only] == [to_my_shop["id"]]

    def test_read_threads_come_after_unread_ones(self, buyer, artist, other_artist):
        client = api_as(buyer)
        older = client.post(THREADS, {"artist": artist.slug, "body": "First"}).json()
        newer = client.post(
            THREADS, {"artist": other_artist.slug, "body": "Second"}
        ).json()
        api_as(artist.user).post(messages_url(older["id"]), {"body": "Answer"})
        api_as(other_artist.user).post(messages_url(newer["id"]), {"body": "Answer"})
        client.get(thread_url(older["id"]))

        rows = client.get(THREADS).json()["results"]

        assert [(r["id"], r["unread"]) for r in rows] == [
            (newer["id"], 1),
            (older["id"], 0),
        ]
        api_as(other_artist.user).post(
            messages_url(newer["id"]), {"body": "Still there?"}
        )
        client.get(thread_url(newer["id"]))
        api_as(artist.user).post(messages_url(older["id"]), {"body": "Hello?"})
        rows = client.get(THREADS).json()["results"]
        assert [(r["id"], r["unread"]) for r in rows] == [
            (older["id"], 1),
            (newer["id"], 0),
        ]


class TestQueryBudget:
    def test_the_thread_list_costs_the_same_for_one_or_many_threads(
        self, buyer, artist, django_assert_max_num_queries
    ):
        from tests.factories import ArtistFactory

        client = api_as(buyer)
        for _shop in range(6):
            client.post(THREADS, {"artist": ArtistFactory().slug, "body": "Hello"})
        client.post(
            THREADS,
            {
                "artist": artist.slug,
                "artist_order": make_artist_order(buyer=buyer, artist=artist).pk,
                "body": "Hi",
            },
        )

        with django_assert_max_num_queries(6):
            rows = client.get(THREADS).json()["results"]

        assert len(rows) == 7

    def test_a_thread_with_its_messages_and_photos_costs_a_few_queries(
        self, buyer, artist, django_assert_max_num_queries
    ):
        client = api_as(buyer)
        thread = client.post(THREADS, {"artist": artist.slug, "body": "Hello"}).json()
        for number in range(5):
            client.post(
                messages_url(thread["id"]),
                {"body": f"Look {number}", "photos": [photo_upload()]},
                format="multipart",
            )

        with django_assert_max_num_queries(12):
            response = client.get(thread_url(thread["id"]))

        assert len(response.json()["messages"]) == 6
