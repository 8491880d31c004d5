"""The staff's support inbox: the support threads, those waiting for an
answer first; each one's page shows the conversation and a "Reply…" button
whose message is posted as the Atelier team (``message_post``) and emailed
to the person who opened it."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import F
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.admin import StaffTransition, TransitionAdminMixin

from . import selectors, services
from .admin import MessageInline, _text
from .models import SupportThread
from .services import BODY_MAX_LENGTH

CONVERSATION_TAIL = 6


class WaitingFilter(admin.SimpleListFilter):
    title = _("answer")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("Waiting for the team")), ("no", _("Answered"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(waiting_since__isnull=False)
        if self.value() == "no":
            return queryset.filter(waiting_since__isnull=True)
        return queryset


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer (shown as from the Atelier team, emailed to them)"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
        max_length=BODY_MAX_LENGTH,
    )


def _reply(request, obj, data):
    services.message_post(thread=obj, author=request.user, body=data["body"])
    return gettext("Your answer is sent: %(who)s gets it by email.") % {
        "who": obj.buyer.email or obj.buyer.username
    }


REPLY = StaffTransition(
    name="reply",
    label=_("Reply…"),
    run=_reply,
    form_class=ReplyForm,
    help_text=_(
        "Your answer is posted in the conversation as the Atelier team; the "
        "thread leaves the escalation queue until they write again."
    ),
)


@admin.register(SupportThread)
class SupportThreadAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "subject",
        "buyer",
        "opened_as",
        "order_number",
        "is_waiting",
        "last_message_at",
    ]
    list_display_links = ["id", "subject"]
    list_filter = [WaitingFilter, "opened_as", "created_at"]
    search_fields = [
        "subject",
        "buyer__email",
        "buyer__username",
        "artist_order__order__number",
    ]
    list_select_related = ["buyer", "artist_order__order"]
    readonly_fields = [
        "subject",
        "buyer",
        "opened_as",
        "artist_order",
        "support_return_request",
        "created_at",
        "last_message_at",
    ]
    fields = readonly_fields
    inlines = [MessageInline]

    def get_queryset(self, request):
        return selectors.with_support_waiting(super().get_queryset(request))

    def get_ordering(self, request):
        # Waiting ones first, the longest waiting on top; then the latest.
        return [F("waiting_since").asc(nulls_last=True), "-last_message_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def available_transitions(self, request, obj):
        return [REPLY]

    def transition_summary(self, obj):
        messages = list(
            selectors.thread_messages(thread=obj)
            .filter(system=False)
            .reverse()[:CONVERSATION_TAIL]
        )
        rows = [(_("Subject"), obj.subject), (_("From"), obj.buyer.email)]
        for message in reversed(messages):
            who = _("Atelier team") if message.is_staff_post else obj.buyer_name
            when = date_format(
                timezone.localtime(message.created_at), "SHORT_DATETIME_FORMAT"
            )
            rows.append((f"{who} · {when}", truncatechars(_text(message), 600)))
        return rows

    @admin.display(description=_("order"), ordering="artist_order__order__number")
    def order_number(self, thread):
        return thread.artist_order.order.number if thread.artist_order_id else "—"

    @admin.display(description=_("waiting for the team"), boolean=True)
    def is_waiting(self, thread):
        return thread.waiting_since is not None
