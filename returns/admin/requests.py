"""Return requests in the staff's workplace.

A request is a record here: every field read-only, its history and photos
inline. Its transitions are buttons on its page (``TransitionAdminMixin``)
that call the same services as the seller dashboard and the buyer's pages:
the staff decision on an escalated request (accept with return instructions,
refund an amount, close) and the artist-side steps staff may need to run
(accept, reject, receive, refund, ship a replacement, convert an exchange to
a refund). The refund, the history row, the system message and the emails
come with each of them; each run is in the admin log with its author.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from marketplace.admin import (
    ReadOnlyInline,
    TransitionAdminMixin,
    admin_link,
    age,
)
from marketplace.notifications.formatting import format_amount

from .. import rules
from ..models import OPEN_STATES, ReturnEvent, ReturnPhoto, ReturnRequest, ReturnState
from .transitions import ORDER_OF_BUTTONS, RETURN_TRANSITIONS

R = ReturnState


class ReturnEventInline(ReadOnlyInline):
    model = ReturnEvent
    fields = ("at", "from_state", "to_state", "by", "note_text")
    readonly_fields = fields
    ordering = ("at", "id")
    verbose_name = _("history entry")
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    @admin.display(description=_("note"))
    def note_text(self, event):
        return event.note_text()


class ReturnPhotoInline(ReadOnlyInline):
    model = ReturnPhoto
    fields = ("preview", "created_at")
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def preview(self, photo):
        url = reverse("returns:photo", args=[photo.pk])
        return format_html(
            '<a href="{}"><img src="{}" alt="" style="height:90px"></a>', url, url
        )


class OpenFilter(admin.SimpleListFilter):
    title = _("open")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Still running")), ("no", _("Finished"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(state__in=OPEN_STATES)
        if self.value() == "no":
            return queryset.exclude(state__in=OPEN_STATES)
        return queryset


@admin.register(ReturnRequest)
class ReturnRequestAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "order_number",
        "buyer_email",
        "artist",
        "kind",
        "reason",
        "quantity",
        "state",
        "refund_amount",
        "created_at",
        "waiting",
    )
    list_filter = ("state", OpenFilter, "kind", "reason", "created_at", "escalated_at")
    search_fields = (
        "=id",
        "=artist_order__order__number",
        "artist_order__order__number",
        "buyer__email",
        "buyer__username",
        "artist__name",
        "artist__slug",
        "line__title",
    )
    list_select_related = ("artist_order__order", "artist", "buyer")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = [ReturnPhotoInline, ReturnEventInline]
    readonly_fields = [
        "artist_order_link",
        "buyer_link",
        "artist_link",
        "line_link",
        "quantity",
        "kind",
        "reason",
        "comment",
        "desired",
        "state",
        "instructions",
        "ship_back_deadline",
        "rejection_reason",
        "escalation_message",
        "return_carrier",
        "return_tracking_number",
        "replacement_carrier",
        "replacement_tracking_number",
        "refund_amount",
        "refund_includes_shipping",
        "refund_link",
        "refund_note",
        "thread_link",
        "created_at",
        "answered_at",
        "escalated_at",
        "shipped_back_at",
        "received_at",
        "closed_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "artist_order_link",
                    "buyer_link",
                    "artist_link",
                    "line_link",
                    "quantity",
                    "kind",
                    "reason",
                    "comment",
                    "desired",
                    "state",
                ]
            },
        ),
        (
            _("Answers"),
            {
                "fields": [
                    "instructions",
                    "ship_back_deadline",
                    "rejection_reason",
                    "escalation_message",
                ]
            },
        ),
        (
            _("Parcels"),
            {
                "fields": [
                    "return_carrier",
                    "return_tracking_number",
                    "replacement_carrier",
                    "replacement_tracking_number",
                ]
            },
        ),
        (
            pgettext_lazy("section title", "Refund"),
            {
                "fields": [
                    "refund_amount",
                    "refund_includes_shipping",
                    "refund_link",
                    "refund_note",
                ]
            },
        ),
        (_("Conversation"), {"fields": ["thread_link"]}),
        (
            _("Dates"),
            {
                "fields": [
                    "created_at",
                    "answered_at",
                    "escalated_at",
                    "shipped_back_at",
                    "received_at",
                    "closed_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "artist_order__order__buyer",
                "artist_order__artist",
                "artist",
                "buyer",
                "line",
                "refund",
                "thread",
                "desired_variant__item",
                "desired_item",
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Columns and fields --------------------------------------------------------------

    @admin.display(description=_("order"), ordering="artist_order__order__number")
    def order_number(self, obj):
        return obj.artist_order.order.number

    @admin.display(description=_("buyer"), ordering="buyer__email")
    def buyer_email(self, obj):
        return obj.buyer.email or obj.buyer.username

    @admin.display(description=_("waiting for"))
    def waiting(self, obj):
        if obj.state not in OPEN_STATES:
            return "—"
        since = (
            obj.escalated_at
            if obj.state == R.ESCALATED and obj.escalated_at
            else obj.updated_at
        )
        return age(since)

    @admin.display(description=_("artist order"))
    def artist_order_link(self, obj):
        return admin_link(obj.artist_order)

    @admin.display(description=_("buyer"))
    def buyer_link(self, obj):
        return admin_link(obj.buyer, obj.buyer.email or obj.buyer.username)

    @admin.display(description=_("artist"))
    def artist_link(self, obj):
        return admin_link(obj.artist, obj.artist.name)

    @admin.display(description=_("order line"))
    def line_link(self, obj):
        line = obj.line
        return f"{line.quantity} × {line.title} ({line.variant_name}) — {format_amount(line.unit_price)} €"

    @admin.display(description=_("wanted replacement"))
    def desired(self, obj):
        if obj.desired_variant_id:
            return f"{obj.desired_variant.item.title} — {obj.desired_variant.name}"
        if obj.desired_item_id:
            return obj.desired_item.title
        return obj.desired_text or "—"

    @admin.display(description=_("refund"))
    def refund_link(self, obj):
        return admin_link(obj.refund) if obj.refund_id else "—"

    @admin.display(description=_("thread"))
    def thread_link(self, obj):
        if not obj.thread_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            obj.thread.get_absolute_url(),
            gettext("read and post as staff"),
            reverse("admin:messaging_thread_change", args=[obj.thread_id]),
            gettext("record"),
        )

    # Buttons -----------------------------------------------------------------------------

    def available_transitions(self, request, obj):
        allowed = rules.allowed_return_actions(return_request=obj, user=request.user)
        names = set(allowed) & set(RETURN_TRANSITIONS)
        if "staff_decide" in allowed:
            names.add("close")
        return [RETURN_TRANSITIONS[name] for name in ORDER_OF_BUTTONS if name in names]

    def transition_summary(self, obj):
        artist_order = obj.artist_order
        rows = [
            (_("Request"), f"#{obj.pk}"),
            (_("Order"), artist_order.order.number),
            (_("Buyer"), obj.buyer.email),
            (_("Artist"), obj.artist.name),
            (
                _("What"),
                f"{obj.quantity} × {obj.line.title} ({obj.line.variant_name}), {format_amount(obj.line.unit_price)} €",
            ),
            (
                _("Kind and reason"),
                f"{obj.get_kind_display()} — {obj.get_reason_display()}",
            ),
            (_("State"), obj.get_state_display()),
            (
                _("Refund due for this return"),
                f"{format_amount(rules.return_refund_amount(obj))} €",
            ),
            (
                _("Left to refund on the order"),
                f"{format_amount(artist_order.paid - artist_order.refunded)} €",
            ),
        ]
        for label, value in (
            (_("Buyer's comment"), obj.comment),
            (_("Rejection reason"), obj.rejection_reason),
            (_("Escalation message"), obj.escalation_message),
        ):
            if value:
                rows.append((label, value))
        return rows
