"""Basic admin of orders (the staff workplace with transition buttons comes
later). States are never edited by hand: transitions go through services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    ArtistOrder,
    ArtistOrderEvent,
    DiscountCode,
    Order,
    OrderLine,
    Payment,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ArtistOrderInline(ReadOnlyInline):
    model = ArtistOrder
    fields = ["artist", "state", "items_total", "shipping_fee", "discount", "total", "paid", "refunded", "dispatch_date", "acceptance_deadline"]
    readonly_fields = fields


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["provider", "amount", "status", "reference", "message", "created_at"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "buyer", "email", "total", "status_display", "created_at"]
    search_fields = ["number", "email", "buyer__email", "buyer__username"]
    list_filter = ["created_at", "shipping_country"]
    date_hierarchy = "created_at"
    list_select_related = ["buyer"]
    inlines = [ArtistOrderInline, PaymentInline]
    readonly_fields = [
        "number", "buyer", "email", "discount_code", "items_total", "shipping_total",
        "discount_total", "total", "language", "checkout_key", "created_at", "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["number", "buyer", "email", "language", "created_at", "updated_at"]}),
        (_("Shipping address"), {"fields": ["shipping_name", "shipping_line1", "shipping_line2", "shipping_postcode", "shipping_city", "shipping_country"]}),
        (_("Totals"), {"fields": ["items_total", "shipping_total", "discount_code", "discount_total", "total", "checkout_key"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("artist_orders")

    @admin.display(description=_("status"))
    def status_display(self, order):
        return order.status_label

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["title", "variant_name", "unit_price", "quantity", "line_total", "personalisation_text", "personalisation_photo"]
    readonly_fields = fields
    show_change_link = False


class HistoryInline(ReadOnlyInline):
    model = ArtistOrderEvent
    fields = ["at", "from_state", "to_state", "transition", "by", "note"]
    readonly_fields = fields
    show_change_link = False


@admin.register(ArtistOrder)
class ArtistOrderAdmin(admin.ModelAdmin):
    list_display = ["order_number", "artist", "state", "total", "created_at"]
    list_filter = ["state", "artist"]
    search_fields = ["order__number", "order__email", "artist__name"]
    list_select_related = ["order", "artist"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, HistoryInline]
    # The state changes only through transitions (services), never by a save here.
    readonly_fields = [
        "order", "artist", "state", "items_total", "shipping_fee", "discount", "total",
        "paid", "refunded", "terms", "shipping_zone", "dispatch_date", "acceptance_deadline",
        "carrier", "tracking_number", "paid_at", "accepted_at", "shipped_at", "delivered_at",
        "closed_at", "created_at", "updated_at",
    ]

    @admin.display(description=_("order"), ordering="order__number")
    def order_number(self, artist_order):
        return artist_order.order.number

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DiscountCode)
class DiscountCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "artist", "kind", "value", "minimum_amount", "starts_at", "ends_at", "times_used", "usage_limit", "is_active"]
    list_filter = ["is_active", "kind", "artist"]
    search_fields = ["code", "artist__name"]
    list_select_related = ["artist"]
    autocomplete_fields = []
    readonly_fields = ["times_used", "created_at"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["order", "provider", "amount", "status", "reference", "created_at"]
    list_filter = ["status", "provider"]
    search_fields = ["order__number", "reference"]
    list_select_related = ["order"]
    readonly_fields = ["order", "provider", "amount", "status", "reference", "idempotency_key", "message", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
