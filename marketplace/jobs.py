"""Periodic jobs: run by Celery beat on its schedule and by
``python manage.py run_due_jobs`` at once. Each job is idempotent."""

import logging

from celery import shared_task
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Dotted paths of functions taking no argument and returning a count.
JOBS = [
    "orders.jobs.fail_stale_payments",
    "orders.jobs.remind_acceptance_deadlines",
    "orders.jobs.refuse_overdue_acceptances",
    "orders.jobs.auto_confirm_deliveries",
    "orders.jobs.complete_finished_orders",
    "orders.jobs.flag_overdue_shipping",
    "orders.jobs.retry_pending_refunds",
    "returns.jobs.escalate_unanswered_returns",
    "returns.jobs.expire_unshipped_returns",
    "artists.jobs.send_back_in_stock_alerts",
    "marketplace.notifications.services.sweep_pending",
]


def run_all() -> dict[str, int]:
    """Run every job once; a failing job is logged and does not stop the others."""
    results = {}
    for path in JOBS:
        try:
            results[path] = import_string(path)()
        except Exception:
            logger.exception("Periodic job %s failed", path)
            results[path] = -1
    return results


@shared_task(name="marketplace.jobs.run_due_jobs")
def run_due_jobs(**kwargs):
    return run_all()
