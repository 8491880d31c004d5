"""The catalogue at volume (issue 15): the search and a filtered listing, on
the page and in the API, with 10,000 and 200,000 items in the database
(``bench.catalogue_data``).

At each size, for each request: its SQL queries (in-process, anonymous),
PostgreSQL's own time for them (the sum of their EXPLAIN ANALYZE execution
times), how many items it finds, and its requests per second under wrk
as a ratio to the anonymous trivial view measured in the same runs
(interleaved). At the large size, ``EXPLAIN (ANALYZE, BUFFERS)`` of the
queries that find the items: the GIN index for the search, the price index
for the filtered listing."""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.catalogue_data import COMMON_WORD, RARE_WORD, CatalogueVolume
from bench.common import QUICK, RUNS, median
from bench.pages import check_status, wrk
from bench.procs import log

BIG = int(os.environ.get("BENCH_CATALOGUE", 20_000 if QUICK else 200_000))
SMALL = int(os.environ.get("BENCH_CATALOGUE_SMALL", 2_000 if QUICK else 10_000))
FILTERS = {
    "category": "ceramics",
    "min_price": "20",
    "max_price": "80",
    "in_stock": "1",
    "ordering": "price",
}
# (key, label, URL name, parameters)
REQUESTS = [
    ("search", f"search “{COMMON_WORD}” (page)", "catalog:items", {"q": COMMON_WORD}),
    ("search_rare", f"search “{RARE_WORD}” (page)", "catalog:items", {"q": RARE_WORD}),
    ("search_fr", "search “théière” (page)", "catalog:items", {"q": "théière"}),
    ("filtered", "filtered listing (page)", "catalog:items", FILTERS),
    ("listing", "catalogue, newest (page)", "catalog:items", {}),
    ("api_search", f"API search “{COMMON_WORD}”", "api-items", {"q": COMMON_WORD}),
    ("api_filtered", "API filtered listing", "api-items", FILTERS),
]
# The requests whose plans are recorded, with what the page's result query
# (the rows shown) holds besides its LIMIT.
PLANS = [
    ("search", "search", "@@"),
    ("filtered", "filtered listing", "ORDER BY"),
]
RESULT_QUERY = 'SELECT "artists_item"."id"'
TRIVIAL = "/bench/ping/"


def url(name: str, params: dict) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def _captured(path: str):
    client = Client(HTTP_HOST="127.0.0.1")
    client.get(path)  # warm Django's caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, captured.captured_queries


def _explain(sql: str, options: str = "ANALYZE, FORMAT JSON"):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        return cursor.fetchall()


def measure_in_process(path: str) -> dict:
    response, queries = _captured(path)
    selects = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]
    db_ms = sum(_explain(sql)[0][0][0]["Execution Time"] for sql in selects)
    return {
        "status": response.status_code,
        "queries": len(queries),
        "sql_ms": sum(float(q["time"]) for q in queries) * 1000,
        "db_ms": db_ms,
        "slowest": sorted(queries, key=lambda q: -float(q["time"]))[:3],
        "sql": [q["sql"] for q in queries],
    }


def found(params: dict) -> int | None:
    """How many items the request finds (the API's count, same filters)."""
    response = Client(HTTP_HOST="127.0.0.1").get(url("api-items", params))
    if response.status_code != 200:
        return None
    return json.loads(response.content).get("count")


def plan(sql: str) -> str:
    rows = _explain(sql, "ANALYZE, BUFFERS")
    return "\n".join(row[0] for row in rows)


def throughput(base_url: str, paths: dict) -> dict:
    """Requests per second of each path and of the anonymous trivial view,
    interleaved run by run; ``None`` for a path that does not answer 200."""
    live = {key: path for key, path in paths.items() if path}
    for key, path in list(live.items()):
        if check_status(base_url + path, None) != 200:
            log(f"catalogue: {path} does not answer 200, skipped")
            live.pop(key)
        else:  # every gunicorn worker's first request of a page is slow
            wrk(base_url + path, None, duration=2)
    runs = {key: [] for key in ["ping", *live]}
    for run in range(RUNS):
        runs["ping"].append(wrk(base_url + TRIVIAL, None))
        for key, path in live.items():
            runs[key].append(wrk(base_url + path, None))
        log(f"catalogue throughput run {run + 1}/{RUNS} done")
    return {key: (median(values), values) for key, values in runs.items()}


def measure_catalogue(base_url: str) -> dict:
    volume = CatalogueVolume(log=log)
    paths = {key: url(name, params) for key, _label, name, params in REQUESTS}
    result = {
        "sizes": [SMALL, BIG],
        "requests": [(key, label) for key, label, _name, _params in REQUESTS],
        "filtered_url": paths["filtered"],
        "rows": {},
        "plans": [],
        "ping": {},
    }
    for total in (SMALL, BIG):
        volume.grow(total)
        for key, _label, _name, params in REQUESTS:
            measured = measure_in_process(paths[key])
            measured["found"] = found(params)
            result["rows"][(key, total)] = measured
        speeds = throughput(base_url, paths)
        result["ping"][total] = speeds.pop("ping")
        for key, (rps, runs) in speeds.items():
            result["rows"][(key, total)].update(rps=rps, runs=runs)
        log(f"catalogue: measured at {total:,} items")
    for key, label, word in PLANS:
        measured = result["rows"][(key, BIG)]
        shown = next(
            (
                sql
                for sql in measured["sql"]
                if sql.startswith(RESULT_QUERY) and "LIMIT" in sql and word in sql
            ),
            None,
        )
        if shown:
            result["plans"].append((f"{label}: the rows shown", shown, plan(shown)))
        slowest = measured["slowest"][0]["sql"] if measured["slowest"] else None
        if slowest and slowest != shown:
            result["plans"].append(
                (f"{label}: its slowest query", slowest, plan(slowest))
            )
    return result
