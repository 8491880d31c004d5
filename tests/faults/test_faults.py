"""Faults with real processes: Redis stopped while orders are placed and
moved, a Celery worker killed in the middle of sending an email, an email
provider failing for a while, a payment provider failing refunds. Each test
runs its own Redis on a spare port and its own workers (the shared Redis
of CI is never touched). Marked worker and postgres: the workers share the
test database, and .ci/run provides both."""

import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.errors import DomainError
from marketplace.notifications import services as outbox
from marketplace.notifications.models import Notification, NotificationStatus
from orders.models import ArtistOrder, Refund, RefundReason, RefundStatus
from orders.services import refund_create

from .conftest import publishing_to
from .helpers import (
    Shop,
    all_sent,
    assert_each_email_sent_once,
    outage_seconds,
    outbox_by_status,
    wait_until,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_email_grouping"),
]


def sweep_until_all_sent(*, timeout: float, details) -> int:
    """What beat does every minute, sooner: sweep (at most 500 rows each
    time), let the worker drain the queue, sweep again while rows are
    pending. Returns how many sweeps it took."""
    deadline = time.monotonic() + timeout
    sweeps = 0
    while not all_sent():
        outbox.sweep_pending()
        sweeps += 1
        left = outbox_by_status()[NotificationStatus.PENDING]
        while time.monotonic() < deadline:  # until the worker stops making progress
            time.sleep(0.5)
            now_left = outbox_by_status()[NotificationStatus.PENDING]
            if now_left == 0 or now_left == left:
                break
            left = now_left
        if time.monotonic() > deadline:
            raise AssertionError(
                f"emails still pending after {timeout} s: {outbox_by_status()}\n{details()}"
            )
    return sweeps


def test_with_redis_stopped_every_request_succeeds_and_every_email_leaves_once_after(
    private_redis, workers
):
    worker = workers.start(broker_url=private_redis.url)
    shop = Shop()
    with publishing_to(private_redis.url):
        # Before the outage: the worker sends as usual.
        before = shop.place_order()
        shop.move(before, step=0)
        wait_until(
            all_sent,
            timeout=30,
            what="the emails before the outage",
            details=workers.logs,
        )
        emails_before = Notification.objects.count()

        private_redis.stop()
        outage = outage_seconds()
        started = time.monotonic()
        placed = requests = 0
        slowest = 0.0
        while time.monotonic() - started < outage or placed < 4:
            request_started = time.monotonic()
            artist_order_id = shop.place_order()
            shop.move(artist_order_id, step=placed)
            slowest = max(slowest, (time.monotonic() - request_started))
            placed += 1
            requests += 6 if placed % 4 else 4
        down_for = time.monotonic() - started
        pending = outbox_by_status()[NotificationStatus.PENDING]
        assert pending == Notification.objects.count() - emails_before > 0
        assert worker.process.poll() is None  # the worker waits for Redis

        private_redis.start()  # empty: what was queued before is gone
        sweeps = sweep_until_all_sent(timeout=60 + pending, details=workers.logs)
        time.sleep(1)  # a duplicate would show up now

    sent = assert_each_email_sent_once(workers)
    # Refusals during the outage recorded their refunds; the retry job pays them.
    from orders.services import retry_pending_refunds_due

    retry_pending_refunds_due()
    assert set(Refund.objects.values_list("status", flat=True)) <= {
        RefundStatus.SUCCEEDED
    }
    print(
        f"[faults] Redis down {down_for:.1f} s: {placed} orders placed and moved through "
        f"{requests} API requests, all answered (slowest order cycle {slowest:.2f} s); "
        f"{pending} emails waited, {sent} emails sent once each after {sweeps} sweep(s)"
    )


def test_a_worker_killed_while_sending_an_email_is_replaced_and_the_email_leaves_once(
    private_redis, workers, fault_dir
):
    # A claim held 2 s (300 s in production) so that the sweep can take over soon.
    first = workers.start(broker_url=private_redis.url, FAULT_CLAIM_SECONDS=2)
    shop = Shop()
    with publishing_to(private_redis.url):
        artist_order_id = shop.place_order()
        wait_until(
            all_sent, timeout=30, what="the checkout emails", details=workers.logs
        )
        (fault_dir / "block").touch()  # the email provider hangs

        shop.act(shop.as_artist, artist_order_id, "accept")

        accepted = Notification.objects.get(event="order_accepted")
        wait_until(
            (fault_dir / "blocked").exists,
            timeout=30,
            what="the worker to start sending",
            details=workers.logs,
        )
        accepted.refresh_from_db()
        assert accepted.status == NotificationStatus.SENDING
        workers.kill(first)
        (fault_dir / "block").unlink()
        sent_before = len(workers.emails_to(shop.buyer.email))

        workers.start(broker_url=private_redis.url, FAULT_CLAIM_SECONDS=2)
        # The claim of the dead worker runs out, the sweep gives the row to the new one.
        wait_until(
            lambda: (
                timezone.now() > Notification.objects.get(pk=accepted.pk).claimed_until
            ),
            timeout=10,
            what="the dead worker's claim to expire",
        )
        outbox.sweep_pending()
        outbox.sweep_pending()  # twice, as two beats would: still one email
        wait_until(
            all_sent, timeout=30, what="the email after the kill", details=workers.logs
        )
        time.sleep(1)

    accepted.refresh_from_db()
    assert accepted.attempts == 2  # the killed one and the one that sent it
    emails = workers.emails_to(shop.buyer.email)
    assert len(emails) == sent_before + 1
    assert_each_email_sent_once(workers)


def test_an_email_provider_failing_for_a_while_is_retried_with_back_off_and_nothing_is_lost(
    private_redis, workers, fault_dir
):
    failures = 6
    (fault_dir / "fail_next").write_text(str(failures))
    # Back-off from 0.5 s, doubling (30 s, 60 s... in production).
    workers.start(broker_url=private_redis.url, FAULT_BACKOFF_SECONDS=0.5)
    shop = Shop()
    with publishing_to(private_redis.url):
        artist_order_id = shop.place_order()  # order confirmation and new order
        shop.move(artist_order_id, step=0)  # accepted, shipped, delivered

        wait_until(
            all_sent,
            timeout=90,
            what="every email despite the failing provider",
            details=workers.logs,
        )
        time.sleep(1)

    assert (fault_dir / "fail_next").read_text() == "0"
    sent = assert_each_email_sent_once(workers)
    attempts = Notification.objects.values_list("attempts", flat=True)
    assert sum(attempts) == sent + failures
    # Each email's attempts are spaced by its back-off: 0.5 s after the
    # first failure, 1 s after the second, 2 s after the third...
    log = [
        line.split("\t")
        for line in (fault_dir / "attempts.log").read_text().splitlines()
    ]
    tries: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for at, outcome, address, subject in log:
        tries.setdefault((address, subject), []).append((float(at), outcome))
    gaps = []
    for attempts_of_one_email in tries.values():
        assert [outcome for _at, outcome in attempts_of_one_email][-1] == "sent"
        assert [outcome for _at, outcome in attempts_of_one_email].count("sent") == 1
        for failures_so_far, ((at, _outcome), (next_at, _next)) in enumerate(
            zip(attempts_of_one_email, attempts_of_one_email[1:], strict=False), start=1
        ):
            gap = next_at - at
            assert gap >= 0.5 * 2 ** (failures_so_far - 1) - 0.05, attempts_of_one_email
            gaps.append(round(gap, 1))
    assert Counter(outcome for _at, outcome, _address, _subject in log) == {
        "failed": failures,
        "sent": sent,
    }
    notification = Notification.objects.order_by("-attempts").first()
    assert notification.attempts >= 2 and notification.last_error == ""
    print(
        f"[faults] email provider down for {failures} attempts: {sent} emails sent once each, "
        f"{sum(len(t) > 1 for t in tries.values())} of them retried, gaps between attempts {sorted(gaps)} s"
    )


def test_a_payment_provider_failing_a_refund_leaves_it_pending_and_retried_under_the_cap(
    private_redis, workers, fault_dir
):
    (fault_dir / "refund_outage").touch()
    workers.start(broker_url=private_redis.url, FAULT_BACKOFF_SECONDS=1)
    shop = Shop()
    staff = type(shop.buyer).objects.create_user(
        username="support", email="support@example.com", password="x", is_staff=True
    )
    with publishing_to(private_redis.url):
        artist_order_id = shop.place_order()

        shop.act(shop.as_artist, artist_order_id, "refuse", {"reason": "Out of clay."})

        refund = Refund.objects.get(artist_order_id=artist_order_id)
        wait_until(
            lambda: Refund.objects.get(pk=refund.pk).attempts >= 2,
            timeout=30,
            what="the worker to try the refund twice",
            details=workers.logs,
        )
        refund.refresh_from_db()
        assert refund.status == RefundStatus.PENDING
        assert "unreachable" in refund.last_error
        # Pending, it still counts: nothing more can be refunded meanwhile.
        artist_order = ArtistOrder.objects.get(pk=artist_order_id)
        assert artist_order.refunded == artist_order.paid == Decimal("50.00")
        with pytest.raises(DomainError):
            refund_create(
                artist_order=artist_order,
                amount="0.01",
                reason=RefundReason.STAFF,
                idempotency_key="staff:extra",
                by=staff,
            )

        (fault_dir / "refund_outage").unlink()  # the provider is back
        wait_until(
            lambda: Refund.objects.get(pk=refund.pk).status == RefundStatus.SUCCEEDED,
            timeout=30,
            what="the refund to be paid once the provider is back",
            details=workers.logs,
        )
        # The retry job running after it pays nothing more.
        from orders.services import retry_pending_refunds_due

        assert retry_pending_refunds_due(now=timezone.now() + timedelta(hours=2)) == 0

    refund.refresh_from_db()
    ledger = (fault_dir / "refunds_paid.log").read_text().splitlines()
    assert [line.split()[1:] for line in ledger] == [[refund.idempotency_key, "50.00"]]
    assert Refund.objects.filter(artist_order_id=artist_order_id).count() == 1
    print(
        f"[faults] refund provider down: refund pending through {refund.attempts - 1} failed attempts, then paid once"
    )
