"""The staff's support inbox in the admin: the support threads, waiting
ones first; the conversation on each one's page and a "Reply…" button
whose answer is the team's message, emailed to the opener."""

import pytest
from django.urls import reverse

from messaging.models import StaffAction
from messaging.services import message_post, support_thread_open

from .factories import make_artist_order

pytestmark = pytest.mark.django_db

INBOX = reverse("admin:messaging_supportthread_changelist")


def reply_url(thread):
    return reverse(
        "admin:messaging_supportthread_transition",
        kwargs={"object_id": thread.pk, "action": "reply"},
    )


@pytest.fixture
def waiting(buyer, artist):
    artist_order = make_artist_order(buyer=buyer, artist=artist)
    return support_thread_open(
        opener=buyer,
        subject="Invoice please",
        body="An invoice in my company's name?",
        artist_order=artist_order,
    )


@pytest.fixture
def answered(artist, staff):
    thread = support_thread_open(
        opener=artist.user, subject="Payout day", body="When?", side="artist"
    )
    message_post(thread=thread, author=staff, body="Mondays.")
    return thread


class TestInbox:
    def test_lists_support_threads_only_and_filters_the_waiting_ones(
        self, client, staff, waiting, answered, buyer, artist
    ):
        client.force_login(staff)

        everything = client.get(INBOX).content.decode()
        only_waiting = client.get(INBOX, {"waiting": "yes"}).content.decode()
        only_answered = client.get(INBOX, {"waiting": "no"}).content.decode()

        assert "Invoice please" in everything and "Payout day" in everything
        assert everything.index("Invoice please") < everything.index("Payout day")
        assert "Invoice please" in only_waiting
        assert "Payout day" not in only_waiting
        assert "Payout day" in only_answered
        assert "Invoice please" not in only_answered

    def test_the_page_shows_the_conversation_and_a_reply_button(
        self, client, staff, waiting
    ):
        client.force_login(staff)

        page = client.get(
            reverse("admin:messaging_supportthread_change", args=[waiting.pk])
        ).content.decode()

        assert "An invoice in my company&#x27;s name?" in page
        assert reply_url(waiting) in page


class TestReply:
    def test_the_answer_is_the_teams_message_emailed_to_the_opener(
        self, client, staff, waiting, mailoutbox, django_capture_on_commit_callbacks
    ):
        client.force_login(staff)
        form = client.get(reply_url(waiting)).content.decode()
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reply_url(waiting), {"body": "Attached."})

        assert "An invoice in my company&#x27;s name?" in form
        assert response.status_code == 302
        last = waiting.messages.order_by("id").last()
        assert (last.author, last.is_staff_post, last.body) == (
            staff,
            True,
            "Attached.",
        )
        assert StaffAction.objects.filter(by=staff, action="staff_post").exists()
        assert [m.to for m in mailoutbox] == [["buyer@example.com"]]
        assert "Attached." in mailoutbox[0].body

    def test_an_empty_answer_is_a_form_error(self, client, staff, waiting):
        client.force_login(staff)

        response = client.post(reply_url(waiting), {"body": ""})

        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
        assert waiting.messages.count() == 1

    def test_buyers_and_artists_cannot_reach_it(self, client, buyer, waiting):
        client.force_login(buyer)

        assert client.get(INBOX).status_code == 302
        assert client.post(reply_url(waiting), {"body": "x"}).status_code == 302
        assert waiting.messages.count() == 1
