"""Orders, split into one artist order per artist, their lines (a snapshot
of what was bought) and the history of each artist order."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from artists.models import Artist, Variant
from marketplace.models import TransitionRecord
from marketplace.storage import private_storage

from .fields import HALF_CENT_VALUE, MONEY, personalisation_path, to_the_cent


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
    shipping_line2 = models.CharField(
        _("address (continued)"), max_length=200, blank=True
    )
    shipping_city = models.CharField(_("city"), max_length=120)
    shipping_postcode = models.CharField(_("postcode"), max_length=20)
    shipping_country = CountryField(_("country"))
    discount_code = models.CharField(_("discount code"), max_length=40, blank=True)
    items_total = models.DecimalField(_("items"), **MONEY)
    shipping_total = models.DecimalField(_("shipping"), **MONEY)
    discount_total = models.DecimalField(
        _("discount"), default=Decimal("0.00"), **MONEY
    )
    total = models.DecimalField(_("total"), **MONEY)
    language = models.CharField(max_length=2, default="en")
    # The buyer's idempotency key for this checkout (a double-submitted form
    # or a retried API call finds the order instead of creating a second one).
    checkout_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(
        _("placed at"), default=timezone.now, db_index=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["buyer", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=to_the_cent(
                    "total",
                    F("items_total") + F("shipping_total") - F("discount_total"),
                ),
                name="order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0), name="order_total_not_negative"
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
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
    # Added after api.md's list: the payment of the checkout failed, nothing
    # was charged (its artist orders are ``cancelled`` and were never paid).
    PAYMENT_DECLINED = "payment_declined", _("payment declined")


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

# Artist orders whose payment failed (``fail_payment``: cancelled, never
# paid): no artist was ever asked to accept them, so no artist sees them
# (``orders.selectors``); the buyer and staff do.
PAYMENT_FAILED = Q(state=ArtistOrderState.CANCELLED, paid_at__isnull=True)


def order_status(order: "Order") -> str:
    """The buyer-level status of ``order`` (an ``OrderStatus`` value).

    In order of precedence: awaiting payment while any artist order waits
    for it; payment declined when the payment failed (every artist order
    cancelled without ever being paid); cancelled when every artist order
    is cancelled or refused;
    refunded when everything paid was refunded; partially refunded when
    something was; then the progress of the artist orders still running:
    completed, delivered, shipped when all reached that point, partially
    shipped when some did, in progress when an artist accepted, else paid.
    """
    artist_orders = list(order.artist_orders.all())
    states = [ao.state for ao in artist_orders]
    if not states or ArtistOrderState.AWAITING_PAYMENT in states:
        return OrderStatus.AWAITING_PAYMENT
    if all(ao.payment_failed for ao in artist_orders):
        return OrderStatus.PAYMENT_DECLINED
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


@dataclass(frozen=True)
class ShipTo:
    """A shipping address as pages, emails and the API show it."""

    name: str
    line1: str
    line2: str
    city: str
    postcode: str
    country: Country
    changed: bool = False

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "postcode": self.postcode,
            "country": str(self.country.code),
        }


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
    acceptance_deadline = models.DateTimeField(
        _("accept before"), null=True, blank=True
    )
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
    delay_notified_at = models.DateTimeField(
        _("buyer told of the delay at"), null=True, blank=True
    )
    # The address the buyer moved this part to before acceptance (the keys
    # of checkout's address); empty: the order's address.
    changed_address = models.JSONField(
        _("shipping address changed by the buyer"), default=dict, blank=True
    )
    # Non-empty makes it a gift order: its packing slip shows no prices.
    gift_message = models.CharField(_("gift message"), max_length=500, blank=True)
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
            models.UniqueConstraint(
                fields=["order", "artist"], name="one_artist_order_per_artist"
            ),
            models.CheckConstraint(
                condition=to_the_cent(
                    "total", F("items_total") + F("shipping_fee") - F("discount")
                ),
                name="artist_order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(refunded__gte=0) & Q(refunded__lte=F("paid")),
                name="artist_order_refunded_within_paid",
            ),
            # A change before acceptance lowers the total and refunds the
            # difference: what was paid never exceeds the total plus what
            # was refunded (to the cent, for SQLite's floating point).
            models.CheckConstraint(
                condition=Q(paid__gte=0)
                & Q(paid__lt=F("total") + F("refunded") + HALF_CENT_VALUE),
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

    @transition(
        field=state, source=[S.AWAITING_ACCEPTANCE, S.ACCEPTED], target=S.REFUSED
    )
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

    @transition(field=state, source=[S.SHIPPED, S.DELIVERED], target=S.COMPLETED)
    def refuse_at_customs(self, *, at=None):
        """The buyer refused the parcel at customs; it came back to the
        artist and is refunded less the return postage: nothing more to do.
        It was never delivered (an automatic delivery is undone)."""
        self.delivered_at = None
        self.closed_at = at or timezone.now()

    @property
    def payment_failed(self) -> bool:
        """Whether the checkout's payment failed (``fail_payment``): cancelled
        without ever being paid, so nothing was charged."""
        return self.state == ArtistOrderState.CANCELLED and self.paid_at is None

    @property
    def refundable(self) -> Decimal:
        """What can still be refunded: paid minus the non-failed refunds."""
        return self.paid - self.refunded

    @property
    def is_gift(self) -> bool:
        return bool(self.gift_message)

    @property
    def ship_to(self) -> ShipTo:
        """Where this part goes: the address the buyer changed it to before
        acceptance, else the order's (reads ``order``)."""
        address = self.changed_address or {}
        if address:
            return ShipTo(
                name=address.get("name", ""),
                line1=address.get("line1", ""),
                line2=address.get("line2", ""),
                city=address.get("city", ""),
                postcode=address.get("postcode", ""),
                country=Country(code=address.get("country", "")),
                changed=True,
            )
        order = self.order
        return ShipTo(
            name=order.shipping_name,
            line1=order.shipping_line1,
            line2=order.shipping_line2,
            city=order.shipping_city,
            postcode=order.shipping_postcode,
            country=order.shipping_country,
        )


class OrderLine(models.Model):
    """A snapshot of what was bought: it never changes with the catalog."""

    artist_order = models.ForeignKey(
        ArtistOrder, on_delete=models.CASCADE, related_name="lines"
    )
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
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=to_the_cent("line_total", F("unit_price") * F("quantity")),
                name="order_line_total_adds_up",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.title} ({self.variant_name})"


class ArtistOrderEvent(TransitionRecord):
    """The history of an artist order: one row per transition."""

    NOTE_SENTENCES = {
        "paid": _("Paid %(amount)s €."),
        "payment_timed_out": _(
            "Payment not completed in time: the order was cancelled."
        ),
        "staff_refunded": _("%(amount)s € refunded by the marketplace team: %(note)s"),
        "delivery_confirmed_by_staff": _("Delivery confirmed by the marketplace team."),
        "delivered_automatically": _("Marked delivered automatically."),
        "lost_parcel_refunded": _("Parcel lost: %(amount)s € refunded."),
        "lines_lowered": _("%(summary)s. Refunded: %(amount)s €."),
        "address_changed": _("New shipping address: %(address)s."),
        "gift_message_set": _("Gift message: “%(note)s”"),
        "gift_message_removed": _("Gift message removed."),
        "refused_at_customs": _(
            "Parcel refused at customs: %(items_amount)s € of pieces less "
            "%(postage_amount)s € of return postage, %(amount)s € refunded."
        ),
        "dispatch_delayed": _(
            "Not dispatched by the expected date: the buyer was told."
        ),
    }

    artist_order = models.ForeignKey(
        ArtistOrder, on_delete=models.CASCADE, related_name="history"
    )
    from_state = models.CharField(
        _("from"), max_length=24, choices=ArtistOrderState.choices
    )
    to_state = models.CharField(
        _("to"), max_length=24, choices=ArtistOrderState.choices
    )
