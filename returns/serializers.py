"""API representations of return requests (api.md "Returns" names)."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orders.tracking import tracking_url

from .models import ReturnEvent, ReturnKind, ReturnReason, ReturnRequest
from .postage import deduction_shown, may_deduct
from .presenters import replacement_label
from .rules import allowed_return_actions, stuck_due_at

ACTIONS = [
    "accept",
    "reject",
    "ship_back",
    "receive",
    "refund",
    "ship_replacement",
    "convert_to_refund",
    "escalate",
    "withdraw",
    "staff_decide",
]

MONEY = {"max_digits": 12, "decimal_places": 2}
TEXT_MAX = 2000


class ReturnHistorySerializer(serializers.ModelSerializer):
    to = serializers.CharField(source="to_state")
    by = serializers.SerializerMethodField()
    note = serializers.CharField(
        source="note_text",
        read_only=True,
        help_text="The note in the caller's language (amounts and dates "
        "written its way), around the free text a person typed.",
    )
    note_event = serializers.CharField(
        read_only=True,
        help_text="What the system noted (empty when the note is only free text).",
    )
    note_values = serializers.JSONField(
        read_only=True, help_text="The values of ``note_event`` (amounts as text)."
    )

    class Meta:
        model = ReturnEvent
        fields = ["to", "transition", "by", "at", "note", "note_event", "note_values"]

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword: added here so that it comes first.
        return {"from": serializers.CharField(source="from_state"), **fields}

    def get_by(self, event) -> str | None:
        return event.by.username if event.by_id else None


class ReturnRefundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")


class ReturnRequestListSerializer(serializers.ListSerializer):
    """A page of requests: the rows the free-shipping deduction reads are
    fetched at once, for the requests that may have one."""

    def to_representation(self, data):
        requests = list(data.all() if hasattr(data, "all") else data)
        prefetch_related_objects(
            [rr.artist_order for rr in requests if may_deduct(rr)],
            "lines",
            "return_requests",
        )
        return super().to_representation(requests)


class ReturnRequestSerializer(serializers.ModelSerializer):
    """A return request as its buyer, its artist and staff read it (the
    rows it reads are fetched with it by ``selectors.return_requests_visible_to``;
    for a page of them, ``selectors.prefetch_escalation_checks`` reads what
    ``allowed_actions`` asks of rejected requests)."""

    artist_order = serializers.IntegerField(source="artist_order_id")
    order = serializers.CharField(source="artist_order.order.number")
    artist = serializers.CharField(source="artist_order.artist.slug")
    artist_name = serializers.CharField(source="artist_order.artist.name")
    line = serializers.IntegerField(source="line_id")
    line_title = serializers.CharField(source="line.title")
    line_variant = serializers.CharField(source="line.variant_name")
    unit_price = serializers.DecimalField(source="line.unit_price", **MONEY)
    kind_label = serializers.CharField(source="get_kind_display")
    reason_label = serializers.CharField(source="get_reason_display")
    state_label = serializers.CharField(source="get_state_display")
    desired_replacement = serializers.SerializerMethodField()
    desired_variant = serializers.IntegerField(
        source="desired_variant_id", allow_null=True
    )
    desired_item = serializers.IntegerField(source="desired_item_id", allow_null=True)
    photos = serializers.SerializerMethodField()
    history = ReturnHistorySerializer(many=True)
    thread = serializers.IntegerField(source="thread_id", allow_null=True)
    return_tracking_url = serializers.SerializerMethodField()
    replacement_tracking_url = serializers.SerializerMethodField()
    refund = serializers.SerializerMethodField()
    shipping_deduction = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    escalates_at = serializers.SerializerMethodField()

    class Meta:
        model = ReturnRequest
        list_serializer_class = ReturnRequestListSerializer
        fields = [
            "id",
            "artist_order",
            "order",
            "artist",
            "artist_name",
            "line",
            "line_title",
            "line_variant",
            "unit_price",
            "quantity",
            "kind",
            "kind_label",
            "reason",
            "reason_label",
            "comment",
            "desired_replacement",
            "desired_variant",
            "desired_item",
            "desired_text",
            "photos",
            "state",
            "state_label",
            "instructions",
            "ship_back_deadline",
            "rejection_reason",
            "escalation_message",
            "return_carrier",
            "return_tracking_number",
            "return_tracking_url",
            "replacement_carrier",
            "replacement_tracking_number",
            "replacement_tracking_url",
            "refund_amount",
            "refund_note",
            "shipping_deduction",
            "refund",
            "allowed_actions",
            "thread",
            "history",
            "created_at",
            "updated_at",
            "answered_at",
            "shipped_back_at",
            "received_at",
            "closed_at",
            "refund_due_at",
            "escalates_at",
        ]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_escalates_at(self, return_request):
        """When a request sent back (or received) and left by the artist
        passes to staff, and the buyer may escalate it; null otherwise."""
        due = stuck_due_at(return_request)
        return serializers.DateTimeField().to_representation(due) if due else None

    def get_desired_replacement(self, return_request) -> str:
        """The wanted replacement in words: the variant or item asked for,
        or the buyer's free text ("" for a return)."""
        return replacement_label(return_request)

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_photos(self, return_request) -> list[str]:
        """URLs of the photos: private, for the buyer, the artist and staff."""
        request = self.context.get("request")
        urls = []
        for photo in return_request.photos.all():
            path = reverse(
                "api-return-photo", kwargs={"pk": return_request.pk, "photo": photo.pk}
            )
            urls.append(request.build_absolute_uri(path) if request else path)
        return urls

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_return_tracking_url(self, return_request) -> str | None:
        if not return_request.return_tracking_number:
            return None
        return tracking_url(
            return_request.return_carrier, return_request.return_tracking_number
        )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_replacement_tracking_url(self, return_request) -> str | None:
        if not return_request.replacement_tracking_number:
            return None
        return tracking_url(
            return_request.replacement_carrier,
            return_request.replacement_tracking_number,
        )

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_shipping_deduction(self, return_request) -> str:
        """The free-shipping postage deducted from the refund (seed 002):
        what a refunded request deducted, or what an open return would
        deduct if it and the order's other running returns were refunded;
        "0.00" when nothing."""
        return f"{deduction_shown(return_request):.2f}"

    @extend_schema_field(ReturnRefundSerializer(allow_null=True))
    def get_refund(self, return_request) -> dict | None:
        if not return_request.refund_id:
            return None
        return ReturnRefundSerializer(return_request.refund).data

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=ACTIONS))
    )
    def get_allowed_actions(self, return_request) -> list[str]:
        """What the caller may do now."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return sorted(allowed_return_actions(return_request=return_request, user=user))


# Input ----------------------------------------------------------------------------


class ReturnRequestCreateSerializer(serializers.Serializer):
    line = serializers.IntegerField(
        help_text="The order line to return (one of the caller's)."
    )
    quantity = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(
        choices=ReturnKind.choices, default=ReturnKind.RETURN
    )
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    comment = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default=""
    )
    desired_replacement = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "For an exchange: `variant:<id>` or `item:<id>` (a piece of the same artist), "
            "or free text."
        ),
    )
    desired_variant = serializers.IntegerField(required=False, allow_null=True)
    desired_item = serializers.IntegerField(required=False, allow_null=True)
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False, use_url=False),
        required=False,
        help_text=(
            "Repeat the field: 1 to 5 photos for wrong_item, damaged and non_compliant, "
            "at most 5 otherwise; JPEG, PNG or WebP, at most 10 MB each."
        ),
    )

    def validate(self, attrs):
        text = (attrs.get("desired_replacement") or "").strip()
        variant, item = attrs.get("desired_variant"), attrs.get("desired_item")
        kind, _sep, pk = text.partition(":")
        if kind in ("variant", "item") and pk.strip().isdigit():
            if kind == "variant":
                variant = int(pk)
            else:
                item = int(pk)
            text = ""
        attrs["desired_variant"] = variant
        attrs["desired_item"] = item
        attrs["desired_text"] = text
        return attrs


class InstructionsSerializer(serializers.Serializer):
    instructions = serializers.CharField(
        max_length=5000,
        help_text="Where and how to send the piece back (the buyer reads it).",
    )
    ship_back_deadline = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Default: RETURN_SHIP_BACK_DAYS from now.",
    )


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)


class TrackingSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=80)
    tracking_number = serializers.CharField(max_length=80)


class ShipReplacementSerializer(TrackingSerializer):
    variant = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=(
            "The variant sent (one of the shop's). Default: the buyer's wanted "
            "variant, else the line's own. Its stock goes down by the quantity."
        ),
    )


class ReceiveSerializer(serializers.Serializer):
    restock = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Put the returned pieces back into the stock of the line's variant "
            "(buyers waiting for it are emailed). Default false."
        ),
    )


class RefundInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="Default: the computed refund. 400 above what may still be refunded.",
        **MONEY,
    )
    note = serializers.CharField(
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the amount is lower than the computed one.",
    )


class OutOfStockSerializer(serializers.Serializer):
    """The 409 of ``ship-replacement``: a state that does not allow it, or
    (``code: out_of_stock``) not enough pieces left for the replacement."""

    detail = serializers.CharField()
    state = serializers.CharField(help_text="The current state.")
    code = serializers.CharField(required=False, help_text="`out_of_stock`.")
    variant = serializers.IntegerField(
        required=False, help_text="The variant the replacement is taken from."
    )
    stock = serializers.IntegerField(required=False, help_text="Pieces left.")
    instead = serializers.CharField(
        required=False, help_text="What the artist may do instead: `convert_to_refund`."
    )


class EscalateSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=TEXT_MAX)
