"""An email provider down for a long while loses nothing: a failing email is
retried with back-off (30 s doubling, at most an hour apart) for 48 hours
from its first attempt, then it fails and waits for staff, who can send it
again. Time is moved by giving ``now`` to the schedule and by dating the
row's first attempt in the past."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.notifications import services
from marketplace.notifications.models import Notification, NotificationStatus


def failing_row(recipient, *, first_attempt_ago, attempts=10, status="sending"):
    """A row whose first attempt was ``first_attempt_ago`` ago, claimed now."""
    now = timezone.now()
    return Notification.objects.create(
        recipient=recipient,
        to_email=recipient.email,
        event="test_note",
        language=recipient.language,
        context={"number": 4},
        status=status,
        attempts=attempts,
        first_attempt_at=now - first_attempt_ago,
        claimed_until=now + timedelta(minutes=5),
    )


def make_due(notification):
    Notification.objects.filter(pk=notification.pk).update(
        available_at=timezone.now() - timedelta(seconds=1)
    )


class TestSchedule:
    def test_attempts_back_off_to_one_hour_apart_and_stop_after_48_hours(self):
        first = timezone.now()
        now, attempts, gaps = first, 1, []
        while (
            retry_at := services.next_attempt_at(
                attempts=attempts, first_attempt_at=first, now=now
            )
        ) is not None:
            gaps.append((retry_at - now).total_seconds())
            now, attempts = retry_at, attempts + 1

        assert gaps[:7] == [30, 60, 120, 240, 480, 960, 1920]
        assert max(gaps) == 3600
        # The last try is made when the 48 hours are over, not skipped.
        assert now == first + timedelta(hours=48)
        assert 50 <= attempts <= 56

    def test_an_hour_long_outage_is_far_inside_the_retry_period(self):
        first = timezone.now()
        # The 9th attempt, 63.5 minutes in, used to be the last.
        after_an_hour = first + timedelta(seconds=30 * (2**7 - 1))

        retry_at = services.next_attempt_at(
            attempts=8, first_attempt_at=first, now=after_an_hour
        )

        assert retry_at == after_an_hour + timedelta(hours=1)

    def test_the_period_is_a_setting(self, settings):
        settings.NOTIFICATION_RETRY_HOURS = 0.5
        first = timezone.now()

        assert services.retry_period() == timedelta(minutes=30)
        assert services.next_attempt_at(
            attempts=7, first_attempt_at=first, now=first + timedelta(minutes=29)
        ) == first + timedelta(minutes=30)
        assert (
            services.next_attempt_at(
                attempts=8, first_attempt_at=first, now=first + timedelta(minutes=30)
            )
            is None
        )


@pytest.mark.django_db
class TestAProviderDownForAnHour:
    def test_twelve_failed_attempts_leave_the_email_pending_then_it_leaves_once(
        self,
        buyer,
        mailoutbox,
        failing_email_provider,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            notification = services.notify(
                recipient=buyer, event="test_note", context={"number": 3}
            )
        for _attempt in range(11):
            make_due(notification)
            services.sweep_pending()

        notification.refresh_from_db()
        assert notification.status == NotificationStatus.PENDING
        assert notification.attempts == 12
        assert notification.first_attempt_at is not None

        failing_email_provider.EMAIL_BACKEND = (
            "django.core.mail.backends.locmem.EmailBackend"
        )
        make_due(notification)
        services.sweep_pending()
        services.sweep_pending()

        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENT
        assert [m.subject for m in mailoutbox] == ["[en] January note 3"]

    def test_a_failure_just_before_the_48_hours_tries_once_more_at_the_end(
        self, buyer, failing_email_provider
    ):
        notification = failing_row(
            buyer, first_attempt_ago=timedelta(hours=47, minutes=50), status="pending"
        )
        Notification.objects.filter(pk=notification.pk).update(claimed_until=None)

        assert services.send(notification_id=notification.pk) == "pending"

        notification.refresh_from_db()
        assert notification.available_at == notification.first_attempt_at + timedelta(
            hours=48
        )

    def test_a_failure_after_48_hours_fails_the_email(
        self, buyer, failing_email_provider
    ):
        notification = failing_row(
            buyer, first_attempt_ago=timedelta(hours=48, seconds=1), status="pending"
        )
        Notification.objects.filter(pk=notification.pk).update(claimed_until=None)

        assert services.send(notification_id=notification.pk) == "failed"

        notification.refresh_from_db()
        assert notification.status == NotificationStatus.FAILED
        assert notification.attempts == 11
        assert "provider unavailable" in notification.last_error

    def test_the_first_attempt_is_remembered_across_attempts(
        self, buyer, failing_email_provider, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            notification = services.notify(
                recipient=buyer, event="test_note", context={"number": 3}
            )
        notification.refresh_from_db()
        first = notification.first_attempt_at

        make_due(notification)
        services.sweep_pending()

        notification.refresh_from_db()
        assert notification.attempts == 2
        assert notification.first_attempt_at == first


@pytest.mark.django_db
class TestStaffRetry:
    def test_retry_gives_a_failed_email_a_fresh_period_and_sends_it(
        self, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        notification = failing_row(
            buyer, first_attempt_ago=timedelta(days=2, hours=1), attempts=54
        )
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.FAILED, claimed_until=None
        )

        with django_capture_on_commit_callbacks(execute=True):
            assert services.retry(notification_ids=[notification.pk]) == 1

        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENT
        assert notification.attempts == 1
        assert timezone.now() - notification.first_attempt_at < timedelta(minutes=1)
        assert [m.subject for m in mailoutbox] == ["[en] January note 4"]

    def test_retry_while_the_provider_is_still_down_retries_for_two_more_days(
        self, buyer, failing_email_provider, django_capture_on_commit_callbacks
    ):
        notification = failing_row(
            buyer, first_attempt_ago=timedelta(days=3), attempts=54
        )
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.FAILED,
            claimed_until=None,
            handled_at=timezone.now(),
        )

        with django_capture_on_commit_callbacks(execute=True):
            services.retry(notification_ids=[notification.pk])

        notification.refresh_from_db()
        assert notification.status == NotificationStatus.PENDING
        assert notification.attempts == 1
        assert notification.handled_at is None

    def test_mark_handled_only_takes_failed_emails(self, buyer):
        failed = failing_row(buyer, first_attempt_ago=timedelta(days=3))
        pending = failing_row(buyer, first_attempt_ago=timedelta(hours=1))
        Notification.objects.filter(pk=failed.pk).update(
            status=NotificationStatus.FAILED
        )

        marked = services.mark_handled(notification_ids=[failed.pk, pending.pk])

        assert marked == 1
        failed.refresh_from_db()
        pending.refresh_from_db()
        assert failed.handled_at is not None and pending.handled_at is None
        assert services.mark_handled(notification_ids=[failed.pk]) == 0
