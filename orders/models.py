from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from artists.models import Artist, Variant
from marketplace.storage import private_storage

MONEY = {"max_digits": 12, "decimal_places": 2}


HALF_CENT = Decimal("0.005")


def to_the_cent(field: str, expression) -> Q:
    """``field`` equals ``expression`` to the cent. On PostgreSQL's exact
    numeric(12, 2) this is plain equality; SQLite stores decimals as floating
    point, where 145.05 + 12.50 - 14.51 is not exactly 143.04."""
    half_cent = Value(HALF_CENT, output_field=models.DecimalField(max_digits=12, decimal_places=3))
    return Q(**{f"{field}__gt": expression - half_cent}) & Q(
        **{f"{field}__lt": expression + half_cent}
    )


def personalisation_path(instance, filename):
    return f"personalisation/{timezone.now():%Y/%m}/{filename}"


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
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
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
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_line_quantity_positive")
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
    times_used = models.PositiveIntegerField(_("times used"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("discount code")
        verbose_name_plural = _("discount codes")
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="discount_value_positive"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100),
                name="discount_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=F("usage_limit")),
                name="discount_used_within_limit",
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


class OrderNumberCounter(models.Model):
    """Gapless invoice numbering per year: the row is locked while a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("order number counter")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Order(models.Model):
    """One checkout. Its number is also its invoice number."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("buyer"),
    )
    email = models.EmailField(_("email"))
    shipping_name = models.CharField(_("name"), max_length=120)
    shipping_line1 = models.CharField(_("address"), max_length=200)
    shipping_line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    shipping_city = models.CharField(_("city"), max_length=120)
    shipping_postcode = models.CharField(_("postcode"), max_length=20)
    shipping_country = CountryField(_("country"))
    discount_code = models.CharField(_("discount code"), max_length=40, blank=True)
    items_total = models.DecimalField(_("items"), **MONEY)
    shipping_total = models.DecimalField(_("shipping"), **MONEY)
    discount_total = models.DecimalField(_("discount"), default=Decimal("0.00"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    language = models.CharField(max_length=2, default="en")
    # The buyer's idempotency key for this checkout (a double-submitted form
    # or a retried API call finds the order instead of creating a second one).
    checkout_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("placed at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["buyer", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=to_the_cent("total", F("items_total") + F("shipping_total") - F("discount_total")),
                name="order_total_adds_up",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("account:order", kwargs={"number": self.number})

    @property
    def status(self) -> str:
        """The buyer-level status (an ``OrderStatus`` value), derived from the
        artist orders (prefetch ``artist_orders`` to avoid a query)."""
        return order_status(self)

    @property
    def status_label(self) -> str:
        return str(OrderStatus(self.status).label)


class OrderStatus(models.TextChoices):
    """The buyer-level status of an order, derived from its artist orders."""

    AWAITING_PAYMENT = "awaiting_payment", _("awaiting payment")
    PAID = "paid", _("paid")
    IN_PROGRESS = "in_progress", _("in progress")
    PARTIALLY_SHIPPED = "partially_shipped", _("partially shipped")
    SHIPPED = "shipped", _("shipped")
    DELIVERED = "delivered", _("delivered")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")
    PARTIALLY_REFUNDED = "partially_refunded", _("partially refunded")
    REFUNDED = "refunded", _("refunded")


class ArtistOrderState(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("awaiting payment")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("awaiting acceptance")
    ACCEPTED = "accepted", _("accepted")
    SHIPPED = "shipped", _("shipped")
    DELIVERED = "delivered", _("delivered")
    COMPLETED = "completed", _("completed")
    REFUSED = "refused", _("refused")
    CANCELLED = "cancelled", _("cancelled")


S = ArtistOrderState

# The buyer-level status of an order, derived from its artist orders.
_SHIPPED_OR_LATER = {
    ArtistOrderState.SHIPPED.value,
    ArtistOrderState.DELIVERED.value,
    ArtistOrderState.COMPLETED.value,
}
_CLOSED_UNSOLD = {ArtistOrderState.CANCELLED.value, ArtistOrderState.REFUSED.value}


def order_status(order: "Order") -> str:
    """The buyer-level status of ``order`` (an ``OrderStatus`` value).

    In order of precedence: awaiting payment while any artist order waits
    for it; cancelled when every artist order is cancelled or refused;
    refunded when everything paid was refunded; partially refunded when
    something was; then the progress of the artist orders still running:
    completed, delivered, shipped when all reached that point, partially
    shipped when some did, in progress when an artist accepted, else paid.
    """
    artist_orders = list(order.artist_orders.all())
    states = [ao.state for ao in artist_orders]
    if not states or ArtistOrderState.AWAITING_PAYMENT in states:
        return OrderStatus.AWAITING_PAYMENT
    active = [ao for ao in artist_orders if ao.state not in _CLOSED_UNSOLD]
    if not active:
        return OrderStatus.CANCELLED
    paid = sum(ao.paid for ao in artist_orders)
    refunded = sum(ao.refunded for ao in artist_orders)
    if refunded > 0 and refunded >= paid:
        return OrderStatus.REFUNDED
    if refunded > 0:
        return OrderStatus.PARTIALLY_REFUNDED
    active_states = {ao.state for ao in active}
    if active_states == {ArtistOrderState.COMPLETED}:
        return OrderStatus.COMPLETED
    if active_states <= {ArtistOrderState.DELIVERED, ArtistOrderState.COMPLETED}:
        return OrderStatus.DELIVERED
    if active_states <= _SHIPPED_OR_LATER:
        return OrderStatus.SHIPPED
    if active_states & _SHIPPED_OR_LATER:
        return OrderStatus.PARTIALLY_SHIPPED
    if ArtistOrderState.ACCEPTED in active_states:
        return OrderStatus.IN_PROGRESS
    return OrderStatus.PAID



class ArtistOrder(ConcurrentTransitionMixin, models.Model):
    """One artist's part of an order; the artist runs it through its states."""

    # No index of their own: the unique (order, artist) constraint serves
    # lookups by order, the (artist, ...) indexes below lookups by artist;
    # every checkout writes one index entry less per artist order.
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="artist_orders", db_index=False
    )
    artist = models.ForeignKey(
        Artist,
        on_delete=models.PROTECT,
        related_name="artist_orders",
        verbose_name=_("artist"),
        db_index=False,
    )
    state = FSMField(
        _("state"),
        max_length=24,
        choices=ArtistOrderState.choices,
        default=S.AWAITING_PAYMENT,
        protected=True,
    )
    items_total = models.DecimalField(_("items"), **MONEY)
    shipping_fee = models.DecimalField(_("shipping"), **MONEY)
    discount = models.DecimalField(_("discount"), default=Decimal("0.00"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    paid = models.DecimalField(_("paid"), default=Decimal("0.00"), **MONEY)
    refunded = models.DecimalField(_("refunded"), default=Decimal("0.00"), **MONEY)
    terms = models.JSONField(_("terms of sale at purchase"), default=dict)
    shipping_zone = models.CharField(_("shipping zone"), max_length=10)
    dispatch_date = models.DateField(_("expected dispatch"), null=True, blank=True)
    acceptance_deadline = models.DateTimeField(_("accept before"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=80, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=80, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    acceptance_reminder_sent_at = models.DateTimeField(
        _("acceptance reminder sent at"), null=True, blank=True
    )
    delay_notified_at = models.DateTimeField(_("buyer told of the delay at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("artist order")
        verbose_name_plural = _("artist orders")
        indexes = [
            models.Index(fields=["artist", "state", "-created_at"]),
            models.Index(fields=["artist", "-created_at"]),
            models.Index(fields=["state", "acceptance_deadline"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order", "artist"], name="one_artist_order_per_artist"),
            models.CheckConstraint(
                condition=to_the_cent("total", F("items_total") + F("shipping_fee") - F("discount")),
                name="artist_order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(refunded__gte=0) & Q(refunded__lte=F("paid")),
                name="artist_order_refunded_within_paid",
            ),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=F("total")),
                name="artist_order_paid_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.order_id and self.order.number} / {self.artist}"

    # Transitions only change state and stamp times: services do the rest.
    @transition(field=state, source=S.AWAITING_PAYMENT, target=S.AWAITING_ACCEPTANCE)
    def pay(self, *, at, acceptance_deadline):
        self.paid = self.total
        self.paid_at = at
        self.acceptance_deadline = acceptance_deadline

    @transition(field=state, source=S.AWAITING_PAYMENT, target=S.CANCELLED)
    def fail_payment(self, *, at):
        self.closed_at = at

    @transition(field=state, source=S.AWAITING_ACCEPTANCE, target=S.ACCEPTED)
    def accept(self, *, at=None):
        self.accepted_at = at or timezone.now()

    @transition(field=state, source=[S.AWAITING_ACCEPTANCE, S.ACCEPTED], target=S.REFUSED)
    def refuse(self, *, reason: str = "", at=None):
        self.refusal_reason = reason
        self.closed_at = at or timezone.now()

    @transition(field=state, source=S.AWAITING_ACCEPTANCE, target=S.REFUSED)
    def time_out(self, *, reason: str = "", at=None):
        self.refusal_reason = reason
        self.closed_at = at or timezone.now()

    @transition(field=state, source=S.AWAITING_ACCEPTANCE, target=S.CANCELLED)
    def cancel(self, *, at=None):
        self.closed_at = at or timezone.now()

    @transition(field=state, source=S.ACCEPTED, target=S.SHIPPED)
    def ship(self, carrier: str, tracking_number: str, *, at=None):
        self.carrier = carrier
        self.tracking_number = tracking_number
        self.shipped_at = at or timezone.now()

    @transition(field=state, source=S.SHIPPED, target=S.DELIVERED)
    def confirm_delivery(self, *, at=None):
        self.delivered_at = at or timezone.now()

    @transition(field=state, source=S.DELIVERED, target=S.COMPLETED)
    def complete(self, *, at=None):
        self.closed_at = at or timezone.now()

    @transition(field=state, source=S.SHIPPED, target=S.COMPLETED)
    def close_lost(self, *, at=None):
        """A parcel reported lost and refunded in full: nothing more to do."""
        self.closed_at = at or timezone.now()

    @property
    def refundable(self) -> Decimal:
        """What can still be refunded: paid minus the non-failed refunds."""
        return self.paid - self.refunded


class OrderLine(models.Model):
    """A snapshot of what was bought: it never changes with the catalog."""

    artist_order = models.ForeignKey(ArtistOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        Variant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    item_id_snapshot = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=160)
    variant_name = models.CharField(_("variant"), max_length=80)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = models.DecimalField(_("line total"), **MONEY)
    personalised = models.BooleanField(default=False)
    personalisation_text = models.CharField(max_length=500, blank=True)
    personalisation_photo = models.ImageField(
        upload_to=personalisation_path, storage=private_storage, blank=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=to_the_cent("line_total", F("unit_price") * F("quantity")),
                name="order_line_total_adds_up",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.title} ({self.variant_name})"


class ArtistOrderEvent(models.Model):
    """The history of an artist order: one row per transition."""

    artist_order = models.ForeignKey(ArtistOrder, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(_("from"), max_length=24, choices=ArtistOrderState.choices)
    to_state = models.CharField(_("to"), max_length=24, choices=ArtistOrderState.choices)
    transition = models.CharField(_("transition"), max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class PaymentStatus(models.TextChoices):
    CAPTURED = "captured", _("captured")
    DECLINED = "declined", _("declined")
    ERROR = "error", _("error")


class Payment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20)
    amount = models.DecimalField(**MONEY)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices)
    reference = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=120, blank=True)
    message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

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
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.order} {self.amount} {self.status}"


class RefundReason(models.TextChoices):
    REFUSAL = "refusal", _("refused by the artist")
    CANCELLATION = "cancellation", _("cancelled by the buyer")
    RETURN = "return", _("return")
    LOST_PARCEL = "lost_parcel", _("lost parcel")
    STAFF = "staff", _("decided by staff")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class Refund(models.Model):
    """Money given back on an artist order. ``ArtistOrder.refunded`` is the
    running sum of the non-failed refunds (CHECK refunded <= paid); the
    provider is called after commit with ``idempotency_key``."""

    artist_order = models.ForeignKey(
        ArtistOrder, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("artist order")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=20, choices=RefundReason.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
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
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self):
        return f"{self.amount} € ({self.get_reason_display()}, {self.get_status_display()})"


class CancellationStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted: the order was refused and refunded")
    DECLINED = "declined", _("declined: the order had already shipped")
    WITHDRAWN = "withdrawn", _("withdrawn")


class CancellationRequest(models.Model):
    """A buyer asking to cancel an accepted artist order; the artist answers
    by refusing the order (accepted) or shipping it (declined)."""

    artist_order = models.ForeignKey(
        ArtistOrder,
        on_delete=models.CASCADE,
        related_name="cancellation_requests",
        verbose_name=_("artist order"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CancellationStatus.choices,
        default=CancellationStatus.OPEN,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["artist_order"],
                condition=Q(status="open"),
                name="one_open_cancellation_request",
            )
        ]

    def __str__(self):
        return f"{self.artist_order} ({self.get_status_display()})"


class NotReceivedStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESHIPPED = "reshipped", _("shipped again")
    REFUNDED = "refunded", _("refunded")


class NotReceivedReport(models.Model):
    """A buyer reporting a parcel as not received; the artist (or staff)
    ships it again or refunds it."""

    artist_order = models.ForeignKey(
        ArtistOrder,
        on_delete=models.CASCADE,
        related_name="not_received_reports",
        verbose_name=_("artist order"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotReceivedStatus.choices, default=NotReceivedStatus.OPEN
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("not-received report")
        verbose_name_plural = _("not-received reports")
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["artist_order"],
                condition=Q(status="open"),
                name="one_open_not_received_report",
            )
        ]

    def __str__(self):
        return f"{self.artist_order} ({self.get_status_display()})"
