"""Checkout time and queries for carts from 1, 5 and 10 artists, and the
notification task against a no-op task on a real Celery worker (for the
record: both targets were retired in issue 13)."""

import secrets
import time

from bench.common import CHECKOUT_REPEATS, CORES, EMAIL_RUNS, EMAILS, median
from bench.procs import Services, log


def measure_checkout(data) -> list[dict]:
    """The real checkout service for carts of 1, 5 and 10 artists (2 lines
    each). The sizes take turns (1, 5, 10, 1, 5, 10, ...) so that a change
    in the machine's load during the run weighs on each size alike. The
    timed checkouts run as in production, without recording their SQL
    (Django's query log quotes every parameter again in Python, the larger
    INSERTs of a larger cart included); the queries are counted on one more
    checkout of each size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.seed import ADDRESS, PAYMENT, fill_cart, make_users, seed_password
    from orders.services import checkout

    sizes = (1, 5, 10)
    artists = data.artists[20:30]

    def one(size, count_queries=False):
        (buyer,) = make_users(f"checkout{size}-", 1, seed_password())
        cart = fill_cart(buyer, artists[:size], 2)
        if count_queries:
            with CaptureQueriesContext(connection) as captured:
                checkout(
                    cart=cart, buyer=buyer, shipping_address=ADDRESS, payment=PAYMENT
                )
            return len(captured.captured_queries)
        started = time.perf_counter()
        checkout(cart=cart, buyer=buyer, shipping_address=ADDRESS, payment=PAYMENT)
        return (time.perf_counter() - started) * 1000

    fill_cart(make_users("warmup-", 1, seed_password())[0], artists[:1], 2)
    queries = {size: one(size, count_queries=True) for size in sizes}
    times = {size: [] for size in sizes}
    for _ in range(CHECKOUT_REPEATS):
        for size in sizes:
            times[size].append(one(size))
    return [
        {"artists": size, "ms": median(times[size]), "queries": queries[size]}
        for size in sizes
    ]


def measure_emails(services: Services, worker_env: dict, broker_url: str) -> dict:
    import redis

    from bench.tasks import noop
    from marketplace.celery import app
    from marketplace.notifications.models import Notification, NotificationStatus
    from marketplace.notifications.tasks import send_notification

    app.control.purge()
    samples = list(Notification.objects.order_by("id")[:50])
    if not samples:
        return {}
    services.start_worker(worker_env, CORES, broker_url)
    counter = redis.Redis.from_url(broker_url)

    def wait(done, total, timeout=300):
        deadline = time.monotonic() + timeout
        while done() < total:
            if time.monotonic() > deadline:
                raise RuntimeError("the worker did not finish in time")
            time.sleep(0.05)

    def run_noop(run):
        key = f"bench:noop:{run}:{secrets.token_hex(4)}"
        started = time.perf_counter()
        for _ in range(EMAILS):
            noop.apply_async(kwargs={"key": key})
        wait(lambda: int(counter.get(key) or 0), EMAILS)
        return EMAILS / (time.perf_counter() - started)

    def run_email(run):
        rows = Notification.objects.bulk_create(
            Notification(
                recipient_id=sample.recipient_id,
                to_email=sample.to_email,
                event=sample.event,
                language=sample.language,
                context=sample.context,
            )
            for sample in (samples[i % len(samples)] for i in range(EMAILS))
        )
        ids = [row.pk for row in rows]
        started = time.perf_counter()
        for pk in ids:
            send_notification.apply_async(kwargs={"notification_id": pk})
        sent = Notification.objects.filter(
            pk__gte=min(ids), pk__lte=max(ids), status=NotificationStatus.SENT
        )
        wait(sent.count, EMAILS)
        return EMAILS / (time.perf_counter() - started)

    run_noop("warmup")
    noops, emails = [], []
    for run in range(EMAIL_RUNS):
        noops.append(run_noop(run))
        emails.append(run_email(run))
        log(
            f"emails run {run + 1}/{EMAIL_RUNS}: no-op {noops[-1]:.0f}/s, email {emails[-1]:.0f}/s"
        )
    services.stop_process("worker")
    # The figure is the median of each run's ratio (its email rate to the
    # no-op rate measured just before it): the shared machine's load drifts
    # over a minute by more than the gap to the target, and a pair measured
    # back to back sees the same load.
    ratios = [email / noop for noop, email in zip(noops, emails, strict=True) if noop]
    return {
        "n": EMAILS,
        "runs": EMAIL_RUNS,
        "noop": median(noops),
        "email": median(emails),
        "pairs": list(zip(noops, emails, strict=True)),
        "events": sorted({s.event for s in samples}),
        "ratio": median(ratios) if ratios else None,
    }
