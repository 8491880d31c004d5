"""Writing the ledger: one function per change of money, each a set of
entries that sums to zero, in the caller's transaction, recorded once per
key whatever the retries."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.money import ZERO, to_money
from orders.models import ArtistOrder, Refund

from ..models import (
    Account,
    CommissionDefault,
    EntryKind,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutAccount,
    TransactionKind,
    money_sum,
)
from ..rules import commission_of, commission_reversal

A, K = Account, EntryKind


def default_rate() -> Decimal:
    """The marketplace's default commission: staff's, else ``COMMISSION_RATE``."""
    rate = CommissionDefault.objects.values_list("rate", flat=True).first()
    return Decimal(str(settings.COMMISSION_RATE)) if rate is None else rate


def rate_for(artist_id: int) -> Decimal:
    """The commission rate of an artist: staff's rate for its shop, else the
    default."""
    rate = (
        PayoutAccount.objects.filter(artist_id=artist_id)
        .values_list("commission_rate", flat=True)
        .first()
    )
    return default_rate() if rate is None else rate


def post(
    *,
    kind: str,
    key: str,
    artist_id: int,
    lines: list[tuple[str, str, Decimal, int | None]],
    artist_order_id: int | None = None,
    refund_id: int | None = None,
    payout_id: int | None = None,
    commission_rate: Decimal | None = None,
    memo: str = "",
    by=None,
    at=None,
) -> LedgerTransaction | None:
    """Record one ledger transaction: ``lines`` of ``(account, entry kind,
    amount, artist order id)``. Lines of 0 are left out. The same ``key``
    twice records nothing and returns the first transaction.

    :raises ValueError: the lines do not sum to zero (a bug, not an input).
    """
    lines = [(acc, k, to_money(amt), ao) for acc, k, amt, ao in lines if amt]
    if sum((amount for _a, _k, amount, _o in lines), ZERO) != ZERO:
        raise ValueError(f"Ledger transaction {key} does not sum to zero: {lines}")
    existing = LedgerTransaction.objects.filter(key=key).first()
    if existing is not None or not lines:
        return existing
    at = at or timezone.now()
    try:
        with transaction.atomic():
            record = LedgerTransaction.objects.create(
                kind=kind,
                key=key,
                artist_id=artist_id,
                artist_order_id=artist_order_id,
                refund_id=refund_id,
                payout_id=payout_id,
                commission_rate=commission_rate,
                memo=str(memo or "")[:2000],
                created_by=by if getattr(by, "pk", None) else None,
                created_at=at,
            )
            LedgerEntry.objects.bulk_create(
                LedgerEntry(
                    transaction=record,
                    account=account,
                    artist_id=artist_id,
                    artist_order_id=order_id,
                    kind=entry_kind,
                    amount=amount,
                    created_at=at,
                )
                for account, entry_kind, amount, order_id in lines
            )
    except IntegrityError:
        existing = LedgerTransaction.objects.filter(key=key).first()
        if existing is None:
            raise
        return existing
    return record


def record_payment(*, artist_order: ArtistOrder) -> LedgerTransaction | None:
    """The buyer paid ``artist_order``: the sale is owed to the artist, less
    the commission at the artist's rate (``orders.hooks.payment_recorded``)."""
    paid = to_money(artist_order.paid)
    rate = rate_for(artist_order.artist_id)
    commission = commission_of(paid, rate)
    ao = artist_order.pk
    return post(
        kind=TransactionKind.PAYMENT,
        key=f"payment:{ao}",
        artist_id=artist_order.artist_id,
        artist_order_id=ao,
        commission_rate=rate,
        at=artist_order.paid_at,
        lines=[
            (A.ARTIST, K.SALE, paid, ao),
            (A.BUYERS, K.SALE, -paid, ao),
            (A.ARTIST, K.COMMISSION, -commission, ao),
            (A.COMMISSION, K.COMMISSION, commission, ao),
        ],
    )


def _commission_so_far(artist_order_id: int) -> tuple[Decimal, Decimal]:
    """(commission taken at payment, commission still kept) on an artist order."""
    totals = LedgerEntry.objects.filter(
        account=A.COMMISSION, artist_order_id=artist_order_id
    ).aggregate(
        taken=money_sum("amount", filter=Q(kind=K.COMMISSION)),
        kept=money_sum(),
    )
    return to_money(totals["taken"] or ZERO), to_money(totals["kept"] or ZERO)


def record_refund(*, refund: Refund) -> LedgerTransaction | None:
    """A refund was recorded (``orders.hooks.refund_recorded``): it comes
    out of the artist's earnings, and the commission on it is given back in
    proportion. Called with the artist order's row locked by the refund."""
    paid, refunded = (
        ArtistOrder.objects.filter(pk=refund.artist_order_id)
        .values_list("paid", "refunded")
        .get()
    )
    amount = to_money(refund.amount)
    taken, kept = _commission_so_far(refund.artist_order_id)
    back = commission_reversal(
        commission=taken,
        paid=paid,
        refund=amount,
        refunded_before=to_money(refunded) - amount,
        reversed_before=taken - kept,
    )
    ao = refund.artist_order_id
    return post(
        kind=TransactionKind.REFUND,
        key=f"refund:{refund.pk}",
        artist_id=_artist_of(ao),
        artist_order_id=ao,
        refund_id=refund.pk,
        lines=[
            (A.ARTIST, K.REFUND, -amount, ao),
            (A.BUYERS, K.REFUND, amount, ao),
            (A.ARTIST, K.COMMISSION_REVERSAL, back, ao),
            (A.COMMISSION, K.COMMISSION_REVERSAL, -back, ao),
        ],
    )


def record_refund_failed(*, refund: Refund) -> LedgerTransaction | None:
    """The provider refused a refund for good (``orders.hooks.refund_failed``):
    its entries are reversed, so the money is the artist's again and the
    commission is kept again."""
    original = LedgerTransaction.objects.filter(key=f"refund:{refund.pk}").first()
    if original is None:
        return None
    kinds = {K.REFUND: K.REFUND_FAILED, K.COMMISSION_REVERSAL: K.COMMISSION}
    return post(
        kind=TransactionKind.REFUND_FAILED,
        key=f"refund-failed:{refund.pk}",
        artist_id=original.artist_id,
        artist_order_id=original.artist_order_id,
        refund_id=refund.pk,
        lines=[
            (entry.account, kinds[entry.kind], -entry.amount, entry.artist_order_id)
            for entry in original.entries.all()
        ],
    )


def record_payout_failed(*, payout: Payout) -> LedgerTransaction | None:
    """The provider refused ``payout``: the money is owed to the artist again,
    on the same artist orders, and the next runs pay it."""
    original = LedgerTransaction.objects.filter(key=f"payout:{payout.pk}").first()
    if original is None:
        return None
    return post(
        kind=TransactionKind.PAYOUT_FAILED,
        key=f"payout-failed:{payout.pk}",
        artist_id=payout.artist_id,
        payout_id=payout.pk,
        lines=[
            (entry.account, K.PAYOUT_FAILED, -entry.amount, entry.artist_order_id)
            for entry in original.entries.all()
        ],
    )


def record_adjustment(
    *, artist_id: int, amount, memo: str, by, key: str, artist_order_id=None
) -> LedgerTransaction | None:
    """Staff corrects what is owed to an artist by ``amount`` (negative to
    take back), with ``memo`` saying why."""
    try:
        value = to_money(amount)
    except Exception:
        raise DomainError(_("Enter an amount in euros."), field="amount") from None
    if not value.is_finite() or value == 0:
        raise DomainError(_("The amount cannot be 0."), field="amount")
    if abs(value) >= Decimal("1000000"):
        raise DomainError(_("The amount is too large."), field="amount")
    return post(
        kind=TransactionKind.ADJUSTMENT,
        key=key,
        artist_id=artist_id,
        artist_order_id=artist_order_id,
        memo=memo,
        by=by,
        lines=[
            (A.ARTIST, K.ADJUSTMENT, value, artist_order_id),
            (A.ADJUSTMENTS, K.ADJUSTMENT, -value, artist_order_id),
        ],
    )


def _artist_of(artist_order_id: int) -> int:
    return (
        ArtistOrder.objects.filter(pk=artist_order_id)
        .values_list("artist_id", flat=True)
        .get()
    )


def record_payouts(*, payouts_parts: list[tuple[Payout, dict]], at) -> None:
    """``record_payout`` for many new payouts in three queries (a payout run's
    batch): their transactions, then all their entries."""
    if not payouts_parts:
        return
    records = LedgerTransaction.objects.bulk_create(
        LedgerTransaction(
            kind=TransactionKind.PAYOUT,
            key=f"payout:{payout.pk}",
            artist_id=payout.artist_id,
            payout_id=payout.pk,
            created_at=at,
        )
        for payout, _parts in payouts_parts
    )
    entries = []
    for record, (payout, parts) in zip(records, payouts_parts, strict=True):
        if sum(parts.values(), ZERO) != payout.amount:
            raise ValueError(f"Payout {payout.pk} does not add up: {parts}")
        for order_id, amount in sorted(parts.items(), key=lambda p: p[0] or 0):
            if not amount:
                continue
            for account, value in ((A.ARTIST, -amount), (A.PAYOUTS, amount)):
                entries.append(
                    LedgerEntry(
                        transaction=record,
                        account=account,
                        artist_id=payout.artist_id,
                        artist_order_id=order_id,
                        kind=K.PAYOUT,
                        amount=value,
                        created_at=at,
                    )
                )
    LedgerEntry.objects.bulk_create(entries)
