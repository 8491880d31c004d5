"""``PATCH artist-orders/{id}/``: the buyer changes an artist order before
the artist accepts it (a thin door to ``services.artist_order_change``).
GET stays ``api.ArtistOrderDetailView``'s."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from marketplace.errors import DomainError

from . import selectors, services
from .api import ArtistOrderDetailView, ConflictSerializer
from .change_serializers import (
    ArtistOrderChangeInputSerializer,
    ArtistOrderChangeResultSerializer,
)


class ArtistOrderDetailChangeView(ArtistOrderDetailView):
    """An artist order: read by its buyer, its artist and staff; changed by
    its buyer while it awaits acceptance."""

    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(
        request=ArtistOrderChangeInputSerializer,
        responses={
            200: ArtistOrderChangeResultSerializer,
            409: OpenApiResponse(
                ConflictSerializer,
                description="Not awaiting acceptance any more: ask to cancel.",
            ),
        },
        summary="Change an artist order before the artist accepts it (buyer).",
    )
    def patch(self, request, pk):
        user = request.user
        artist_order = selectors.artist_order_get_for_user(user=user, pk=pk)
        if artist_order.order.buyer_id != user.pk:
            raise PermissionDenied(_("Only the buyer of this order can do this."))
        serializer = ArtistOrderChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        address = data.get("shipping_address")
        try:
            result = services.artist_order_change(
                artist_order=artist_order,
                by=user,
                lines=[dict(line) for line in data["lines"]]
                if "lines" in data
                else None,
                shipping_address=dict(address) if address is not None else None,
                gift_message=data.get("gift_message"),
            )
        except DomainError as error:
            if error.field != "shipping_address":
                raise
            # Shaped as the serializer's own address errors are.
            raise ValidationError(
                {"shipping_address": error.as_field_errors()}
            ) from None
        fresh = selectors.artist_order_get_for_user(user=user, pk=artist_order.pk)
        return Response(
            ArtistOrderChangeResultSerializer(
                fresh,
                context={
                    "request": request,
                    "refund_amount": result.refund_amount,
                    "cancelled": result.cancelled,
                },
            ).data
        )
