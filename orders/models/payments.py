"""Money in and out of an order: the payment, and refunds of artist orders."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import MONEY
from .orders import ArtistOrder, Order


class PaymentStatus(models.TextChoices):
    CAPTURED = "captured", _("captured")
    DECLINED = "declined", _("declined")
    ERROR = "error", _("error")


class Payment(models.Model):
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("order"),
    )
    provider = models.CharField(_("provider"), max_length=20)
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, blank=True)
    message = models.CharField(_("message"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="captured"),
                name="one_captured_payment_per_order",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="payment_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="payment_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.order} {self.amount} {self.status}"


class RefundReason(models.TextChoices):
    REFUSAL = "refusal", _("refused by the artist")
    CANCELLATION = "cancellation", _("cancelled by the buyer")
    RETURN = "return", _("return")
    LOST_PARCEL = "lost_parcel", _("lost parcel")
    STAFF = "staff", _("decided by staff")
    CUSTOMS_REFUSAL = "customs_refusal", _("refused at customs")
    CHANGE = "change", _("order changed by the buyer")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class Refund(models.Model):
    """Money given back on an artist order. ``ArtistOrder.refunded`` is the
    running sum of the non-failed refunds (CHECK refunded <= paid); the
    provider is called after commit with ``idempotency_key``."""

    artist_order = models.ForeignKey(
        ArtistOrder,
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("artist order"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=20, choices=RefundReason.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RefundStatus.choices,
        default=RefundStatus.PENDING,
    )
    provider_reference = models.CharField(
        _("provider reference"), max_length=100, blank=True
    )
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=120, unique=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When the provider may be called (again): after commit, then after each
    # back-off; a worker holding the refund pushes it forward (its claim).
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)
    # A failed refund stays in the staff's escalation queue until a member of
    # staff has acted (refunded again, contacted the buyer) and marks it handled.
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="refund_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.amount} € ({self.get_reason_display()}, {self.get_status_display()})"
