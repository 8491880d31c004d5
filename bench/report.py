"""The results file (bench/results/latest.md) written from one run."""

from bench.catalogue_report import catalogue_lines
from bench.common import (
    CHECKOUT_REPEATS,
    CONNECTIONS,
    CORES,
    DURATION,
    QUICK,
    RUNS,
    WORKERS,
    fmt,
)


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
    money = context.get("money")
    if money:
        lines += [
            "",
            "## Money: the payout run and the money page",
            "",
            "The payout run over completed artist orders spread across 1,000 artists (every",
            "artist paid once per run), and its SQL queries per batch of artists:",
            "",
            "| artist orders | payouts | seconds | ms per artist order | queries | batches | queries per batch |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in money["runs"]:
            lines.append(
                f"| {row['artist_orders']:,} | {row['payouts']:,} | {fmt(row['seconds'], 2)} | "
                f"{fmt(row['per_order_ms'], 3)} | {row['queries']} | {row['batches']} | {fmt(row['per_batch'], 1)} |"
            )
        ratio = money["run_ratio"]
        lines += [
            "",
            f"Time per artist order, large run against small: {fmt(ratio, 2)}× "
            f"({status_mark(ratio is not None and ratio <= 1.5)} roughly flat).",
            "",
            "The artist's money page (its own history the same, about a thousand entries),",
            "in-process, median of 15 requests:",
            "",
            "| ledger entries in the database | ms | queries |",
            "|---:|---:|---:|",
        ]
        for row in money["pages"]:
            lines.append(
                f"| {row['entries']:,} | {fmt(row['ms'], 1)} | {row['queries']} |"
            )
        page_ratio = money["page_ratio"]
        lines += [
            "",
            f"Slowdown: {fmt(page_ratio, 2)}× ({status_mark(page_ratio is not None and page_ratio <= 1.5)} within 1.5×).",
        ]
    lines += catalogue_lines(context.get("catalogue"))
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
