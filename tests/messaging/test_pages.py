"""Conversation pages: contact forms, inbox, thread page, badges, moderation."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from messaging import services
from messaging.models import Message, Thread
from tests.factories import ItemFactory

from .factories import make_artist_order, photo_upload

pytestmark = pytest.mark.django_db


def badge(html, testid):
    match = re.search(rf'data-testid="{testid}"[^>]*>(\d+)<', html)
    return int(match.group(1)) if match else 0


@pytest.fixture
def item(artist):
    return ItemFactory(artist=artist, title="Blue bowl")


class TestContactForm:
    def test_item_page_links_to_the_contact_form_about_that_item(
        self, client, buyer, item
    ):
        client.force_login(buyer)

        html = client.get(item.get_absolute_url()).content.decode()

        assert f'href="/messages/contact/{item.artist.slug}/?item={item.pk}"' in html

    def test_shop_page_links_to_its_contact_form(self, client, buyer, artist):
        client.force_login(buyer)

        html = client.get(artist.get_absolute_url()).content.decode()

        assert reverse("messaging:contact", args=[artist.slug]) in html

    def test_anonymous_visitor_is_asked_to_log_in(self, client, artist):
        response = client.get(reverse("messaging:contact", args=[artist.slug]))

        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_sending_starts_a_thread_about_the_item_and_opens_it(
        self, client, buyer, item, mailoutbox, django_capture_on_commit_callbacks
    ):
        client.force_login(buyer)
        url = reverse("messaging:contact", args=[item.artist.slug]) + f"?item={item.pk}"
        form = client.get(url)
        assert 'value="Blue bowl"' in form.content.decode()

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {
                    "subject": "Blue bowl",
                    "body": "Is it dishwasher safe?",
                    "photos": [photo_upload()],
                },
            )

        thread = Thread.objects.get()
        assert response.status_code == 302
        assert response["Location"] == thread.get_absolute_url()
        assert (thread.kind, thread.item, thread.subject) == ("item", item, "Blue bowl")
        assert thread.messages.get().photos.count() == 1
        assert [m.to for m in mailoutbox] == [["potter@example.com"]]
        page = client.get(response["Location"]).content.decode()
        assert "Is it dishwasher safe?" in page
        assert "Your message has been sent to" in page

    def test_second_contact_continues_the_same_conversation(
        self, client, buyer, artist
    ):
        client.force_login(buyer)
        url = reverse("messaging:contact", args=[artist.slug])
        client.post(url, {"subject": "Commission", "body": "Do you take commissions?"})

        page = client.get(url).content.decode()
        client.post(url, {"subject": "Ignored", "body": "A vase, 30 cm high."})

        assert 'data-testid="existing-thread"' in page
        thread = Thread.objects.get()
        assert thread.subject == "Commission"
        assert thread.messages.count() == 2

    def test_an_empty_message_is_a_form_error_and_records_nothing(
        self, client, buyer, artist
    ):
        client.force_login(buyer)

        response = client.post(
            reverse("messaging:contact", args=[artist.slug]), {"body": "  "}
        )

        assert response.status_code == 400
        assert "Write a message." in response.content.decode()
        assert not Thread.objects.exists()

    def test_a_fake_photo_is_a_form_error(self, client, buyer, artist):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(buyer)
        fake = SimpleUploadedFile("x.jpg", b"not a picture", content_type="image/jpeg")

        response = client.post(
            reverse("messaging:contact", args=[artist.slug]),
            {"body": "Look", "photos": [fake]},
        )

        assert response.status_code == 400
        assert "not a photo we can read" in response.content.decode()
        assert not Message.objects.exists()

    def test_an_item_of_another_shop_is_a_404(
        self, client, buyer, artist, other_artist
    ):
        client.force_login(buyer)
        elsewhere = ItemFactory(artist=other_artist)

        url = reverse("messaging:contact", args=[artist.slug]) + f"?item={elsewhere.pk}"

        assert client.get(url).status_code == 404


class TestOrderConversation:
    def test_the_order_link_opens_the_orders_thread_where_the_buyer_writes(
        self, client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        services.system_message_post(
            artist_order=artist_order,
            event="order_accepted",
            context={},
            dedupe_key="accepted",
        )
        client.force_login(buyer)
        url = reverse("messaging:contact_order", args=[artist_order.pk])

        opened = client.get(url)
        thread = Thread.objects.get()  # opened by the system message
        assert (thread.kind, thread.artist_order) == ("artist_order", artist_order)
        assert opened["Location"] == thread.get_absolute_url()
        client.post(opened["Location"], {"body": "When will it ship?"})

        assert thread.messages.filter(system=False).get().body == "When will it ship?"

    def test_before_any_message_the_order_link_shows_a_form(
        self, client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client.force_login(buyer)
        url = reverse("messaging:contact_order", args=[artist_order.pk])

        form = client.get(url)
        sent = client.post(url, {"body": "When will it ship?"})

        assert form.status_code == 200
        thread = Thread.objects.get()
        assert sent["Location"] == thread.get_absolute_url()
        assert thread.messages.get().body == "When will it ship?"

    def test_the_artist_of_the_order_can_write_first(self, client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client.force_login(artist.user)

        client.post(
            reverse("messaging:contact_order", args=[artist_order.pk]),
            {"body": "Thank you!"},
        )

        message = Message.objects.get(system=False)
        assert (message.author, message.thread.buyer) == (artist.user, buyer)

    def test_someone_elses_order_is_a_404(self, client, buyer, other_buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client.force_login(other_buyer)

        url = reverse("messaging:contact_order", args=[artist_order.pk])

        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Hi"}).status_code == 404
        assert not Message.objects.filter(system=False).exists()


class TestUnreadBadges:
    def test_header_and_dashboard_badges_follow_what_is_read(
        self, client, buyer, artist
    ):
        thread = services.thread_start(
            buyer=buyer, artist=artist, body="First question"
        )
        services.message_post(thread=thread, author=buyer, body="Second question")
        client.force_login(artist.user)

        dashboard = client.get(reverse("dashboard:home")).content.decode()
        assert badge(dashboard, "unread-messages") == 2
        assert badge(dashboard, "shop-unread-messages") == 2

        page = client.get(thread.get_absolute_url()).content.decode()
        assert "First question" in page and "Second question" in page
        assert badge(page, "unread-messages") == 0
        assert badge(page, "shop-unread-messages") == 0

        services.message_post(thread=thread, author=artist.user, body="Answer")
        client.force_login(buyer)
        home = client.get(reverse("catalog:home")).content.decode()
        assert badge(home, "unread-messages") == 1
        client.get(thread.get_absolute_url())
        assert (
            badge(
                client.get(reverse("catalog:home")).content.decode(), "unread-messages"
            )
            == 0
        )

    def test_system_messages_show_in_the_thread_but_count_as_unread_for_nobody(
        self, client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)

        services.system_message_post(
            artist_order=artist_order,
            event="order_accepted",
            context={},
            dedupe_key=f"accepted:{artist_order.pk}",
        )

        thread = Thread.objects.get(artist_order=artist_order)
        for user in (buyer, artist.user):
            client.force_login(user)
            home = client.get(reverse("catalog:home")).content.decode()
            assert badge(home, "unread-messages") == 0
            page = client.get(thread.get_absolute_url()).content.decode()
            assert "The artist accepted the order" in page

    def test_the_header_costs_one_query_for_the_unread_count(
        self, client, buyer, artist, django_assert_num_queries
    ):
        from messaging.selectors import unread_counts

        services.thread_start(buyer=buyer, artist=artist, body="Hello")

        with django_assert_num_queries(1):
            counts = unread_counts(user=artist.user)

        assert counts == {"total": 1, "shop": 1}


class TestInbox:
    def test_lists_unread_threads_first_with_the_side_of_each(
        self, client, buyer, artist, other_artist
    ):
        as_buyer = services.thread_start(
            buyer=artist.user, artist=other_artist, body="Hi weaver"
        )
        to_shop = services.thread_start(buyer=buyer, artist=artist, body="Hi potter")
        services.thread_mark_read(thread=to_shop, user=artist.user)
        services.message_post(thread=as_buyer, author=other_artist.user, body="Hello!")
        client.force_login(artist.user)

        html = client.get(reverse("messaging:inbox")).content.decode()

        rows = re.findall(r'data-testid="thread-row" data-thread="(\d+)"', html)
        assert rows == [str(as_buyer.pk), str(to_shop.pk)]
        assert "my purchase" in html and "my shop" in html

    def test_the_shop_inbox_is_in_the_dashboard_and_only_for_artists(
        self, client, buyer, artist
    ):
        services.thread_start(buyer=buyer, artist=artist, body="Hi potter")
        client.force_login(artist.user)

        html = client.get(reverse("messaging:shop_inbox")).content.decode()

        assert 'class="dash-nav"' in html
        assert 'data-testid="thread-row"' in html
        client.force_login(buyer)
        assert client.get(reverse("messaging:shop_inbox")).status_code == 404

    def test_an_artist_answers_from_the_dashboard_layout(self, client, buyer, artist):
        thread = services.thread_start(buyer=buyer, artist=artist, body="Hi potter")
        client.force_login(artist.user)

        response = client.post(thread.get_absolute_url(), {"body": "Hello!"})

        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert 'class="dash-nav"' in page
        assert thread.messages.last().author == artist.user


class TestThreadPage:
    def test_another_buyer_gets_a_404_and_cannot_post(
        self, client, buyer, other_buyer, artist
    ):
        thread = services.thread_start(buyer=buyer, artist=artist, body="Private")
        client.force_login(other_buyer)

        assert client.get(thread.get_absolute_url()).status_code == 404
        assert client.post(thread.get_absolute_url(), {"body": "Hi"}).status_code == 404
        assert thread.messages.count() == 1

    def test_system_messages_and_staff_posts_are_shown_as_such(
        self, client, buyer, artist, staff
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        services.system_message_post(
            artist_order=artist_order,
            event="order_shipped",
            context={"carrier": "La Poste", "tracking_number": "6A123"},
            dedupe_key="shipped-1",
        )
        thread = Thread.objects.get()
        services.message_post(
            thread=thread, author=staff, body="We are looking into it."
        )
        client.force_login(buyer)

        html = client.get(thread.get_absolute_url()).content.decode()

        assert 'data-kind="system"' in html
        assert "The order has shipped with La Poste, tracking number 6A123." in html
        assert 'data-kind="staff"' in html and "Atelier team" in html
        assert "moderator" not in html

    def test_a_hidden_message_shows_as_hidden_to_participants_and_in_full_to_staff(
        self, client, buyer, artist, staff
    ):
        thread = services.thread_start(
            buyer=buyer,
            artist=artist,
            body="Something abusive",
            photos=[photo_upload()],
        )
        message = thread.messages.get()
        photo = message.photos.get()
        client.force_login(staff)
        client.post(reverse("messaging:hide", args=[message.pk]), {"reason": "Insults"})

        client.force_login(artist.user)
        participant_view = client.get(thread.get_absolute_url()).content.decode()
        assert "Something abusive" not in participant_view
        assert "hidden by the marketplace team" in participant_view
        assert client.get(photo.get_absolute_url()).status_code == 404
        client.force_login(staff)
        staff_view = client.get(thread.get_absolute_url()).content.decode()
        assert "Something abusive" in staff_view and "Insults" in staff_view

    # Reporting a message (asked why, confirmed, withdrawn): test_reports.py.

    def test_only_staff_can_hide(self, client, buyer, artist):
        thread = services.thread_start(buyer=buyer, artist=artist, body="Hello")
        client.force_login(artist.user)

        response = client.post(
            reverse("messaging:hide", args=[thread.messages.get().pk])
        )

        assert response.status_code == 404
        assert thread.messages.get().hidden_at is None

    def test_text_is_escaped(self, client, buyer, artist):
        thread = services.thread_start(
            buyer=buyer, artist=artist, body="<script>alert(1)</script>"
        )
        client.force_login(artist.user)

        html = client.get(thread.get_absolute_url()).content.decode()

        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class TestReplyTimeBlock:
    def test_shows_the_median_reply_time(self, client, buyer, artist):
        from django.template import Context, Template
        from django.test import RequestFactory

        thread = services.thread_start(buyer=buyer, artist=artist, body="Question")
        asked_at = thread.messages.get().created_at - timedelta(hours=3)
        Message.objects.filter(thread=thread).update(created_at=asked_at)
        services.message_post(thread=thread, author=artist.user, body="Answer")
        request = RequestFactory().get("/")
        request.user = artist.user

        html = Template('{% include "messaging/dashboard_reply_time.html" %}').render(
            Context({"artist": artist, "request": request})
        )

        assert re.search(r'data-testid="reply-time">3 hours<', html)


def test_the_dashboard_home_shows_the_reply_time(client, artist):
    client.force_login(artist.user)

    response = client.get("/dashboard/")

    assert 'data-testid="reply-time"' in response.content.decode()
