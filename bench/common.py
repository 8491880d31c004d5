"""The bench's knobs (environment variables, see bench/run.py) and the two
helpers every section uses."""

import os
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0, unit=""):
    if value is None:
        return "n/a"
    if value == float("inf"):
        return "∞"
    return f"{value:,.{digits}f}{unit}"
