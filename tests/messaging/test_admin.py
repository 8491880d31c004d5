"""The admin of conversations: readable lists, actions through the services,
staff actions recorded and read-only."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from messaging import services
from messaging.models import Message, StaffAction

from .factories import make_artist_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def conversation(buyer, artist):
    artist_order = make_artist_order(buyer=buyer, artist=artist)
    thread = services.thread_start(
        buyer=buyer, artist=artist, artist_order=artist_order, body="You are a thief"
    )
    services.system_message_post(
        artist_order=artist_order,
        event="order_accepted",
        context={},
        dedupe_key="accepted",
    )
    return thread


class TestMessageAdmin:
    def test_hide_action_hides_through_the_service_and_records_the_staff_member(
        self, admin_client, conversation, staff
    ):
        message = conversation.messages.get(system=False)

        response = admin_client.post(
            reverse("admin:messaging_message_changelist"),
            {"action": "hide_selected", "_selected_action": [message.pk]},
            follow=True,
        )

        assert response.status_code == 200
        message.refresh_from_db()
        assert message.hidden_by == staff
        assert StaffAction.objects.get().by == staff
        assert "1 message hidden." in response.content.decode()

    def test_flag_action_records_the_staff_member(
        self, admin_client, conversation, staff
    ):
        message = conversation.messages.get(system=False)

        admin_client.post(
            reverse("admin:messaging_message_changelist"),
            {"action": "flag_selected", "_selected_action": [message.pk]},
        )

        message.refresh_from_db()
        assert message.flagged_by == staff
        assert StaffAction.objects.get().action == "flag"

    def test_list_filters_and_search_by_author_email_and_order_number(
        self, admin_client, conversation
    ):
        url = reverse("admin:messaging_message_changelist")
        number = conversation.artist_order.order.number

        by_email = admin_client.get(url, {"q": "buyer@example.com"}).content.decode()
        by_number = admin_client.get(url, {"q": number}).content.decode()
        system_only = admin_client.get(url, {"system__exact": "1"}).content.decode()

        assert "You are a thief" in by_email
        assert "You are a thief" in by_number
        assert "The artist accepted the order" in system_only
        assert "You are a thief" not in system_only
        for query in ({"hidden": "yes"}, {"flagged": "open"}):
            assert admin_client.get(url, query).status_code == 200

    def test_message_page_shows_the_system_text(self, admin_client, conversation):
        message = conversation.messages.get(event="order_accepted")

        html = admin_client.get(
            reverse("admin:messaging_message_change", args=[message.pk])
        ).content.decode()

        assert "The artist accepted the order: it is being prepared." in html

    def test_the_page_title_shows_the_local_time_as_its_fields_do(
        self, admin_client, conversation
    ):
        message = conversation.messages.get(event="order_accepted")
        Message.objects.filter(pk=message.pk).update(
            created_at=datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # 13:00 in Paris
        )

        html = admin_client.get(
            reverse("admin:messaging_message_change", args=[message.pk])
        ).content.decode()

        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "7 Dec 2026, 13:00" in title
        assert "12:00" not in title
        assert "7 December 2026, 13:00" in html  # the "sent at" field


class TestThreadAdmin:
    def test_lists_threads_with_their_order_and_shows_messages_inline(
        self, admin_client, conversation
    ):
        number = conversation.artist_order.order.number

        listing = admin_client.get(
            reverse("admin:messaging_thread_changelist"), {"q": number}
        ).content.decode()
        page = admin_client.get(
            reverse("admin:messaging_thread_change", args=[conversation.pk])
        ).content.decode()

        assert number in listing
        assert "You are a thief" in page
        assert "The artist accepted the order" in page

    def test_hide_action_hides_every_message_of_the_thread_except_system_ones(
        self, admin_client, conversation, staff
    ):
        admin_client.post(
            reverse("admin:messaging_thread_changelist"),
            {"action": "hide_messages", "_selected_action": [conversation.pk]},
        )

        rows = Message.objects.filter(thread=conversation).values_list(
            "system", "hidden_by"
        )
        assert sorted(set(rows)) == [(False, staff.pk), (True, None)]


class TestStaffActionAdmin:
    def test_is_read_only(self, admin_client, conversation, staff):
        services.message_hide(
            message=conversation.messages.first(), by=staff, reason="x"
        )
        action = StaffAction.objects.get()

        listing = admin_client.get(reverse("admin:messaging_staffaction_changelist"))
        change = admin_client.post(
            reverse("admin:messaging_staffaction_change", args=[action.pk]),
            {"reason": "edited"},
        )

        assert listing.status_code == 200
        assert "moderator" in listing.content.decode()
        assert change.status_code == 403
        action.refresh_from_db()
        assert action.reason == "x"
        assert (
            reverse("admin:messaging_staffaction_add") not in listing.content.decode()
        )
