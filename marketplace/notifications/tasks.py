"""Celery doors into the outbox services. Both tasks are idempotent: a task
delivered twice finds the row already claimed or sent and does nothing."""

from celery import shared_task

from . import services
from .models import NotificationStatus

# The task waits for a retry itself only while the back-off is short; a
# longer one (up to an hour, for two days) is left to the sweep, which beat
# runs every minute: a message held for an hour by a worker would outlive
# the broker's visibility timeout and be delivered twice.
TASK_RETRY_MAX_SECONDS = 300


@shared_task(
    name="marketplace.notifications.send",
    bind=True,
    acks_late=True,
    max_retries=None,  # the row's retry period decides when to stop
)
def send_notification(self, *, notification_id: int, **kwargs):
    """Send one outbox row; after a failure, try again when its back-off is
    over (the row keeps its own schedule too, so the sweep picks it up if
    this retry is lost or the back-off is long)."""
    status = services.send(notification_id=notification_id)
    if status == NotificationStatus.PENDING and not self.request.is_eager:
        wait = services.seconds_until_due(notification_id=notification_id)
        if wait <= TASK_RETRY_MAX_SECONDS:
            raise self.retry(countdown=wait + 1)
    return str(status)


@shared_task(name="marketplace.notifications.sweep_pending")
def sweep_pending(**kwargs):
    """Periodic (beat): release stale claims and queue what is due."""
    return services.sweep_pending()
