"""`make bench`: the marketplace's performance figures, measured side by side
in one run on PostgreSQL behind gunicorn (see run.py and docs/performance.md)."""
