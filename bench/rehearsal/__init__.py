"""`make rehearsal`: two web nodes, two workers and beat on one PostgreSQL,
one Redis and one S3-compatible object storage, driven by locust (see
``bench.rehearsal.run`` and docs/operations.md)."""
