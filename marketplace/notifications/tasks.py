"""Celery doors into the outbox services. Both tasks are idempotent: a task
delivered twice finds the row already claimed or sent and does nothing."""

from celery import shared_task
from celery.signals import worker_init

from . import emails, services
from .models import NotificationStatus


@worker_init.connect(weak=False)
def warm_up_emails(**kwargs):
    """Before the worker forks its processes: what every process would
    otherwise do on its first emails (see ``emails.warm_up``)."""
    emails.warm_up()


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


@shared_task(name="marketplace.notifications.send_many", acks_late=True)
def send_notifications(*, notification_ids: list[int], **kwargs):
    """Send several outbox rows in turn (the emails of one checkout). A row
    that fails goes on with its own back-off as ``send_notification``; a
    row already claimed or sent (a redelivered task) is left alone."""
    statuses = []
    for notification_id in notification_ids:
        status = services.send(notification_id=notification_id)
        if status == NotificationStatus.PENDING:
            countdown = services.seconds_until_due(notification_id=notification_id) + 1
            services.dispatch_later(notification_id=notification_id, countdown=countdown)
        statuses.append(str(status))
    return statuses


@shared_task(name="marketplace.notifications.sweep_pending")
def sweep_pending(**kwargs):
    """Periodic (beat): release stale claims and queue what is due."""
    return services.sweep_pending()
