"""Refunds: recorded in the caller's transaction, paid by the provider after
commit, retried with back-off, never more than what was paid.

The guarantee lives in the database: ``ArtistOrder.refunded`` (the sum of
the non-failed refunds) only grows through one conditional UPDATE
(``refunded + amount <= paid``) and there is a CHECK ``refunded <= paid``;
the refund row carries a unique idempotency key that is also the key given
to the provider, so the same refund is never recorded or paid twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import DecimalField, F, Value
from django.db.models.functions import Round
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.money import to_money
from marketplace.notifications.formatting import format_amount

from .. import hooks
from ..models import (
    ArtistOrder,
    Payment,
    PaymentStatus,
    Refund,
    RefundReason,
    RefundStatus,
)
from ..payments import get_provider

logger = logging.getLogger(__name__)

# How long a worker may hold a refund while the provider answers before
# another attempt may take it (the provider call is idempotent anyway).
CLAIM_SECONDS = 300
# After this many failed attempts the refund stays pending (it is retried
# every hour) and an error is logged for staff.
ALERT_AFTER_ATTEMPTS = 8
MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)


def backoff_seconds(attempts: int) -> int:
    """Seconds before trying a refund again after failed attempt number
    ``attempts`` (1-based): 1 min, 2 min, 4 min... at most one hour."""
    return int(min(60 * 2 ** max(attempts - 1, 0), 3600))


def _clean_amount(amount) -> Decimal:
    try:
        value = to_money(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter an amount in euros."), field="amount") from None
    if not value.is_finite() or value <= 0:
        raise DomainError(_("The amount must be more than 0."), field="amount")
    return value


def refund_create(
    *,
    artist_order: ArtistOrder,
    amount,
    reason: str,
    idempotency_key: str,
    by=None,
    note: str = "",
) -> Refund:
    """Record a refund of ``amount`` euros on ``artist_order`` and have the
    provider pay it after commit (``orders.tasks.process_refund``).

    Runs in the caller's transaction (or its own). The same
    ``idempotency_key`` twice returns the first refund and records nothing.
    ``artist_order.refunded`` is refreshed from the database.

    :raises DomainError: ``amount`` not positive or more than what can still
        be refunded ("at most X can still be refunded"); ``reason`` unknown.
    """
    value = _clean_amount(amount)
    if reason not in RefundReason.values:
        raise DomainError(_("Choose a reason for the refund."), field="reason")
    key = str(idempotency_key or "").strip()[:120]
    if not key:
        raise DomainError(
            _("A refund needs an idempotency key."), field="idempotency_key"
        )
    with transaction.atomic():
        existing = Refund.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        try:
            # A savepoint: a concurrent refund with the same key undoes the
            # amount counted here too.
            with transaction.atomic():
                amount_value = Value(value, output_field=MONEY_FIELD)
                # Rounded to the cent: SQLite computes decimals in floating
                # point, where 20.10 + 37.20 is not 57.30.
                new_refunded = Round(
                    F("refunded") + amount_value, 2, output_field=MONEY_FIELD
                )
                counted = (
                    ArtistOrder.objects.filter(pk=artist_order.pk)
                    .filter(LessThanOrEqual(new_refunded, F("paid")))
                    .update(refunded=new_refunded)
                )
                if not counted:
                    refundable = (
                        ArtistOrder.objects.filter(pk=artist_order.pk)
                        .values_list("paid", "refunded")
                        .first()
                    )
                    left = (
                        to_money(refundable[0] - refundable[1])
                        if refundable
                        else Decimal("0.00")
                    )
                    raise DomainError(
                        _("At most %(amount)s € can still be refunded.")
                        % {"amount": format_amount(max(left, Decimal("0.00")))},
                        field="amount",
                    )
                refund = Refund.objects.create(
                    artist_order_id=artist_order.pk,
                    amount=value,
                    reason=reason,
                    idempotency_key=key,
                    created_by=by,
                    note=str(note or "")[:2000],
                )
                hooks.refund_recorded(refund=refund)
        except IntegrityError:
            existing = Refund.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing
            raise
        artist_order.refunded = to_money(
            ArtistOrder.objects.values_list("refunded", flat=True).get(
                pk=artist_order.pk
            )
        )
        transaction.on_commit(
            partial(dispatch_refund, refund_id=refund.pk), robust=True
        )
    return refund


def dispatch_refund(*, refund_id: int) -> bool:
    """Hand a refund to Celery (in-process when there is no broker). Never
    raises: when the broker cannot be reached, ``retry_pending_refunds``
    picks the refund up. Returns whether the task was queued."""
    from ..tasks import process_refund

    try:
        process_refund.apply_async(kwargs={"refund_id": refund_id})
    except Exception as error:  # the broker is down or hangs
        logger.warning(
            "Could not queue refund %s (%s: %s); left pending for the retry job",
            refund_id,
            type(error).__name__,
            error,
        )
        return False
    return True


def _captured_payment(refund: Refund) -> Payment | None:
    return (
        Payment.objects.filter(
            order_id=refund.artist_order.order_id, status=PaymentStatus.CAPTURED
        )
        .order_by("-created_at", "-id")
        .first()
    )


def refund_process(*, refund_id: int, now=None) -> str:
    """Ask the provider to pay one pending refund, if it is due and no one
    else holds it. Returns the refund's status afterwards (``"pending"``,
    ``"succeeded"``, ``"failed"``) or ``"skipped"`` when it was not due,
    held elsewhere or no longer pending.

    A provider that cannot be reached (an exception) leaves the refund
    pending with a back-off; a provider that declines marks it failed and
    frees its amount (``refund_mark_failed``).
    """
    now = now or timezone.now()
    claimed = Refund.objects.filter(
        pk=refund_id, status=RefundStatus.PENDING, next_attempt_at__lte=now
    ).update(
        attempts=F("attempts") + 1,
        next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS),
    )
    if not claimed:
        return "skipped"
    refund = Refund.objects.select_related("artist_order").get(pk=refund_id)
    payment = _captured_payment(refund)
    if payment is None:
        refund_mark_failed(refund=refund, message="No captured payment to refund.")
        return RefundStatus.FAILED
    try:
        provider = get_provider(payment.provider)
        result = provider.refund(
            amount=refund.amount,
            payment_reference=payment.reference,
            idempotency_key=refund.idempotency_key,
        )
    except Exception as error:
        return _retry_later(
            refund=refund, error=f"{type(error).__name__}: {error}", now=now
        )
    if result.ok:
        succeeded = Refund.objects.filter(
            pk=refund.pk, status=RefundStatus.PENDING
        ).update(
            status=RefundStatus.SUCCEEDED,
            provider_reference=str(result.reference)[:100],
            succeeded_at=timezone.now(),
            last_error="",
            updated_at=timezone.now(),
        )
        if succeeded:
            _announce_paid(refund)
        return RefundStatus.SUCCEEDED
    refund_mark_failed(refund=refund, message=str(result.message or "declined"))
    return RefundStatus.FAILED


def _announce_paid(refund: Refund) -> None:
    """Tell the apps that follow refunds that the provider paid ``refund``
    (``hooks.refund_paid``: the returns app emails the buyer of a return).
    The refund is paid whatever happens there."""
    try:
        with transaction.atomic():
            hooks.refund_paid(refund=refund)
    except Exception:
        logger.exception(
            "What follows the payment of refund %s could not be recorded", refund.pk
        )


def _retry_later(*, refund: Refund, error: str, now) -> str:
    attempts = refund.attempts
    Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
        next_attempt_at=now + timedelta(seconds=backoff_seconds(attempts)),
        last_error=error[:2000],
        updated_at=timezone.now(),
    )
    log = logger.error if attempts >= ALERT_AFTER_ATTEMPTS else logger.warning
    log(
        "Refund %s (%s) failed, attempt %s: %s",
        refund.pk,
        refund.idempotency_key,
        attempts,
        error,
    )
    return RefundStatus.PENDING


def refund_mark_failed(*, refund: Refund, message: str = "") -> bool:
    """Mark a pending refund failed (the provider declined it for good) and
    give its amount back to what can be refunded. False when it was no
    longer pending."""
    with transaction.atomic():
        # Same lock order as refund_create: the artist order, then the refund.
        ArtistOrder.objects.select_for_update(of=("self",)).filter(
            pk=refund.artist_order_id
        ).first()
        failed = Refund.objects.filter(
            pk=refund.pk, status=RefundStatus.PENDING
        ).update(
            status=RefundStatus.FAILED,
            last_error=str(message)[:2000],
            updated_at=timezone.now(),
        )
        if failed:
            amount_value = Value(refund.amount, output_field=MONEY_FIELD)
            ArtistOrder.objects.filter(pk=refund.artist_order_id).update(
                refunded=Round(
                    F("refunded") - amount_value, 2, output_field=MONEY_FIELD
                )
            )
            hooks.refund_failed(refund=refund)
            logger.error(
                "Refund %s (%s) failed: %s", refund.pk, refund.idempotency_key, message
            )
    return bool(failed)


def seconds_until_due(*, refund_id: int) -> float:
    """Seconds until a pending refund may be tried again (0 if due)."""
    next_attempt_at = (
        Refund.objects.filter(pk=refund_id)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if next_attempt_at is None:
        return 0.0
    return max((next_attempt_at - timezone.now()).total_seconds(), 0.0)


def retry_pending_refunds_due(*, now=None, limit: int = 200) -> int:
    """Try again every pending refund whose back-off is over (or whose
    first task was lost). Returns how many were tried."""
    now = now or timezone.now()
    due = list(
        Refund.objects.filter(status=RefundStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    tried = 0
    for refund_id in due:
        if refund_process(refund_id=refund_id, now=now) != "skipped":
            tried += 1
    return tried
