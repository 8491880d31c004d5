"""API representations of carts, orders and artist orders (api.md names)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.errors import DomainError

from . import selectors
from .address_serializers import ShippingAddressOutSerializer, ShipToOutSerializer
from .models import (
    ArtistOrder,
    ArtistOrderEvent,
    CancellationRequest,
    NotReceivedReport,
    Order,
    OrderLine,
    Refund,
)
from .rules import (
    allowed_actions,
    is_shipping_overdue,
    needs_customs_notice,
    not_received_available_at,
)
from .services import clean_country
from .tracking import tracking_url

ACTIONS = [
    "accept",
    "refuse",
    "ship",
    "cancel",
    "request_cancellation",
    "confirm_delivery",
    "report_not_received",
    "reship",
    "refund_lost",
    "withdraw_cancellation",
    "refused_at_customs",
    "change",
]

MONEY = {"max_digits": 12, "decimal_places": 2}
CART_SUM = {"max_digits": None, "decimal_places": 2}  # computed: shown at any size


# Cart ------------------------------------------------------------------------


class CartLineSerializer(serializers.Serializer):
    """A priced cart line (``orders.pricing.PricedLine``)."""

    id = serializers.IntegerField()
    variant = serializers.IntegerField(source="variant_id")
    item = serializers.IntegerField(source="item_id")
    title = serializers.CharField()
    variant_name = serializers.CharField()
    unit_price = serializers.DecimalField(**MONEY)
    quantity = serializers.IntegerField()
    line_total = serializers.DecimalField(**CART_SUM)
    stock = serializers.IntegerField(help_text="Pieces left in stock now.")
    personalisation = serializers.CharField(source="personalisation_text")
    personalisation_photo = serializers.SerializerMethodField()
    problem = serializers.CharField(
        help_text="Why the line cannot be bought as it is (empty when it can)."
    )

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text="Path of the photo on this site."
        )
    )
    def get_personalisation_photo(self, line) -> str | None:
        if not line.has_photo:
            return None
        return reverse("cart:line_photo", kwargs={"pk": line.id})


class CartArtistGroupSerializer(serializers.Serializer):
    """One artist's lines with its shipping fee, discount share and total."""

    artist = serializers.CharField(source="artist.slug")
    artist_name = serializers.CharField(source="artist.name")
    lines = CartLineSerializer(many=True)
    items_subtotal = serializers.DecimalField(**CART_SUM)
    shipping_zone = serializers.ChoiceField(choices=["domestic", "eu", "world"])
    standard_shipping_fee = serializers.DecimalField(**MONEY)
    shipping_fee = serializers.DecimalField(**MONEY)
    free_shipping = serializers.BooleanField()
    free_shipping_over = serializers.DecimalField(allow_null=True, **MONEY)
    free_shipping_missing = serializers.DecimalField(
        allow_null=True, help_text="Amount to add for free shipping.", **MONEY
    )
    discount = serializers.DecimalField(**CART_SUM)
    total = serializers.DecimalField(**CART_SUM)
    dispatch_date = serializers.DateField()
    holiday_until = serializers.DateField(allow_null=True)
    terms = serializers.JSONField()


class CartDiscountSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.DecimalField(**MONEY)
    artist = serializers.CharField(source="artist.slug", allow_null=True, default=None)


class CartSerializer(serializers.Serializer):
    """A priced cart (``orders.pricing.CartSummary``)."""

    country = serializers.CharField()
    artists = CartArtistGroupSerializer(source="groups", many=True)
    quantity = serializers.IntegerField()
    items_total = serializers.DecimalField(**CART_SUM)
    shipping_total = serializers.DecimalField(**CART_SUM)
    discount_total = serializers.DecimalField(**CART_SUM)
    total = serializers.DecimalField(**CART_SUM)
    customs_notice = serializers.BooleanField(
        help_text="Delivery outside the EU: duties and import taxes are paid on arrival."
    )
    discount = CartDiscountSerializer(source="discount_code", allow_null=True)
    discount_problem = serializers.CharField(
        help_text="Why the applied code gives nothing now (empty when it applies)."
    )


class CartLineCreateSerializer(serializers.Serializer):
    variant = serializers.IntegerField()
    quantity = serializers.IntegerField(default=1)
    personalisation = serializers.CharField(
        required=False, allow_blank=True, default=""
    )
    personalisation_photo = serializers.FileField(required=False, allow_null=True)


class CartLineUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField()


class CartCountrySerializer(serializers.Serializer):
    country = serializers.CharField(
        help_text="ISO 3166 code of the destination, e.g. FR."
    )


class DiscountApplySerializer(serializers.Serializer):
    code = serializers.CharField()


class ShippingAddressSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    city = serializers.CharField(max_length=120)
    postcode = serializers.CharField(max_length=20)
    country = serializers.CharField(help_text="ISO 3166 code, e.g. FR.")

    def validate_country(self, value):
        try:
            return clean_country(value)
        except DomainError as error:
            raise serializers.ValidationError(str(error.message)) from None


class PaymentInputSerializer(serializers.Serializer):
    provider = serializers.CharField(default="test")
    token = serializers.CharField(
        allow_blank=True, help_text='Test provider: "ok" pays, "fail" is declined.'
    )


class CheckoutSerializer(serializers.Serializer):
    shipping_address = ShippingAddressSerializer()
    payment = PaymentInputSerializer()


class PaymentDeclinedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    order = serializers.CharField(help_text="Number of the order left cancelled.")


# Orders ----------------------------------------------------------------------


class OrderLineSerializer(serializers.ModelSerializer):
    variant = serializers.CharField(source="variant_name")
    personalisation = serializers.CharField(source="personalisation_text")
    personalisation_photo = serializers.SerializerMethodField()

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "title",
            "variant",
            "variant_id",
            "unit_price",
            "quantity",
            "line_total",
            "personalisation",
            "personalisation_photo",
        ]

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text="Path of the photo on this site."
        )
    )
    def get_personalisation_photo(self, line) -> str | None:
        if not line.personalisation_photo:
            return None
        return reverse("account:personalisation_photo", kwargs={"pk": line.pk})


class HistorySerializer(serializers.ModelSerializer):
    to = serializers.CharField(source="to_state")
    by = serializers.SerializerMethodField()
    note = serializers.CharField(
        source="note_text",
        read_only=True,
        help_text="The note in the caller's language (amounts and dates "
        "written its way), around the free text a person typed.",
    )
    note_event = serializers.CharField(
        read_only=True,
        help_text="What the system noted (empty when the note is only free text).",
    )
    note_values = serializers.JSONField(
        read_only=True, help_text="The values of ``note_event`` (amounts as text)."
    )

    class Meta:
        model = ArtistOrderEvent
        fields = ["to", "transition", "by", "at", "note", "note_event", "note_values"]

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword: added here so that it comes first.
        return {"from": serializers.CharField(source="from_state"), **fields}

    def get_by(self, event) -> str | None:
        return event.by.username if event.by_id else None


class RefundSerializer(serializers.ModelSerializer):
    reason_label = serializers.CharField(source="get_reason_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Refund
        fields = [
            "id",
            "amount",
            "reason",
            "reason_label",
            "status",
            "status_label",
            "created_at",
            "succeeded_at",
        ]


class CancellationRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = CancellationRequest
        fields = ["status", "reason", "created_at", "resolved_at"]


class NotReceivedReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = NotReceivedReport
        fields = ["status", "note", "created_at", "resolved_at"]


class ArtistOrderSerializer(serializers.ModelSerializer):
    """An artist order, with its refunds, its latest cancellation request and
    not-received report, and the actions the caller may take now (read from
    prefetched rows: see ``selectors.artist_order_prefetches``)."""

    order = serializers.CharField(source="order.number")
    artist = serializers.CharField(source="artist.slug")
    artist_name = serializers.CharField(source="artist.name")
    state_label = serializers.CharField(source="get_state_display")
    lines = OrderLineSerializer(many=True)
    refunds = RefundSerializer(many=True)
    cancellation_request = serializers.SerializerMethodField()
    not_received_report = serializers.SerializerMethodField()
    history = HistorySerializer(many=True)
    shipping_address = ShipToOutSerializer(source="ship_to")
    created = serializers.DateTimeField(source="created_at")
    refused_reason = serializers.CharField(source="refusal_reason")
    tracking_url = serializers.SerializerMethodField()
    shipping_overdue = serializers.SerializerMethodField()
    not_received_available_at = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = ArtistOrder
        fields = [
            "id",
            "order",
            "artist",
            "artist_name",
            "state",
            "state_label",
            "lines",
            "items_total",
            "shipping_fee",
            "discount",
            "total",
            "paid",
            "refunded",
            "refunds",
            "carrier",
            "tracking_number",
            "tracking_url",
            "acceptance_deadline",
            "refused_reason",
            "cancellation_request",
            "not_received_report",
            "not_received_available_at",
            "shipping_overdue",
            "allowed_actions",
            "history",
            "dispatch_date",
            "terms",
            "shipping_zone",
            "shipping_address",
            "gift_message",
            "paid_at",
            "accepted_at",
            "shipped_at",
            "delivered_at",
            "closed_at",
            "created",
        ]

    @extend_schema_field(CancellationRequestSerializer(allow_null=True))
    def get_cancellation_request(self, artist_order) -> dict | None:
        request = selectors.latest_cancellation_request(artist_order)
        return CancellationRequestSerializer(request).data if request else None

    @extend_schema_field(NotReceivedReportSerializer(allow_null=True))
    def get_not_received_report(self, artist_order) -> dict | None:
        report = selectors.latest_not_received_report(artist_order)
        return NotReceivedReportSerializer(report).data if report else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_tracking_url(self, artist_order) -> str | None:
        if not artist_order.tracking_number:
            return None
        return tracking_url(artist_order.carrier, artist_order.tracking_number)

    def get_shipping_overdue(self, artist_order) -> bool:
        return is_shipping_overdue(artist_order)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_not_received_available_at(self, artist_order) -> str | None:
        """When the buyer may report the parcel as not received (shipped only)."""
        if artist_order.state != "shipped":
            return None
        at = not_received_available_at(artist_order)
        return serializers.DateTimeField().to_representation(at) if at else None

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=ACTIONS))
    )
    def get_allowed_actions(self, artist_order) -> list[str]:
        """What the caller may do now (buyer actions for its buyer, artist
        actions for its artist and staff)."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return sorted(allowed_actions(artist_order=artist_order, user=user))


class OrderSerializer(serializers.ModelSerializer):
    status = serializers.CharField()
    status_label = serializers.CharField()
    created = serializers.DateTimeField(source="created_at")
    shipping_address = ShippingAddressOutSerializer(source="*")
    customs_notice = serializers.SerializerMethodField()
    refunded = serializers.SerializerMethodField()
    artist_orders = ArtistOrderSerializer(many=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "status_label",
            "total",
            "created",
            "items_total",
            "shipping_total",
            "discount_total",
            "discount_code",
            "shipping_address",
            "customs_notice",
            "refunded",
            "artist_orders",
        ]

    def get_customs_notice(self, order) -> bool:
        """Delivered outside the EU: import duties and taxes may be due."""
        return needs_customs_notice(order.shipping_country)

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_refunded(self, order) -> str:
        """What was refunded across the order's artist orders (prefetched)."""
        total = sum((ao.refunded for ao in order.artist_orders.all()), Decimal("0.00"))
        return serializers.DecimalField(**MONEY).to_representation(total)


# Lifecycle actions -------------------------------------------------------------


class RefuseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the order is refused (the buyer reads it)."
    )


class ShipInputSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=80)
    tracking_number = serializers.CharField(max_length=80)


class ShipActionInputSerializer(ShipInputSerializer):
    decline_cancellation = serializers.BooleanField(
        default=False, help_text="Ship over an open cancellation request (else 409)."
    )


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class ReportNotReceivedInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    state = serializers.CharField(help_text="The current state.")


class ArtistOrderCancelResultSerializer(ArtistOrderSerializer):
    """The artist order after ``cancel``, with what happened."""

    outcome = serializers.SerializerMethodField()

    class Meta(ArtistOrderSerializer.Meta):
        fields = [*ArtistOrderSerializer.Meta.fields, "outcome"]

    @extend_schema_field(serializers.ChoiceField(choices=["cancelled", "requested"]))
    def get_outcome(self, artist_order) -> str:
        """``cancelled`` (instant, refunded) or ``requested`` (the artist must answer)."""
        return self.context.get("outcome", "")


class OrderCancelResultSerializer(OrderSerializer):
    """The order after ``cancel``, with what happened to each artist order."""

    outcomes = serializers.SerializerMethodField()

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "outcomes"]

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {
                "type": "string",
                "enum": ["cancelled", "requested"],
            },
        }
    )
    def get_outcomes(self, order) -> dict:
        """Artist order id → ``cancelled`` or ``requested``."""
        return {
            str(pk): outcome for pk, outcome in self.context.get("outcomes", {}).items()
        }
