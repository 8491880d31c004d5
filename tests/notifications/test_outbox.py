"""The notification outbox: recorded in the transaction, sent after commit,
at most once, retried with back-off, swept when left behind."""

import threading
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from marketplace.notifications import services
from marketplace.notifications.models import Notification, NotificationStatus
from tests.factories import UserFactory


def record(recipient, *, number=1, dedupe_key=None):
    return services.notify(
        recipient=recipient,
        event="test_note",
        context={"number": number, "total": Decimal("12.50")},
        dedupe_key=dedupe_key,
    )


def pending_row(recipient, **fields):
    """An outbox row recorded earlier and not dispatched (nothing sends it)."""
    fields = {"context": {"number": 1, "total": "12.50"}, **fields}
    return Notification.objects.create(
        recipient=recipient,
        to_email=recipient.email,
        event="test_note",
        language=recipient.language,
        **fields,
    )


def make_due(notification):
    """Time passes: the back-off of the row is over."""
    Notification.objects.filter(pk=notification.pk).update(
        available_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.mark.django_db
class TestNotifyInATransaction:
    def test_records_nothing_and_sends_nothing_when_the_transaction_rolls_back(
        self, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                record(buyer)
                raise RuntimeError("the change that caused the email failed")

        assert callbacks == []
        assert not Notification.objects.exists()
        assert mailoutbox == []

    def test_sends_nothing_before_the_commit(
        self, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            with transaction.atomic():
                notification = record(buyer)

        assert len(callbacks) == 1
        assert mailoutbox == []
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.PENDING

    def test_sends_the_email_once_after_the_commit(
        self, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                notification = record(buyer, number=7)

        assert len(mailoutbox) == 1
        message = mailoutbox[0]
        assert message.to == ["buyer@example.com"]
        assert message.subject == "[en] January note 7"
        assert "note 7 for buyer, total 12.50" in message.body
        assert "note 7 for buyer" in message.alternatives[0][0]
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENT
        assert notification.attempts == 1
        assert notification.sent_at is not None

    def test_writes_in_the_language_of_the_recipient(
        self, french_buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            record(french_buyer, number=3)

        assert [m.subject for m in mailoutbox] == ["[fr] janvier note 3"]
        assert "Language: fr" in mailoutbox[0].body

    def test_records_a_dedupe_key_only_once(
        self, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = record(buyer, dedupe_key="order-1-confirmation")
            second = record(buyer, dedupe_key="order-1-confirmation")

        assert first is not None
        assert second is None
        assert Notification.objects.count() == 1
        assert len(mailoutbox) == 1

    def test_records_nothing_for_a_user_without_email(
        self, mailoutbox, django_capture_on_commit_callbacks
    ):
        silent = UserFactory(username="silent", email="")

        with django_capture_on_commit_callbacks(execute=True):
            result = record(silent)

        assert result is None
        assert not Notification.objects.exists()
        assert mailoutbox == []

    def test_refuses_a_context_that_cannot_be_stored(self, buyer):
        with pytest.raises(TypeError):
            services.notify(recipient=buyer, event="test_note", context={"user": buyer})


@pytest.mark.django_db
class TestRetryWithBackOff:
    def test_failed_send_leaves_the_row_pending_with_a_later_attempt(
        self,
        buyer,
        mailoutbox,
        failing_email_provider,
        django_capture_on_commit_callbacks,
    ):
        before = timezone.now()

        with django_capture_on_commit_callbacks(execute=True):
            notification = record(buyer)

        notification.refresh_from_db()
        assert mailoutbox == []
        assert notification.status == NotificationStatus.PENDING
        assert notification.attempts == 1
        assert notification.available_at >= before + timedelta(
            seconds=services.backoff_seconds(1)
        )
        assert "provider unavailable" in notification.last_error

    def test_sweep_waits_for_the_back_off_then_sends_once(
        self,
        buyer,
        mailoutbox,
        failing_email_provider,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            notification = record(buyer)
        failing_email_provider.EMAIL_BACKEND = (
            "django.core.mail.backends.locmem.EmailBackend"
        )

        dispatched_too_early = services.sweep_pending()

        assert dispatched_too_early == 0
        assert mailoutbox == []

        make_due(notification)
        services.sweep_pending()
        services.sweep_pending()

        assert len(mailoutbox) == 1
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENT
        assert notification.attempts == 2
        assert notification.last_error == ""

    def test_back_off_doubles_up_to_an_hour(self):
        delays = [services.backoff_seconds(attempt) for attempt in range(1, 10)]

        assert delays[:4] == [30, 60, 120, 240]
        assert delays == sorted(delays)
        assert max(delays) == 3600

    def test_gives_up_once_the_retry_period_since_the_first_attempt_is_over(
        self,
        buyer,
        mailoutbox,
        failing_email_provider,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            notification = record(buyer)
        # Two days have passed since that first attempt.
        Notification.objects.filter(pk=notification.pk).update(
            first_attempt_at=timezone.now() - services.retry_period()
        )

        make_due(notification)
        services.sweep_pending()

        notification.refresh_from_db()
        assert notification.status == NotificationStatus.FAILED
        assert notification.attempts == 2
        failing_email_provider.EMAIL_BACKEND = (
            "django.core.mail.backends.locmem.EmailBackend"
        )
        make_due(notification)
        assert services.sweep_pending() == 0
        assert mailoutbox == []

    def test_staff_retry_sends_a_failed_notification_again(
        self, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        notification = pending_row(
            buyer,
            context={"number": 9},
            status=NotificationStatus.FAILED,
            attempts=55,
            first_attempt_at=timezone.now() - timedelta(days=3),
            last_error="SMTPServerDisconnected: gone",
        )

        with django_capture_on_commit_callbacks(execute=True):
            count = services.retry(notification_ids=[notification.pk])

        assert count == 1
        assert [m.subject for m in mailoutbox] == ["[en] January note 9"]
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENT
        assert notification.attempts == 1

    def test_staff_retry_leaves_sent_notifications_alone(
        self, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            notification = record(buyer)

        with django_capture_on_commit_callbacks(execute=True):
            count = services.retry(notification_ids=[notification.pk])

        assert count == 0
        assert len(mailoutbox) == 1


@pytest.mark.django_db
class TestAtMostOnce:
    def test_a_row_claimed_by_one_sender_cannot_be_sent_by_another(
        self, buyer, mailoutbox
    ):
        notification = pending_row(buyer)

        first_claim = services.claim(notification_id=notification.pk)
        second_sender = services.send(notification_id=notification.pk)
        swept = services.sweep_pending()

        assert first_claim is not None
        assert second_sender == services.SKIPPED
        assert swept == 0
        assert mailoutbox == []

    def test_a_sent_row_is_never_sent_again(
        self, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            notification = record(buyer)

        results = [services.send(notification_id=notification.pk) for _ in range(3)]
        services.sweep_pending()

        assert results == [services.SKIPPED] * 3
        assert len(mailoutbox) == 1

    def test_a_stale_claim_is_released_by_the_sweep_and_sent_once(
        self, buyer, mailoutbox
    ):
        notification = pending_row(buyer)
        # A worker claimed the row, then died before recording the result.
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENDING,
            attempts=1,
            claimed_until=timezone.now() - timedelta(seconds=1),
        )

        services.sweep_pending()
        services.sweep_pending()

        assert len(mailoutbox) == 1
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENT
        assert notification.attempts == 2

    def test_a_live_claim_is_left_to_its_sender(self, buyer, mailoutbox):
        notification = pending_row(buyer)
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENDING,
            attempts=1,
            claimed_until=timezone.now() + timedelta(seconds=services.CLAIM_SECONDS),
        )

        swept = services.sweep_pending()

        assert swept == 0
        assert mailoutbox == []
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENDING

    def test_a_stale_claim_after_the_retry_period_fails(self, buyer, mailoutbox):
        notification = pending_row(buyer)
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENDING,
            attempts=50,
            first_attempt_at=timezone.now() - services.retry_period(),
            claimed_until=timezone.now() - timedelta(seconds=1),
        )

        services.sweep_pending()

        notification.refresh_from_db()
        assert notification.status == NotificationStatus.FAILED
        assert "Claim expired" in notification.last_error
        assert mailoutbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_senders_send_a_notification_exactly_once(buyer, mailoutbox):
    notification = pending_row(buyer)
    start = threading.Barrier(8)
    results = []

    def sender():
        try:
            start.wait()
            results.append(services.send(notification_id=notification.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Counter(results) == {NotificationStatus.SENT: 1, services.SKIPPED: 7}
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1
