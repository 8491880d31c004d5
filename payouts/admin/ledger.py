"""The ledger, read-only, for support (what happened to an artist's money,
transaction by transaction, entry by entry), and the commission the
marketplace earned per month."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.admin import ReadOnlyAdmin, ReadOnlyInline, admin_link
from marketplace.money import ZERO, to_money

from ..models import Account, LedgerEntry, LedgerTransaction
from ..selectors import commission_by_month
from ..services.ledger import default_rate
from .display import percent


class EntryInline(ReadOnlyInline):
    model = LedgerEntry
    fields = ["account", "kind", "artist_order", "amount", "created_at"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("artist_order__order")


class _LedgerAdmin(ReadOnlyAdmin):
    search_fields = [
        "artist__name",
        "artist__slug",
        "=artist_order__order__number",
    ]
    date_hierarchy = "created_at"

    @admin.display(description=_("order"), ordering="artist_order__order__number")
    def order_number(self, obj):
        return obj.artist_order.order.number if obj.artist_order_id else "—"

    @admin.display(description=_("artist"))
    def artist_link(self, obj):
        return admin_link(obj.artist, obj.artist.name)

    @admin.display(description=_("artist order"))
    def artist_order_link(self, obj):
        if not obj.artist_order_id:
            return "—"
        return admin_link(obj.artist_order, obj.artist_order.order.number)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(_LedgerAdmin):
    list_display = [
        "__str__",
        "created_at",
        "kind",
        "artist",
        "order_number",
        "artist_amount",
        "memo",
        "created_by",
    ]
    list_filter = ["kind", "created_at"]
    search_fields = [*_LedgerAdmin.search_fields, "key", "memo"]
    list_select_related = ["artist", "artist_order__order", "created_by"]
    inlines = [EntryInline]
    fields = [
        "kind",
        "key",
        "artist_link",
        "artist_order_link",
        "refund_link",
        "payout_link",
        "commission_rate",
        "memo",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "artist", "artist_order__order", "refund", "payout", "created_by"
            )
            .annotate(
                artist_sum=Sum(
                    "entries__amount", filter=Q(entries__account=Account.ARTIST)
                )
            )
        )

    @admin.display(description=_("to the artist (€)"), ordering="artist_sum")
    def artist_amount(self, record):
        return to_money(record.artist_sum or ZERO)

    @admin.display(description=_("refund"))
    def refund_link(self, record):
        return admin_link(record.refund) if record.refund_id else "—"

    @admin.display(description=_("payout"))
    def payout_link(self, record):
        return admin_link(record.payout) if record.payout_id else "—"


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_LedgerAdmin):
    list_display = [
        "created_at",
        "transaction",
        "artist",
        "account",
        "kind",
        "order_number",
        "amount",
    ]
    list_filter = ["account", "kind", "created_at"]
    list_select_related = ["transaction", "artist", "artist_order__order"]
    fields = [
        "transaction_link",
        "account",
        "kind",
        "amount",
        "artist_link",
        "artist_order_link",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("transaction"))
    def transaction_link(self, entry):
        return admin_link(entry.transaction)

    def get_urls(self):
        return [
            path(
                "commission/",
                self.admin_site.admin_view(self.commission_view),
                name="payouts_commission_by_month",
            ),
            *super().get_urls(),
        ]

    def commission_view(self, request):
        """The commission the marketplace kept, per month, newest first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = [
            {
                "month": row["month"],
                "taken": to_money(row["taken"] or ZERO),
                "given_back": to_money(-(row["reversed"] or ZERO)),
                "net": to_money(row["net"] or ZERO),
            }
            for row in commission_by_month()
        ]
        totals = {
            name: sum((row[name] for row in rows), ZERO)
            for name in ("taken", "given_back", "net")
        }
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Commission per month"),
            "subtitle": None,
            "opts": self.opts,
            "rows": rows,
            "totals": totals,
            "default_rate": percent(default_rate()),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/payouts/commission_by_month.html", context
        )
