"""Recording and sending notifications (the outbox).

``notify`` is called inside the transaction of the change that causes the
email: the row commits or rolls back with that change. After the commit it
is handed to Celery (``dispatch``); when the broker is down the row stays
pending and ``sweep_pending`` hands it over later.

A row is claimed (``pending`` → ``sending``) by one conditional UPDATE
before the email goes out, so two deliveries of the same task, or a task
racing the sweep, never send it twice. A failed attempt puts the row back to
``pending`` with a later ``available_at`` (back-off: 30 s doubling, at most
one hour); once ``retry_period()`` (48 h) has passed since the first attempt
it is ``failed`` and waits in the staff escalation queue (``retry``,
``mark_handled``). A claim whose sender died (``claimed_until`` passed) is
released by the sweep.

Delivery is at least once: a sender that dies after the provider took the
email and before "sent" is recorded leaves a claim that expires, and the
email goes out again. Recording "sent" is retried for a while
(``MARK_SENT_DELAYS``) so that a database restart does not open that
window, and every attempt carries the same ``Message-ID`` (and, for the
providers that honour one, the same idempotency key), so a resend is the
same message to the provider and the reader (docs/reliability.md).
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
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db import connection as db_connection
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.dispatch import receiver
from django.utils import timezone

from .emails import build_message
from .models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

# Failed sends are retried this long after the first attempt (hours;
# setting NOTIFICATION_RETRY_HOURS), then the row is failed and shown to staff.
RETRY_HOURS = 48
# How long a sender may hold a claim before the sweep gives the row to
# another one; well above EMAIL_TIMEOUT so a slow but live send is not doubled.
CLAIM_SECONDS = 300
SKIPPED = "skipped"
# An email connection (SMTP session, provider HTTP session) left unused for
# longer than this is closed and a new one opened: servers drop idle ones.
EMAIL_CONNECTION_IDLE_SECONDS = 30
# After the provider took an email, recording "sent" is tried again after
# these pauses (seconds) when the database is unreachable: 15.5 s in all,
# longer than a database restart. Only then is the row left to its claim.
MARK_SENT_DELAYS = (0.5, 1, 2, 4, 8)


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after failed attempt number ``attempts`` (1-based).

    30 s, 1 min, 2 min, 4 min... doubling, at most one hour.
    """
    return int(min(30 * 2 ** max(attempts - 1, 0), 3600))


def retry_period() -> timedelta:
    """How long after its first attempt a failing email is still retried."""
    return timedelta(
        hours=float(getattr(settings, "NOTIFICATION_RETRY_HOURS", RETRY_HOURS))
    )


def next_attempt_at(*, attempts: int, first_attempt_at, now):
    """When to try again after failed attempt number ``attempts``, or None
    when the retry period is over (the row fails). The last try is made at
    the end of the period, not skipped because the back-off overshoots it."""
    deadline = (first_attempt_at or now) + retry_period()
    if now >= deadline:
        return None
    return min(now + timedelta(seconds=backoff_seconds(attempts)), deadline)


def notify(
    *,
    recipient,
    event: str,
    context: dict,
    dedupe_key: str | None = None,
    available_at=None,
    to_email: str | None = None,
):
    """Record an email to ``recipient`` about ``event``; it is sent after commit,
    or, with ``available_at`` in the future, by the sweep once that time comes.

    ``context`` must be JSON-serialisable (Decimals and dates are fine); it is
    rendered with ``templates/emails/<event>_*`` in the recipient's language.
    With ``dedupe_key``, a second call with the same key records nothing.
    ``to_email`` sends it to another address than the recipient's (an email
    change: the link goes to the new address, the notice to the old one).
    Returns the notification, or None when nothing was recorded (no email
    address, or a duplicate key).

    :raises TypeError: when ``context`` cannot be stored as JSON.
    """
    to_email = to_email or recipient.email
    if not to_email:
        return None
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        # A savepoint: a concurrent duplicate key must not break the caller's
        # transaction.
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                to_email=to_email,
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
            first_attempt_at=Coalesce(F("first_attempt_at"), now),
        )
        if not claimed:
            return None
    notification.status = NotificationStatus.SENDING
    notification.claimed_until = claimed_until
    notification.attempts += 1
    notification.first_attempt_at = notification.first_attempt_at or now
    return notification


def _mark_sent(*, notification_id: int) -> bool:
    """Record a successful send, trying again after each of
    ``MARK_SENT_DELAYS`` while the database cannot be reached (a restart, a
    dropped connection): the provider already has the email, and a row left
    ``sending`` would be sent again once its claim expires. Returns whether
    it was recorded. Inside a transaction (never in a worker) nothing can be
    retried: the error is raised."""
    for pause in (*MARK_SENT_DELAYS, None):
        try:
            _write_sent(notification_id=notification_id)
        except (OperationalError, InterfaceError) as error:
            if db_connection.in_atomic_block:
                raise
            # A new connection for the next try (the old one may be dead).
            db_connection.close()
            if pause is None:
                logger.error(
                    "Notification %s was sent but could not be recorded as sent "
                    "(%s: %s); it will be sent again, with the same Message-ID, "
                    "once its claim expires",
                    notification_id,
                    type(error).__name__,
                    error,
                )
                return False
            logger.warning(
                "Recording notification %s as sent failed (%s); trying again in %s s",
                notification_id,
                error,
                pause,
            )
            time.sleep(pause)
        else:
            return True
    return False  # pragma: no cover - the loop returns


def _write_sent(*, notification_id: int) -> None:
    """The write itself. It wins even when the claim was released meanwhile
    (a very slow provider): marking it sent stops any other attempt."""
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
        message = build_message(notification)
        _deliver(message)
    except Exception as error:
        return _record_failure(notification, error)
    if not _mark_sent(notification_id=notification_id):
        return NotificationStatus.SENDING  # left to its claim, then resent
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


def _record_failure(notification: Notification, error: Exception, now=None) -> str:
    """Back to pending after the back-off, or failed (and shown to staff)
    once the retry period since the first attempt is over."""
    now = now or timezone.now()
    retry_at = next_attempt_at(
        attempts=notification.attempts,
        first_attempt_at=notification.first_attempt_at,
        now=now,
    )
    status = NotificationStatus.PENDING if retry_at else NotificationStatus.FAILED
    Notification.objects.filter(
        pk=notification.pk,
        status=NotificationStatus.SENDING,
        attempts=notification.attempts,
    ).update(
        status=status,
        available_at=retry_at or now,
        claimed_until=None,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )
    logger.warning(
        "Notification %s (%s) failed, attempt %s, %s: %s",
        notification.pk,
        notification.event,
        notification.attempts,
        f"next at {retry_at:%Y-%m-%d %H:%M:%S}" if retry_at else "giving up",
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


def release_stale_claims(*, now=None) -> int:
    """Give back rows whose sender stopped mid-send (claim expired).

    The email may or may not have left: the row goes back to pending (or to
    failed once the retry period is over), choosing a rare duplicate, with
    the same ``Message-ID``, over a lost email. Returns how many rows were
    released.
    """
    now = now or timezone.now()
    stale = Notification.objects.filter(
        status=NotificationStatus.SENDING, claimed_until__lt=now
    )
    note = "Claim expired: the sender stopped before recording the result."
    too_old = Q(first_attempt_at__lte=now - retry_period())
    failed = stale.filter(too_old).update(
        status=NotificationStatus.FAILED,
        claimed_until=None,
        available_at=now,
        last_error=note,
    )
    released = stale.exclude(too_old).update(
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


def sweep_pending(*, limit: int = 500, now=None) -> int:
    """Release stale claims, then dispatch up to ``limit`` due pending rows.

    Stops at the first row the broker refuses (the next sweep goes on).
    Returns how many were dispatched.
    """
    now = now or timezone.now()
    release_stale_claims(now=now)
    due = list(
        Notification.objects.filter(
            status=NotificationStatus.PENDING, available_at__lte=now
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
    a fresh retry period (staff action): they leave the escalation queue.
    Sent ones and live claims are left alone. Returns how many were
    re-queued."""
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
            first_attempt_at=None,
            claimed_until=None,
            handled_at=None,
        )
        for pk in ids:
            transaction.on_commit(partial(dispatch, notification_id=pk), robust=True)
    return len(ids)


def mark_handled(*, notification_ids, now=None) -> int:
    """Failed notifications staff has dealt with another way (told the
    person, the address is wrong): they leave the escalation queue and are
    not sent. Returns how many were marked."""
    return Notification.objects.filter(
        pk__in=list(notification_ids),
        status=NotificationStatus.FAILED,
        handled_at__isnull=True,
    ).update(handled_at=now or timezone.now())
