"""Orders, their lines, carts, discount codes, payments and the order
numbering, as staff reads them."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.admin import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    admin_link,
)

from ..models import (
    ArtistOrder,
    Cart,
    CartLine,
    DiscountCode,
    Order,
    OrderLine,
    OrderNumberCounter,
    Payment,
)
from ..receipts import build_receipt, receipt_pdf_response
from ..selectors import order_get_for_receipt

# Orders ------------------------------------------------------------------------------


class ArtistOrderInline(ReadOnlyInline):
    model = ArtistOrder
    fields = [
        "artist",
        "state",
        "items_total",
        "shipping_fee",
        "discount",
        "total",
        "paid",
        "refunded",
        "dispatch_date",
        "acceptance_deadline",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("artist", "order")


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["provider", "amount", "status", "reference", "message", "created_at"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "buyer_email",
        "shipping_name",
        "total",
        "status_display",
        "shipping_country",
        "created_at",
    ]
    search_fields = [
        "=number",
        "number",
        "email",
        "buyer__email",
        "buyer__username",
        "shipping_name",
        "artist_orders__artist__name",
    ]
    list_filter = ["created_at", "shipping_country"]
    date_hierarchy = "created_at"
    list_select_related = ["buyer"]
    inlines = [ArtistOrderInline, PaymentInline]
    readonly_fields = [
        "number",
        "buyer",
        "email",
        "discount_code",
        "items_total",
        "shipping_total",
        "discount_total",
        "total",
        "language",
        "checkout_key",
        "created_at",
        "updated_at",
        "status_display",
        "receipt_links",
    ]
    # The shipping address stays editable: support may fix a typo before
    # the parcel leaves. Nothing else is.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "status_display",
                    "receipt_links",
                    "buyer",
                    "email",
                    "language",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        (
            _("Shipping address"),
            {
                "fields": [
                    "shipping_name",
                    "shipping_line1",
                    "shipping_line2",
                    "shipping_postcode",
                    "shipping_city",
                    "shipping_country",
                ]
            },
        ),
        (
            _("Totals"),
            {
                "fields": [
                    "items_total",
                    "shipping_total",
                    "discount_code",
                    "discount_total",
                    "total",
                    "checkout_key",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("artist_orders")

    @admin.display(description=_("buyer"), ordering="buyer__email")
    def buyer_email(self, order):
        return order.buyer.email or order.buyer.username

    @admin.display(description=_("status"))
    def status_display(self, order):
        return order.status_label

    # The buyer's receipt: staff open any order's, page or PDF ----------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/receipt/",
                self.admin_site.admin_view(self.receipt_view),
                name="{}_{}_receipt".format(*info),
            ),
            path(
                "<path:object_id>/receipt.pdf",
                self.admin_site.admin_view(self.receipt_pdf_view),
                name="{}_{}_receipt_pdf".format(*info),
            ),
            *super().get_urls(),
        ]

    def _receipt_url(self, order, suffix=""):
        info = self.opts.app_label, self.opts.model_name, suffix
        return reverse(
            "admin:{}_{}_receipt{}".format(*info),
            args=[order.pk],
            current_app=self.admin_site.name,
        )

    @admin.display(description=_("receipt"))
    def receipt_links(self, order):
        if order.pk is None:
            return "—"
        return format_html(
            '<a href="{}" data-testid="admin-receipt">{}</a> · <a href="{}">{}</a>',
            self._receipt_url(order),
            gettext("Receipt"),
            self._receipt_url(order, "_pdf"),
            gettext("PDF"),
        )

    def _receipt_of(self, request, object_id):
        order = self.get_object(request, unquote(object_id))
        if order is None:
            raise Http404
        if not self.has_view_permission(request, order):
            raise PermissionDenied
        order = order_get_for_receipt(
            user=request.user, number=order.number, role="staff"
        )
        return order, build_receipt(order)

    def receipt_view(self, request, object_id):
        order, receipt = self._receipt_of(request, object_id)
        back_url = reverse(
            "admin:orders_order_change",
            args=[order.pk],
            current_app=self.admin_site.name,
        )
        return render(
            request,
            "orders/order_receipt.html",
            {
                "receipt": receipt,
                "back_url": back_url,
                "pdf_url": self._receipt_url(order, "_pdf"),
            },
        )

    def receipt_pdf_view(self, request, object_id):
        _order, receipt = self._receipt_of(request, object_id)
        return receipt_pdf_response(receipt)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrderLine)
class OrderLineAdmin(ReadOnlyAdmin):
    """What was bought, searchable by title (which orders hold this item?)."""

    list_display = [
        "title",
        "variant_name",
        "quantity",
        "unit_price",
        "line_total",
        "order_number",
        "artist_name",
    ]
    search_fields = [
        "title",
        "=artist_order__order__number",
        "artist_order__artist__name",
        "artist_order__order__buyer__email",
    ]
    list_filter = ["personalised"]
    list_select_related = ["artist_order__order", "artist_order__artist"]
    fields = [
        "artist_order_link",
        "title",
        "variant_name",
        "unit_price",
        "quantity",
        "line_total",
        "personalised",
        "personalisation_text",
        "personalisation_photo",
        "variant",
        "item_id_snapshot",
    ]
    readonly_fields = fields

    @admin.display(description=_("order"), ordering="artist_order__order__number")
    def order_number(self, line):
        return line.artist_order.order.number

    @admin.display(description=_("artist"), ordering="artist_order__artist__name")
    def artist_name(self, line):
        return line.artist_order.artist.name

    @admin.display(description=_("artist order"))
    def artist_order_link(self, line):
        return admin_link(line.artist_order)


# Carts, codes, payments, numbering ---------------------------------------------------------


class CartLineInline(ReadOnlyInline):
    model = CartLine
    fields = ["variant", "quantity", "personalisation_text", "created_at"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("variant__item")


@admin.register(Cart)
class CartAdmin(ReadOnlyAdmin):
    """Carts as their owners see them (support: "my cart is empty")."""

    list_display = ["id", "owner", "country", "discount_code", "updated_at"]
    list_filter = [("user", admin.EmptyFieldListFilter), "country", "updated_at"]
    search_fields = ["user__email", "user__username", "session_key"]
    list_select_related = ["user", "discount_code"]
    inlines = [CartLineInline]
    fields = [
        "user",
        "session_key",
        "country",
        "discount_code",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("owner"), ordering="user__email")
    def owner(self, cart):
        return cart.user.email if cart.user_id else gettext("anonymous visitor")


@admin.register(DiscountCode)
class DiscountCodeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "artist",
        "kind",
        "value",
        "minimum_amount",
        "starts_at",
        "ends_at",
        "times_used",
        "usage_limit",
        "per_buyer_limit",
        "is_active",
    ]
    list_filter = [
        "is_active",
        "kind",
        ("artist", admin.EmptyFieldListFilter),
        "starts_at",
        "ends_at",
    ]
    search_fields = ["code", "artist__name"]
    list_select_related = ["artist"]
    autocomplete_fields = ["artist"]
    readonly_fields = ["times_used", "created_at"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "order",
        "buyer_email",
        "provider",
        "amount",
        "status",
        "reference",
        "created_at",
    ]
    list_filter = ["status", "provider", "created_at"]
    search_fields = ["=order__number", "order__number", "order__email", "reference"]
    list_select_related = ["order"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "order",
        "provider",
        "amount",
        "status",
        "reference",
        "idempotency_key",
        "message",
        "created_at",
    ]

    @admin.display(description=_("buyer"), ordering="order__email")
    def buyer_email(self, payment):
        return payment.order.email


@admin.register(OrderNumberCounter)
class OrderNumberCounterAdmin(ReadOnlyAdmin):
    """The last invoice number given each year (never edited: numbers are gapless)."""

    list_display = ["year", "last_number"]
