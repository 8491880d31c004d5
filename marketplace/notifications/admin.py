"""The outbox in the admin, read-only: staff look, search, retry, and mark
failed emails handled. A failed email (still failing two days after its
first attempt) waits in the escalation queue; its page has the buttons
"Retry sending" and "Mark as handled" (``TransitionAdminMixin``), and the
list has the same two actions for many at once."""

from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from marketplace.admin import StaffTransition, TransitionAdminMixin
from marketplace.errors import Conflict

from . import services
from .models import Notification, NotificationStatus


class HandledFilter(admin.SimpleListFilter):
    """Failed emails a member of staff has dealt with, or not yet."""

    title = gettext_lazy("handled")
    parameter_name = "handled"

    def lookups(self, request, model_admin):
        return [
            ("yes", gettext_lazy("Yes")),
            ("no", gettext_lazy("No (failed, waiting for staff)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(handled_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(
                status=NotificationStatus.FAILED, handled_at__isnull=True
            )
        return queryset


def retryable(notification, now=None) -> bool:
    """What ``services.retry`` re-queues: failed, pending, or claimed by a
    sender that stopped (claim expired)."""
    now = now or timezone.now()
    if notification.status in (NotificationStatus.FAILED, NotificationStatus.PENDING):
        return True
    return bool(
        notification.status == NotificationStatus.SENDING
        and notification.claimed_until
        and notification.claimed_until < now
    )


@admin.register(Notification)
class NotificationAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = [
        "event",
        "to_email",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "handled_at",
        "short_last_error",
    ]
    list_filter = ["status", HandledFilter, "event", "language", "created_at"]
    search_fields = [
        "to_email",
        "recipient__email",
        "recipient__username",
        "dedupe_key",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    list_per_page = 100
    actions = ["retry_notifications", "mark_notifications_handled"]
    fields = [
        "recipient",
        "to_email",
        "event",
        "language",
        "status",
        "attempts",
        "first_attempt_at",
        "available_at",
        "claimed_until",
        "created_at",
        "sent_at",
        "handled_at",
        "last_error",
        "message_id_header",
        "dedupe_key",
        "context",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("last error"), ordering="last_error")
    def short_last_error(self, obj):
        return truncatechars(obj.last_error, 80)

    @admin.display(description="Message-ID")
    def message_id_header(self, obj):
        return obj.message_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.change_notification")

    def has_handle_permission(self, request):
        return request.user.has_perm("notifications.change_notification")

    # Buttons of one notification's page ------------------------------------------

    def transition_summary(self, obj):
        return [
            (_("To"), obj.to_email),
            (_("Event"), obj.event),
            (_("Status"), obj.get_status_display()),
            (_("Attempts"), obj.attempts),
            (_("Last error"), obj.last_error or "—"),
        ]

    def available_transitions(self, request, obj):
        transitions = []
        if retryable(obj):
            transitions.append(
                StaffTransition(
                    name="retry",
                    label=_("Retry sending"),
                    run=self._run_retry,
                    help_text=_(
                        "The email is sent again now, then retried with back-off for "
                        "two more days if the provider still refuses it. It leaves "
                        "the escalation queue."
                    ),
                )
            )
        if obj.status == NotificationStatus.FAILED and obj.handled_at is None:
            transitions.append(
                StaffTransition(
                    name="mark_handled",
                    label=_("Mark as handled"),
                    run=self._run_mark_handled,
                    help_text=_(
                        "For an email that will not be sent (the address is wrong, or "
                        "the person was told another way): it leaves the escalation "
                        "queue and is not sent."
                    ),
                )
            )
        return transitions

    @staticmethod
    def _run_retry(*, request, obj, data):
        if not services.retry(notification_ids=[obj.pk]):
            raise Conflict(_("This email was sent or is being sent meanwhile."))
        return _("The email to %(address)s is queued again.") % {
            "address": obj.to_email
        }

    @staticmethod
    def _run_mark_handled(*, request, obj, data):
        if not services.mark_handled(notification_ids=[obj.pk]):
            raise Conflict(_("This email is no longer failed, or was already handled."))
        return _("The email to %(address)s is marked as handled.") % {
            "address": obj.to_email
        }

    # Actions of the list ----------------------------------------------------------

    @admin.action(
        description=gettext_lazy("Retry the selected notifications now"),
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

    @admin.action(
        description=gettext_lazy("Mark failed notifications as handled"),
        permissions=["handle"],
    )
    def mark_notifications_handled(self, request, queryset):
        ids = list(
            queryset.filter(
                status=NotificationStatus.FAILED, handled_at__isnull=True
            ).values_list("pk", flat=True)
        )
        count = services.mark_handled(notification_ids=ids)
        for notification in Notification.objects.filter(pk__in=ids):
            self.log_change(request, notification, str(_("Marked as handled.")))
        self.message_user(
            request,
            ngettext(
                "%(count)d failed notification marked as handled: it leaves the escalation queue.",
                "%(count)d failed notifications marked as handled: they leave the escalation queue.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
