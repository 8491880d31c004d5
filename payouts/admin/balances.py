"""Artist balances: one row per artist (its payout account), with what it
is owed, what was paid out, its commission rate, whether staff holds its
payouts and how many failed in a row; its page shows the balance as the
artist sees it, the holds and releases, the latest payouts, and the
buttons (hold, release, adjust, commission rate)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import DecimalField, F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.admin import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    TransitionAdminMixin,
    admin_link,
    changelist_link,
)
from marketplace.money import ZERO, to_money

from ..models import Payout, PayoutAccount, PayoutHoldEvent
from ..rules import MAX_FAILED_PAYOUTS
from ..selectors import balance_for, payout_accounts_for_staff, payouts_for
from ..services import holds
from ..services.ledger import default_rate
from .display import euros, percent, table
from .transitions import BALANCE_TRANSITIONS

RECENT_PAYOUTS = 10


def _nulls_as_zero(name):
    """Sort an annotation whose NULL means "nothing" as the smallest."""
    return F(name).asc(nulls_first=True)


class FailedFilter(admin.SimpleListFilter):
    title = _("failed payouts")
    parameter_name = "failed"

    def lookups(self, request, model_admin):
        return [
            ("any", _("At least one, last time")),
            (
                "staff",
                _("Left to staff (%(count)s in a row)") % {"count": MAX_FAILED_PAYOUTS},
            ),
        ]

    def queryset(self, request, queryset):
        if self.value() == "any":
            return queryset.filter(failed_payouts__gt=0)
        if self.value() == "staff":
            return queryset.filter(failed_payouts__gte=MAX_FAILED_PAYOUTS)
        return queryset


class HoldEventInline(ReadOnlyInline):
    model = PayoutHoldEvent
    fields = ["at", "action", "reason", "by"]
    readonly_fields = fields
    show_change_link = False
    verbose_name = _("hold or release")
    verbose_name_plural = _("holds and releases")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(PayoutAccount)
class PayoutAccountAdmin(TransitionAdminMixin, ReadOnlyAdmin):
    list_display = [
        "artist",
        "completed",
        "owed_total",
        "paid_out",
        "rate",
        "held",
        "failed_payouts",
        "next_attempt_at",
    ]
    list_filter = ["held", FailedFilter]
    search_fields = ["artist__name", "artist__slug"]
    list_select_related = ["artist"]
    ordering = ["artist__name", "id"]
    inlines = [HoldEventInline]
    fieldsets = [
        (None, {"fields": ["artist_link", "balance", "rate_detail"]}),
        (
            _("Payouts"),
            {
                "fields": [
                    "held",
                    "hold_reason",
                    "failed_payouts",
                    "next_attempt_at",
                    "recent_payouts",
                ]
            },
        ),
        (_("Dates"), {"fields": ["created_at", "updated_at"]}),
    ]
    readonly_fields = [
        "artist_link",
        "balance",
        "rate_detail",
        "held",
        "hold_reason",
        "failed_payouts",
        "next_attempt_at",
        "recent_payouts",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request):
        rate_field = DecimalField(max_digits=5, decimal_places=4)
        queryset = payout_accounts_for_staff().annotate(
            effective_rate=Coalesce(
                "commission_rate",
                Value(default_rate(), output_field=rate_field),
                output_field=rate_field,
            )
        )
        return queryset.order_by(*(self.get_ordering(request) or ()))

    def changelist_view(self, request, extra_context=None):
        # One row per artist: an artist paid by no run yet has no account.
        holds.accounts_create_missing()
        return super().changelist_view(request, extra_context)

    # Columns -----------------------------------------------------------------------

    @admin.display(
        description=_("owed on completed orders (€)"),
        ordering=_nulls_as_zero("completed_owed"),
    )
    def completed(self, account):
        return to_money(account.completed_owed or ZERO)

    @admin.display(description=_("owed in all (€)"), ordering=_nulls_as_zero("owed"))
    def owed_total(self, account):
        return to_money(account.owed or ZERO)

    # Payouts are negative on the artist's account: the column (a positive
    # amount) sorts up as the sum sorts down; nothing paid yet comes first.
    @admin.display(
        description=_("paid out (€)"),
        ordering=F("paid_out_total").desc(nulls_first=True),
    )
    def paid_out(self, account):
        return to_money(-(account.paid_out_total or ZERO))

    @admin.display(description=_("commission"), ordering="effective_rate")
    def rate(self, account):
        text = percent(account.effective_rate)
        if account.commission_rate is None:
            return gettext("%(rate)s (default)") % {"rate": text}
        return text

    # The page ------------------------------------------------------------------------

    @admin.display(description=_("artist"))
    def artist_link(self, account):
        return admin_link(account.artist, account.artist.name)

    @admin.display(description=_("balance"))
    def balance(self, account):
        return table("balance_table.html", balance=balance_for(artist=account.artist))

    @admin.display(description=_("commission rate"))
    def rate_detail(self, account):
        if account.commission_rate is None:
            return gettext("%(rate)s, the marketplace default") % {
                "rate": percent(account.effective_rate)
            }
        return gettext("%(rate)s, this shop's own rate") % {
            "rate": percent(account.commission_rate)
        }

    @admin.display(description=_("latest payouts"))
    def recent_payouts(self, account):
        payouts = list(payouts_for(artist=account.artist)[:RECENT_PAYOUTS])
        return table(
            "payouts_table.html",
            payouts=payouts,
            all_link=changelist_link(
                Payout,
                gettext("All payouts of this artist"),
                artist__id__exact=account.artist_id,
            ),
        )

    # Buttons -------------------------------------------------------------------------

    def available_transitions(self, request, obj):
        names = ["release" if obj.held else "hold", "adjust", "commission"]
        return [BALANCE_TRANSITIONS[name] for name in names]

    def transition_summary(self, obj):
        balance = balance_for(artist=obj.artist)
        return [
            (_("Artist"), obj.artist.name),
            (_("Available"), euros(balance.available)),
            (_("Pending"), euros(balance.pending)),
            (_("On hold"), euros(balance.on_hold)),
            (_("Paid out"), euros(balance.paid_out)),
            (_("Commission rate"), percent(balance.commission_rate)),
            (
                _("Payouts"),
                gettext("held: %(reason)s") % {"reason": obj.hold_reason}
                if obj.held
                else gettext("paid by the runs"),
            ),
        ]


@admin.register(PayoutHoldEvent)
class PayoutHoldEventAdmin(ReadOnlyAdmin):
    """Every hold and release of every artist's payouts: who, when, why."""

    list_display = ["at", "artist_name", "action", "reason", "by"]
    list_filter = ["action", "at"]
    search_fields = ["account__artist__name", "account__artist__slug", "reason"]
    list_select_related = ["account__artist", "by"]
    date_hierarchy = "at"
    fields = ["account_link", "action", "reason", "by", "at"]
    readonly_fields = fields

    @admin.display(description=_("artist"), ordering="account__artist__name")
    def artist_name(self, event):
        return event.account.artist.name

    @admin.display(description=_("artist balance"))
    def account_link(self, event):
        return admin_link(event.account, event.account.artist.name)
