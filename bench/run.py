"""`make bench`: seed PostgreSQL, serve the site with gunicorn in production
settings, and measure side by side in one run:

- requests/s of the pages (wrk, a second process, several runs, medians), each
  as a ratio to a trivial Django view behind the same server and middleware;
- SQL queries of each page at three sizes (in-process, same database);
- checkout time and queries for carts from 1, 5 and 10 artists;
- emails sent per second by the notification task against a no-op task, with
  a real Celery worker and Redis;
- the seller dashboard and order list with 1k and 1M artist orders in the
  database, with the query plans of their slowest queries;
- the payout run at 1k and 100k completed artist orders across 1k artists,
  and the money page with 1k and 1M ledger entries (``bench.money``);
- the catalogue's search and filtered listing (page and API) with 10k and
  200k items, with the plans of their queries (``bench.catalogue``).

Prints the tables and writes them to bench/results/latest.md. The sections
live in ``bench.pages``, ``bench.checkout_emails`` and ``bench.volume``, the
results file in ``bench.report``, the knobs in ``bench.common``, the
throw-away PostgreSQL, Redis, worker and gunicorn in ``bench.procs``.
``BENCH_QUICK=1`` runs a short version (about 3 minutes: 2 s wrk runs, 50,000
bulk artist orders, 300 emails) for development.
Other knobs: ``DATABASE_URL`` (use that database instead of a throw-away
PostgreSQL; it is flushed!), ``BENCH_WORKERS`` (gunicorn workers, default
2 × cores + 1), ``BENCH_DURATION`` (seconds per wrk run), ``BENCH_RUNS``,
``BENCH_EMAIL_RUNS``, ``BENCH_BIG`` (the large artist-order count, default
1,000,000), ``BENCH_CATALOGUE`` and ``BENCH_CATALOGUE_SMALL`` (the item
counts, default 200,000 and 10,000), ``BENCH_ONLY=catalogue`` (that section
alone, written to bench/results/catalogue.md).
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.checkout_emails import measure_checkout, measure_emails  # noqa: E402
from bench.common import RESULTS, WORKERS  # noqa: E402
from bench.pages import measure_queries, measure_throughput  # noqa: E402
from bench.procs import Services, apt_install, git_commit, log  # noqa: E402
from bench.report import report  # noqa: E402
from bench.volume import measure_volume  # noqa: E402


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

        if os.environ.get("BENCH_ONLY") == "catalogue":
            return catalogue_only(services, env, pg_version, started, load_before)

        from bench.seed import seed

        data = seed(log=log)
        from django.db import connection as conn

        with conn.cursor() as cursor:
            cursor.execute("ANALYZE")

        log("queries per page")
        queries = measure_queries(data)
        log("checkout")
        checkout_rows = measure_checkout(data)
        log("money: payout runs and the money page")
        from bench.money import measure_money

        money = measure_money(log=log)
        # The emails before the pages and the big volume: measured after a
        # million rows were bulk-inserted, both tasks run slower.
        log(f"emails (load average {os.getloadavg()[0]:.1f})")
        emails = measure_emails(services, env, broker_url)

        base_url = services.start_gunicorn(env, WORKERS)
        log("throughput")
        throughput = measure_throughput(base_url, data)
        log("seller pages at 1k and big")
        volume = measure_volume(base_url, data)
        log("catalogue: search and filtered listing")
        from bench.catalogue import measure_catalogue

        catalogue = measure_catalogue(base_url)
        services.stop_process("gunicorn")

        commit = git_commit()
        text = report(
            {
                "date": time.strftime("%Y-%m-%d %H:%M"),
                "commit": commit,
                "pg_version": pg_version,
                "throughput": throughput,
                "queries": queries,
                "checkout": checkout_rows,
                "emails": emails,
                "volume": volume,
                "money": money,
                "catalogue": catalogue,
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


def catalogue_only(services, env, pg_version, started, load_before) -> int:
    """``BENCH_ONLY=catalogue``: the catalogue section alone."""
    from bench.catalogue import measure_catalogue
    from bench.catalogue_report import catalogue_lines

    base_url = services.start_gunicorn(env, WORKERS)
    catalogue = measure_catalogue(base_url)
    services.stop_process("gunicorn")
    text = "\n".join(
        [
            "# Benchmark results: the catalogue alone",
            "",
            f"{time.strftime('%Y-%m-%d %H:%M')} · PostgreSQL {pg_version} · "
            f"gunicorn {WORKERS} sync workers · {time.monotonic() - started:.0f} s "
            f"· load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after",
            *catalogue_lines(catalogue),
        ]
    )
    path = RESULTS.parent / "catalogue.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")
    print("\n" + text)
    log(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
