"""Money at volume (issue 14):

- the payout run over 1k and 100k completed artist orders across 1,000
  artists: seconds per artist order, and SQL queries per batch of artists;
- the artist's money page when the ledger holds about 1k and about 1M
  entries (the artist's own history the same, the marketplace's grown):
  PostgreSQL's own time for its queries (EXPLAIN ANALYZE), milliseconds
  in-process (median) and queries.

Artist orders and their payment entries are bulk-inserted with
``generate_series``; the payouts are made by the real payout run."""

from __future__ import annotations

import statistics
import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.common import QUICK
from bench.seed import _select_list, make_artists, make_users, seed_password
from bench.volume import database_time
from orders.models import ArtistOrder, Order
from payouts.models import LedgerEntry, LedgerTransaction, Payout, PayoutStatus
from payouts.services.runs import BATCH_SIZE, payout_run, payout_send

PREFIX = "PAY-"
ARTISTS = 1_000
RUN_SIZES = (1_000, 10_000 if QUICK else 100_000)
PAGE_SIZES = (1_000, 100_000 if QUICK else 1_000_000)
PAGE_ARTIST_ORDERS = 250  # about 1k entries of its own: 4 per sale
PAGE_REPEATS = 15


def _bulk_completed(cursor, artist_ids: list[int], first: int, last: int) -> None:
    """Artist orders ``first``..``last`` (one order each), completed and paid
    45.00, spread over ``artist_ids``, with the payment's ledger entries
    (12 % commission: 5.40)."""
    buyer = make_users("paybuyer", 1, seed_password())[0].pk
    columns, selects, params = _select_list(
        Order,
        {
            "number": f"'{PREFIX}' || lpad(g::text, 9, '0')",
            "buyer": str(buyer),
            "email": "'bulk@bench.example'",
            "shipping_name": "'Camille Martin'",
            "shipping_line1": "'12 rue des Potiers'",
            "shipping_city": "'Lyon'",
            "shipping_postcode": "'69001'",
            "shipping_country": "'FR'",
            "items_total": "40.00",
            "shipping_total": "5.00",
            "discount_total": "0",
            "total": "45.00",
            "created_at": "now() - interval '40 days'",
        },
    )
    cursor.execute(
        f"INSERT INTO {Order._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM generate_series(%s, %s) AS g",
        [*params, first, last],
    )
    ids = ",".join(map(str, artist_ids))
    columns, selects, params = _select_list(
        ArtistOrder,
        {
            "order": "o.id",
            "artist": f"(ARRAY[{ids}]::bigint[])[1 + mod(o.g, {len(artist_ids)})]",
            "state": "'completed'",
            "items_total": "40.00",
            "shipping_fee": "5.00",
            "discount": "0",
            "total": "45.00",
            "paid": "45.00",
            "refunded": "0",
            "shipping_zone": "'domestic'",
            "paid_at": "o.created_at",
            "delivered_at": "o.created_at + interval '4 days'",
            "closed_at": "o.created_at + interval '20 days'",
            "created_at": "o.created_at",
        },
    )
    cursor.execute(
        f"INSERT INTO {ArtistOrder._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM (SELECT id, created_at, "
        f"substr(number, {len(PREFIX) + 1})::int AS g FROM {Order._meta.db_table} "
        "WHERE number BETWEEN %s AND %s) AS o",
        [*params, f"{PREFIX}{first:09d}", f"{PREFIX}{last:09d}"],
    )
    ao_range = (
        f"SELECT ao.id, ao.artist_id, ao.paid_at FROM {ArtistOrder._meta.db_table} ao "
        f"JOIN {Order._meta.db_table} o ON o.id = ao.order_id "
        "WHERE o.number BETWEEN %s AND %s"
    )
    keys = [f"{PREFIX}{first:09d}", f"{PREFIX}{last:09d}"]
    cursor.execute(
        f"INSERT INTO {LedgerTransaction._meta.db_table} "
        "(kind, key, artist_id, artist_order_id, commission_rate, memo, created_at) "
        f"SELECT 'payment', 'payment:' || a.id, a.artist_id, a.id, 0.12, '', a.paid_at "
        f"FROM ({ao_range}) AS a",
        keys,
    )
    cursor.execute(
        f"INSERT INTO {LedgerEntry._meta.db_table} "
        "(transaction_id, account, artist_id, artist_order_id, kind, amount, created_at) "
        "SELECT t.id, e.account, t.artist_id, t.artist_order_id, e.kind, e.amount, t.created_at "
        f"FROM {LedgerTransaction._meta.db_table} t JOIN ({ao_range}) AS a ON a.id = t.artist_order_id "
        "CROSS JOIN (VALUES ('artist', 'sale', 45.00), ('buyers', 'sale', -45.00), "
        "('artist', 'commission', -5.40), ('commission', 'commission', 5.40)) "
        "AS e(account, kind, amount) WHERE t.kind = 'payment'",
        keys,
    )


def _grow(cursor, artist_ids, done: int, total: int, log) -> int:
    chunk = 50_000
    while done < total:
        last = min(total, done + chunk)
        with transaction.atomic():
            _bulk_completed(cursor, artist_ids, done + 1, last)
        done = last
    cursor.execute("VACUUM ANALYZE")
    log(f"money: {done:,} completed artist orders")
    return done


def _page(user) -> dict:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="accounts.backends.UserBackend")
    url = reverse("dashboard:money")
    client.get(url)
    times = []
    for _ in range(PAGE_REPEATS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return {
        "ms": statistics.median(times),
        "db_ms": database_time(user, url),
        "queries": len(captured.captured_queries),
        "status": response.status_code,
        "entries": LedgerEntry.objects.count(),
    }


def _send_all() -> None:
    """What the worker does after a run: each payout sent through the test
    provider (in-process here, not timed)."""
    pending = Payout.objects.filter(status=PayoutStatus.PENDING)
    for pk in pending.values_list("pk", flat=True).iterator():
        payout_send(payout_id=pk)


def measure_money(log=print) -> dict:
    password = seed_password()
    page_artist = make_artists(1, password, items_per_artist=0, prefix="moneypage")[0]
    artists = make_artists(ARTISTS, password, items_per_artist=0, prefix="payee")
    result = {"runs": [], "pages": []}
    with connection.cursor() as cursor:
        # The page's artist: its own ~1k entries, paid out once.
        _grow(cursor, [page_artist.pk], 0, PAGE_ARTIST_ORDERS, log)
        payout_run(artist_ids=[page_artist.pk])
        _send_all()
        result["pages"].append(_page(page_artist.user))
        done = PAGE_ARTIST_ORDERS
        ids = [artist.pk for artist in artists]
        for size in RUN_SIZES:
            start = done
            done = _grow(cursor, ids, done, done + size, log)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                run = payout_run(artist_ids=None)
                seconds = time.perf_counter() - started
            _send_all()
            batches = max(1, -(-run.payouts_count // BATCH_SIZE))
            result["runs"].append(
                {
                    "artist_orders": done - start,
                    "payouts": run.payouts_count,
                    "seconds": seconds,
                    "per_order_ms": seconds * 1000 / (done - start),
                    "queries": len(captured.captured_queries),
                    "batches": batches,
                    "per_batch": len(captured.captured_queries) / batches,
                }
            )
            log(
                f"money: payout run over {done - start:,} artist orders: {seconds:.1f} s"
            )
        # More history elsewhere in the marketplace, up to the big size.
        entries = LedgerEntry.objects.count()
        missing = max(0, PAGE_SIZES[1] - entries) // 6  # 4 payment + 2 payout entries
        if missing:
            done = _grow(cursor, ids, done, done + missing, log)
            payout_run()
            _send_all()
        result["pages"].append(_page(page_artist.user))
    small, big = result["pages"]
    # Judged on PostgreSQL's own time, which a busy CPU does not blur; the
    # in-process milliseconds are printed beside it.
    result["page_ratio"] = big["db_ms"] / small["db_ms"] if small["db_ms"] else None
    first, second = result["runs"]
    result["run_ratio"] = (
        second["per_order_ms"] / first["per_order_ms"]
        if first["per_order_ms"]
        else None
    )
    return result
