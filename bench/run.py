"""`make bench`: seed PostgreSQL, serve the site with gunicorn in production
settings, and measure side by side in one run:

- requests/s of the pages (wrk, a second process, several runs, medians), each
  as a ratio to a trivial Django view behind the same server and middleware;
- SQL queries of each page at three sizes (in-process, same database);
- checkout time and queries for carts from 1, 5 and 10 artists;
- emails sent per second by the notification task against a no-op task, with
  a real Celery worker and Redis;
- the seller dashboard and order list with 1k and 1M artist orders in the
  database, with the query plans of their slowest queries.

Prints the tables and writes them to bench/results/latest.md.
``BENCH_QUICK=1`` runs a short version (about 3 minutes: 2 s wrk runs, 50,000
bulk artist orders, 300 emails) for development.
Other knobs: ``DATABASE_URL`` (use that database instead of a throw-away
PostgreSQL; it is flushed!), ``BENCH_WORKERS`` (gunicorn workers, default
2 × cores + 1), ``BENCH_DURATION`` (seconds per wrk run), ``BENCH_RUNS``,
``BENCH_EMAIL_RUNS``, ``BENCH_BIG`` (the large artist-order count, default
1,000,000).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procs import Services, apt_install, log  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
CORES = os.cpu_count() or 1
WORKERS = int(os.environ.get("BENCH_WORKERS", 2 * CORES + 1))
DURATION = float(os.environ.get("BENCH_DURATION", 2 if QUICK else 8))
RUNS = int(os.environ.get("BENCH_RUNS", 2 if QUICK else 3))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 2 * WORKERS))
BIG = int(os.environ.get("BENCH_BIG", 50_000 if QUICK else 1_000_000))
SMALL = 1_000
EMAILS = int(os.environ.get("BENCH_EMAILS", 300 if QUICK else 2000))
# The email figure moves most from run to run: more (shorter) runs for its median.
EMAIL_RUNS = int(os.environ.get("BENCH_EMAIL_RUNS", 3 if QUICK else 5))
CHECKOUT_REPEATS = 9 if QUICK else 25
# The logged-in trivial view against the anonymous one.
LOGGED_IN_TARGET = 0.50
RESULTS = ROOT / "bench" / "results" / "latest.md"


# ------------------------------------------------------------------ the pages
@dataclass
class Page:
    """A page measured by the bench. ``locate(data, size)`` gives ``(user,
    url_name, kwargs)``; a URL name that does not exist yet is reported n/a."""

    key: str
    label: str
    sizes: tuple
    wrk_size: object
    locate: object
    target: float | None = None
    size_label: str = "{}"


def _item(data, size):
    return None, "catalog:item", {"pk": data.items[size].pk}


def _cart(data, size):
    return data.cart_buyers[size], "cart:cart", {}


def _order(data, size):
    buyer, order = data.orders[size]
    return buyer, "account:order", {"number": order.number}


def _dashboard_home(data, size):
    return data.dashboard_artists[size].user, "dashboard:home", {}


def _dashboard_orders(data, size):
    return data.dashboard_artists[size].user, "dashboard:orders", {}


def _buyer_orders(data, size):
    buyer, _ = data.orders[size]
    return buyer, "account:orders", {}


# Targets are ratios to the trivial view requested the same way: the
# anonymous one for the item page, the logged-in one for the others.
PAGES = [
    Page("item", "item page", (1, 5, 20), 5, _item, 0.25, "{} variants"),
    Page("cart", "cart (logged in)", (1, 3, 10), 3, _cart, 0.30, "{} artists"),
    Page(
        "order_5x4",
        "buyer order page 5×4",
        ("1x1", "5x4", "10x10"),
        "5x4",
        _order,
        0.30,
        "{} artists×lines",
    ),
    Page(
        "order_10x10",
        "buyer order page 10×10",
        ("1x1", "5x4", "10x10"),
        "10x10",
        _order,
        0.25,
        "{} artists×lines",
    ),
    Page(
        "buyer_orders",
        "buyer order list",
        ("1x1", "5x4", "10x10"),
        "5x4",
        _buyer_orders,
        0.30,
        "an order of {}",
    ),
    Page(
        "dashboard_home",
        "seller dashboard home, 25 rows",
        (1, 10, 25),
        25,
        _dashboard_home,
        0.30,
        "{} rows",
    ),
    Page(
        "dashboard_orders",
        "seller order list, 25 rows",
        (1, 10, 25),
        25,
        _dashboard_orders,
        0.30,
        "{} rows",
    ),
]


# ------------------------------------------------------------------ helpers
def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0, unit=""):
    if value is None:
        return "n/a"
    if value == float("inf"):
        return "∞"
    return f"{value:,.{digits}f}{unit}"


def session_cookie(user) -> str | None:
    if user is None:
        return None
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="accounts.backends.UserBackend")
    return client.cookies["sessionid"].value


def url_for(page: Page, data, size):
    from django.urls import NoReverseMatch, reverse

    try:
        user, name, kwargs = page.locate(data, size)
        return user, reverse(name, kwargs=kwargs)
    except (NoReverseMatch, KeyError, AttributeError):
        return None, None


def count_queries(user, url) -> tuple[int | None, float | None, int]:
    """Queries, their total time (ms) and the status of one GET, in-process
    (after a first GET that warms Django's own caches)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user, backend="accounts.backends.UserBackend")
    client.get(url)  # warm caches (templates, content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    total = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    return len(captured.captured_queries), total, response.status_code


def wrk(url: str, cookie: str | None, duration: float = DURATION) -> float | None:
    command = [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{duration:g}s",
        "--timeout",
        "60s",
        url,
    ]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if not match or bad:
        log(f"wrk failed on {url}: {output.strip()[-300:]}")
        return None
    return float(match.group(1))


def check_status(url: str, cookie: str | None) -> int:
    request = urllib.request.Request(
        url, headers={"Cookie": f"sessionid={cookie}"} if cookie else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local URL
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# ------------------------------------------------------------------ sections
def measure_queries(data) -> list[dict]:
    rows = []
    for page in PAGES:
        if page.key == "order_10x10":
            continue  # same page as order_5x4, sizes shown once
        counts = []
        for size in page.sizes:
            user, url = url_for(page, data, size)
            if url is None:
                counts.append(None)
                continue
            queries, _ms, status = count_queries(user, url)
            counts.append(queries if status == 200 else None)
            if status != 200:
                log(f"{page.label} at {size}: HTTP {status}")
        label = (
            "buyer order page" if page.key == "order_5x4" else page.label.split(",")[0]
        )
        present = [c for c in counts if c is not None]
        rows.append(
            {
                "label": label,
                "sizes": [page.size_label.format(size) for size in page.sizes],
                "counts": counts,
                "flat": (max(present) == min(present))
                if len(present) == len(counts)
                else None,
            }
        )
    return rows


def measure_throughput(base_url: str, data) -> list[dict]:
    targets = [
        ("ping", "baseline: trivial view (anonymous)", None, "/bench/ping/", None)
    ]
    buyer = data.cart_buyers[1]
    targets.append(
        ("ping_user", "baseline: trivial view (logged in)", buyer, "/bench/ping/", None)
    )
    for page in PAGES:
        user, url = url_for(page, data, page.wrk_size)
        targets.append((page.key, page.label, user, url, page.target))
    cookies = {
        key: session_cookie(user) for key, _label, user, url, _t in targets if url
    }
    for key, label, _user, url, _t in targets:
        if url and check_status(base_url + url, cookies[key]) != 200:
            log(f"{label}: {url} does not answer 200, skipped")
            cookies[key] = "skip"
    results = {key: [] for key, *_ in targets}
    for run in range(RUNS):
        for (
            key,
            _label,
            _user,
            url,
            _t,
        ) in targets:  # interleaved: drift hits every page alike
            if url and cookies.get(key) != "skip":
                results[key].append(wrk(base_url + url, cookies[key]))
        log(f"throughput run {run + 1}/{RUNS} done")
    anonymous, logged_in = median(results["ping"]), median(results["ping_user"])
    # The logged-in trivial view against the anonymous one: what a session
    # and a user cost every request before the view runs.
    targets = [
        (key, label, user, url, LOGGED_IN_TARGET if key == "ping_user" else target)
        for key, label, user, url, target in targets
    ]
    rows = []
    for key, label, user, url, target in targets:
        rps = median(results[key]) if url and cookies.get(key) != "skip" else None
        # A page is compared with the trivial view seen by the same kind of
        # visitor: the logged-in one pays the same session and user lookups.
        baseline = logged_in if user is not None and key != "ping_user" else anonymous
        ratio = rps / baseline if rps and baseline else None
        rows.append(
            {
                "key": key,
                "label": label,
                "rps": rps,
                "runs": results[key],
                "ratio": ratio,
                "ratio_anonymous": rps / anonymous if rps and anonymous else None,
                "logged_in": user is not None,
                "target": target,
                "ok": None if target is None or ratio is None else ratio >= target,
            }
        )
    return rows


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


def database_time(user, url) -> float:
    """Milliseconds PostgreSQL itself spends on the page's SELECTs (the sum of
    their EXPLAIN ANALYZE execution times): unlike the time seen from Python,
    it does not depend on how busy the machine's CPUs are."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="accounts.backends.UserBackend")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    total = 0.0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                total += cursor.fetchone()[0][0]["Execution Time"]
    return total


def explain_slowest(user, url, limit=3) -> list[str]:
    """EXPLAIN ANALYZE of the slowest queries of one GET."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="accounts.backends.UserBackend")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:limit]
    plans = []
    with connection.cursor() as cursor:
        for query in slowest:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            plans.append(
                f"-- {float(query['time']) * 1000:.1f} ms\n{sql[:600]}\n{plan}"
            )
    return plans


def measure_volume(base_url: str, data) -> dict:
    from bench.seed import grow_artist_orders

    pages = [
        ("dashboard home", "dashboard:home"),
        ("seller order list", "dashboard:orders"),
    ]
    from django.urls import NoReverseMatch, reverse

    user = data.big_artist.user
    cookie = session_cookie(user)
    result = {"sizes": [SMALL, BIG], "rows": [], "plans": {}}
    measured = {}
    for total in (SMALL, BIG):
        grow_artist_orders(data, total, log=log)
        for label, name in pages:
            try:
                url = reverse(name)
            except NoReverseMatch:
                measured[(label, total)] = None
                continue
            queries, ms, status = count_queries(user, url)
            runs = (
                [wrk(base_url + url, cookie) for _ in range(RUNS)]
                if status == 200
                else []
            )
            measured[(label, total)] = {
                "rps": median(runs),
                "queries": queries,
                "sql_ms": ms,
                "db_ms": database_time(user, url) if status == 200 else None,
                "status": status,
            }
            if total == BIG and status == 200:
                result["plans"][label] = explain_slowest(user, url)
        log(f"volume: measured at {total:,} artist orders")
    for label, _name in pages:
        small, big = measured.get((label, SMALL)), measured.get((label, BIG))
        ratio = None
        if small and big and small["rps"] and big["rps"] is not None:
            ratio = small["rps"] / big["rps"] if big["rps"] else float("inf")
        result["rows"].append(
            {
                "label": label,
                "small": small,
                "big": big,
                "slowdown": ratio,
                "ok": ratio is not None and ratio <= 1.5,
            }
        )
    return result


# ------------------------------------------------------------------ report
def status_mark(ok):
    return "—" if ok is None else ("yes" if ok else "**NO**")


def report(context: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"{context['date']} · commit `{context['commit']}` · {'QUICK' if QUICK else 'full'} run · "
        f"{CORES} cores · PostgreSQL {context['pg_version']} · gunicorn {WORKERS} sync workers · "
        f"wrk -t1 -c{CONNECTIONS} -d{DURATION:g}s × {RUNS} runs (median) · {context['elapsed']:.0f} s in all · "
        f"load average {context['load'][0]:.1f} before, {context['load'][1]:.1f} after",
        "",
        *(
            [
                f"**The machine was busy with other work (load average above {CORES} cores):** absolute",
                "figures are low and noisy; ratios (measured interleaved) and query counts hold better.",
                "",
            ]
            if max(context["load"]) > CORES
            else []
        ),
        "## Requests per second, as a ratio to a trivial view behind the same middleware",
        "",
        "Ratio: to the trivial view requested the same way (anonymous, or with the",
        "same kind of logged-in session, which costs the session and user lookups",
        "in both); the logged-in trivial view itself is compared with the anonymous",
        "one; the last column compares every page with the anonymous trivial view.",
        "",
        "| page | req/s (median) | runs | ratio | target | met | ratio to anonymous view |",
        "|---|---:|---|---:|---:|---|---:|",
    ]
    for row in context["throughput"]:
        runs = ", ".join(fmt(r) for r in row["runs"]) or "n/a"
        target = f"≥ {row['target']:.2f}" if row["target"] else ""
        lines.append(
            f"| {row['label']} | {fmt(row['rps'])} | {runs} | {fmt(row['ratio'], 2)} | {target} | {status_mark(row['ok'])} "
            f"| {fmt(row['ratio_anonymous'], 2)} |"
        )
    lines += [
        "",
        "## SQL queries per page at three sizes (must not grow)",
        "",
        "| page | sizes | queries | flat |",
        "|---|---|---|---|",
    ]
    for row in context["queries"]:
        counts = " / ".join("n/a" if c is None else str(c) for c in row["counts"])
        lines.append(
            f"| {row['label']} | {' / '.join(row['sizes'])} | {counts} | {status_mark(row['flat'])} |"
        )
    lines += [
        "",
        "## Checkout (in-process, the real `orders.services.checkout`, 2 lines per artist)",
        "",
        f"Median of {CHECKOUT_REPEATS} checkouts per size, the sizes taking turns.",
        "",
        "| artists | time (median ms) | queries | vs 1 artist |",
        "|---:|---:|---:|---:|",
    ]
    one = context["checkout"][0]["ms"] if context["checkout"] else None
    for row in context["checkout"]:
        lines.append(
            f"| {row['artists']} | {fmt(row['ms'], 1)} | {fmt(row['queries'])} | {fmt(row['ms'] / one if one else None, 2)}× |"
        )
    if context["checkout"]:
        lines.append("\nNo target (retired in issue 13): shown for the record.")
    emails = context["emails"]
    lines += [
        "",
        "## Emails per second (real Celery worker, prefork × cores, Redis, locmem email backend)",
        "",
    ]
    if emails:
        lines += [
            "| task | per second (median) | runs |",
            "|---|---:|---|",
            f"| no-op task | {fmt(emails['noop'])} | {', '.join(fmt(noop) for noop, _email in emails['pairs'])} |",
            f"| notification task ({', '.join(emails['events'])}) | {fmt(emails['email'])} "
            f"| {', '.join(fmt(email) for _noop, email in emails['pairs'])} |",
            "",
            f"{emails['n']} tasks per run, {emails['runs']} runs, each run a no-op batch then an email batch. "
            f"Ratio per run: {', '.join(fmt(email / noop, 2) for noop, email in emails['pairs'] if noop)}; "
            f"median {fmt(emails['ratio'], 2)} (no target: retired in issue 13).",
        ]
    else:
        lines.append("n/a (no notification was recorded by the seeded checkouts)")
    volume = context["volume"]
    small, big = volume["sizes"]
    lines += [
        "",
        f"## Seller pages with {small:,} and {big:,} artist orders in the database",
        "",
        "The measured artist owns a tenth of them; its newest rows are the same at both sizes.",
        "",
        "SQL ms: the page's queries as timed from Python; DB ms: PostgreSQL's own execution",
        "time of its SELECTs (EXPLAIN ANALYZE), which a busy CPU does not blur.",
        "",
        f"| page | req/s at {small:,} | req/s at {big:,} | queries | SQL ms at {small:,} | SQL ms at {big:,} "
        f"| DB ms at {small:,} | DB ms at {big:,} | slowdown | within 1.5× |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in volume["rows"]:
        s, b = row["small"] or {}, row["big"] or {}
        lines.append(
            f"| {row['label']} | {fmt(s.get('rps'))} | {fmt(b.get('rps'))} | {s.get('queries', 'n/a')} / {b.get('queries', 'n/a')} | "
            f"{fmt(s.get('sql_ms'), 1)} | {fmt(b.get('sql_ms'), 1)} | {fmt(s.get('db_ms'), 1)} | {fmt(b.get('db_ms'), 1)} "
            f"| {fmt(row['slowdown'], 2)}× | {status_mark(row['ok'] if row['slowdown'] is not None else None)} |"
        )
    for label, plans in volume["plans"].items():
        lines += [
            "",
            f"<details><summary>Slowest queries of the {label} at {big:,} (EXPLAIN ANALYZE)</summary>",
            "",
            "```",
        ]
        lines += plans or ["(none)"]
        lines += ["```", "</details>"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ main
def main() -> int:
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    if not shutil.which("wrk"):
        apt_install("wrk")
    work = Path(tempfile.mkdtemp(prefix="marketplace-bench-"))
    services = Services(work)
    try:
        database_url = os.environ.get("DATABASE_URL") or services.start_postgres()
        broker_url = services.start_redis()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY")
            or secrets.token_urlsafe(64),
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            # A shared cache, as production has (README): the login lockouts
            # and the message limits are seen by every gunicorn worker.
            "CACHE_URL": broker_url.rsplit("/", 1)[0] + "/1",
            "CONN_MAX_AGE": "600",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "MEDIA_ROOT": str(work / "media"),
            "BENCH_STATIC_ROOT": str(work / "static"),
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
            ),
        }
        env.pop("EMAIL_URL", None)
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        log("migrate and collectstatic")
        if os.environ.get("DATABASE_URL") and "BENCH_KEEP_DB" not in os.environ:
            call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0].split()[0]

        from bench.seed import seed

        data = seed(log=log)
        from django.db import connection as conn

        with conn.cursor() as cursor:
            cursor.execute("ANALYZE")

        log("queries per page")
        queries = measure_queries(data)
        log("checkout")
        checkout_rows = measure_checkout(data)
        # The emails before the pages and the big volume: measured after a
        # million rows were bulk-inserted, both tasks run slower.
        log(f"emails (load average {os.getloadavg()[0]:.1f})")
        emails = measure_emails(services, env, broker_url)

        base_url = services.start_gunicorn(env, WORKERS)
        log("throughput")
        throughput = measure_throughput(base_url, data)
        log("seller pages at 1k and big")
        volume = measure_volume(base_url, data)
        services.stop_process("gunicorn")

        commit = (
            os.environ.get("BENCH_COMMIT")
            or subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
        )
        text = report(
            {
                "date": time.strftime("%Y-%m-%d %H:%M"),
                "commit": commit or "?",
                "pg_version": pg_version,
                "throughput": throughput,
                "queries": queries,
                "checkout": checkout_rows,
                "emails": emails,
                "volume": volume,
                "elapsed": time.monotonic() - started,
                "load": (load_before, os.getloadavg()[0]),
            }
        )
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text)
        print("\n" + text)
        log(f"written to {RESULTS.relative_to(ROOT)}")
        return 0
    finally:
        services.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
