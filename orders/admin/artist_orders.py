"""Artist orders: the list a support agent filters (what needs attention),
and the page with the transition buttons (the artist's actions and staff's
own), its lines, history, refunds and requests."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from marketplace.admin import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    TransitionAdminMixin,
    admin_link,
)
from marketplace.notifications.formatting import format_amount

from .. import rules
from ..models import (
    ArtistOrder,
    ArtistOrderEvent,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
    NotReceivedReport,
    NotReceivedStatus,
    OrderLine,
    Refund,
    RefundStatus,
)
from .transitions import ARTIST_ORDER_TRANSITIONS

S = ArtistOrderState


# Artist orders -------------------------------------------------------------------------


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = [
        "title",
        "variant_name",
        "unit_price",
        "quantity",
        "line_total",
        "personalisation_text",
        "personalisation_photo",
    ]
    readonly_fields = fields
    show_change_link = False


class HistoryInline(ReadOnlyInline):
    model = ArtistOrderEvent
    fields = ["at", "from_state", "to_state", "by", "note_text"]
    readonly_fields = fields
    show_change_link = False
    verbose_name = _("history entry")
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    @admin.display(description=_("note"))
    def note_text(self, event):
        return event.note_text()


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = [
        "created_at",
        "amount",
        "reason",
        "status",
        "attempts",
        "created_by",
        "note",
        "provider_reference",
        "succeeded_at",
        "last_error",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class CancellationRequestInline(ReadOnlyInline):
    model = CancellationRequest
    fields = ["created_at", "requested_by", "reason", "status", "resolved_at"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by")


class NotReceivedReportInline(ReadOnlyInline):
    model = NotReceivedReport
    fields = [
        "created_at",
        "reported_by",
        "note",
        "status",
        "resolved_at",
        "resolved_by",
    ]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("reported_by", "resolved_by")
        )


class AttentionFilter(admin.SimpleListFilter):
    """The artist orders someone is waiting on."""

    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("acceptance_overdue", _("Acceptance deadline passed")),
            ("acceptance_soon", _("Acceptance deadline within a day")),
            ("shipping_overdue", _("Not shipped by the expected date")),
            ("cancellation", _("Open cancellation request")),
            ("not_received", _("Open not-received report")),
            ("refund_failed", _("A refund failed")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "acceptance_overdue":
            return queryset.filter(
                state=S.AWAITING_ACCEPTANCE, acceptance_deadline__lte=now
            )
        if value == "acceptance_soon":
            return queryset.filter(
                state=S.AWAITING_ACCEPTANCE,
                acceptance_deadline__gt=now,
                acceptance_deadline__lte=now + timedelta(days=1),
            )
        if value == "shipping_overdue":
            return queryset.filter(
                state__in=[S.AWAITING_ACCEPTANCE, S.ACCEPTED],
                dispatch_date__lt=timezone.localdate(),
            )
        if value == "cancellation":
            return queryset.filter(
                Exists(
                    CancellationRequest.objects.filter(
                        artist_order=OuterRef("pk"), status=CancellationStatus.OPEN
                    )
                )
            )
        if value == "not_received":
            return queryset.filter(
                Exists(
                    NotReceivedReport.objects.filter(
                        artist_order=OuterRef("pk"), status=NotReceivedStatus.OPEN
                    )
                )
            )
        if value == "refund_failed":
            return queryset.filter(
                Exists(
                    Refund.objects.filter(
                        artist_order=OuterRef("pk"), status=RefundStatus.FAILED
                    )
                )
            )
        return queryset


@admin.register(ArtistOrder)
class ArtistOrderAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = [
        "order_number",
        "buyer_email",
        "artist",
        "state",
        "total",
        "refunded",
        "acceptance_deadline",
        "dispatch_date",
        "created_at",
    ]
    list_filter = [
        "state",
        AttentionFilter,
        "created_at",
        "shipped_at",
        "shipping_zone",
    ]
    search_fields = [
        "=order__number",
        "order__number",
        "order__email",
        "order__buyer__email",
        "artist__name",
        "artist__slug",
        "tracking_number",
    ]
    list_select_related = ["order__buyer", "artist"]
    date_hierarchy = "created_at"
    inlines = [
        OrderLineInline,
        HistoryInline,
        RefundInline,
        CancellationRequestInline,
        NotReceivedReportInline,
    ]
    readonly_fields = [
        "order_link",
        "buyer_link",
        "artist_link",
        "state",
        "items_total",
        "shipping_fee",
        "discount",
        "total",
        "paid",
        "refunded",
        "refusal_reason",
        "terms",
        "shipping_zone",
        "dispatch_date",
        "acceptance_deadline",
        "acceptance_reminder_sent_at",
        "delay_notified_at",
        "carrier",
        "tracking_number",
        "changed_address",
        "gift_message",
        "paid_at",
        "accepted_at",
        "shipped_at",
        "delivered_at",
        "closed_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "order_link",
                    "buyer_link",
                    "artist_link",
                    "state",
                    "refusal_reason",
                ]
            },
        ),
        (
            _("Money"),
            {
                "fields": [
                    "items_total",
                    "shipping_fee",
                    "discount",
                    "total",
                    "paid",
                    "refunded",
                ]
            },
        ),
        (
            _("Shipping"),
            {
                "fields": [
                    "shipping_zone",
                    "dispatch_date",
                    "carrier",
                    "tracking_number",
                    "changed_address",
                    "gift_message",
                ]
            },
        ),
        (
            _("Dates"),
            {
                "fields": [
                    "created_at",
                    "paid_at",
                    "acceptance_deadline",
                    "acceptance_reminder_sent_at",
                    "accepted_at",
                    "shipped_at",
                    "delay_notified_at",
                    "delivered_at",
                    "closed_at",
                    "updated_at",
                ]
            },
        ),
        (
            _("Terms of sale at purchase"),
            {"fields": ["terms"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("order__buyer", "artist__user")
        )

    # The page is a record; the buttons are the only way to change it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("order"), ordering="order__number")
    def order_number(self, artist_order):
        return artist_order.order.number

    @admin.display(description=_("buyer"), ordering="order__buyer__email")
    def buyer_email(self, artist_order):
        return artist_order.order.buyer.email or artist_order.order.buyer.username

    @admin.display(description=_("order"))
    def order_link(self, artist_order):
        return admin_link(artist_order.order, artist_order.order.number)

    @admin.display(description=_("buyer"))
    def buyer_link(self, artist_order):
        buyer = artist_order.order.buyer
        return admin_link(
            buyer,
            f"{buyer.email or buyer.username} ({artist_order.order.shipping_name})",
        )

    @admin.display(description=_("artist"))
    def artist_link(self, artist_order):
        return admin_link(artist_order.artist, artist_order.artist.name)

    # Buttons -----------------------------------------------------------------------

    def available_transitions(self, request, obj):
        allowed = rules.allowed_actions(artist_order=obj, user=request.user)
        names = [
            name
            for name in (
                "accept",
                "refuse",
                "ship",
                "reship",
                "refund_lost",
                "refused_at_customs",
            )
            if name in allowed
        ]
        if obj.state == S.AWAITING_ACCEPTANCE:
            names.append("cancel")
        if obj.state == S.SHIPPED:
            names.append("confirm_delivery")
        if obj.state != S.AWAITING_PAYMENT and obj.paid - obj.refunded > 0:
            names.append("refund")
        return [ARTIST_ORDER_TRANSITIONS[name] for name in names]

    def transition_summary(self, obj):
        cancellation = rules.open_cancellation_request(obj)
        report = rules.open_not_received_report(obj)
        rows = [
            (_("Order"), obj.order.number),
            (_("Buyer"), f"{obj.order.shipping_name} <{obj.order.buyer.email}>"),
            (_("Artist"), obj.artist.name),
            (_("State"), obj.get_state_display()),
            (pgettext_lazy("amount", "Paid"), f"{format_amount(obj.paid)} €"),
            (_("Refunded"), f"{format_amount(obj.refunded)} €"),
            (_("Left to refund"), f"{format_amount(obj.paid - obj.refunded)} €"),
        ]
        if obj.state == S.AWAITING_ACCEPTANCE and obj.acceptance_deadline:
            rows.append((_("Accept before"), obj.acceptance_deadline))
        if cancellation is not None:
            rows.append((_("Open cancellation request"), cancellation.reason or "—"))
        if report is not None:
            rows.append((_("Open not-received report"), report.note or "—"))
        return rows

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["staff_links"] = self._links(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def _links(self, obj):
        """Where staff reads the conversations and the return requests of
        this artist order (their own admin lists, filtered to it)."""
        links = []
        for label, text, changelist in (
            (
                _("Conversation"),
                gettext("Conversations about this order"),
                "messaging_thread",
            ),
            (
                _("Return requests"),
                gettext("Return requests of this order"),
                "returns_returnrequest",
            ),
        ):
            try:
                url = (
                    reverse(f"admin:{changelist}_changelist")
                    + f"?artist_order__id__exact={obj.pk}"
                )
            except NoReverseMatch:  # that admin is not installed
                continue
            links.append({"label": label, "text": text, "url": url})
        return links


@admin.register(ArtistOrderEvent)
class ArtistOrderEventAdmin(ReadOnlyAdmin):
    """Every transition of every artist order: who did what, when."""

    list_display = [
        "at",
        "order_number",
        "artist_name",
        "transition",
        "from_state",
        "to_state",
        "by",
        "note_text",
    ]
    list_filter = ["transition", "to_state", "at"]
    search_fields = [
        "=artist_order__order__number",
        "artist_order__order__number",
        "artist_order__artist__name",
        "by__email",
        "by__username",
        "note",
    ]
    list_select_related = ["artist_order__order", "artist_order__artist", "by"]
    date_hierarchy = "at"
    fields = [
        "artist_order_link",
        "at",
        "transition",
        "from_state",
        "to_state",
        "by",
        "note_text",
    ]
    readonly_fields = fields

    @admin.display(description=_("note"))
    def note_text(self, event):
        return event.note_text()

    @admin.display(description=_("order"), ordering="artist_order__order__number")
    def order_number(self, event):
        return event.artist_order.order.number

    @admin.display(description=_("artist"), ordering="artist_order__artist__name")
    def artist_name(self, event):
        return event.artist_order.artist.name

    @admin.display(description=_("artist order"))
    def artist_order_link(self, event):
        return admin_link(event.artist_order)
