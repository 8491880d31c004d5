"""What the money API shows (api.md, "Money (artists)"): balances and holds,
payouts and what they paid, ledger entries, payout runs; and the staff's
hold input. Amounts are strings with two decimals, as everywhere in the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import EntryKind, Payout, PayoutStatus
from .selectors import HoldReason
from .services.holds import REASON_MAX_LENGTH
from .services.runs import payout_minimum

MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {"max_digits": 5, "decimal_places": 4}

HOLD_REASONS = (
    (HoldReason.RETURN, _("A return request is open")),
    (HoldReason.CANCELLATION, _("The buyer asked to cancel")),
    (HoldReason.NOT_RECEIVED, _("The buyer reported the parcel as not received")),
    (HoldReason.STAFF, _("Payouts paused by the marketplace team")),
)


class HoldSerializer(serializers.Serializer):
    """Money on hold and why: an artist order's (``artist_order``), or what
    would be available while staff holds the payouts (``staff``)."""

    reason = serializers.ChoiceField(choices=HOLD_REASONS)
    reason_label = serializers.SerializerMethodField()
    amount = serializers.DecimalField(**MONEY)
    artist_order = serializers.IntegerField(
        source="artist_order.pk", allow_null=True, help_text="Null for a staff hold."
    )
    order = serializers.CharField(
        source="artist_order.order.number",
        allow_null=True,
        help_text="The order's number; null for a staff hold.",
    )
    return_request = serializers.IntegerField(
        source="return_request_id",
        allow_null=True,
        help_text="The open return request that holds it, if that is the reason.",
    )
    note = serializers.CharField(help_text="Staff's reason, for a staff hold.")

    def get_reason_label(self, hold) -> str:
        return str(dict(HOLD_REASONS).get(hold.reason, hold.reason))


class BalanceSerializer(serializers.Serializer):
    """An artist's money now (``payouts.selectors.balance_for``)."""

    available = serializers.DecimalField(
        help_text="Earned on completed artist orders, paid by the next payout run.",
        **MONEY,
    )
    pending = serializers.DecimalField(
        help_text="Earned on artist orders not completed yet.", **MONEY
    )
    on_hold = serializers.DecimalField(
        help_text="Held back: see holds for why.", **MONEY
    )
    paid_out = serializers.DecimalField(help_text="Paid out so far.", **MONEY)
    total = serializers.DecimalField(
        help_text="available + pending + on_hold.", read_only=True, **MONEY
    )
    commission_rate = serializers.DecimalField(
        help_text="The commission on new sales, a fraction (0.1200 = 12 %).", **RATE
    )
    held_by_staff = serializers.BooleanField(
        help_text="The marketplace team holds this artist's payouts."
    )
    hold_reason = serializers.CharField(help_text="Why, while held by staff.")
    payout_minimum = serializers.SerializerMethodField()
    holds = HoldSerializer(many=True)

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_payout_minimum(self, balance) -> str:
        """The smallest available balance a payout run pays."""
        return serializers.DecimalField(**MONEY).to_representation(payout_minimum())


class ArtistBalanceSerializer(BalanceSerializer):
    """An artist's balance as staff sees it after holding or releasing its
    payouts."""

    artist = serializers.SerializerMethodField()

    def get_artist(self, balance) -> str:
        """The shop's slug."""
        return self.context["artist"].slug


class PayoutPartSerializer(serializers.Serializer):
    """What one payout paid of one artist order (``payout_parts``)."""

    id = serializers.IntegerField(
        source="artist_order.pk",
        allow_null=True,
        help_text="The artist order; null for an adjustment tied to none.",
    )
    order = serializers.CharField(source="artist_order.order.number", allow_null=True)
    sale = serializers.DecimalField(help_text="What the buyer paid.", **MONEY)
    commission = serializers.DecimalField(
        help_text="The commission kept, net of reversals.", **MONEY
    )
    refunds = serializers.DecimalField(**MONEY)
    adjustments = serializers.DecimalField(**MONEY)
    net = serializers.DecimalField(
        help_text="sale - commission - refunds + adjustments.", **MONEY
    )
    paid = serializers.DecimalField(
        help_text="The part of net this payout paid (earlier payouts paid the rest).",
        **MONEY,
    )


class PayoutSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=PayoutStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    created = serializers.DateTimeField(source="created_at")
    artist_orders = PayoutPartSerializer(source="parts", many=True)

    class Meta:
        model = Payout
        fields = [
            "id",
            "amount",
            "status",
            "status_label",
            "created",
            "paid_at",
            "failed_at",
            "artist_orders",
        ]
        read_only_fields = fields


class LedgerEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField(source="created_at")
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    amount = serializers.DecimalField(
        help_text="Positive: owed to the artist; negative: taken or paid out.",
        **MONEY,
    )
    artist_order = serializers.IntegerField(source="artist_order_id", allow_null=True)
    order = serializers.CharField(source="artist_order.order.number", allow_null=True)
    payout = serializers.IntegerField(source="transaction.payout_id", allow_null=True)
    note = serializers.CharField(
        source="transaction.memo", help_text="Staff's reason, for an adjustment."
    )


class RunPayoutSerializer(serializers.ModelSerializer):
    artist = serializers.CharField(source="artist.slug", help_text="The shop's slug.")
    status = serializers.ChoiceField(choices=PayoutStatus.choices)
    created = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Payout
        fields = ["id", "artist", "amount", "status", "created", "paid_at"]
        read_only_fields = fields


class PayoutRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    payouts_count = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY)
    payouts = serializers.SerializerMethodField()

    @extend_schema_field(RunPayoutSerializer(many=True))
    def get_payouts(self, run) -> list:
        """The payouts this run made (each sent to the provider after the run)."""
        payouts = run.payouts.select_related("artist").order_by("id")
        return RunPayoutSerializer(payouts, many=True).data


class PayoutHoldInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        help_text="Why: logged with the change; a hold's reason is shown to the artist.",
    )
