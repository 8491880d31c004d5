"""Refunds (retried now, or marked handled once staff dealt with a failed
one) and the buyers' requests: cancellation requests and not-received
reports."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.admin import (
    ReadOnlyAdmin,
    admin_link,
    age,
)
from marketplace.errors import Conflict

from ..models import (
    CancellationRequest,
    NotReceivedReport,
    Refund,
    RefundStatus,
)
from ..services import staff as staff_services
from ..services.refunds import dispatch_refund

# Refunds and requests ----------------------------------------------------------------------


class HandledFilter(admin.SimpleListFilter):
    """Failed refunds a member of staff has dealt with, or not yet."""

    title = _("handled")
    parameter_name = "handled"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Yes")),
            ("no", _("No (failed, waiting for staff)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(handled_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(status=RefundStatus.FAILED, handled_at__isnull=True)
        return queryset


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "order_number",
        "artist_name",
        "amount",
        "reason",
        "status",
        "attempts",
        "created_by",
        "created_at",
        "succeeded_at",
        "handled_at",
    ]
    list_filter = ["status", HandledFilter, "reason", "created_at"]
    search_fields = [
        "=artist_order__order__number",
        "artist_order__order__number",
        "artist_order__order__buyer__email",
        "artist_order__artist__name",
        "provider_reference",
        "idempotency_key",
    ]
    list_select_related = ["artist_order__order", "artist_order__artist", "created_by"]
    date_hierarchy = "created_at"
    actions = ["retry_now", "mark_handled"]
    fields = [
        "artist_order_link",
        "amount",
        "reason",
        "status",
        "note",
        "created_by",
        "idempotency_key",
        "provider_reference",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "updated_at",
        "succeeded_at",
        "handled_at",
        "handled_by",
    ]
    readonly_fields = fields

    @admin.display(description=_("order"), ordering="artist_order__order__number")
    def order_number(self, refund):
        return refund.artist_order.order.number

    @admin.display(description=_("artist"), ordering="artist_order__artist__name")
    def artist_name(self, refund):
        return refund.artist_order.artist.name

    @admin.display(description=_("artist order"))
    def artist_order_link(self, refund):
        return admin_link(
            refund.artist_order,
            _("%(order)s (refund again with its “Refund an amount…” button)")
            % {"order": refund.artist_order},
        )

    def has_retry_permission(self, request):
        return request.user.has_perm("orders.change_refund")

    def has_handle_permission(self, request):
        return request.user.has_perm("orders.change_refund")

    @admin.action(
        description=_("Ask the provider again now (pending refunds)"),
        permissions=["retry"],
    )
    def retry_now(self, request, queryset):
        pending = list(
            queryset.filter(status=RefundStatus.PENDING).values_list("pk", flat=True)
        )
        Refund.objects.filter(pk__in=pending, status=RefundStatus.PENDING).update(
            next_attempt_at=timezone.now()
        )
        for refund_id in pending:
            dispatch_refund(refund_id=refund_id)
        for refund in Refund.objects.filter(pk__in=pending):
            self.log_change(request, refund, "Retried now.")
        self.message_user(
            request,
            ngettext(
                "%(count)d pending refund sent to the provider again.",
                "%(count)d pending refunds sent to the provider again.",
                len(pending),
            )
            % {"count": len(pending)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Mark failed refunds as handled"), permissions=["handle"]
    )
    def mark_handled(self, request, queryset):
        marked = not_failed = already = 0
        for refund in queryset.order_by("id"):
            try:
                staff_services.refund_mark_handled(refund=refund, by=request.user)
            except Conflict as error:
                if error.state == RefundStatus.FAILED:
                    already += 1
                else:
                    not_failed += 1
                continue
            marked += 1
        if marked:
            self.message_user(
                request,
                ngettext(
                    "%(count)d failed refund marked as handled: it leaves the escalation queue.",
                    "%(count)d failed refunds marked as handled: they leave the escalation queue.",
                    marked,
                )
                % {"count": marked},
                messages.SUCCESS,
            )
        if not_failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d refund was not failed (pending or paid) and was left as it is.",
                    "%(count)d refunds were not failed (pending or paid) and were left as they are.",
                    not_failed,
                )
                % {"count": not_failed},
                messages.ERROR,
            )
        if already:
            self.message_user(
                request,
                ngettext(
                    "%(count)d refund was already marked as handled.",
                    "%(count)d refunds were already marked as handled.",
                    already,
                )
                % {"count": already},
                messages.WARNING,
            )


class _RequestAdmin(ReadOnlyAdmin):
    list_select_related = ["artist_order__order__buyer", "artist_order__artist"]
    date_hierarchy = "created_at"
    search_fields = [
        "=artist_order__order__number",
        "artist_order__order__number",
        "artist_order__order__buyer__email",
        "artist_order__artist__name",
    ]

    @admin.display(description=_("order"), ordering="artist_order__order__number")
    def order_number(self, obj):
        return obj.artist_order.order.number

    @admin.display(description=_("artist"), ordering="artist_order__artist__name")
    def artist_name(self, obj):
        return obj.artist_order.artist.name

    @admin.display(description=_("buyer"), ordering="artist_order__order__buyer__email")
    def buyer_email(self, obj):
        return obj.artist_order.order.buyer.email

    @admin.display(description=_("waiting for"))
    def waiting(self, obj):
        return age(obj.created_at) if obj.resolved_at is None else "—"

    @admin.display(description=_("artist order"))
    def artist_order_link(self, obj):
        return admin_link(
            obj.artist_order, gettext("Open the artist order (its buttons answer this)")
        )


@admin.register(CancellationRequest)
class CancellationRequestAdmin(_RequestAdmin):
    list_display = [
        "order_number",
        "buyer_email",
        "artist_name",
        "status",
        "created_at",
        "waiting",
        "resolved_at",
    ]
    list_filter = ["status", "created_at"]
    fields = [
        "artist_order_link",
        "requested_by",
        "reason",
        "status",
        "created_at",
        "resolved_at",
    ]
    readonly_fields = fields


@admin.register(NotReceivedReport)
class NotReceivedReportAdmin(_RequestAdmin):
    list_display = [
        "order_number",
        "buyer_email",
        "artist_name",
        "status",
        "created_at",
        "waiting",
        "resolved_at",
        "resolved_by",
    ]
    list_filter = ["status", "created_at"]
    list_select_related = [*_RequestAdmin.list_select_related, "resolved_by"]
    fields = [
        "artist_order_link",
        "reported_by",
        "note",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    readonly_fields = fields
