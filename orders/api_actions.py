"""Artist-order actions of api.md beside ``orders/api.py``'s: the buyer
withdrawing its cancellation request, the artist recording a parcel
refused at customs. Same doors as there: 404 for an artist order the caller
cannot read, 403 for the wrong role, 400 for bad input, 409 when the state
forbids it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from . import services
from .api import BUYER, ArtistOrderActionView, _action_schema

MONEY = {"max_digits": 12, "decimal_places": 2}


class RefusedAtCustomsInputSerializer(serializers.Serializer):
    return_postage = serializers.DecimalField(
        min_value=0,
        help_text="What the artist paid to get the parcel back, in euros (0 if "
        "nothing); at most the pieces' worth. The refund is the pieces (after "
        "discount) less this; shipping and customs duties are not refunded.",
        **MONEY,
    )
    restock = serializers.BooleanField(
        default=False, help_text="Put the pieces back in stock."
    )


@extend_schema_view(
    post=_action_schema(
        summary="Withdraw my open cancellation request (buyer): the order goes on."
    )
)
class ArtistOrderWithdrawCancellationView(ArtistOrderActionView):
    role = BUYER

    def perform(self, *, artist_order, user, data):
        services.cancellation_request_withdraw(artist_order=artist_order, by=user)


@extend_schema_view(
    post=_action_schema(
        request=RefusedAtCustomsInputSerializer,
        summary="Record a parcel refused by the buyer at customs (artist, staff): "
        "the pieces refunded less the return postage; the order is closed.",
    )
)
class ArtistOrderRefusedAtCustomsView(ArtistOrderActionView):
    input_serializer_class = RefusedAtCustomsInputSerializer

    def perform(self, *, artist_order, user, data):
        services.artist_order_refused_at_customs(
            artist_order=artist_order,
            by=user,
            return_postage=data["return_postage"],
            restock=data["restock"],
        )
