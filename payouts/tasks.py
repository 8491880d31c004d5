"""Celery doors into the payout services: ids as keyword arguments, fresh
rows, safe to run twice."""

from celery import shared_task

from .models import PayoutStatus
from .services import runs


@shared_task(name="payouts.send_payout", bind=True, acks_late=True, max_retries=8)
def send_payout(self, *, payout_id: int, **kwargs):
    """Have the provider send one pending payout; when it cannot be reached,
    try again later (``retry_pending_payouts`` takes over a lost retry)."""
    status = runs.payout_send(payout_id=payout_id)
    if (
        status == PayoutStatus.PENDING
        and not self.request.is_eager
        and self.request.retries < self.max_retries
    ):
        raise self.retry(countdown=60 * 2 ** min(self.request.retries, 5))
    return str(status)
