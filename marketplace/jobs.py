"""Periodic jobs (``settings.DUE_JOBS``): run by Celery beat on its schedule
and by ``python manage.py run_due_jobs`` at once. Each job is idempotent."""

import inspect
import logging

from celery import shared_task
from django.conf import settings
from django.utils.module_loading import import_string

from .health import record_heartbeat

logger = logging.getLogger(__name__)


def run_all(*, now=None) -> dict[str, int]:
    """Run every job once; a failing job is logged and does not stop the others.

    With ``now``, each job runs as it would at that moment (``run_due_jobs
    --at``): the jobs that depend on the clock take it as ``now``."""
    results = {}
    for path in settings.DUE_JOBS:
        try:
            job = import_string(path)
            if now is not None and "now" in inspect.signature(job).parameters:
                results[path] = job(now=now)
            else:
                results[path] = job()
        except Exception:
            logger.exception("Periodic job %s failed", path)
            results[path] = -1
    return results


@shared_task(name="marketplace.jobs.run_due_jobs")
def run_due_jobs(**kwargs):
    results = run_all()
    record_heartbeat()  # GET /health/: beat ran recently
    return results
