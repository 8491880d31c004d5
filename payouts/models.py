"""Money owed to artists: an append-only ledger, payouts and what holds them.

Every movement of money is a :class:`LedgerTransaction` (what happened: a
payment, a refund, a payout...) made of :class:`LedgerEntry` rows that sum
to zero, written in the transaction of the change itself. An artist's
balance is the sum of the entries of its account; nothing stores it.
Entries are never updated nor deleted: the models refuse it, and on
PostgreSQL a trigger refuses it too (migration 0002).

Accounts (``LedgerEntry.account``):

- ``artist``: what the marketplace owes the artist (positive: owed);
- ``buyers``: money received from buyers and not refunded (negative);
- ``commission``: the marketplace's commission (positive: earned);
- ``payouts``: money sent to artists' banks (positive: sent);
- ``adjustments``: staff corrections, the other side of an adjustment.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {
    "max_digits": 5,
    "decimal_places": 4,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
}


def money_sum(field: str = "amount", **kwargs) -> Round:
    """``Sum(field)`` rounded to the cent in the database: SQLite adds
    decimals as floats, where 57.30 - 6.88 - 50.42 is not 0, and a sum
    compared with 0 (``exclude(owed=0)``) must be exact."""
    return Round(
        Sum(field, **kwargs),
        2,
        output_field=models.DecimalField(**MONEY),
    )


class Account(models.TextChoices):
    ARTIST = "artist", _("artist")
    BUYERS = "buyers", _("buyers' payments")
    COMMISSION = "commission", _("commission")
    PAYOUTS = "payouts", _("payouts sent")
    ADJUSTMENTS = "adjustments", _("adjustments")


class EntryKind(models.TextChoices):
    """What an entry is, as the artist's ledger names it (``api.md``)."""

    SALE = "sale", _("sale")
    COMMISSION = "commission", _("commission")
    REFUND = "refund", _("refund")
    COMMISSION_REVERSAL = "commission_reversal", _("commission reversal")
    REFUND_FAILED = "refund_failed", _("refund failed")
    PAYOUT = "payout", _("payout")
    PAYOUT_FAILED = "payout_failed", _("payout failed")
    ADJUSTMENT = "adjustment", _("adjustment")


class TransactionKind(models.TextChoices):
    PAYMENT = "payment", _("payment")
    REFUND = "refund", _("refund")
    REFUND_FAILED = "refund_failed", _("refund failed")
    PAYOUT = "payout", _("payout")
    PAYOUT_FAILED = "payout_failed", _("payout failed")
    ADJUSTMENT = "adjustment", _("adjustment")


class AppendOnly(models.Model):
    """Rows that are written once: saving an existing row or deleting one
    raises (the database refuses it too on PostgreSQL)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only.")


class CommissionDefault(models.Model):
    """The marketplace's default commission rate (one row; staff edits it in
    the admin). Until staff sets it, ``settings.COMMISSION_RATE`` applies."""

    rate = models.DecimalField(_("commission rate"), **RATE)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("default commission")
        verbose_name_plural = _("default commission")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="commission_default_one_row")
        ]

    def __str__(self):
        return f"{self.rate * 100:.2f} %"


class PayoutAccount(models.Model):
    """An artist's side of the money: its commission rate if staff set one,
    whether staff holds its payouts, and the back-off after failed payouts.
    Its row is what payout runs and holds lock. No balance is stored here."""

    artist = models.OneToOneField(
        "artists.Artist",
        on_delete=models.PROTECT,
        related_name="payout_account",
        verbose_name=_("artist"),
    )
    commission_rate = models.DecimalField(
        _("commission rate"),
        null=True,
        blank=True,
        help_text=_("A fraction (0.10 = 10 %). Empty: the marketplace default."),
        **RATE,
    )
    held = models.BooleanField(_("payouts held"), default=False)
    hold_reason = models.TextField(_("reason for the hold"), blank=True)
    failed_payouts = models.PositiveSmallIntegerField(
        _("failed payouts in a row"), default=0
    )
    next_attempt_at = models.DateTimeField(
        _("next payout not before"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("artist balance")
        verbose_name_plural = _("artist balances")
        ordering = ["artist__name"]

    def __str__(self):
        return str(self.artist)


class PayoutHoldEvent(AppendOnly):
    """Staff held or released an artist's payouts, and why."""

    class Action(models.TextChoices):
        HOLD = "hold", _("held")
        RELEASE = "release", _("released")

    account = models.ForeignKey(
        PayoutAccount,
        on_delete=models.PROTECT,
        related_name="hold_events",
        verbose_name=_("artist balance"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("payout hold")
        verbose_name_plural = _("payout holds")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.account}: {self.get_action_display()}"


class PayoutRun(models.Model):
    """One run of the payout job (periodic, or started by staff)."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    as_of = models.DateTimeField(_("as of"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    payouts_count = models.PositiveIntegerField(_("payouts"), default=0)
    total = models.DecimalField(_("total"), default=Decimal("0.00"), **MONEY)

    class Meta:
        verbose_name = _("payout run")
        verbose_name_plural = _("payout runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return _("Payout run of %(date)s") % {
            "date": timezone.localtime(self.started_at).strftime("%Y-%m-%d %H:%M")
        }


class PayoutStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")


class Payout(models.Model):
    """Money sent to one artist: the available balance of its artist orders
    at the time of the run. Its ledger transaction says which artist orders
    it paid and how much of each; the provider gets ``idempotency_key``."""

    artist = models.ForeignKey(
        "artists.Artist",
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name=_("artist"),
    )
    run = models.ForeignKey(
        PayoutRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payouts",
        verbose_name=_("run"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PayoutStatus.choices,
        default=PayoutStatus.PENDING,
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.CharField(_("provider"), max_length=40, default="test")
    provider_reference = models.CharField(
        _("provider reference"), max_length=100, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    retry_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retries",
        verbose_name=_("retry of"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["artist", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_positive"),
            # One payout on its way per artist at a time.
            models.UniqueConstraint(
                fields=["artist"],
                condition=Q(status="pending"),
                name="payout_one_pending_per_artist",
            ),
        ]

    def __str__(self):
        return _("Payout #%(id)s") % {"id": self.pk}

    @property
    def last_error_text(self) -> str:
        """The provider's last answer, in the reader's language when it is one
        of the messages the marketplace knows (the test provider's are)."""
        return gettext(self.last_error) if self.last_error else ""


class LedgerTransaction(AppendOnly):
    """A set of entries that sum to zero: one change of money. ``key`` makes
    each change recorded once (``payment:<artist order>``, ``refund:<id>``...)."""

    kind = models.CharField(_("kind"), max_length=20, choices=TransactionKind.choices)
    key = models.CharField(max_length=120, unique=True)
    artist = models.ForeignKey(
        "artists.Artist",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("artist"),
    )
    artist_order = models.ForeignKey(
        "orders.ArtistOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("artist order"),
    )
    refund = models.ForeignKey(
        "orders.Refund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("refund"),
    )
    payout = models.ForeignKey(
        Payout,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payout"),
    )
    commission_rate = models.DecimalField(
        _("commission rate"), null=True, blank=True, max_digits=5, decimal_places=4
    )
    memo = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class LedgerEntry(AppendOnly):
    """One line of a ledger transaction: ``amount`` on ``account`` (signed;
    on the artist account, positive is owed to the artist)."""

    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("transaction"),
    )
    account = models.CharField(_("account"), max_length=12, choices=Account.choices)
    artist = models.ForeignKey(
        "artists.Artist",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("artist"),
    )
    artist_order = models.ForeignKey(
        "orders.ArtistOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("artist order"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The artist's ledger, newest first, and its months.
            models.Index(
                fields=["artist", "account", "-created_at"],
                name="ledger_artist_time",
            ),
            # Balances: sums per artist order of the artist's account.
            models.Index(
                fields=["artist", "account", "artist_order", "amount"],
                name="ledger_artist_order",
            ),
            models.Index(
                fields=["account", "kind", "created_at"], name="ledger_account_kind"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0), name="ledger_entry_not_zero"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"
