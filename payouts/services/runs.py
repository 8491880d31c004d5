"""Payout runs: every artist whose available balance reaches
``PAYOUT_MINIMUM`` is paid it, through the payment provider, once.

A run takes artists in batches. For each batch, in one transaction, it
locks the artists' payout accounts (two runs wait for each other there),
then the artist orders it pays (a refund, which updates its artist order's
row, waits or is waited for), reads what is owed from the ledger under
those locks, and writes each payout with its ledger entries. So what one
run paid is owed no more when the next run reads, and no artist order is
paid twice. The provider is called after the commit (``payouts.tasks``),
with the payout's idempotency key.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict
from marketplace.money import ZERO, to_money
from marketplace.notifications.services import notify
from orders.models import ArtistOrder, ArtistOrderState
from orders.payments import get_provider
from orders.services.refunds import backoff_seconds

from ..emails import payout_failed_context, payout_sent_context
from ..models import (
    Account,
    LedgerEntry,
    Payout,
    PayoutAccount,
    PayoutRun,
    PayoutStatus,
    money_sum,
)
from ..rules import MAX_FAILED_PAYOUTS, payout_backoff
from ..selectors import holds_of, unpaid_by_artist_order, with_holds
from .ledger import record_payout_failed, record_payouts

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# How long a worker may hold a payout while the provider answers.
CLAIM_SECONDS = 300


def payout_minimum() -> Decimal:
    return to_money(settings.PAYOUT_MINIMUM)


def _owing_artists(artist_ids=None) -> list[int]:
    """Artists with money owed on completed artist orders (or adjustments)."""
    entries = LedgerEntry.objects.filter(account=Account.ARTIST).filter(
        Q(artist_order__isnull=True) | Q(artist_order__state=ArtistOrderState.COMPLETED)
    )
    if artist_ids is not None:
        entries = entries.filter(artist_id__in=list(artist_ids))
    rows = (
        entries.values("artist_id", "artist_order_id")
        .annotate(owed=money_sum())
        .exclude(owed=0)
        .order_by()
        .values_list("artist_id", flat=True)
    )
    return sorted(set(rows))


def payout_run(
    *, now=None, by=None, artist_ids=None, retry_of: Payout | None = None
) -> PayoutRun:
    """Pay every artist whose available balance is at least the minimum
    (only ``artist_ids`` if given). Artists whose payouts staff holds, whose
    last payouts failed and wait for their back-off, or with a payout still
    on its way are left for a later run; ``retry_of`` (staff retrying a
    failed payout) ignores the back-off. Idempotent: a second run, at once
    or racing, finds nothing more to pay."""
    now = now or timezone.now()
    run = PayoutRun.objects.create(as_of=now, started_by=_user(by))
    artists = _owing_artists(artist_ids)
    for start in range(0, len(artists), BATCH_SIZE):
        _pay_batch(
            run=run,
            artist_ids=artists[start : start + BATCH_SIZE],
            now=now,
            retry_of=retry_of,
        )
    totals = Payout.objects.filter(run=run).aggregate(
        count=Count("id"), total=money_sum()
    )
    PayoutRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        payouts_count=totals["count"] or 0,
        total=totals["total"] or ZERO,
    )
    run.refresh_from_db()
    return run


def _user(by):
    return by if getattr(by, "pk", None) else None


def _pay_batch(*, run: PayoutRun, artist_ids: list[int], now, retry_of) -> int:
    PayoutAccount.objects.bulk_create(
        [PayoutAccount(artist_id=pk) for pk in artist_ids], ignore_conflicts=True
    )
    minimum = payout_minimum()
    with transaction.atomic():
        accounts = list(
            PayoutAccount.objects.select_for_update()
            .filter(artist_id__in=artist_ids)
            .order_by("artist_id")
        )
        busy = set(
            Payout.objects.filter(
                artist_id__in=artist_ids, status=PayoutStatus.PENDING
            ).values_list("artist_id", flat=True)
        )
        eligible = [
            account.artist_id
            for account in accounts
            if not account.held
            and account.artist_id not in busy
            and (
                retry_of is not None
                or (
                    account.failed_payouts < MAX_FAILED_PAYOUTS
                    and (
                        account.next_attempt_at is None
                        or account.next_attempt_at <= now
                    )
                )
            )
        ]
        if not eligible:
            return 0
        owing = (
            LedgerEntry.objects.filter(account=Account.ARTIST, artist_id__in=eligible)
            .values("artist_order_id")
            .annotate(owed=money_sum())
            .exclude(owed=0)
        )
        locked = list(
            ArtistOrder.objects.select_for_update()
            .filter(
                artist_id__in=eligible,
                state=ArtistOrderState.COMPLETED,
                pk__in=owing.values("artist_order_id"),
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        held = {
            ao.pk
            for ao in with_holds(ArtistOrder.objects.filter(pk__in=locked))
            if holds_of(ao)
        }
        owed = unpaid_by_artist_order(
            artist_ids=eligible,
            artist_order_ids=[pk for pk in locked if pk not in held],
        )
        parts: dict[int, dict] = {}
        for (artist_id, order_id), amount in owed.items():
            parts.setdefault(artist_id, {})[order_id] = amount
        new = [
            (
                Payout(
                    artist_id=artist_id,
                    run=run,
                    amount=sum(artist_parts.values(), ZERO),
                    # Sent at once, even by a run "as of" a later moment.
                    next_attempt_at=min(now, timezone.now()),
                    retry_of=retry_of,
                    created_at=now,
                ),
                artist_parts,
            )
            for artist_id, artist_parts in sorted(parts.items())
            if sum(artist_parts.values(), ZERO) >= max(minimum, Decimal("0.01"))
        ]
        if not new:
            return 0
        created = Payout.objects.bulk_create([payout for payout, _parts in new])
        record_payouts(
            payouts_parts=[
                (payout, artist_parts)
                for payout, (_p, artist_parts) in zip(created, new, strict=True)
            ],
            at=now,
        )
        for payout in created:
            transaction.on_commit(
                partial(dispatch_payout, payout_id=payout.pk), robust=True
            )
    return len(created)


def dispatch_payout(*, payout_id: int) -> bool:
    """Hand a payout to Celery (in-process without a broker). Never raises:
    the periodic jobs pick up a payout whose task was lost."""
    from ..tasks import send_payout

    try:
        send_payout.apply_async(kwargs={"payout_id": payout_id})
    except Exception as error:
        logger.warning("Could not queue payout %s (%s)", payout_id, error)
        return False
    return True


def payout_send(*, payout_id: int, now=None) -> str:
    """Ask the provider to pay one pending payout, if it is due and no one else
    holds it. Returns its status afterwards, or ``"skipped"``. A provider that
    cannot be reached leaves it pending, tried again later; one that
    refuses it fails it (``payout_mark_failed``)."""
    now = now or timezone.now()
    claimed = Payout.objects.filter(
        pk=payout_id, status=PayoutStatus.PENDING, next_attempt_at__lte=now
    ).update(
        attempts=F("attempts") + 1,
        next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS),
    )
    if not claimed:
        return "skipped"
    payout = Payout.objects.select_related("artist__user").get(pk=payout_id)
    try:
        result = get_provider(payout.provider).payout(
            amount=payout.amount,
            destination=f"artist:{payout.artist.slug}",
            idempotency_key=str(payout.idempotency_key),
        )
    except Exception as error:
        Payout.objects.filter(pk=payout.pk, status=PayoutStatus.PENDING).update(
            next_attempt_at=now + timedelta(seconds=backoff_seconds(payout.attempts)),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning("Payout %s could not reach the provider: %s", payout.pk, error)
        return PayoutStatus.PENDING
    if result.ok:
        payout_mark_paid(payout=payout, reference=result.reference)
        return PayoutStatus.PAID
    payout_mark_failed(payout=payout, message=result.message or "declined", now=now)
    return PayoutStatus.FAILED


def payout_mark_paid(*, payout: Payout, reference: str = "") -> bool:
    """The provider paid ``payout``: the artist is told, the failure streak
    ends."""
    with transaction.atomic():
        paid = Payout.objects.filter(pk=payout.pk, status=PayoutStatus.PENDING).update(
            status=PayoutStatus.PAID,
            provider_reference=str(reference)[:100],
            paid_at=timezone.now(),
            last_error="",
        )
        if not paid:
            return False
        PayoutAccount.objects.filter(artist_id=payout.artist_id).update(
            failed_payouts=0, next_attempt_at=None
        )
        payout.refresh_from_db()
        user = payout.artist.user
        notify(
            recipient=user,
            event="payout_sent",
            context=payout_sent_context(payout=payout, recipient=user),
            dedupe_key=f"payout-sent:{payout.pk}",
        )
    return True


def payout_mark_failed(*, payout: Payout, message: str = "", now=None) -> bool:
    """The provider refused ``payout``: its money is owed to the artist again
    (ledger), the next payout waits for a back-off, and after
    ``MAX_FAILED_PAYOUTS`` failures in a row staff takes over (the
    escalation queue). The artist is told either way."""
    now = now or timezone.now()
    with transaction.atomic():
        account = PayoutAccount.objects.select_for_update().get(
            artist_id=payout.artist_id
        )
        failed = Payout.objects.filter(
            pk=payout.pk, status=PayoutStatus.PENDING
        ).update(
            status=PayoutStatus.FAILED,
            failed_at=timezone.now(),
            last_error=str(message)[:2000],
        )
        if not failed:
            return False
        record_payout_failed(payout=payout)
        account.failed_payouts += 1
        account.next_attempt_at = now + payout_backoff(account.failed_payouts)
        account.save(update_fields=["failed_payouts", "next_attempt_at", "updated_at"])
        payout.refresh_from_db()
        user = payout.artist.user
        notify(
            recipient=user,
            event="payout_failed",
            context=payout_failed_context(
                payout=payout,
                recipient=user,
                retry_at=(
                    account.next_attempt_at
                    if account.failed_payouts < MAX_FAILED_PAYOUTS
                    else None
                ),
            ),
            dedupe_key=f"payout-failed:{payout.pk}",
        )
        logger.error("Payout %s to %s failed: %s", payout.pk, payout.artist, message)
    return True


def payout_retry(*, payout: Payout, by) -> Payout:
    """Staff pays again what a failed payout should have paid, now, whatever
    the back-off: a new payout of what is available.

    :raises Conflict: the payout did not fail, a later payout exists, staff
        holds the artist's payouts, or nothing is available to pay.
    """
    if payout.status != PayoutStatus.FAILED:
        raise Conflict(_("Only a failed payout can be retried."), state=payout.status)
    if Payout.objects.filter(artist_id=payout.artist_id, pk__gt=payout.pk).exists():
        raise Conflict(
            _("A later payout to this artist exists: look at that one."),
            state=payout.status,
        )
    if PayoutAccount.objects.filter(artist_id=payout.artist_id, held=True).exists():
        raise Conflict(
            _("This artist's payouts are held: release them first."),
            state=payout.status,
        )
    run = payout_run(by=by, artist_ids=[payout.artist_id], retry_of=payout)
    created = Payout.objects.filter(run=run, artist_id=payout.artist_id).first()
    if created is None:
        raise Conflict(
            _(
                "Nothing to pay this artist now: the available balance is under the minimum."
            ),
            state=payout.status,
        )
    return created


def retry_pending_payouts_due(*, now=None) -> int:
    """Try again every pending payout whose back-off is over (or whose task
    was lost). Returns how many were tried."""
    now = now or timezone.now()
    due = list(
        Payout.objects.filter(
            status=PayoutStatus.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:500]
    )
    for payout_id in due:
        try:
            payout_send(payout_id=payout_id, now=now)
        except Exception:
            logger.exception("Payout %s could not be sent", payout_id)
    return len(due)
