# Celery autodiscovery entry point for the project package.
from marketplace.jobs import run_due_jobs  # noqa: F401
