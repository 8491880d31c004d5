"""The rehearsal's figures and verdict, from the locust users' request log
(one JSON line per request or stale read) and the driver's events."""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict

# A 5xx the locust user saw, or a request that failed without an answer.
SERVER_ERROR = 500
MESSAGE_ID = re.compile(r"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


def compare_emails(recorded: dict[int, str], files: list[str]) -> dict:
    """Outbox rows (id → Message-ID) against the emails written (the text
    of the file-based backend's files, several emails each): the rows
    written nowhere are lost, those written more than once duplicated."""
    written = Counter()
    for text in files:
        written.update(MESSAGE_ID.findall(text))
    return {
        "written": sum(written.values()),
        "lost": sorted(pk for pk, mid in recorded.items() if written[mid] == 0),
        "duplicated": sorted(pk for pk, mid in recorded.items() if written[mid] > 1),
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def analyse(lines: list[str], events: dict) -> dict:
    """Requests per name (p50, p95 of those answered), failures split
    into those during the outage (degraded) and the others (errors), 5xx
    after the recovery, and the stale reads."""
    outage = (events.get("redis_stopped"), events.get("recovered"))
    times = defaultdict(list)
    counts = defaultdict(int)
    errors, degraded, after_recovery, stale = [], [], [], []
    checkouts = 0
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if "stale" in record:
            stale.append(record)
            continue
        name, at = record["name"], record["t"]
        counts[name] += 1
        during = outage[0] is not None and outage[0] <= at <= (outage[1] or at)
        if record["failed"]:
            (degraded if during else errors).append(record)
        elif name == "api: checkout":
            checkouts += 1
        if not record["failed"]:
            times[name].append(record["ms"])
        if (
            outage[1] is not None
            and at > outage[1]
            and (record["status"] >= SERVER_ERROR or record["status"] == 0)
        ):
            after_recovery.append(record)
    rows = [
        {
            "name": name,
            "count": counts[name],
            "p50": percentile(times[name], 0.5) if times[name] else None,
            "p95": percentile(times[name], 0.95) if times[name] else None,
        }
        for name in sorted(counts)
    ]
    return {
        "rows": rows,
        "requests": sum(counts.values()),
        "errors": errors,
        "degraded": degraded,
        "after_recovery": after_recovery,
        "stale": stale,
        "checkouts": checkouts,
    }


def _ms(value) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _examples(records: list[dict], limit: int = 5) -> list[str]:
    return [
        f"- `{r.get('name', r.get('stale'))}`: {r.get('status', '')} "
        f"{(r.get('error') or r.get('detail') or '')[:160]}"
        for r in records[:limit]
    ]


def render(result: dict, summary: dict) -> tuple[str, list[str]]:
    """The markdown report and the list of failed criteria (empty: passed)."""
    emails = summary["emails"]
    events = summary["events"]
    failures = []
    if result["errors"]:
        failures.append(f"{len(result['errors'])} failed requests outside the outage")
    if result["after_recovery"]:
        failures.append(
            f"{len(result['after_recovery'])} server errors after the recovery"
        )
    if result["stale"]:
        failures.append(f"{len(result['stale'])} stale reads")
    if emails["lost"]:
        failures.append(f"{len(emails['lost'])} emails lost")
    if emails["duplicated"]:
        failures.append(f"{len(emails['duplicated'])} emails sent twice")
    if not result["checkouts"]:
        failures.append("no journey reached checkout")

    def at(name):
        if name not in events:
            return "n/a"
        return f"{events[name] - events['load_start']:.0f} s"

    chaos = (
        [
            f"- worker1 killed (SIGKILL, with its pool) at {at('worker_killed')}, "
            f"started again at {at('worker_restarted')};",
            f"- Redis stopped at {at('redis_stopped')} for "
            f"{summary['redis_stop']:.0f} s, started again (empty) at "
            f"{at('redis_started')}; both nodes' `/health/` showed database, cache, "
            "broker and storage answering again at "
            f"{at('recovered')}.",
        ]
        if summary["chaos"]
        else ["- none (`REHEARSAL_CHAOS=0`)."]
    )
    verdict = "passed" if not failures else "FAILED: " + "; ".join(failures)
    lines = [
        "# Rehearsal: two web nodes, two workers, beat, under load",
        "",
        f"{summary['date']} · commit {summary['commit']} · {summary['seconds']:.0f} s "
        f"of load · {summary['users']} buyers and 1 staff member (locust) · "
        f"2 web nodes × {summary['web_workers']} gunicorn workers · 2 Celery "
        f"workers × 2 · beat · cache {summary['cache']} · {summary['elapsed']:.0f} s "
        f"in all · load average {summary['load'][0]} before, {summary['load'][1]} "
        f"after ({os.cpu_count()} cores; the response times move with it). "
        "Produced by `make rehearsal` (`bench/rehearsal/`; "
        "docs/operations.md explains it).",
        "",
        f"**Verdict: {verdict}.**",
        "",
        "## Chaos",
        "",
        *chaos,
        "",
        "## Checks",
        "",
        "| check | result | must be |",
        "|---|---:|---:|",
        f"| requests | {result['requests']:,} | |",
        f"| journeys checked out | {result['checkouts']:,} | > 0 |",
        f"| failed requests outside the Redis outage | {len(result['errors'])} | 0 |",
        f"| failed requests during the outage (degraded, counted apart) | "
        f"{len(result['degraded'])} | |",
        f"| 5xx after the services were back | {len(result['after_recovery'])} | 0 |",
        f"| stale reads | {len(result['stale'])} | 0 |",
        f"| emails recorded in the outbox | {emails['recorded']:,} | |",
        f"| emails written by the workers | {emails['written']:,} | |",
        f"| emails lost | {len(emails['lost'])} | 0 |",
        f"| emails sent twice | {len(emails['duplicated'])} | 0 |",
        f"| outbox drained after the load in | {emails['drain_seconds']:.0f} s | |",
        "",
        "Outbox rows by status at the end: "
        + ", ".join(f"{k} {v}" for k, v in sorted(emails["statuses"].items()))
        + "; by event: "
        + ", ".join(f"{k} {v}" for k, v in sorted(emails["events"].items()))
        + ".",
        "",
        "## Response times (every answered request)",
        "",
        "| page or endpoint | requests | p50 ms | p95 ms |",
        "|---|---:|---:|---:|",
        *[
            f"| {row['name']} | {row['count']:,} | {_ms(row['p50'])} | {_ms(row['p95'])} |"
            for row in result["rows"]
        ],
    ]
    for title, records in (
        ("Failed requests outside the outage", result["errors"]),
        ("Requests during the outage that failed", result["degraded"]),
        ("5xx after the recovery", result["after_recovery"]),
        ("Stale reads", result["stale"]),
    ):
        if records:
            lines += ["", f"## {title} (first 5)", "", *_examples(records)]
    logged = summary["server_errors"]
    if logged["by_logger"]:
        lines += [
            "",
            "`ERROR` lines of the shared `LOG_FILE`, by logger: "
            + ", ".join(f"`{k}` {v}" for k, v in sorted(logged["by_logger"].items()))
            + ".",
        ]
    if logged["requests"]:
        lines += ["", "## Server errors logged (first 20)", "", "```"]
        lines += [*logged["requests"], "```"]
    return "\n".join(lines) + "\n", failures
