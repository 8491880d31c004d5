"""Recording and sending notifications (the outbox).

``notify`` is called inside the transaction of the change that causes the
email: the row commits or rolls back with that change. After the commit it
is handed to Celery (``dispatch``); when the broker is down the row stays
pending and ``sweep_pending`` hands it over later.

A row is claimed (``pending`` → ``sending``) by one conditional UPDATE
before the email goes out, so two deliveries of the same task, or a task
racing the sweep, never send it twice. A failed attempt puts the row back to
``pending`` with a later ``available_at`` (back-off); after ``MAX_ATTEMPTS``
it is ``failed`` and waits for staff (``retry``). A claim whose sender died
(``claimed_until`` passed) is released by the sweep.
"""

import logging
import os
import threading
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.signals import setting_changed
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.dispatch import receiver
from django.utils import timezone

from .emails import render
from .models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# How long a sender may hold a claim before the sweep gives the row to
# another one; well above EMAIL_TIMEOUT so a slow but live send is not doubled.
CLAIM_SECONDS = 300
SKIPPED = "skipped"
# An email connection (SMTP session, provider HTTP session) left unused for
# longer than this is closed and a new one opened: servers drop idle ones.
EMAIL_CONNECTION_IDLE_SECONDS = 30


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after failed attempt number ``attempts`` (1-based).

    30 s, 1 min, 2 min, 4 min... doubling, at most one hour.
    """
    return int(min(30 * 2 ** max(attempts - 1, 0), 3600))


def notify(
    *,
    recipient,
    event: str,
    context: dict,
    dedupe_key: str | None = None,
    available_at=None,
):
    """Record an email to ``recipient`` about ``event``; it is sent after commit,
    or, with ``available_at`` in the future, by the sweep once that time comes.

    ``context`` must be JSON-serialisable (Decimals and dates are fine); it is
    rendered with ``templates/emails/<event>_*`` in the recipient's language.
    With ``dedupe_key``, a second call with the same key records nothing.
    Returns the notification, or None when nothing was recorded (no email
    address, or a duplicate key).

    :raises TypeError: when ``context`` cannot be stored as JSON.
    """
    if not recipient.email:
        return None
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        # A savepoint: a concurrent duplicate key must not break the caller's
        # transaction.
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                to_email=recipient.email,
                event=event,
                language=recipient.language or settings.LANGUAGE_CODE,
                context=context,
                dedupe_key=dedupe_key,
                **({"available_at": available_at} if available_at is not None else {}),
            )
    except IntegrityError:
        if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    if available_at is None or available_at <= timezone.now():
        transaction.on_commit(
            partial(dispatch, notification_id=notification.pk), robust=True
        )
    return notification


def _queue(task, kwargs: dict, **options) -> bool:
    """``task.apply_async``; False (logged) when the broker is down or
    hangs: the rows stay pending for the sweep."""
    try:
        task.apply_async(kwargs=kwargs, **options)
    except Exception as error:
        logger.warning(
            "Could not queue %s %s (%s: %s); left pending for the sweep",
            task.name,
            kwargs,
            type(error).__name__,
            error,
        )
        return False
    return True


def dispatch(*, notification_id: int) -> bool:
    """Hand a notification to Celery (in-process when there is no broker).

    Never raises: when the broker cannot be reached the row stays pending for
    the sweep. Returns whether the task was queued.
    """
    from .tasks import send_notification

    return _queue(send_notification, {"notification_id": notification_id})


def claim(*, notification_id: int) -> Notification | None:
    """Take a due pending notification for sending, with its recipient;
    None if it is not due, already taken, sent, failed or gone. Counts the
    attempt. A row another sender holds locked is skipped, not waited for;
    the conditional update keeps two senders apart where rows cannot be
    locked (SQLite)."""
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(
                pk=notification_id,
                status=NotificationStatus.PENDING,
                available_at__lte=now,
            )
            .first()
        )
        if notification is None:
            return None
        claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
        claimed = Notification.objects.filter(
            pk=notification_id, status=NotificationStatus.PENDING
        ).update(
            status=NotificationStatus.SENDING,
            claimed_until=claimed_until,
            attempts=F("attempts") + 1,
        )
        if not claimed:
            return None
    notification.status = NotificationStatus.SENDING
    notification.claimed_until = claimed_until
    notification.attempts += 1
    return notification


def _mark_sent(*, notification_id: int) -> None:
    """Record a successful send. It wins even when the claim was released
    meanwhile (a very slow provider): marking it sent stops any other
    attempt."""
    Notification.objects.filter(
        pk=notification_id,
        status__in=[NotificationStatus.SENDING, NotificationStatus.PENDING],
    ).update(
        status=NotificationStatus.SENT,
        sent_at=timezone.now(),
        claimed_until=None,
        last_error="",
    )


def send(*, notification_id: int) -> str:
    """Send one notification if it can be claimed.

    Returns the resulting status: ``"sent"``, ``"pending"`` (failed, retried
    after the back-off), ``"failed"`` (after the last attempt) or
    ``"skipped"`` (not due, or claimed by someone else).
    """
    notification = claim(notification_id=notification_id)
    if notification is None:  # not due, taken by someone else, or gone
        return SKIPPED
    try:
        subject, text, html = render(notification)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.to_email],
        )
        message.attach_alternative(html, "text/html")
        _deliver(message)
    except Exception as error:
        return _record_failure(notification, error)
    _mark_sent(notification_id=notification_id)
    return NotificationStatus.SENT


# The email connection of this thread, kept open between sends.
_email = threading.local()


def _deliver(message: EmailMultiAlternatives) -> None:
    """Send ``message`` on this thread's email connection, opened on first
    use and kept open while emails keep coming (one SMTP login or provider
    session for many emails instead of one each). A connection that failed
    is closed, so the next attempt starts on a new one."""
    if not message.recipients():
        return
    backend = _email_connection()
    try:
        backend.send_messages([message])
    except Exception:
        _close_email_connection()
        raise
    _email.used_at = time.monotonic()


def _email_connection():
    key = (os.getpid(), settings.EMAIL_BACKEND)
    backend = getattr(_email, "backend", None)
    if backend is not None and (
        _email.key != key
        or time.monotonic() - _email.used_at > EMAIL_CONNECTION_IDLE_SECONDS
    ):
        _close_email_connection()
        backend = None
    if backend is None:
        backend = get_connection(fail_silently=False)
        backend.open()
        _email.backend, _email.key, _email.used_at = backend, key, time.monotonic()
    return backend


def _close_email_connection() -> None:
    backend = getattr(_email, "backend", None)
    _email.backend = None
    if backend is not None and getattr(_email, "key", (None,))[0] == os.getpid():
        try:
            backend.close()
        except Exception:  # already broken: nothing more to release
            logger.debug("Closing the email connection failed", exc_info=True)


@receiver(setting_changed)
def _email_settings_changed(*, setting, **kwargs):
    if setting.startswith("EMAIL_") or setting.startswith("ANYMAIL"):
        _close_email_connection()


def _record_failure(notification: Notification, error: Exception) -> str:
    """Back to pending after the back-off, or failed after the last attempt."""
    failed = notification.attempts >= MAX_ATTEMPTS
    status = NotificationStatus.FAILED if failed else NotificationStatus.PENDING
    Notification.objects.filter(
        pk=notification.pk,
        status=NotificationStatus.SENDING,
        attempts=notification.attempts,
    ).update(
        status=status,
        available_at=timezone.now()
        + timedelta(seconds=backoff_seconds(notification.attempts)),
        claimed_until=None,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )
    logger.warning(
        "Notification %s (%s) failed, attempt %s of %s: %s",
        notification.pk,
        notification.event,
        notification.attempts,
        MAX_ATTEMPTS,
        error,
    )
    return status


def seconds_until_due(*, notification_id: int) -> float:
    """Seconds until a pending notification may be tried again (0 if due)."""
    available_at = (
        Notification.objects.filter(pk=notification_id)
        .values_list("available_at", flat=True)
        .first()
    )
    if available_at is None:
        return 0.0
    return max((available_at - timezone.now()).total_seconds(), 0.0)


def release_stale_claims() -> int:
    """Give back rows whose sender stopped mid-send (claim expired).

    The email may or may not have left: the row goes back to pending (or to
    failed after the last attempt), choosing a rare duplicate over a lost
    email. Returns how many rows were released.
    """
    now = timezone.now()
    stale = Notification.objects.filter(
        status=NotificationStatus.SENDING, claimed_until__lt=now
    )
    note = "Claim expired: the sender stopped before recording the result."
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=NotificationStatus.FAILED, claimed_until=None, last_error=note
    )
    released = stale.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=NotificationStatus.PENDING,
        claimed_until=None,
        available_at=now,
        last_error=note,
    )
    if failed or released:
        logger.warning(
            "Released %s stale notification claims (%s now failed)", released, failed
        )
    return failed + released


def sweep_pending(*, limit: int = 500) -> int:
    """Release stale claims, then dispatch up to ``limit`` due pending rows.

    Stops at the first row the broker refuses (the next sweep goes on).
    Returns how many were dispatched.
    """
    release_stale_claims()
    due = list(
        Notification.objects.filter(
            status=NotificationStatus.PENDING, available_at__lte=timezone.now()
        )
        .order_by("available_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    dispatched = 0
    for pk in due:
        if not dispatch(notification_id=pk):
            break
        dispatched += 1
    return dispatched


def retry(*, notification_ids) -> int:
    """Put failed, pending or stale notifications back in the queue now, with
    a fresh set of attempts (staff action). Sent ones and live claims are
    left alone. Returns how many were re-queued."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(notification_ids))
            .filter(
                Q(status__in=[NotificationStatus.FAILED, NotificationStatus.PENDING])
                | Q(status=NotificationStatus.SENDING, claimed_until__lt=now)
            )
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            status=NotificationStatus.PENDING,
            available_at=now,
            attempts=0,
            claimed_until=None,
        )
        for pk in ids:
            transaction.on_commit(partial(dispatch, notification_id=pk), robust=True)
    return len(ids)
