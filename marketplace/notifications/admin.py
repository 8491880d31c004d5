from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: staff look, search and retry; nothing is edited."""

    list_display = [
        "event",
        "to_email",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "short_last_error",
    ]
    list_filter = ["status", "event", "language", "created_at"]
    search_fields = [
        "to_email",
        "recipient__email",
        "recipient__username",
        "dedupe_key",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    list_per_page = 100
    actions = ["retry_notifications"]
    fields = [
        "recipient",
        "to_email",
        "event",
        "language",
        "status",
        "attempts",
        "available_at",
        "claimed_until",
        "created_at",
        "sent_at",
        "last_error",
        "dedupe_key",
        "context",
    ]
    readonly_fields = fields

    @admin.display(description=_("last error"), ordering="last_error")
    def short_last_error(self, obj):
        return truncatechars(obj.last_error, 80)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.change_notification")

    @admin.action(
        description=_("Retry the selected notifications now"),
        permissions=["retry"],
    )
    def retry_notifications(self, request, queryset):
        notifications = list(queryset)
        count = services.retry(notification_ids=[n.pk for n in notifications])
        for notification in notifications:
            self.log_change(request, notification, str(_("Retry requested.")))
        self.message_user(
            request,
            ngettext(
                "%(count)d notification queued again.",
                "%(count)d notifications queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
