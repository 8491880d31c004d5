"""An email the provider refused for two days waits in the staff's escalation
queue; staff sends it again with "Retry sending" (a button on its page, a
link from the queue, or the action of the outbox list) or marks it handled;
either way it leaves the queue, and the admin log says who did it."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.notifications.models import Notification, NotificationStatus
from tests.factories import UserFactory
from tests.staff.helpers import change_url, logged_in, transition_url

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:escalations")
OUTBOX = reverse("admin:notifications_notification_changelist")


def failed_email(recipient, *, days=2, status=NotificationStatus.FAILED, **fields):
    return Notification.objects.create(
        recipient=recipient,
        to_email=recipient.email,
        event="order_accepted",
        language="en",
        context={},
        status=status,
        attempts=54,
        first_attempt_at=timezone.now() - timedelta(days=days, hours=1),
        last_error="SMTPServerDisconnected: provider unavailable",
        **fields,
    )


def email_rows(client):
    response = client.get(QUEUE, {"kind": "emails"})
    assert response.status_code == 200
    return response.context["rows"]


@pytest.fixture
def failed(camille):
    return failed_email(camille)


class TestInTheQueue:
    def test_a_failed_email_is_shown_with_its_address_error_and_buttons(
        self, failed, staff_client
    ):
        page = staff_client.get(QUEUE).content.decode()
        [row] = email_rows(staff_client)

        assert row.title == "Email “order_accepted” to camille@example.com"
        assert row.detail == (
            "Failed after 54 attempts: SMTPServerDisconnected: provider unavailable"
        )
        assert row.overdue and row.age >= timedelta(days=2)
        assert row.url == change_url(failed)
        assert ("retry", transition_url(failed, "retry")) in row.links
        assert ("mark as handled", transition_url(failed, "mark_handled")) in row.links
        assert "Emails that could not be sent (1)" in page
        assert 'id="emails-help"' in page
        counts = staff_client.get(reverse("admin:index")).context["escalation_counts"]
        assert dict((kind, count) for kind, _label, count in counts)["emails"] == 1

    def test_pending_sent_and_handled_emails_are_not_shown(self, camille, staff_client):
        failed_email(camille, status=NotificationStatus.PENDING)
        failed_email(camille, status=NotificationStatus.SENT)
        failed_email(camille, handled_at=timezone.now())

        assert email_rows(staff_client) == []

    def test_rows_come_oldest_first_in_a_constant_number_of_queries(
        self, camille, staff_client
    ):
        failed_email(camille, days=3)
        email_rows(staff_client)
        with CaptureQueriesContext(connection) as small:
            email_rows(staff_client)
        for days in (2, 4, 5):
            failed_email(UserFactory(email=f"b{days}@example.com"), days=days)
        with CaptureQueriesContext(connection) as large:
            rows = email_rows(staff_client)

        assert len(large) == len(small)
        assert [row.since for row in rows] == sorted(row.since for row in rows)
        assert rows[0].title.endswith("b5@example.com")


class TestRetry:
    def test_the_retry_button_sends_it_and_it_leaves_the_queue(
        self,
        failed,
        staff,
        staff_client,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        page = staff_client.get(change_url(failed)).content.decode()
        form = staff_client.get(transition_url(failed, "retry"))

        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(transition_url(failed, "retry"), follow=True)

        assert 'data-transition="retry"' in page
        assert 'data-transition="mark_handled"' in page
        assert form.status_code == 200 and "Retry sending" in form.content.decode()
        assert "The email to camille@example.com is queued again." in (
            response.content.decode()
        )
        assert [m.to for m in mailoutbox] == [["camille@example.com"]]
        failed.refresh_from_db()
        assert failed.status == NotificationStatus.SENT
        assert email_rows(staff_client) == []
        assert LogEntry.objects.filter(
            user=staff, object_id=str(failed.pk), change_message="Retry sending"
        ).exists()

    def test_retried_while_the_provider_is_still_down_it_leaves_the_queue_for_two_days(
        self, failed, staff_client, settings, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"

        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(transition_url(failed, "retry"))

        failed.refresh_from_db()
        assert failed.status == NotificationStatus.PENDING
        assert failed.attempts == 1
        assert email_rows(staff_client) == []

    def test_a_sent_email_has_no_retry_and_a_stale_form_changes_nothing(
        self, failed, staff_client, mailoutbox
    ):
        Notification.objects.filter(pk=failed.pk).update(status=NotificationStatus.SENT)

        page = staff_client.get(change_url(failed)).content.decode()
        response = staff_client.post(transition_url(failed, "retry"), follow=True)

        assert 'data-transition="retry"' not in page
        assert response.status_code == 200
        assert "is not possible on" in response.content.decode()
        assert mailoutbox == []

    def test_the_outbox_list_retries_many_at_once(
        self, camille, staff_client, mailoutbox, django_capture_on_commit_callbacks
    ):
        emails = [failed_email(camille), failed_email(camille, days=3)]

        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(
                OUTBOX,
                {
                    "action": "retry_notifications",
                    "_selected_action": [email.pk for email in emails],
                },
            )

        assert len(mailoutbox) == 2
        assert email_rows(staff_client) == []


class TestMarkHandled:
    def test_marked_handled_it_leaves_the_queue_unsent(
        self, failed, staff, staff_client, mailoutbox
    ):
        response = staff_client.post(
            transition_url(failed, "mark_handled"), follow=True
        )

        assert "is marked as handled" in response.content.decode()
        failed.refresh_from_db()
        assert failed.handled_at is not None
        assert failed.status == NotificationStatus.FAILED
        assert email_rows(staff_client) == []
        assert mailoutbox == []
        assert LogEntry.objects.filter(user=staff, object_id=str(failed.pk)).exists()
        handled = staff_client.get(OUTBOX, {"handled": "yes"}).content.decode()
        assert "camille@example.com" in handled

    def test_the_list_action_marks_only_failed_ones(self, camille, staff_client):
        failed = failed_email(camille)
        pending = failed_email(camille, status=NotificationStatus.PENDING)

        response = staff_client.post(
            OUTBOX,
            {
                "action": "mark_notifications_handled",
                "_selected_action": [failed.pk, pending.pk],
            },
            follow=True,
        )

        assert "1 failed notification marked as handled" in response.content.decode()
        pending.refresh_from_db()
        assert pending.handled_at is None


class TestAccess:
    def test_a_buyer_cannot_retry(self, failed, camille, mailoutbox):
        client = logged_in(camille)

        response = client.post(transition_url(failed, "retry"))

        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
        failed.refresh_from_db()
        assert failed.status == NotificationStatus.FAILED
        assert mailoutbox == []

    def test_staff_who_may_only_view_the_outbox_get_no_button(self, failed, mailoutbox):
        viewer = UserFactory(username="viewer", is_staff=True)
        viewer.user_permissions.add(
            *Permission.objects.filter(codename="view_notification")
        )
        client = logged_in(viewer)

        page = client.get(change_url(failed))
        response = client.post(transition_url(failed, "retry"))

        assert page.status_code == 200
        assert 'data-transition="retry"' not in page.content.decode()
        assert response.status_code == 403
        assert mailoutbox == []
