"""The rehearsal's verdict (bench/rehearsal/report.py): what counts as an
error, a degraded request, a 500 after the recovery, a stale read, a lost or
a duplicated email, and that any of them fails the run. The run itself
(`make rehearsal`) is what .ci/run proves."""

import json

from bench.rehearsal.report import analyse, compare_emails, render

EVENTS = {
    "load_start": 1000.0,
    "worker_killed": 1010.0,
    "worker_restarted": 1015.0,
    "redis_stopped": 1020.0,
    "redis_started": 1050.0,
    "recovered": 1052.0,
    "load_end": 1100.0,
}


def request(at, name="page: home", status=200, ms=50.0, failed=False):
    return json.dumps(
        {
            "t": at,
            "name": name,
            "ms": ms,
            "status": status,
            "failed": failed,
            "error": "boom" if failed else "",
        }
    )


def summary(**emails):
    return {
        "date": "2026-12-08 00:00 UTC",
        "commit": "abc1234",
        "seconds": 100,
        "users": 4,
        "web_workers": 2,
        "redis_stop": 30,
        "chaos": True,
        "elapsed": 160,
        "cache": "RedisCache",
        "events": EVENTS,
        "server_errors": {"by_logger": {"celery.beat": 2}, "requests": []},
        "locust_exit": 0,
        "load": ("0.5", "1.5"),
        "emails": {
            "recorded": 3,
            "statuses": {"sent": 3},
            "written": 3,
            "lost": [],
            "duplicated": [],
            "drain_seconds": 4,
            "events": {"new_order": 3},
            **emails,
        },
    }


def test_a_clean_run_passes_with_its_percentiles():
    lines = [request(1001 + i, ms=float(i)) for i in range(1, 21)]
    lines.append(request(1002, name="api: checkout", status=201, ms=300.0))

    result = analyse(lines, EVENTS)
    text, failures = render(result, summary())

    assert failures == []
    assert "**Verdict: passed.**" in text
    home = next(row for row in result["rows"] if row["name"] == "page: home")
    assert (home["count"], home["p50"], home["p95"]) == (20, 11.0, 19.0)
    assert "| page: home | 20 | 11 | 19 |" in text
    assert "by logger: `celery.beat` 2." in text
    assert result["checkouts"] == 1


def test_failures_during_the_outage_are_counted_apart_and_errors_elsewhere_fail():
    lines = [
        request(1001, name="api: checkout", status=201),
        request(1030, status=503, failed=True),  # Redis down: degraded
        request(1005, status=500, failed=True),  # before the outage: an error
    ]

    result = analyse(lines, EVENTS)
    _text, failures = render(result, summary())

    assert len(result["degraded"]) == 1
    assert len(result["errors"]) == 1
    assert failures == ["1 failed requests outside the outage"]


def test_a_500_after_the_recovery_and_a_stale_read_fail_the_run():
    lines = [
        request(1001, name="api: checkout", status=201),
        request(1060, status=500, failed=True),
        json.dumps({"t": 1061, "stale": "cart", "detail": "rehearsal1: 0 < 1"}),
    ]

    result = analyse(lines, EVENTS)
    text, failures = render(result, summary())

    assert len(result["after_recovery"]) == 1
    assert len(result["stale"]) == 1
    assert "1 server errors after the recovery" in failures
    assert "1 stale reads" in failures
    assert "rehearsal1: 0 < 1" in text


def test_a_run_that_never_checks_out_fails():
    _text, failures = render(analyse([request(1001)], EVENTS), summary())

    assert failures == ["no journey reached checkout"]


def email(message_id):
    return f"Subject: Hello\nMessage-ID: {message_id}\n\nBody\n" + "-" * 79 + "\n"


def test_emails_are_matched_to_the_outbox_by_message_id():
    recorded = {1: "<notification-1.5@atelier.test>", 2: "<n-2@a>", 3: "<n-3@a>"}
    files = [
        email("<notification-1.5@atelier.test>") + email("<n-3@a>"),
        email("<n-3@a>") + email("<older-run@a>"),
    ]

    compared = compare_emails(recorded, files)

    assert compared == {"written": 4, "lost": [2], "duplicated": [3]}
    _text, failures = render(
        analyse([request(1001, name="api: checkout", status=201)], EVENTS),
        summary(lost=[2], duplicated=[3]),
    )
    assert failures == ["1 emails lost", "1 emails sent twice"]
