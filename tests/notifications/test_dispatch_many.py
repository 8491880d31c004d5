"""The emails recorded together (one checkout) leave through one task: each
is sent once, and one that fails stays pending with its own back-off while
the others go."""

from unittest import mock

import pytest

from marketplace.notifications import services, tasks
from marketplace.notifications.models import Notification, NotificationStatus
from tests.factories import UserFactory
from tests.notifications.backends import RecordingBackend

pytestmark = pytest.mark.django_db


def record(*users):
    return services.notify_many(
        notifications=[
            {"recipient": user, "event": "test_note", "context": {"note": f"hello {user.username}"}, "dedupe_key": f"k-{user.pk}"}
            for user in users
        ]
    )


def test_emails_recorded_together_are_queued_as_one_task_and_each_sent_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    users = [UserFactory(username=f"u{n}", email=f"u{n}@example.com") for n in range(3)]
    with mock.patch.object(tasks.send_notifications, "apply_async", wraps=tasks.send_notifications.apply_async) as queued:
        with django_capture_on_commit_callbacks(execute=True):
            record(*users)

    assert queued.call_count == 1
    assert sorted(queued.call_args.kwargs["kwargs"]["notification_ids"]) == sorted(
        Notification.objects.values_list("pk", flat=True)
    )
    assert sorted(m.to[0] for m in mailoutbox) == ["u0@example.com", "u1@example.com", "u2@example.com"]
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}

    # Delivered a second time (a worker lost before its acknowledgement): nothing leaves again.
    tasks.send_notifications(notification_ids=list(Notification.objects.values_list("pk", flat=True)))
    assert len(mailoutbox) == 3


def test_a_failing_email_stays_pending_with_its_back_off_while_the_others_are_sent(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.RecordingBackend"
    RecordingBackend.connections = []
    users = [UserFactory(username=f"v{n}", email=f"v{n}@example.com") for n in range(3)]
    rows = record(*users)
    failing = rows[1].pk
    real_send = services.send

    def send(*, notification_id):
        RecordingBackend.fail_next = 1 if notification_id == failing else 0
        return real_send(notification_id=notification_id)

    settings.CELERY_TASK_ALWAYS_EAGER = False  # as with a broker: the failed row is queued again
    with mock.patch.object(services, "send", side_effect=send), mock.patch.object(
        tasks.send_notification, "apply_async"
    ) as again:
        statuses = tasks.send_notifications(notification_ids=[row.pk for row in rows])

    assert statuses == ["sent", "pending", "sent"]
    sent = [m.to[0] for connection in RecordingBackend.connections for m in connection.sent]
    assert sorted(sent) == ["v0@example.com", "v2@example.com"]
    again.assert_called_once()
    assert again.call_args.kwargs["kwargs"] == {"notification_id": failing}
    assert again.call_args.kwargs["countdown"] > 1
    row = Notification.objects.get(pk=failing)
    assert row.status == NotificationStatus.PENDING and row.attempts == 1


def test_when_the_broker_is_down_the_rows_stay_pending_for_the_sweep(caplog):
    users = [UserFactory(username=f"w{n}", email=f"w{n}@example.com") for n in range(2)]
    rows = record(*users)
    with mock.patch.object(tasks.send_notifications, "apply_async", side_effect=ConnectionError("no broker")):
        assert services.dispatch_many(notification_ids=[row.pk for row in rows]) is False

    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.PENDING}
    assert "left pending for the sweep" in caplog.text
