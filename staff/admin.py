"""Staff records that belong to no app of ours: Django's admin log, where
every action done in the admin is written with its author (registered on
the staff's site, ``staff.site``)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from marketplace.admin import ReadOnlyAdmin


class LogEntryAdmin(ReadOnlyAdmin):
    """Who did what in the admin, never edited."""

    list_display = [
        "action_time",
        "user",
        "action_flag",
        "content_type",
        "object_link",
        "message",
    ]
    list_filter = ["action_flag", "content_type", "action_time"]
    search_fields = ["user__username", "user__email", "object_repr", "change_message"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]
    fields = [
        "action_time",
        "user",
        "action_flag",
        "content_type",
        "object_id",
        "object_repr",
        "message",
    ]
    readonly_fields = fields

    @admin.display(description=_("object"), ordering="object_repr")
    def object_link(self, entry):
        url = entry.get_admin_url() if entry.content_type_id and entry.object_id else ""
        if url:
            return format_html('<a href="{}">{}</a>', url, entry.object_repr)
        return entry.object_repr

    @admin.display(description=_("change"))
    def message(self, entry):
        return entry.get_change_message()
