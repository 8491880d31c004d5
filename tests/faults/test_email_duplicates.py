"""Emails around a crash and a long provider outage, with real workers (see
test_faults.py for the set-up):

- a worker killed with SIGKILL right after the email provider took an email
  and before the row is recorded as sent: delivery is at least once, so the
  email goes out again once the claim expires, and the resend is the same
  message (the same ``Message-ID``): one logical email in the outbox;
- a provider that refuses everything for longer than the retry period (a
  few seconds here, 48 hours in production): the email is retried with
  back-off until then, fails, shows in the staff's escalation queue, and
  staff's retry sends it once the provider is back.
"""

import re
import time

import pytest
from django.utils import timezone

from marketplace.notifications import services as outbox
from marketplace.notifications.models import Notification, NotificationStatus
from staff.escalations import escalation_queue

from .conftest import publishing_to
from .helpers import Shop, all_sent, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_email_grouping"),
]


def message_ids(emails: list[str]) -> list[str]:
    return [
        re.search(r"^Message-ID: (.+)$", email, re.MULTILINE).group(1).strip()
        for email in emails
    ]


def test_a_worker_killed_after_the_provider_took_the_email_resends_the_same_message(
    private_redis, workers, fault_dir
):
    first = workers.start(broker_url=private_redis.url, FAULT_CLAIM_SECONDS=2)
    shop = Shop()
    with publishing_to(private_redis.url):
        artist_order_id = shop.place_order()
        wait_until(
            all_sent, timeout=30, what="the checkout emails", details=workers.logs
        )
        before = len(workers.emails_to(shop.buyer.email))
        (fault_dir / "hang_after_send").touch()

        shop.act(shop.as_artist, artist_order_id, "accept")

        accepted = Notification.objects.get(event="order_accepted")
        wait_until(
            (fault_dir / "handed_off").exists,
            timeout=30,
            what="the provider to take the email",
            details=workers.logs,
        )
        workers.kill(first)  # before "sent" is recorded
        (fault_dir / "hang_after_send").unlink()
        accepted.refresh_from_db()
        assert accepted.status == NotificationStatus.SENDING
        assert len(workers.emails_to(shop.buyer.email)) == before + 1

        workers.start(broker_url=private_redis.url, FAULT_CLAIM_SECONDS=2)
        wait_until(
            lambda: (
                timezone.now() > Notification.objects.get(pk=accepted.pk).claimed_until
            ),
            timeout=10,
            what="the dead worker's claim to expire",
        )
        outbox.sweep_pending()
        wait_until(all_sent, timeout=30, what="the resend", details=workers.logs)
        time.sleep(1)

    accepted.refresh_from_db()
    assert accepted.attempts == 2
    emails = workers.emails_to(shop.buyer.email)[before:]
    # At least once: the email left twice, as one message with one Message-ID,
    # which mail clients and providers show once.
    assert len(emails) == 2
    assert message_ids(emails) == [accepted.message_id] * 2
    every_id = message_ids(workers.emails_to(shop.buyer.email))
    assert (
        len(set(every_id))
        == Notification.objects.filter(to_email=shop.buyer.email).count()
    )
    print(
        f"[faults] worker killed after the hand-off: the email left twice as one "
        f"message ({accepted.message_id}), after {accepted.attempts} attempts"
    )


def test_a_provider_down_for_the_whole_retry_period_leaves_the_email_to_staff(
    private_redis, workers, fault_dir, settings
):
    (fault_dir / "fail_next").write_text("1000")
    # Back-off 0.2 s doubling and a retry period of 4 s (30 s capped at 1 h,
    # and 48 h, in production).
    workers.start(
        broker_url=private_redis.url,
        FAULT_BACKOFF_SECONDS=0.2,
        FAULT_RETRY_HOURS=4 / 3600,
    )
    settings.NOTIFICATION_RETRY_HOURS = 4 / 3600
    shop = Shop()
    with publishing_to(private_redis.url):
        shop.place_order()
        wait_until(
            lambda: (
                Notification.objects.exists()
                and not Notification.objects.exclude(
                    status=NotificationStatus.FAILED
                ).exists()
            ),
            timeout=30,
            what="every email to fail after the retry period",
            details=workers.logs,
        )
        failed = list(Notification.objects.order_by("id"))
        for notification in failed:
            spent = notification.available_at - notification.first_attempt_at
            assert spent.total_seconds() >= 4, notification
            assert notification.attempts >= 3
        rows = escalation_queue(kind="emails")
        assert sorted(row.title for row in rows) == sorted(
            f"Email “{n.event}” to {n.to_email}" for n in failed
        )

        (fault_dir / "fail_next").write_text("0")  # the provider is back
        outbox.retry(notification_ids=[n.pk for n in failed])
        wait_until(
            all_sent, timeout=30, what="the retried emails", details=workers.logs
        )
        time.sleep(1)

    assert escalation_queue(kind="emails") == []
    for notification in failed:
        assert len(workers.emails_to(notification.to_email)) == 1
    print(
        f"[faults] email provider down past the retry period: {len(failed)} emails "
        f"failed after {[n.attempts for n in failed]} attempts, shown to staff, "
        f"sent once each after staff's retry"
    )
