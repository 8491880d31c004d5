"""The Returns endpoints of api.md: thin doors to ``returns.services``.

Who may call what: a return request the caller cannot read (another
buyer's, another shop's) is a 404; one it can read but not act on in the
action's role (the buyer calling an artist action, the artist or staff
calling a buyer action, staff calling an action only the artist takes) is a
403; an action the state does not allow now is a 409 with the current state
(raised by the service); bad input is a 400 with field errors.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.errors import DomainError
from marketplace.parsers import JSONParser
from marketplace.storage import private_file_response
from orders.models import OrderLine
from orders.serializers import ConflictSerializer

from . import selectors, services
from .filters import ReturnRequestFilter
from .serializers import (
    EscalateSerializer,
    InstructionsSerializer,
    OutOfStockSerializer,
    ReceiveSerializer,
    RefundInputSerializer,
    RejectSerializer,
    ReturnRequestCreateSerializer,
    ReturnRequestSerializer,
    ShipReplacementSerializer,
    TrackingSerializer,
)

BUYER = "buyer"
ARTIST = "artist"
ROLES = ("buyer", "artist", "staff")

_CONFLICT = OpenApiResponse(
    ConflictSerializer, description="Not allowed in the current state."
)


def _line_of_buyer(*, buyer, pk: int) -> OrderLine:
    """The order line ``pk`` of one of ``buyer``'s orders.

    :raises DomainError: on ``line`` for any other line (no leak of others').
    """
    line = (
        OrderLine.objects.select_related("artist_order__order", "artist_order__artist")
        .filter(pk=pk, artist_order__order__buyer=buyer)
        .first()
    )
    if line is None:
        raise DomainError(_("This is not a piece of one of your orders."), field="line")
    return line


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter(
                "as",
                OpenApiTypes.STR,
                enum=list(ROLES),
                description="Only as a buyer, only as an artist, or (staff) all.",
            ),
        ]
    )
)
class ReturnRequestListView(generics.ListAPIView):
    """Return requests of the caller, newest first: those of its orders as a
    buyer and those of its shop as an artist (``?as=`` narrows to one side;
    ``?as=staff`` lists every request for staff). A buyer files one with POST
    (multipart, photos as repeated ``photos`` fields)."""

    serializer_class = ReturnRequestSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_class = ReturnRequestFilter

    def get_queryset(self):
        role = self.request.query_params.get("as") or None
        if role not in (None, *ROLES):
            raise ValidationError({"as": [_("Use buyer, artist or staff.")]})
        queryset = selectors.return_requests_visible_to(
            user=self.request.user, role=role
        )
        return queryset.order_by("-created_at", "-id")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.prefetch_escalation_checks(page, user=self.request.user)
        return page

    @extend_schema(
        request={"multipart/form-data": ReturnRequestCreateSerializer},
        responses={201: ReturnRequestSerializer},
        summary="Ask to return or exchange pieces of an order line (buyer).",
    )
    def post(self, request):
        serializer = ReturnRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        photos = (
            [f for f in request.FILES.getlist("photos") if f]
            if hasattr(request.FILES, "getlist")
            else []
        )
        return_request = services.return_request_create(
            buyer=request.user,
            line=_line_of_buyer(buyer=request.user, pk=data["line"]),
            quantity=data["quantity"],
            kind=data["kind"],
            reason=data["reason"],
            comment=data["comment"],
            desired_variant=data["desired_variant"],
            desired_item=data["desired_item"],
            desired_text=data["desired_text"],
            photos=photos or list(data.get("photos") or []),
        )
        fresh = selectors.return_request_get_for_user(
            user=request.user, pk=return_request.pk
        )
        return Response(
            ReturnRequestSerializer(fresh, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ReturnRequestDetailView(generics.RetrieveAPIView):
    """A return request, for its buyer, its artist and staff; else a 404."""

    serializer_class = ReturnRequestSerializer

    def get_object(self):
        return selectors.return_request_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )


class ReturnPhotoView(APIView):
    """A photo of a return request: its buyer, its artist and staff only."""

    @extend_schema(
        responses={(200, "image/*"): OpenApiTypes.BINARY},
        summary="A photo of a return request (private).",
    )
    def get(self, request, pk, photo):
        found = selectors.return_photo_get_for_user(user=request.user, pk=photo)
        if found.request_id != pk:
            raise Http404
        return private_file_response(found.image, cache_control="private, max-age=3600")


# Transitions -------------------------------------------------------------------


def acts_as(return_request, user, role: str) -> bool:
    """Whether ``user`` may act on ``return_request`` in ``role``: its buyer
    for buyer actions; its artist, or staff (as for artist orders), for
    artist actions."""
    if role == BUYER:
        return return_request.buyer_id == user.pk
    return user.is_staff or return_request.artist.user_id == user.pk


class ReturnActionView(APIView):
    """Base of ``POST returns/{id}/<action>/``: find the request among those
    the caller may read (404), check the caller's role (403), validate the
    body (400), run the service (409 when the state forbids it), answer the
    request as it is now."""

    role = ARTIST
    input_serializer_class = None

    def perform(self, *, return_request, user, data) -> None:
        raise NotImplementedError

    def post(self, request, pk):
        user = request.user
        return_request = selectors.return_request_get_for_user(user=user, pk=pk)
        if not acts_as(return_request, user, self.role):
            if self.role == BUYER:
                raise PermissionDenied(_("Only the buyer of this request can do this."))
            raise PermissionDenied(_("Only the artist of this request can do this."))
        data = {}
        if self.input_serializer_class is not None:
            serializer = self.input_serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        self.perform(return_request=return_request, user=user, data=data)
        fresh = selectors.return_request_get_for_user(user=user, pk=return_request.pk)
        return Response(
            ReturnRequestSerializer(fresh, context={"request": request}).data
        )


def _action_schema(*, request=None, summary: str):
    return extend_schema(
        request=request,
        responses={200: ReturnRequestSerializer, 409: _CONFLICT},
        summary=summary,
    )


@extend_schema_view(
    post=_action_schema(
        request=InstructionsSerializer,
        summary="Accept a return request with instructions (artist; staff when escalated).",
    )
)
class ReturnAcceptView(ReturnActionView):
    input_serializer_class = InstructionsSerializer

    def perform(self, *, return_request, user, data):
        services.return_request_accept(
            return_request=return_request,
            by=user,
            instructions=data["instructions"],
            ship_back_deadline=data.get("ship_back_deadline"),
        )


@extend_schema_view(
    post=_action_schema(
        request=RejectSerializer, summary="Reject a return request (artist)."
    )
)
class ReturnRejectView(ReturnActionView):
    input_serializer_class = RejectSerializer

    def perform(self, *, return_request, user, data):
        services.return_request_reject(
            return_request=return_request, by=user, reason=data["reason"]
        )


@extend_schema_view(
    post=_action_schema(
        request=TrackingSerializer, summary="Send the piece back (buyer)."
    )
)
class ReturnShipBackView(ReturnActionView):
    role = BUYER
    input_serializer_class = TrackingSerializer

    def perform(self, *, return_request, user, data):
        services.return_request_ship_back(
            return_request=return_request,
            by=user,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
        )


@extend_schema_view(
    post=_action_schema(
        request=ReceiveSerializer,
        summary=(
            "Confirm the piece came back (artist): the refund can start; "
            "`restock` puts it back in stock."
        ),
    )
)
class ReturnReceiveView(ReturnActionView):
    input_serializer_class = ReceiveSerializer

    def perform(self, *, return_request, user, data):
        services.return_request_receive(
            return_request=return_request, by=user, restock=data["restock"]
        )


@extend_schema_view(
    post=_action_schema(
        request=RefundInputSerializer,
        summary="Refund a received return (artist, staff); the amount defaults to the computed one.",
    )
)
class ReturnRefundView(ReturnActionView):
    input_serializer_class = RefundInputSerializer

    def perform(self, *, return_request, user, data):
        services.return_request_refund(
            return_request=return_request,
            by=user,
            amount=data.get("amount"),
            note=data["note"],
        )


@extend_schema_view(
    post=extend_schema(
        request=ShipReplacementSerializer,
        responses={
            200: ReturnRequestSerializer,
            409: OpenApiResponse(
                OutOfStockSerializer,
                description=(
                    "Not allowed in the current state, or not enough pieces left "
                    "in stock (`code: out_of_stock`): convert to a refund instead."
                ),
            ),
        },
        summary=(
            "Ship the replacement of an exchange (artist): its pieces are taken "
            "from stock."
        ),
    )
)
class ReturnShipReplacementView(ReturnActionView):
    input_serializer_class = ShipReplacementSerializer

    def perform(self, *, return_request, user, data):
        services.return_request_ship_replacement(
            return_request=return_request,
            by=user,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            variant=data.get("variant"),
        )


@extend_schema_view(
    post=_action_schema(
        request=RefundInputSerializer,
        summary="Refund a received exchange instead of replacing it (artist).",
    )
)
class ReturnConvertToRefundView(ReturnActionView):
    input_serializer_class = RefundInputSerializer

    def perform(self, *, return_request, user, data):
        services.return_request_convert_to_refund(
            return_request=return_request,
            by=user,
            amount=data.get("amount"),
            note=data["note"],
        )


@extend_schema_view(
    post=_action_schema(
        request=EscalateSerializer,
        summary="Ask the marketplace team to decide (buyer): rejected or unanswered requests.",
    )
)
class ReturnEscalateView(ReturnActionView):
    role = BUYER
    input_serializer_class = EscalateSerializer

    def perform(self, *, return_request, user, data):
        services.return_request_escalate(
            return_request=return_request, by=user, message=data["message"]
        )


@extend_schema_view(post=_action_schema(summary="Withdraw a return request (buyer)."))
class ReturnWithdrawView(ReturnActionView):
    role = BUYER

    def perform(self, *, return_request, user, data):
        services.return_request_withdraw(return_request=return_request, by=user)
