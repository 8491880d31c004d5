"""Staff workplace for conversations: every thread readable, messages hidden
or flagged through the services (each action recorded with its author), a
reported message's decision (dismiss the report, or hide the message) as
buttons on its page, the log of staff actions read-only."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.admin import StaffTransition, TransitionAdminMixin
from marketplace.errors import DomainError

from . import services
from .models import Message, MessagePhoto, StaffAction, Thread
from .rendering import system_text


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("Hidden")), ("no", _("Shown"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


class FlaggedFilter(admin.SimpleListFilter):
    title = _("flagged")
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [
            ("open", _("Flagged, waiting for a decision")),
            ("dismissed", _("Report dismissed")),
            ("yes", _("Flagged")),
            ("no", _("Not flagged")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(
                flagged_at__isnull=False,
                hidden_at__isnull=True,
                flag_dismissed_at__isnull=True,
            )
        if self.value() == "dismissed":
            return queryset.filter(flag_dismissed_at__isnull=False)
        if self.value() == "yes":
            return queryset.filter(flagged_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(flagged_at__isnull=True)
        return queryset


def _text(message) -> str:
    return system_text(message) if message.system else message.body


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    show_change_link = True
    fields = [
        "created_at",
        "author",
        "system",
        "is_staff_post",
        "text",
        "hidden_at",
        "flagged_at",
    ]
    readonly_fields = fields
    ordering = ["created_at", "id"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("message"))
    def text(self, message):
        return _text(message)


class MessagePhotoInline(admin.TabularInline):
    model = MessagePhoto
    extra = 0
    can_delete = False
    fields = ["preview", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("photo"))
    def preview(self, photo):
        url = photo.get_absolute_url()
        return format_html(
            '<a href="{}"><img src="{}" alt="" style="height:80px"></a>', url, url
        )


def _hide(modeladmin, request, queryset, *, reason: str):
    done = 0
    for message in queryset.filter(hidden_at__isnull=True, system=False):
        try:
            services.message_hide(message=message, by=request.user, reason=reason)
        except DomainError as error:
            modeladmin.message_user(request, str(error.message), messages.ERROR)
            return
        done += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d message hidden.", "%(count)d messages hidden.", done)
        % {"count": done},
        messages.SUCCESS,
    )


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "display_subject",
        "kind",
        "buyer",
        "artist",
        "order_number",
        "message_count",
        "last_message_at",
    ]
    list_filter = ["kind", "last_message_at", "created_at"]
    search_fields = [
        "subject",
        "buyer__email",
        "buyer__username",
        "artist__name",
        "artist__slug",
        "artist_order__order__number",
    ]
    date_hierarchy = "last_message_at"
    list_select_related = [
        "buyer",
        "artist",
        "artist_order__order",
        "item",
        "return_request",
    ]
    readonly_fields = [
        "kind",
        "buyer",
        "artist",
        "artist_order",
        "item",
        "subject",
        "created_at",
        "last_message_at",
    ]
    inlines = [MessageInline]
    actions = ["hide_messages"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(message_count=Count("messages"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("order"), ordering="artist_order__order__number")
    def order_number(self, thread):
        return thread.artist_order.order.number if thread.artist_order_id else "—"

    @admin.display(description=_("messages"), ordering="message_count")
    def message_count(self, thread):
        return thread.message_count

    @admin.display(description=_("subject"))
    def display_subject(self, thread):
        return thread.display_subject

    @admin.action(description=_("Hide every message of the selected threads"))
    def hide_messages(self, request, queryset):
        _hide(
            self,
            request,
            Message.objects.filter(thread__in=queryset),
            reason=str(_("Hidden with the whole conversation.")),
        )


class DismissReportForm(forms.Form):
    note = forms.CharField(
        label=_("Note (kept in the staff log)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        required=False,
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_(
            "Reason (kept in the staff log; participants only see that it is hidden)"
        ),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=500,
        required=False,
    )


def _dismiss(request, obj, data):
    services.message_flag_dismiss(message=obj, by=request.user, note=data["note"])
    return gettext("The report is dismissed: the message stays shown.")


def _hide_one(request, obj, data):
    services.message_hide(message=obj, by=request.user, reason=data["reason"])
    return gettext("The message is hidden.")


MESSAGE_TRANSITIONS = {
    "dismiss_report": StaffTransition(
        name="dismiss_report",
        label=_("Dismiss the report…"),
        run=_dismiss,
        form_class=DismissReportForm,
        help_text=_(
            "The message breaks no rule: it stays shown and leaves the "
            "escalation queue. Your name, the time and your note are kept."
        ),
    ),
    "hide": StaffTransition(
        name="hide",
        label=_("Hide the message…"),
        run=_hide_one,
        form_class=HideForm,
        danger=True,
        help_text=_(
            "The message is kept for the record; the participants read that "
            "the marketplace team hid it."
        ),
    ),
}


@admin.register(Message)
class MessageAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "thread",
        "author",
        "short_text",
        "system",
        "is_staff_post",
        "is_hidden",
        "is_flagged",
        "created_at",
    ]
    list_filter = [HiddenFilter, FlaggedFilter, "system", "is_staff_post", "created_at"]
    search_fields = [
        "body",
        "author__email",
        "author__username",
        "thread__buyer__email",
        "thread__artist__name",
        "thread__artist_order__order__number",
    ]
    date_hierarchy = "created_at"
    list_select_related = [
        "thread__artist",
        "thread__buyer",
        "thread__artist_order__order",
        "thread__item",
        "thread__return_request",
        "author",
    ]
    readonly_fields = [
        "thread",
        "author",
        "text",
        "system",
        "event",
        "context",
        "is_staff_post",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
        "flagged_at",
        "flagged_by",
        "flagged_category",
        "flagged_reason",
        "flag_dismissed_at",
        "flag_dismissed_by",
        "flag_dismissed_note",
        "dedupe_key",
        "created_at",
    ]
    exclude = ["body"]
    inlines = [MessagePhotoInline]
    actions = ["hide_selected", "flag_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def available_transitions(self, request, obj):
        names = []
        if obj.report_is_open:
            names.append("dismiss_report")
        if obj.hidden_at is None and not obj.system:
            names.append("hide")
        return [MESSAGE_TRANSITIONS[name] for name in names]

    def transition_summary(self, obj):
        return [
            (_("Conversation"), str(obj.thread)),
            (_("Author"), obj.author or _("system")),
            (_("Message"), truncatechars(_text(obj), 300)),
            (
                _("Reported"),
                _("by %(who)s on %(when)s: %(why)s")
                % {
                    "who": obj.flagged_by,
                    "when": date_format(
                        timezone.localtime(obj.flagged_at), "SHORT_DATETIME_FORMAT"
                    ),
                    "why": " — ".join(
                        part
                        for part in (
                            obj.get_flagged_category_display(),
                            obj.flagged_reason,
                        )
                        if part
                    )
                    or "—",
                }
                if obj.flagged_at
                else "—",
            ),
        ]

    @admin.display(description=_("message"))
    def text(self, message):
        return _text(message)

    @admin.display(description=_("message"))
    def short_text(self, message):
        text = _text(message)
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description=_("hidden"), boolean=True, ordering="hidden_at")
    def is_hidden(self, message):
        return message.hidden_at is not None

    @admin.display(description=_("flagged"), boolean=True, ordering="flagged_at")
    def is_flagged(self, message):
        return message.flagged_at is not None

    @admin.action(description=_("Hide the selected messages (kept for the record)"))
    def hide_selected(self, request, queryset):
        _hide(self, request, queryset, reason=str(_("Hidden by the marketplace team.")))

    @admin.action(description=_("Flag the selected messages for the escalation queue"))
    def flag_selected(self, request, queryset):
        done = 0
        for message in queryset.filter(flagged_at__isnull=True):
            try:
                services.message_flag(message=message, by=request.user, reason="")
            except DomainError as error:
                self.message_user(request, str(error.message), messages.ERROR)
                return
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d message flagged.", "%(count)d messages flagged.", done)
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(StaffAction)
class StaffActionAdmin(admin.ModelAdmin):
    list_display = ["at", "by", "action", "target_type", "target_repr", "reason"]
    list_filter = ["action", "target_type", "at"]
    search_fields = ["by__username", "by__email", "target_repr", "reason"]
    date_hierarchy = "at"
    list_select_related = ["by", "target_type"]
    readonly_fields = [
        "at",
        "by",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "reason",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The support inbox (a page of its own, registered with this module).
from . import support_admin  # noqa: E402, F401
