"""Recording and sending notifications.

``notify`` is called inside the transaction of the change that causes the
email; the row is dispatched to Celery only after that transaction commits.
If the broker is down, the row stays pending and ``sweep_pending`` sends it
later.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 300


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait before attempt number ``attempts + 1``: 30 s, 1 min, 2 min... up to 1 h."""
    return int(min(30 * 2 ** max(attempts - 1, 0), 3600))


def notify(*, recipient, event: str, context: dict, dedupe_key: str | None = None):
    """Record an email to ``recipient`` about ``event`` and send it after commit.

    ``context`` must be JSON-serialisable (Decimals and dates are fine); it is
    rendered with ``templates/emails/<event>_*`` in the recipient's language.
    With ``dedupe_key``, a second call with the same key records nothing.
    Returns the notification, or None when the recipient has no email.
    """
    if not recipient.email:
        return None
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    notification = Notification.objects.create(
        recipient=recipient,
        to_email=recipient.email,
        event=event,
        language=recipient.language or settings.LANGUAGE_CODE,
        context=context,
        dedupe_key=dedupe_key,
    )
    transaction.on_commit(lambda: dispatch(notification_id=notification.pk))
    return notification


def dispatch(*, notification_id: int) -> None:
    """Hand a notification to Celery; a broker failure leaves it for the sweep."""
    from .tasks import send_notification

    try:
        send_notification.apply_async(kwargs={"notification_id": notification_id})
    except Exception:  # the broker is down: the sweep will send it later
        logger.warning("Could not queue notification %s; left for the sweep", notification_id)


def render(notification: Notification) -> tuple[str, str, str]:
    """Subject, text body and HTML body of a notification, in its language."""
    context = {
        **notification.context,
        "recipient": notification.recipient,
        "site_url": settings.SITE_URL,
    }
    base = f"emails/{notification.event}"
    with translation.override(notification.language):
        subject = render_to_string(f"{base}_subject.txt", context).strip()
        text = render_to_string(f"{base}_body.txt", context)
        html = render_to_string(f"{base}_body.html", context)
    return " ".join(subject.split()), text, html


def claim(*, notification_id: int) -> bool:
    """Take a pending notification for sending; False if someone else has it."""
    now = timezone.now()
    return bool(
        Notification.objects.filter(
            pk=notification_id,
            status=NotificationStatus.PENDING,
            available_at__lte=now,
        ).update(
            status=NotificationStatus.SENDING,
            claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
    )


def send(*, notification_id: int) -> str:
    """Send one notification if it can be claimed.

    Returns the resulting status ("sent", "pending" for a retry later,
    "failed" after the last attempt, or "skipped" when not claimed).
    """
    if not claim(notification_id=notification_id):
        return "skipped"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        subject, text, html = render(notification)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.to_email],
        )
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception as error:
        failed = notification.attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            status=NotificationStatus.FAILED if failed else NotificationStatus.PENDING,
            available_at=timezone.now() + timedelta(seconds=backoff_seconds(notification.attempts)),
            claimed_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning("Notification %s failed (attempt %s): %s", notification_id, notification.attempts, error)
        return NotificationStatus.FAILED if failed else NotificationStatus.PENDING
    Notification.objects.filter(pk=notification_id).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return NotificationStatus.SENT


def sweep_pending(*, limit: int = 500) -> int:
    """Dispatch what is due and still pending, and release stale claims
    (a worker that died mid-send). Returns how many were dispatched."""
    now = timezone.now()
    Notification.objects.filter(status=NotificationStatus.SENDING, claimed_until__lt=now).update(
        status=NotificationStatus.PENDING, claimed_until=None
    )
    due = list(
        Notification.objects.filter(status=NotificationStatus.PENDING, available_at__lte=now)
        .order_by("available_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        dispatch(notification_id=pk)
    return len(due)


def retry(*, notification_ids) -> int:
    """Put failed or pending notifications back in the queue now (staff action)."""
    count = Notification.objects.filter(
        Q(status=NotificationStatus.FAILED) | Q(status=NotificationStatus.PENDING),
        pk__in=notification_ids,
    ).update(status=NotificationStatus.PENDING, available_at=timezone.now(), attempts=0)
    for pk in notification_ids:
        transaction.on_commit(lambda pk=pk: dispatch(notification_id=pk))
    return count
