"""The body and the answer of ``PATCH artist-orders/{id}/``: the buyer's
changes before the artist accepts (``services.artist_order_change``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .serializers import ArtistOrderSerializer, ShippingAddressSerializer
from .services.changes import GIFT_MESSAGE_MAX_LENGTH


class ChangeLineInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The id of a line of this artist order.")
    quantity = serializers.IntegerField(
        min_value=0,
        help_text="The new quantity: lower than ordered, 0 removes the line.",
    )


class ArtistOrderChangeInputSerializer(serializers.Serializer):
    lines = ChangeLineInputSerializer(many=True, required=False, max_length=200)
    shipping_address = ShippingAddressSerializer(required=False)
    gift_message = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=GIFT_MESSAGE_MAX_LENGTH,
        trim_whitespace=True,
        help_text='Makes it a gift order (no prices on the packing slip); "" '
        "makes it an ordinary one again.",
    )

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                _("Send lines, shipping_address or gift_message.")
            )
        return attrs


class ArtistOrderChangeResultSerializer(ArtistOrderSerializer):
    """The artist order after the change, with what was refunded."""

    refund_amount = serializers.SerializerMethodField()
    cancelled = serializers.SerializerMethodField()

    class Meta(ArtistOrderSerializer.Meta):
        fields = [*ArtistOrderSerializer.Meta.fields, "refund_amount", "cancelled"]

    def get_refund_amount(self, artist_order) -> str:
        """Refunded at once by this change (euros)."""
        return str(self.context.get("refund_amount", "0.00"))

    def get_cancelled(self, artist_order) -> bool:
        """Every piece was removed: the artist order is cancelled."""
        return bool(self.context.get("cancelled", False))
