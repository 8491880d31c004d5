"""API representations of carts, orders and artist orders (api.md names)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import ArtistOrder, ArtistOrderEvent, Order, OrderLine

MONEY = {"max_digits": 12, "decimal_places": 2}


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
    line_total = serializers.DecimalField(**MONEY)
    stock = serializers.IntegerField(help_text="Pieces left in stock now.")
    personalisation = serializers.CharField(source="personalisation_text")
    personalisation_photo = serializers.SerializerMethodField()
    problem = serializers.CharField(
        help_text="Why the line cannot be bought as it is (empty when it can)."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_personalisation_photo(self, line) -> str | None:
        if not line.has_photo:
            return None
        return reverse("cart:line_photo", kwargs={"pk": line.id})


class CartArtistGroupSerializer(serializers.Serializer):
    """One artist's lines with its shipping fee, discount share and total."""

    artist = serializers.CharField(source="artist.slug")
    artist_name = serializers.CharField(source="artist.name")
    lines = CartLineSerializer(many=True)
    items_subtotal = serializers.DecimalField(**MONEY)
    shipping_zone = serializers.ChoiceField(choices=["domestic", "eu", "world"])
    standard_shipping_fee = serializers.DecimalField(**MONEY)
    shipping_fee = serializers.DecimalField(**MONEY)
    free_shipping = serializers.BooleanField()
    free_shipping_over = serializers.DecimalField(allow_null=True, **MONEY)
    free_shipping_missing = serializers.DecimalField(
        allow_null=True, help_text="Amount to add for free shipping.", **MONEY
    )
    discount = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
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
    items_total = serializers.DecimalField(**MONEY)
    shipping_total = serializers.DecimalField(**MONEY)
    discount_total = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
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
    personalisation = serializers.CharField(required=False, allow_blank=True, default="")
    personalisation_photo = serializers.FileField(required=False, allow_null=True)


class CartLineUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField()


class CartCountrySerializer(serializers.Serializer):
    country = serializers.CharField(help_text="ISO 3166 code of the destination, e.g. FR.")


class DiscountApplySerializer(serializers.Serializer):
    code = serializers.CharField()


class ShippingAddressSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=120)
    postcode = serializers.CharField(max_length=20)
    country = serializers.CharField(help_text="ISO 3166 code, e.g. FR.")

    def validate_country(self, value):
        from marketplace.errors import DomainError

        from .services import clean_country

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

    @extend_schema_field(OpenApiTypes.URI)
    def get_personalisation_photo(self, line) -> str | None:
        if not line.personalisation_photo:
            return None
        return reverse("account:personalisation_photo", kwargs={"pk": line.pk})


class HistorySerializer(serializers.ModelSerializer):
    to = serializers.CharField(source="to_state")
    by = serializers.SerializerMethodField()

    class Meta:
        model = ArtistOrderEvent
        fields = ["to", "transition", "by", "at", "note"]

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword: added here so that it comes first.
        return {"from": serializers.CharField(source="from_state"), **fields}

    def get_by(self, event) -> str | None:
        return event.by.username if event.by_id else None


class RefundSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    reason = serializers.CharField()
    status = serializers.CharField()


class ShippingAddressOutSerializer(serializers.Serializer):
    name = serializers.CharField(source="shipping_name")
    line1 = serializers.CharField(source="shipping_line1")
    line2 = serializers.CharField(source="shipping_line2")
    city = serializers.CharField(source="shipping_city")
    postcode = serializers.CharField(source="shipping_postcode")
    country = serializers.CharField(source="shipping_country.code")


class ArtistOrderSerializer(serializers.ModelSerializer):
    """An artist order. ``refunds`` is always an empty list and
    ``cancellation_request`` always null until refunds and cancellations
    exist (no query is made for them)."""

    order = serializers.CharField(source="order.number")
    artist = serializers.CharField(source="artist.slug")
    artist_name = serializers.CharField(source="artist.name")
    state_label = serializers.CharField(source="get_state_display")
    lines = OrderLineSerializer(many=True)
    refunds = serializers.SerializerMethodField()
    cancellation_request = serializers.SerializerMethodField()
    history = HistorySerializer(many=True)
    shipping_address = ShippingAddressOutSerializer(source="order")
    created = serializers.DateTimeField(source="created_at")

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
            "acceptance_deadline",
            "cancellation_request",
            "history",
            "dispatch_date",
            "terms",
            "shipping_zone",
            "shipping_address",
            "paid_at",
            "created",
        ]

    @extend_schema_field(RefundSerializer(many=True))
    def get_refunds(self, artist_order) -> list:
        return []

    @extend_schema_field({"type": "object", "nullable": True})
    def get_cancellation_request(self, artist_order) -> dict | None:
        return None


class OrderSerializer(serializers.ModelSerializer):
    status = serializers.CharField()
    status_label = serializers.CharField()
    created = serializers.DateTimeField(source="created_at")
    shipping_address = ShippingAddressOutSerializer(source="*")
    customs_notice = serializers.BooleanField()
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
            "artist_orders",
        ]
