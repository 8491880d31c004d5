"""Payout runs (the list, each run's payouts, and the "Run payouts now"
button) and payouts (what each one paid, its ledger transactions, and the
Retry button of a failed one)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.admin import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    TransitionAdminMixin,
    admin_link,
)

from ..admin_queries import payout_transactions, payouts_left_to_staff
from ..models import Payout, PayoutAccount, PayoutRun, PayoutStatus
from ..selectors import payout_parts
from ..services import runs
from .display import euros, table
from .transitions import PAYOUT_TRANSITIONS


class RunPayoutInline(ReadOnlyInline):
    model = Payout
    fk_name = "run"
    fields = ["artist", "amount", "status", "attempts", "paid_at", "error"]
    readonly_fields = fields

    @admin.display(description=_("last error"))
    def error(self, payout):
        return payout.last_error_text or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("artist")


@admin.register(PayoutRun)
class PayoutRunAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "started_at",
        "as_of",
        "started_by",
        "payouts_count",
        "total",
        "finished_at",
    ]
    list_filter = ["started_at"]
    list_select_related = ["started_by"]
    date_hierarchy = "started_at"
    fields = [
        "started_at",
        "as_of",
        "finished_at",
        "started_by",
        "payouts_count",
        "total",
    ]
    readonly_fields = fields
    inlines = [RunPayoutInline]

    def get_urls(self):
        return [
            path(
                "run/",
                self.admin_site.admin_view(self.run_view),
                name="payouts_payoutrun_run",
            ),
            *super().get_urls(),
        ]

    def has_run_permission(self, request) -> bool:
        return request.user.has_perm("payouts.add_payoutrun")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_run_payouts": self.has_run_permission(request),
            "payout_minimum": euros(runs.payout_minimum()),
        }
        return super().changelist_view(request, extra_context)

    def run_view(self, request):
        """Run the payouts now (a POST from the list's button)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_run_permission(request):
            raise PermissionDenied
        run = runs.payout_run(by=request.user)
        self.log_addition(request, run, gettext("Run payouts now"))
        if run.payouts_count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d artist paid, %(total)s in all: the payout is on its way to the provider.",
                    "%(count)d artists paid, %(total)s in all: the payouts are on their way to the provider.",
                    run.payouts_count,
                )
                % {"count": run.payouts_count, "total": euros(run.total)},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext(
                    "Nothing to pay: no artist's available balance reaches the minimum "
                    "(%(minimum)s), or those payouts are held, on their way or waiting "
                    "after a failure."
                )
                % {"minimum": euros(runs.payout_minimum())},
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:payouts_payoutrun_changelist"))


class LeftToStaffFilter(admin.SimpleListFilter):
    """Failed payouts the runs no longer retry (the escalation queue)."""

    title = _("waiting for staff")
    parameter_name = "left_to_staff"

    def lookups(self, request, model_admin):
        return [("yes", _("Failed, left to staff"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                pk__in=payouts_left_to_staff().order_by().values("pk")
            )
        return queryset


@admin.register(Payout)
class PayoutAdmin(TransitionAdminMixin, ReadOnlyAdmin):
    list_display = [
        "id",
        "artist",
        "amount",
        "status",
        "created_at",
        "paid_at",
        "attempts",
        "error",
    ]
    list_filter = ["status", LeftToStaffFilter, "created_at"]
    search_fields = ["artist__name", "artist__slug", "provider_reference"]
    list_select_related = ["artist"]
    date_hierarchy = "created_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "artist_link",
                    "account_link",
                    "amount",
                    "status",
                    "run_link",
                    "retry_of_link",
                    "retries",
                ]
            },
        ),
        (_("What it paid"), {"fields": ["parts", "transactions"]}),
        (
            _("Provider"),
            {
                "fields": [
                    "provider",
                    "provider_reference",
                    "idempotency_key",
                    "attempts",
                    "next_attempt_at",
                    "error",
                ]
            },
        ),
        (
            _("Dates"),
            {"fields": ["created_at", "paid_at", "failed_at", "updated_at"]},
        ),
    ]
    readonly_fields = [
        "artist_link",
        "account_link",
        "amount",
        "status",
        "run_link",
        "retry_of_link",
        "retries",
        "parts",
        "transactions",
        "provider",
        "provider_reference",
        "idempotency_key",
        "attempts",
        "next_attempt_at",
        "error",
        "created_at",
        "paid_at",
        "failed_at",
        "updated_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("artist", "run", "retry_of")

    @admin.display(description=_("last error"))
    def error(self, payout):
        text = payout.last_error_text or "—"
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description=_("artist"))
    def artist_link(self, payout):
        return admin_link(payout.artist, payout.artist.name)

    @admin.display(description=_("artist balance"))
    def account_link(self, payout):
        account = PayoutAccount.objects.filter(artist_id=payout.artist_id).first()
        if account is None:
            return "—"
        return admin_link(account, gettext("Balance and payouts of this artist"))

    @admin.display(description=_("run"))
    def run_link(self, payout):
        return admin_link(payout.run)

    @admin.display(description=_("retry of"))
    def retry_of_link(self, payout):
        return admin_link(payout.retry_of)

    @admin.display(description=_("retried by"))
    def retries(self, payout):
        return table("payout_retries.html", retries=list(payout.retries.order_by("id")))

    @admin.display(description=_("artist orders paid"))
    def parts(self, payout):
        return table("payout_parts.html", parts=payout_parts(payout))

    @admin.display(description=_("ledger transactions"))
    def transactions(self, payout):
        return table(
            "payout_transactions.html", transactions=payout_transactions(payout)
        )

    # Buttons -------------------------------------------------------------------------

    def available_transitions(self, request, obj):
        if obj.status == PayoutStatus.FAILED:
            return [PAYOUT_TRANSITIONS["retry"]]
        return []

    def transition_summary(self, obj):
        return [
            (_("Payout"), str(obj)),
            (_("Artist"), obj.artist.name),
            (_("Amount"), euros(obj.amount)),
            (_("Status"), obj.get_status_display()),
            (_("Attempts"), obj.attempts),
            (_("Last error"), obj.last_error_text or "—"),
        ]
