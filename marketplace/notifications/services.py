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
import weakref
from datetime import timedelta
from functools import lru_cache, partial

import psycopg
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.signals import setting_changed
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.db.models import F, Q
from django.dispatch import receiver
from django.utils import timezone

from marketplace.db import insert_all

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
        transaction.on_commit(partial(dispatch, notification_id=notification.pk), robust=True)
    return notification


def notify_many(*, notifications) -> list:
    """Several ``notify`` calls recorded together (the emails of one
    checkout): one dedupe lookup and one INSERT instead of four queries per
    email. ``notifications`` holds ``notify``'s keyword arguments, one dict
    per email; the rules are ``notify``'s (no address or a known key records
    nothing) and so is the result, in the same order. A duplicate key
    inserted meanwhile by another transaction falls back to one ``notify``
    per email.
    """
    items = [dict(item) for item in notifications]
    keys = [item["dedupe_key"] for item in items if item.get("dedupe_key")]
    known = (
        set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
        if keys
        else set()
    )
    results = [None] * len(items)
    rows = []
    for index, item in enumerate(items):
        recipient, key = item["recipient"], item.get("dedupe_key")
        if not recipient.email or (key and key in known):
            continue
        if key:
            known.add(key)
        available_at = item.get("available_at")
        rows.append(
            (
                index,
                Notification(
                    recipient=recipient,
                    to_email=recipient.email,
                    event=item["event"],
                    language=recipient.language or settings.LANGUAGE_CODE,
                    context=item["context"],
                    dedupe_key=key,
                    **({"available_at": available_at} if available_at is not None else {}),
                ),
            )
        )
    if not rows:
        return results
    try:
        with transaction.atomic():
            insert_all([row for _index, row in rows])
    except IntegrityError:
        return [notify(**item) for item in items]
    now = timezone.now()
    due = []
    for index, notification in rows:
        results[index] = notification
        available_at = items[index].get("available_at")
        if available_at is None or available_at <= now:
            due.append(notification.pk)
    if due:
        transaction.on_commit(partial(dispatch_many, notification_ids=due), robust=True)
    return results


def dispatch_many(*, notification_ids: list[int]) -> bool:
    """Hand several notifications to Celery as one task (the emails of one
    checkout: one message to the broker instead of one per email). Never
    raises: when the broker cannot be reached the rows stay pending for the
    sweep. Returns whether the task was queued."""
    if len(notification_ids) == 1:
        return dispatch(notification_id=notification_ids[0])
    from .tasks import send_notifications

    return _queue(send_notifications, {"notification_ids": list(notification_ids)})


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


def dispatch_later(*, notification_id: int, countdown: float) -> bool:
    """Queue a row that failed to be sent again once its back-off is over
    (with a broker only: in-process, the sweep tries it again, as
    ``send_notification`` leaves it)."""
    from .tasks import send_notification

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    return _queue(send_notification, {"notification_id": notification_id}, countdown=countdown)


def dispatch(*, notification_id: int) -> bool:
    """Hand a notification to Celery (in-process when there is no broker).

    Never raises: when the broker cannot be reached the row stays pending for
    the sweep. Returns whether the task was queued.
    """
    from .tasks import send_notification

    return _queue(send_notification, {"notification_id": notification_id})


def claim(*, notification_id: int) -> bool:
    """Take a due pending notification for sending; False if it is not due,
    already taken, sent or failed. Counts the attempt."""
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


# What sending reads of the claimed row; the other columns stay deferred.
_SEND_FIELDS = ("id", "recipient", "to_email", "event", "language", "context", "attempts")


@lru_cache(maxsize=1)
def _claim_sql() -> tuple[str, tuple, tuple]:
    """The PostgreSQL statement of ``_claim_and_read`` (built once) and how
    to read its columns: the notification's fields that sending uses, then
    its recipient's (all but the password hash), each with its converter."""
    quote = connection.ops.quote_name
    user_model = Notification._meta.get_field("recipient").related_model
    notification_fields = [Notification._meta.get_field(name) for name in _SEND_FIELDS]
    user_fields = [f for f in user_model._meta.concrete_fields if f.attname != "password"]
    returning = ", ".join(quote(f.column) for f in notification_fields)
    columns = [f"n.{quote(f.column)}" for f in notification_fields] + [
        f"u.{quote(f.column)}" for f in user_fields
    ]
    # Identifiers come from the models' metadata; values are parameters.
    sql = (
        f"WITH claimed AS (UPDATE {quote(Notification._meta.db_table)}"  # noqa: S608
        " SET status = %s, claimed_until = %s, attempts = attempts + 1"
        f" WHERE id = %s AND status = %s AND available_at <= %s RETURNING {returning})"
        f" SELECT {', '.join(columns)} FROM claimed n"
        f" JOIN {quote(user_model._meta.db_table)} u"
        f" ON u.{quote(user_model._meta.pk.column)}"
        f" = n.{quote(Notification._meta.get_field('recipient').column)}"
    )

    def reader(model, fields):
        return (
            model,
            [f.attname for f in fields],
            [getattr(f, "from_db_value", None) for f in fields],
        )

    return sql, reader(Notification, notification_fields), reader(user_model, user_fields)


def _from_row(db, reader, values):
    model, attnames, converters = reader
    values = [
        value if convert is None else convert(value, None, db)
        for convert, value in zip(converters, values, strict=True)
    ]
    return model.from_db(db.alias, attnames, values)


def _claim_and_read(*, notification_id: int) -> Notification | None:
    """``claim`` the row and read it with its recipient: one statement on
    PostgreSQL (an ``UPDATE ... RETURNING`` joined to the user), the claim
    then a read elsewhere. None when the row could not be claimed (or is
    gone)."""
    # The connection itself, not the ``connection`` proxy (a lookup each use).
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        if not claim(notification_id=notification_id):
            return None
        return Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    sql, notification_reader, user_reader = _claim_sql()
    now = timezone.now()
    row = _execute(
        db,
        sql,
        [
            NotificationStatus.SENDING,
            now + timedelta(seconds=CLAIM_SECONDS),
            notification_id,
            NotificationStatus.PENDING,
            now,
        ],
        fetch=True,
    )
    if row is None:
        return None
    split = len(notification_reader[1])
    notification = _from_row(db, notification_reader, row[:split])
    notification.recipient = _from_row(db, user_reader, row[split:])
    return notification


def send(*, notification_id: int) -> str:
    """Send one notification if it can be claimed.

    Returns the resulting status: ``"sent"``, ``"pending"`` (failed, retried
    after the back-off), ``"failed"`` (after the last attempt) or
    ``"skipped"`` (not due, or claimed by someone else).
    """
    notification = _claim_and_read(notification_id=notification_id)
    if notification is None:  # not claimed, or deleted with its recipient meanwhile
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


@lru_cache(maxsize=4)
def _mark_sent_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    # Identifiers come from the model's metadata; values are parameters.
    return (
        f"UPDATE {quote(Notification._meta.db_table)}"  # noqa: S608
        f" SET {quote('status')} = %s, {quote('sent_at')} = %s,"
        f" {quote('claimed_until')} = NULL, {quote('last_error')} = %s"
        f" WHERE {quote('id')} = %s AND {quote('status')} IN (%s, %s)"
    )


def _mark_sent(*, notification_id: int) -> None:
    """Record a successful send. It wins even when the claim was released
    meanwhile (a very slow provider): marking it sent stops any other
    attempt. One plain UPDATE (the queryset's would cost as much Python to
    build as the round trip)."""
    db = connections[DEFAULT_DB_ALIAS]
    _execute(
        db,
        _mark_sent_sql(db.vendor),
        [
            NotificationStatus.SENT,
            db.ops.adapt_datetimefield_value(timezone.now()),
            "",
            notification_id,
            NotificationStatus.SENDING,
            NotificationStatus.PENDING,
        ],
    )


# On PostgreSQL the two statements of each email are prepared by psycopg on
# their first run on a database connection (parsed and planned once, then
# only bound to their values), with the values sent apart from the SQL.
# Django's cursors write the values into the SQL in Python and leave
# psycopg's prepared statements off, because transaction-pooling proxies
# may break them: these two are used outside transactions only, and a
# connection where they fail (such a proxy, a changed table) runs them the
# plain way from then on. Measured per email: 0.05 ms less CPU time and
# 0.09 ms less waiting than statements prepared with SQL's PREPARE and run
# by Django's cursors (docs/performance.md, round 4).
class _PreparingCursor(psycopg.Cursor):
    """A psycopg cursor with server-side parameters whose every statement is
    prepared (psycopg keeps them per connection)."""

    def execute(self, query, params=None, **kwargs):
        return super().execute(query, params, prepare=True)


# Connections where the prepared statements failed.
_unprepared: weakref.WeakSet = weakref.WeakSet()
# Nonexistent or duplicate prepared statement, cached plan no longer valid.
_PREPARED_STATEMENT_ERRORS = {"26000", "42P05", "0A000"}


def _execute(db, sql: str, params: list, *, fetch: bool = False):
    """Run the outbox statement ``sql`` with ``params`` on the connection
    ``db`` (prepared on PostgreSQL outside a transaction, see
    ``_PreparingCursor``). Returns its first row when ``fetch``."""
    if db.vendor == "postgresql" and not db.in_atomic_block:
        # What db.cursor() does before making its cursor.
        db.close_if_health_check_failed()
        db.ensure_connection()
        raw = db.connection
        if raw not in _unprepared:
            if raw.prepare_threshold is None:
                # Django turns psycopg's prepared statements off; only
                # cursors with server-side parameters (these) would use them.
                raw.prepare_threshold = 0
            db.validate_thread_sharing()
            cursor = _PreparingCursor(raw)
            cursor = db.make_debug_cursor(cursor) if db.queries_logged else db.make_cursor(cursor)
            try:
                with cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchone() if fetch else None
            except DatabaseError as error:
                if getattr(error.__cause__, "sqlstate", None) not in _PREPARED_STATEMENT_ERRORS:
                    raise
                logger.info("Outbox statements not prepared on this connection: %s", error)
                _unprepared.add(raw)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if fetch else None


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
        _email.key != key or time.monotonic() - _email.used_at > EMAIL_CONNECTION_IDLE_SECONDS
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
        available_at=timezone.now() + timedelta(seconds=backoff_seconds(notification.attempts)),
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
        status=NotificationStatus.PENDING, claimed_until=None, available_at=now, last_error=note
    )
    if failed or released:
        logger.warning("Released %s stale notification claims (%s now failed)", released, failed)
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
            status=NotificationStatus.PENDING, available_at=now, attempts=0, claimed_until=None
        )
        for pk in ids:
            transaction.on_commit(partial(dispatch, notification_id=pk), robust=True)
    return len(ids)
