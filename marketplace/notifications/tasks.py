"""Celery doors into the outbox services. Both tasks are idempotent: a task
delivered twice finds the row already claimed or sent and does nothing."""

from celery import shared_task

from . import services
from .models import NotificationStatus


@shared_task(
    name="marketplace.notifications.send",
    bind=True,
    acks_late=True,
    max_retries=services.MAX_ATTEMPTS,
)
def send_notification(self, *, notification_id: int, **kwargs):
    """Send one outbox row; after a failure, try again when its back-off is
    over (the row keeps its own schedule too, so the sweep picks it up if
    this retry is lost)."""
    status = services.send(notification_id=notification_id)
    if (
        status == NotificationStatus.PENDING
        and not self.request.is_eager
        and self.request.retries < self.max_retries
    ):
        countdown = services.seconds_until_due(notification_id=notification_id) + 1
        raise self.retry(countdown=countdown)
    return str(status)


@shared_task(name="marketplace.notifications.sweep_pending")
def sweep_pending(**kwargs):
    """Periodic (beat): release stale claims and queue what is due."""
    return services.sweep_pending()
