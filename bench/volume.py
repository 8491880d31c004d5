"""The seller dashboard and order list with 1,000 and with a million artist
orders in the database: requests per second, queries, PostgreSQL's own time
and the plans of the slowest queries."""

from bench.common import BIG, RUNS, SMALL, median
from bench.pages import count_queries, session_cookie, wrk
from bench.procs import log


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
