"""Celery doors into the order services. Tasks take ids as keyword
arguments, load fresh rows and are safe to run twice."""

from celery import shared_task

from .models import RefundStatus
from .services import refunds

MAX_RETRIES = 12


@shared_task(
    name="orders.process_refund", bind=True, acks_late=True, max_retries=MAX_RETRIES
)
def process_refund(self, *, refund_id: int, **kwargs):
    """Have the provider pay one pending refund. When the provider cannot be
    reached, try again after the refund's back-off (the refund keeps its own
    schedule too, so ``retry_pending_refunds`` takes it over if this retry
    is lost)."""
    status = refunds.refund_process(refund_id=refund_id)
    if (
        status == RefundStatus.PENDING
        and not self.request.is_eager
        and self.request.retries < self.max_retries
    ):
        countdown = refunds.seconds_until_due(refund_id=refund_id) + 1
        raise self.retry(countdown=countdown)
    return str(status)
