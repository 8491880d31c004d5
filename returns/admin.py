"""Admin of return requests: read what happened (history, photos, thread);
the state only changes through the services (decision buttons are added by
the staff admin)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ReturnEvent, ReturnPhoto, ReturnRequest


class ReturnEventInline(admin.TabularInline):
    model = ReturnEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_state", "to_state", "transition", "by", "note")
    readonly_fields = fields
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None):
        return False


class ReturnPhotoInline(admin.TabularInline):
    model = ReturnPhoto
    extra = 0
    can_delete = False
    fields = ("image", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "order_number",
        "artist",
        "buyer",
        "kind",
        "reason",
        "quantity",
        "state",
        "refund_amount",
        "created_at",
    )
    list_filter = ("state", "kind", "reason", "created_at")
    search_fields = (
        "=id",
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
    # Every field is read-only: changes go through the services (history,
    # messages, emails and refunds with them).
    readonly_fields = [f.name for f in ReturnRequest._meta.concrete_fields]

    @admin.display(description=_("order"), ordering="artist_order__order__number")
    def order_number(self, obj):
        return obj.artist_order.order.number

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
