"""Artist orders: the list a support agent filters (what needs attention),
and the page with the transition buttons (the artist's actions and staff's
own), its lines, history, refunds and requests."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.admin import (
    ConfirmForm,
    NoteForm,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ReasonForm,
    StaffTransition,
    TrackingForm,
    TransitionAdminMixin,
    admin_link,
)

from .. import rules, services
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
from ..services import staff as staff_services

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
    fields = ["at", "from_state", "to_state", "transition", "by", "note"]
    readonly_fields = fields
    show_change_link = False
    verbose_name = _("history entry")
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


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


class StaffRefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (€)"), min_value=0.01, max_digits=12, decimal_places=2
    )
    note = forms.CharField(
        label=_("Why (the buyer and the artist read it)"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )
    # One key per form shown: sent twice, it refunds once.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


def _refuse(request, obj, data):
    amount = obj.paid - obj.refunded
    services.artist_order_refuse(
        artist_order=obj, by=request.user, reason=data["reason"]
    )
    return gettext(
        "Order %(number)s refused: the buyer is refunded %(amount)s € and the stock is back."
    ) % {
        "number": obj.order.number,
        "amount": amount,
    }


def _accept(request, obj, data):
    services.artist_order_accept(artist_order=obj, by=request.user)
    return gettext("Order %(number)s accepted. The buyer was told.") % {
        "number": obj.order.number
    }


def _ship(request, obj, data):
    services.artist_order_ship(
        artist_order=obj,
        by=request.user,
        carrier=data["carrier"],
        tracking_number=data["tracking_number"],
    )
    return gettext(
        "Order %(number)s is shipped. The buyer received the tracking number."
    ) % {"number": obj.order.number}


def _reship(request, obj, data):
    services.artist_order_reship(
        artist_order=obj,
        by=request.user,
        carrier=data["carrier"],
        tracking_number=data["tracking_number"],
    )
    return gettext(
        "Order %(number)s is shipped again. The buyer received the new tracking number."
    ) % {"number": obj.order.number}


def _refund_lost(request, obj, data):
    refund = services.artist_order_refund_lost(artist_order=obj, by=request.user)
    return gettext("The lost parcel of order %(number)s is refunded: %(amount)s €.") % {
        "number": obj.order.number,
        "amount": refund.amount,
    }


def _cancel(request, obj, data):
    amount = obj.paid - obj.refunded
    staff_services.artist_order_staff_cancel(
        artist_order=obj, by=request.user, reason=data["reason"]
    )
    return gettext(
        "Order %(number)s cancelled for the buyer: %(amount)s € refunded, the stock is back, both were emailed."
    ) % {
        "number": obj.order.number,
        "amount": amount,
    }


def _confirm_delivery(request, obj, data):
    staff_services.artist_order_staff_confirm_delivery(
        artist_order=obj, by=request.user, note=data["note"]
    )
    return gettext(
        "Order %(number)s is marked delivered; the return window starts now."
    ) % {"number": obj.order.number}


def _staff_refund(request, obj, data):
    refund = staff_services.artist_order_staff_refund(
        artist_order=obj,
        by=request.user,
        amount=data["amount"],
        note=data["note"],
        idempotency_key=staff_services.staff_refund_key(
            artist_order=obj, token=data["token"]
        ),
    )
    return gettext(
        "%(amount)s € of order %(number)s are being refunded to the buyer."
    ) % {
        "amount": refund.amount,
        "number": obj.order.number,
    }


ARTIST_ORDER_TRANSITIONS = {
    "accept": StaffTransition(
        name="accept",
        label=_("Accept"),
        run=_accept,
        help_text=_(
            "Accept the order for the artist: the buyer is emailed that it is being prepared."
        ),
    ),
    "refuse": StaffTransition(
        name="refuse",
        label=_("Refuse…"),
        run=_refuse,
        form_class=ReasonForm,
        danger=True,
        field_labels={"reason": _("Reason (sent to the buyer)")},
        help_text=_(
            "Refuse the order for the artist: what was paid (items and shipping) is refunded at once, the stock is put back and the buyer is emailed with the reason."
        ),
    ),
    "ship": StaffTransition(
        name="ship",
        label=_("Ship…"),
        run=_ship,
        form_class=TrackingForm,
        help_text=_(
            "Record the parcel sent by the artist: the buyer is emailed the tracking link; an open cancellation request is declined."
        ),
    ),
    "cancel": StaffTransition(
        name="cancel",
        label=_("Cancel for the buyer…"),
        run=_cancel,
        form_class=ReasonForm,
        danger=True,
        field_labels={"reason": _("Why (for example: the buyer asked by email)")},
        help_text=_(
            "Cancel on the buyer's behalf before the artist accepts: the whole order is refunded, the stock is put back, the buyer and the artist are emailed. Once accepted, refuse it instead."
        ),
    ),
    "confirm_delivery": StaffTransition(
        name="confirm_delivery",
        label=_("Confirm delivery…"),
        run=_confirm_delivery,
        form_class=NoteForm,
        help_text=_(
            "Mark the parcel delivered for the buyer: the return window starts now; the buyer is emailed."
        ),
    ),
    "reship": StaffTransition(
        name="reship",
        label=_("Ship again…"),
        run=_reship,
        form_class=TrackingForm,
        help_text=_(
            "The parcel reported as not received was sent again: the buyer is emailed the new tracking number."
        ),
    ),
    "refund_lost": StaffTransition(
        name="refund_lost",
        label=_("Refund the lost parcel…"),
        run=_refund_lost,
        form_class=ConfirmForm,
        danger=True,
        help_text=_(
            "The parcel reported as not received is refunded in full (what is left of the order) and the order is closed; the buyer is emailed."
        ),
    ),
    "refund": StaffTransition(
        name="refund",
        label=_("Refund an amount…"),
        run=_staff_refund,
        form_class=StaffRefundForm,
        danger=True,
        initial=lambda obj: {
            "token": uuid.uuid4().hex,
            "amount": staff_services.staff_refund_left(obj),
        },
        help_text=_(
            "Refund part or all of what is left (a gesture, a settled dispute): the state does not change; the buyer and the artist are emailed with your note."
        ),
    ),
}


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
            for name in ("accept", "refuse", "ship", "reship", "refund_lost")
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
            (_("Paid"), f"{obj.paid} €"),
            (_("Refunded"), f"{obj.refunded} €"),
            (_("Left to refund"), f"{obj.paid - obj.refunded} €"),
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
        "note",
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
        "note",
    ]
    readonly_fields = fields

    @admin.display(description=_("order"), ordering="artist_order__order__number")
    def order_number(self, event):
        return event.artist_order.order.number

    @admin.display(description=_("artist"), ordering="artist_order__artist__name")
    def artist_name(self, event):
        return event.artist_order.artist.name

    @admin.display(description=_("artist order"))
    def artist_order_link(self, event):
        return admin_link(event.artist_order)
