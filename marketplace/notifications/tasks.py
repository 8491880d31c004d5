from celery import shared_task

from . import services


@shared_task(name="marketplace.notifications.send", bind=True, max_retries=services.MAX_ATTEMPTS)
def send_notification(self, *, notification_id: int, **kwargs):
    """Send one outbox row; on failure, retry with back-off (the row keeps
    its own schedule too, so the sweep can pick it up if this task is lost)."""
    status = services.send(notification_id=notification_id)
    if status == "pending" and not self.request.is_eager:
        from .models import Notification

        attempts = Notification.objects.filter(pk=notification_id).values_list("attempts", flat=True).first() or 1
        raise self.retry(countdown=services.backoff_seconds(attempts))
    return status


@shared_task(name="marketplace.notifications.sweep_pending")
def sweep_pending(**kwargs):
    return services.sweep_pending()
