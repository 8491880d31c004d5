"""Carts, their lines and the discount codes applied to them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from artists.models import Artist, Variant
from marketplace.storage import private_storage

from .fields import MONEY, personalisation_path


class Cart(models.Model):
    """A buyer's cart; anonymous carts hang on the session until login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
    )
    session_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    country = CountryField(_("deliver to"), default="FR")
    discount_code = models.ForeignKey(
        "DiscountCode",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("discount code"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self):
        return f"cart {self.pk} ({self.user or self.session_key})"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1)]
    )
    personalisation_text = models.CharField(
        _("personalisation text"), max_length=500, blank=True
    )
    personalisation_photo = models.ImageField(
        _("personalisation photo"),
        upload_to=personalisation_path,
        storage=private_storage,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="cart_line_quantity_positive"
            )
        ]

    def __str__(self):
        return f"{self.quantity} × {self.variant}"


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("percentage")
    FIXED = "fixed", _("fixed amount")


class DiscountCode(models.Model):
    """A code for the whole marketplace (no artist) or for one artist's items."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    artist = models.ForeignKey(
        Artist,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="discount_codes",
        verbose_name=_("artist"),
        help_text=_("Empty for a marketplace-wide code."),
    )
    kind = models.CharField(_("kind"), max_length=7, choices=DiscountKind.choices)
    value = models.DecimalField(
        _("value"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    starts_at = models.DateTimeField(_("valid from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    minimum_amount = models.DecimalField(
        _("minimum amount"), default=Decimal("0.00"), **MONEY
    )
    usage_limit = models.PositiveIntegerField(_("usage limit"), null=True, blank=True)
    per_buyer_limit = models.PositiveIntegerField(
        _("limit per buyer"),
        null=True,
        blank=True,
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "How many orders one buyer may place with this code; empty for no "
            "limit. An order cancelled or refused as a whole (or whose payment "
            "failed) gives its use back."
        ),
    )
    times_used = models.PositiveIntegerField(_("times used"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("discount code")
        verbose_name_plural = _("discount codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0), name="discount_value_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100),
                name="discount_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True)
                | Q(times_used__lte=F("usage_limit")),
                name="discount_used_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(per_buyer_limit__isnull=True) | Q(per_buyer_limit__gte=1),
                name="discount_per_buyer_limit_positive",
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)
