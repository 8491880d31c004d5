"""Reads of the money side, scoped to the artist or staff asking: balances
(a sum of entries, sorted into pending, available and on hold), holds and
why, the ledger by month, payouts and what they paid, commission by month."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from marketplace.money import ZERO, to_money
from orders.models import (
    ArtistOrder,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
    NotReceivedReport,
    NotReceivedStatus,
)
from returns.models import OPEN_STATES, ReturnRequest

from .models import Account, EntryKind, LedgerEntry, Payout, PayoutAccount, money_sum
from .parts import PayoutPart, parts_by_payout
from .services.ledger import default_rate

PAYOUT_KINDS = (EntryKind.PAYOUT, EntryKind.PAYOUT_FAILED)


class HoldReason:
    RETURN = "return"
    CANCELLATION = "cancellation"
    NOT_RECEIVED = "not_received"
    STAFF = "staff"


def with_holds(queryset: QuerySet[ArtistOrder]) -> QuerySet[ArtistOrder]:
    """Annotate artist orders with what holds their money: the id of a
    running return request, an open cancellation request, an open
    not-received report."""
    return queryset.annotate(
        hold_return_id=Subquery(
            ReturnRequest.objects.filter(
                artist_order=OuterRef("pk"), state__in=OPEN_STATES
            )
            .order_by("id")
            .values("id")[:1]
        ),
        hold_cancellation=Exists(
            CancellationRequest.objects.filter(
                artist_order=OuterRef("pk"), status=CancellationStatus.OPEN
            )
        ),
        hold_not_received=Exists(
            NotReceivedReport.objects.filter(
                artist_order=OuterRef("pk"), status=NotReceivedStatus.OPEN
            )
        ),
    )


def holds_of(artist_order) -> list[str]:
    """The hold reasons of an artist order annotated by ``with_holds``."""
    reasons = []
    if artist_order.hold_return_id:
        reasons.append(HoldReason.RETURN)
    if artist_order.hold_cancellation:
        reasons.append(HoldReason.CANCELLATION)
    if artist_order.hold_not_received:
        reasons.append(HoldReason.NOT_RECEIVED)
    return reasons


def unpaid_by_artist_order(*, artist_ids, artist_order_ids=None) -> dict:
    """``{(artist id, artist order id or None): amount}`` of what is owed and
    not paid out yet, for every artist order where it is not 0."""
    entries = LedgerEntry.objects.filter(
        account=Account.ARTIST, artist_id__in=list(artist_ids)
    )
    if artist_order_ids is not None:
        entries = entries.filter(
            Q(artist_order_id__in=list(artist_order_ids)) | Q(artist_order__isnull=True)
        )
    rows = (
        entries.values("artist_id", "artist_order_id")
        .annotate(owed=money_sum())
        .exclude(owed=0)
        .order_by()
    )
    return {
        (row["artist_id"], row["artist_order_id"]): to_money(row["owed"])
        for row in rows
        if to_money(row["owed"])
    }


@dataclass
class Hold:
    reason: str
    amount: Decimal
    artist_order: ArtistOrder | None = None
    return_request_id: int | None = None
    note: str = ""


@dataclass
class Balance:
    available: Decimal = ZERO
    pending: Decimal = ZERO
    on_hold: Decimal = ZERO
    paid_out: Decimal = ZERO
    commission_rate: Decimal = ZERO
    held_by_staff: bool = False
    hold_reason: str = ""
    holds: list[Hold] = field(default_factory=list)
    pending_orders: list[ArtistOrder] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.available + self.pending + self.on_hold


def account_for(artist) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(artist=artist).first()


def balance_for(*, artist) -> Balance:
    """The artist's money now. An artist order's unpaid money is on hold while
    something holds it, available once it is ``completed``, else pending;
    money not tied to an artist order (adjustments) is available. While
    staff holds the artist's payouts, what would be available is on hold."""
    account = account_for(artist)
    balance = Balance(
        commission_rate=(
            account.commission_rate
            if account and account.commission_rate is not None
            else default_rate()
        ),
        held_by_staff=bool(account and account.held),
        hold_reason=account.hold_reason if account and account.held else "",
    )
    balance.paid_out = -to_money(
        LedgerEntry.objects.filter(
            artist=artist, account=Account.ARTIST, kind__in=PAYOUT_KINDS
        ).aggregate(total=money_sum())["total"]
        or ZERO
    )
    owed = unpaid_by_artist_order(artist_ids=[artist.pk])
    orders = {
        ao.pk: ao
        for ao in with_holds(
            ArtistOrder.objects.filter(
                pk__in=[ao for (_a, ao) in owed if ao is not None]
            ).select_related("order")
        ).order_by("created_at", "id")
    }
    available = owed.get((artist.pk, None), ZERO)
    for (_artist, order_id), amount in owed.items():
        artist_order = orders.get(order_id)
        if artist_order is None:
            continue
        reasons = holds_of(artist_order)
        if reasons:
            balance.on_hold += amount
            balance.holds.append(
                Hold(
                    reason=reasons[0],
                    amount=amount,
                    artist_order=artist_order,
                    return_request_id=artist_order.hold_return_id,
                )
            )
        elif artist_order.state == ArtistOrderState.COMPLETED:
            available += amount
        else:
            balance.pending += amount
            balance.pending_orders.append(artist_order)
    if balance.held_by_staff:
        if available:
            balance.holds.insert(
                0,
                Hold(
                    reason=HoldReason.STAFF,
                    amount=available,
                    note=balance.hold_reason,
                ),
            )
        balance.on_hold += available
    else:
        balance.available = available
    balance.holds.sort(
        key=lambda hold: hold.artist_order.pk if hold.artist_order else 0
    )
    return balance


def ledger_for(*, artist, month: datetime.date | None = None) -> QuerySet[LedgerEntry]:
    """The artist's own entries, newest first; of one month if ``month``."""
    entries = (
        LedgerEntry.objects.filter(artist=artist, account=Account.ARTIST)
        .select_related("artist_order__order", "transaction")
        .order_by("-created_at", "-id")
    )
    if month is not None:
        start, end = month_bounds(month)
        entries = entries.filter(created_at__gte=start, created_at__lt=end)
    return entries


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of ``month`` and of the next, in the local zone."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=zone),
    )


def parse_month(value: str | None) -> datetime.date | None:
    """``YYYY-MM`` as the first day of that month; None when malformed."""
    try:
        month = datetime.datetime.strptime(str(value or ""), "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return None
    # Months whose bounds cannot be written (year 1, year 9999) name nothing.
    return month if 1900 <= month.year <= 9000 else None


def ledger_months(*, artist) -> list[datetime.date]:
    """The months the artist has entries in, newest first."""
    return [
        row.date() if isinstance(row, datetime.datetime) else row
        for row in LedgerEntry.objects.filter(artist=artist, account=Account.ARTIST)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")
    ]


def payouts_for(*, artist) -> QuerySet[Payout]:
    return Payout.objects.filter(artist=artist).order_by("-created_at", "-id")


def payout_get_for_artist(*, artist, pk) -> Payout:
    """One of the artist's payouts; another's is a 404."""
    try:
        return Payout.objects.get(artist=artist, pk=int(pk))
    except (Payout.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def payout_parts(payout: Payout) -> list[PayoutPart]:
    """What ``payout`` paid, artist order by artist order: each one's sale,
    commission (net of reversals), refunds, net earnings and the part paid
    in this payout (less than the net when earlier payouts paid the rest)."""
    return parts_by_payout([payout])[payout.pk]


def commission_by_month() -> list[dict]:
    """Commission the marketplace kept, per month, newest first: taken,
    given back with refunds, and net."""
    rows = list(
        LedgerEntry.objects.filter(account=Account.COMMISSION)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            taken=money_sum(
                "amount", filter=Q(kind=EntryKind.COMMISSION, amount__gt=0)
            ),
            reversed=money_sum(
                "amount", filter=~Q(kind=EntryKind.COMMISSION, amount__gt=0)
            ),
            net=money_sum(),
        )
        .order_by("-month")
    )
    for row in rows:
        for key in ("taken", "reversed", "net"):
            row[key] = to_money(row[key] or ZERO)
    return rows


def artist_balance_annotations() -> dict:
    """Sortable balance columns for a queryset of ``PayoutAccount``: total
    owed, paid out, and owed on completed artist orders with no hold."""
    artist_entries = LedgerEntry.objects.filter(
        account=Account.ARTIST, artist_id=OuterRef("artist_id")
    ).values("artist_id")

    def total(entries):
        return Subquery(entries.annotate(total=money_sum()).values("total")[:1])

    free = Q(artist_order__isnull=True) | Q(
        artist_order__state=ArtistOrderState.COMPLETED
    )
    held_orders = ArtistOrder.objects.filter(
        Q(return_requests__state__in=OPEN_STATES)
        | Q(cancellation_requests__status=CancellationStatus.OPEN)
        | Q(not_received_reports__status=NotReceivedStatus.OPEN)
    ).values("pk")
    return {
        "owed": total(artist_entries),
        "paid_out_total": total(artist_entries.filter(kind__in=PAYOUT_KINDS)),
        "completed_owed": total(
            artist_entries.filter(free).exclude(artist_order__in=held_orders)
        ),
    }


def payout_accounts_for_staff() -> QuerySet[PayoutAccount]:
    return PayoutAccount.objects.select_related("artist").annotate(
        **artist_balance_annotations()
    )
