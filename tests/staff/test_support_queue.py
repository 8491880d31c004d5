"""A support thread waits in the escalation queue until a member of staff
has answered the opener's latest message (the last word is the team's),
in one query whatever the number of threads."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from messaging.models import Message
from messaging.services import message_post, support_thread_open
from staff.escalations import escalation_counts, escalation_queue
from tests.orders.factories import make_artist_order

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:escalations")


def support_rows():
    return escalation_queue(kind="support")


class TestSupportInTheQueue:
    def test_waits_until_staff_answers_and_comes_back_when_the_opener_writes(
        self, camille, potter, staff
    ):
        artist_order = make_artist_order(buyer=camille, artist=potter)
        thread = support_thread_open(
            opener=camille,
            subject="Invoice",
            body="An invoice, please.",
            artist_order=artist_order,
        )

        waiting = support_rows()
        message_post(thread=thread, author=staff, body="Here it is.")
        answered = support_rows()
        message_post(thread=thread, author=camille, body="Wrong address on it.")
        again = support_rows()

        assert len(waiting) == 1
        row = waiting[0]
        assert "Invoice" in row.title
        assert "camille@example.com" in row.title
        assert artist_order.order.number in row.title
        assert "An invoice, please." in row.detail
        assert row.url == reverse(
            "admin:messaging_supportthread_change", args=[thread.pk]
        )
        assert thread.get_absolute_url() in [url for _label, url in row.links]
        assert answered == []
        assert len(again) == 1
        assert "Wrong address on it." in again[0].detail
        latest = Message.objects.filter(thread=thread).order_by("id").last()
        assert again[0].since == latest.created_at

    def test_shows_on_the_queue_page_and_the_index_counts(
        self, camille, potter, staff, client
    ):
        support_thread_open(
            opener=potter.user, subject="Payouts", body="When?", side="artist"
        )
        client.force_login(staff)

        page = client.get(QUEUE, {"kind": "support"}).content.decode()

        assert "Support threads waiting for an answer" in page
        assert "Payouts" in page
        assert escalation_counts()["support"] == 1

    def test_one_query_whatever_the_number_of_threads(self, camille, potter, staff):
        support_thread_open(opener=camille, subject="One", body="1")
        with CaptureQueriesContext(connection) as one:
            assert len(support_rows()) == 1
        for n in range(4):
            thread = support_thread_open(opener=potter.user, subject=f"T{n}", body="?")
            Message.objects.filter(thread=thread).update(
                created_at=timezone.now() - timedelta(hours=n)
            )
        with CaptureQueriesContext(connection) as five:
            assert len(support_rows()) == 5

        assert len(five) == len(one) == 1
