"""The pages the bench measures: their SQL queries at three sizes
(in-process) and their requests per second under wrk, as a ratio to the
trivial view requested the same way."""

import re
import subprocess
import urllib.request
from dataclasses import dataclass

from bench.common import CONNECTIONS, DURATION, LOGGED_IN_TARGET, RUNS, median
from bench.procs import log


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
