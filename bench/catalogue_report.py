"""The catalogue section of the results file (``bench.catalogue`` measures
it); no Django import, as ``bench.report`` is loaded before Django is set
up."""

from bench.common import fmt


def _ratio(row: dict, baseline) -> float | None:
    return row["rps"] / baseline if row.get("rps") and baseline else None


def catalogue_lines(catalogue: dict | None) -> list[str]:
    """The results file's section."""
    if not catalogue:
        return []
    small, big = catalogue["sizes"]
    ping = {size: catalogue["ping"][size][0] for size in (small, big)}
    lines = [
        "",
        f"## Catalogue: search and filtered listing with {small:,} and {big:,} items",
        "",
        "Anonymous requests. Ratio: requests per second against the anonymous trivial",
        "view measured in the same runs (interleaved): "
        f"{fmt(ping[small])} req/s at {small:,} items, {fmt(ping[big])} at {big:,}. "
        "DB ms: PostgreSQL's own execution time of the request's SELECTs.",
        f"Filtered listing: `{catalogue['filtered_url']}`.",
        "",
        f"| request | found at {small:,} / {big:,} | queries at {small:,} / {big:,} | not growing "
        f"| DB ms at {small:,} | DB ms at {big:,} | req/s at {big:,} | ratio at {small:,} "
        f"| ratio at {big:,} |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for key, label in catalogue["requests"]:
        s = catalogue["rows"].get((key, small), {})
        b = catalogue["rows"].get((key, big), {})
        flat = (
            "—"
            if s.get("status") != 200 or b.get("status") != 200
            # Fewer is fine: past 10,000 results the page counts no facets.
            else ("yes" if b["queries"] <= s["queries"] else "**NO**")
        )

        lines.append(
            f"| {label} | {fmt(s.get('found'))} / {fmt(b.get('found'))} "
            f"| {s.get('queries', 'n/a')} / {b.get('queries', 'n/a')} | {flat} "
            f"| {fmt(s.get('db_ms'), 1)} | {fmt(b.get('db_ms'), 1)} | {fmt(b.get('rps'))} "
            f"| {fmt(_ratio(s, ping[small]), 3)} | {fmt(_ratio(b, ping[big]), 3)} |"
        )
    rows = catalogue["rows"]
    counts = [
        rows.get((key, size), {}).get("queries")
        for key in ("search", "search_rare")
        for size in (small, big)
    ]
    common_small, common_big, rare_small, rare_big = counts
    growing = None in counts or (
        common_big > common_small
        or rare_big > rare_small
        or common_small > rare_small
        or common_big > rare_big
    )
    lines += [
        "",
        f"Queries whatever the number of results: the common word finds "
        f"{fmt(rows.get(('search', big), {}).get('found'))} items and the rare one "
        f"{fmt(rows.get(('search_rare', big), {}).get('found'))} at {big:,}; their queries "
        f"at both sizes: {' / '.join(str(c) for c in counts)} "
        f"({'**GROWING**' if growing else 'not growing: more items or more results, no more queries'}).",
    ]
    for label, sql, text in catalogue["plans"]:
        lines += [
            "",
            f"<details><summary>{label} at {big:,} items: EXPLAIN (ANALYZE, BUFFERS)"
            "</summary>",
            "",
            "```",
            sql,
            "",
            text,
            "```",
            "</details>",
        ]
    return lines
