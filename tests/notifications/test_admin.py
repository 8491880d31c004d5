"""The notification outbox in the Django admin: find a notification, see why
it failed, send it again."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from marketplace.notifications.models import Notification, NotificationStatus

CHANGELIST = reverse("admin:notifications_notification_changelist")


@pytest.fixture
def failed_notification(buyer):
    return Notification.objects.create(
        recipient=buyer,
        to_email=buyer.email,
        event="test_note",
        language="en",
        context={"number": 12},
        status=NotificationStatus.FAILED,
        attempts=8,
        last_error="SMTPServerDisconnected: provider unavailable",
    )


@pytest.fixture
def sent_notification(french_buyer):
    return Notification.objects.create(
        recipient=french_buyer,
        to_email=french_buyer.email,
        event="order_confirmation",
        language="fr",
        status=NotificationStatus.SENT,
        attempts=1,
    )


@pytest.mark.django_db
class TestOutboxAdmin:
    def test_lists_event_recipient_status_attempts_and_last_error(
        self, admin_client, failed_notification, sent_notification
    ):
        response = admin_client.get(CHANGELIST)

        assert response.status_code == 200
        page = response.content.decode()
        for text in [
            "buyer@example.com",
            "acheteuse@example.com",
            "test_note",
            "order_confirmation",
            "provider unavailable",
            "Retry the selected notifications now",
        ]:
            assert text in page

    def test_filters_by_status_and_searches_by_email(
        self, admin_client, failed_notification, sent_notification
    ):
        failed_only = admin_client.get(
            CHANGELIST, {"status__exact": "failed"}
        ).content.decode()
        found = admin_client.get(CHANGELIST, {"q": "acheteuse@"}).content.decode()

        assert "buyer@example.com" in failed_only
        assert "acheteuse@example.com" not in failed_only
        assert "acheteuse@example.com" in found
        assert "buyer@example.com" not in found

    def test_retry_action_sends_a_failed_notification_and_logs_who_asked(
        self,
        admin_client,
        admin_user,
        failed_notification,
        sent_notification,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                CHANGELIST,
                {
                    "action": "retry_notifications",
                    "_selected_action": [failed_notification.pk, sent_notification.pk],
                },
                follow=True,
            )

        assert response.status_code == 200
        assert "1 notification queued again." in response.content.decode()
        assert [m.to for m in mailoutbox] == [["buyer@example.com"]]
        failed_notification.refresh_from_db()
        assert failed_notification.status == NotificationStatus.SENT
        assert LogEntry.objects.filter(
            user=admin_user, object_id=str(failed_notification.pk)
        ).exists()

    def test_a_notification_is_read_only(self, admin_client, failed_notification):
        url = reverse(
            "admin:notifications_notification_change", args=[failed_notification.pk]
        )

        page = admin_client.get(url)
        admin_client.post(url, {"to_email": "someone@else.test"})

        assert page.status_code == 200
        assert "provider unavailable" in page.content.decode()
        failed_notification.refresh_from_db()
        assert failed_notification.to_email == "buyer@example.com"
        assert (
            admin_client.get(
                reverse("admin:notifications_notification_add")
            ).status_code
            == 403
        )
