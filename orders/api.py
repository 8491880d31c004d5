"""The cart, checkout and order endpoints of api.md (thin doors to services)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.errors import Conflict, DomainError
from marketplace.parsers import JSONParser

from . import selectors, services
from .filters import ArtistOrderFilter
from .models import ArtistOrder, Order
from .pricing import price_cart
from .serializers import (
    MONEY,
    ArtistOrderCancelResultSerializer,
    ArtistOrderSerializer,
    CancelInputSerializer,
    CartCountrySerializer,
    CartLineCreateSerializer,
    CartLineSerializer,
    CartLineUpdateSerializer,
    CartSerializer,
    CheckoutSerializer,
    ConflictSerializer,
    DiscountApplySerializer,
    OrderCancelResultSerializer,
    OrderSerializer,
    PaymentDeclinedSerializer,
    RefuseInputSerializer,
    ReportNotReceivedInputSerializer,
    ShipActionInputSerializer,
    ShipInputSerializer,
)


def _cart(request):
    return selectors.cart_for_request(request, create=True)


def _cart_response(cart, *, status_code=status.HTTP_200_OK) -> Response:
    return Response(CartSerializer(price_cart(cart)).data, status=status_code)


def _line_response(cart, line_id, *, status_code) -> Response:
    summary = price_cart(cart)
    priced = next(line for line in summary.lines if line.id == line_id)
    return Response(CartLineSerializer(priced).data, status=status_code)


class CartView(APIView):
    """The caller's cart, priced and grouped by artist."""

    @extend_schema(responses=CartSerializer)
    def get(self, request):
        return _cart_response(_cart(request))

    @extend_schema(request=CartCountrySerializer, responses=CartSerializer)
    def patch(self, request):
        serializer = CartCountrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cart = services.cart_set_country(
            cart=_cart(request), country=serializer.validated_data["country"]
        )
        return _cart_response(cart)


class CartLinesView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={
            "application/json": CartLineCreateSerializer,
            "multipart/form-data": CartLineCreateSerializer,
        },
        responses={201: CartLineSerializer},
    )
    def post(self, request):
        serializer = CartLineCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cart = _cart(request)
        line = services.cart_add_line(
            cart=cart,
            variant_id=data["variant"],
            quantity=data["quantity"],
            personalisation_text=data.get("personalisation") or "",
            personalisation_photo=data.get("personalisation_photo"),
        )
        return _line_response(cart, line.pk, status_code=status.HTTP_201_CREATED)


class CartLineDetailView(APIView):
    @extend_schema(request=CartLineUpdateSerializer, responses=CartLineSerializer)
    def patch(self, request, pk):
        cart = _cart(request)
        line = selectors.cart_line_get(cart=cart, pk=pk)
        serializer = CartLineUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cart_update_line(
            cart=cart, line_id=line.pk, quantity=serializer.validated_data["quantity"]
        )
        return _line_response(cart, line.pk, status_code=status.HTTP_200_OK)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        cart = _cart(request)
        line = selectors.cart_line_get(cart=cart, pk=pk)
        services.cart_remove_line(cart=cart, line_id=line.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartDiscountView(APIView):
    @extend_schema(request=DiscountApplySerializer, responses=CartSerializer)
    def post(self, request):
        serializer = DiscountApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cart = services.cart_apply_discount(
            cart=_cart(request), code=serializer.validated_data["code"]
        )
        return _cart_response(cart)

    @extend_schema(request=None, responses=CartSerializer)
    def delete(self, request):
        return _cart_response(services.cart_remove_discount(cart=_cart(request)))


class CheckoutInputSerializer(CheckoutSerializer):
    expected_total = serializers.DecimalField(
        required=False,
        allow_null=True,
        help_text=(
            "The total the buyer was shown (GET cart/). When the total is now "
            "different: 409 with the new total; nothing is charged or reserved."
        ),
        **MONEY,
    )


class TotalChangedSerializer(ConflictSerializer):
    total = serializers.DecimalField(help_text="The total now.", **MONEY)


class CheckoutView(APIView):
    @extend_schema(
        request=CheckoutInputSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="Send the same key again to get the same order back.",
            )
        ],
        responses={
            201: OrderSerializer,
            402: OpenApiResponse(
                PaymentDeclinedSerializer, description="Payment declined."
            ),
            409: OpenApiResponse(
                TotalChangedSerializer,
                description="The total is not expected_total any more "
                "(state total_changed): nothing charged or reserved.",
            ),
        },
    )
    def post(self, request):
        serializer = CheckoutInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            order = services.checkout(
                cart=_cart(request),
                buyer=request.user,
                shipping_address=dict(data["shipping_address"]),
                payment=dict(data["payment"]),
                idempotency_key=request.headers.get("Idempotency-Key") or None,
                expected_total=data.get("expected_total"),
            )
        except DomainError as error:
            if error.field != "country":
                raise
            # A shop that does not ship there: an error of the address, as
            # the serializer's own address errors are shaped.
            raise ValidationError(
                {"shipping_address": error.as_field_errors()}
            ) from None
        order = selectors.order_get_for_buyer(buyer=request.user, number=order.number)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderListView(generics.ListAPIView):
    """The caller's orders, newest first."""

    queryset = Order.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = OrderSerializer

    def get_queryset(self):
        return selectors.orders_for_buyer(buyer=self.request.user)


class OrderDetailView(generics.RetrieveAPIView):
    """One of the caller's orders; anyone else's is a 404."""

    serializer_class = OrderSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.orders_for_buyer(buyer=self.request.user)


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter(
                "as",
                OpenApiTypes.STR,
                enum=["buyer", "artist", "staff"],
                description="Only as a buyer, only as an artist, or (staff) all.",
            ),
        ]
    )
)
class ArtistOrderListView(generics.ListAPIView):
    """Artist orders of the caller: those of its orders as a buyer and those
    of its shop as an artist (``?as=`` narrows to one side; ``?state=``)."""

    queryset = (
        ArtistOrder.objects.none()
    )  # the model, for the schema; get_queryset scopes
    serializer_class = ArtistOrderSerializer
    filterset_class = ArtistOrderFilter

    def get_queryset(self):
        role = self.request.query_params.get("as") or None
        if role not in (None, "buyer", "artist", "staff"):
            raise ValidationError({"as": [_("Use buyer, artist or staff.")]})
        queryset = selectors.artist_orders_visible_to(user=self.request.user, role=role)
        return queryset.order_by("-created_at", "-id")


class ArtistOrderDetailView(generics.RetrieveAPIView):
    """An artist order, for its buyer, its artist and staff; else a 404."""

    serializer_class = ArtistOrderSerializer

    def get_queryset(self):
        user = self.request.user
        return selectors.artist_orders_visible_to(
            user=user, role="staff" if user.is_staff else None
        )


# Lifecycle actions -----------------------------------------------------------
#
# Who may call what: an artist order the caller cannot read (another buyer's,
# another shop's) is a 404; one it can read but not act on in the action's
# role (the buyer calling an artist action, the artist or staff calling a
# buyer action) is a 403; an action the state does not allow now is a 409
# with the current state (raised by the service).

BUYER = "buyer"
ARTIST = "artist"

_CONFLICT = OpenApiResponse(
    ConflictSerializer, description="Not allowed in the current state."
)


def _acts_as(artist_order, user, role: str) -> bool:
    if role == BUYER:
        return artist_order.order.buyer_id == user.pk
    return user.is_staff or artist_order.artist.user_id == user.pk


class ArtistOrderActionView(APIView):
    """Base of ``POST artist-orders/{id}/<action>/``: find the artist order
    among those the caller may read (404), check the caller's role (403),
    validate the body (400), run the service (409 when the state forbids
    it), answer the artist order as it is now."""

    role = ARTIST
    input_serializer_class = None
    result_serializer_class = ArtistOrderSerializer

    def perform(self, *, artist_order, user, data) -> dict:
        """Call the service; return extra serializer context."""
        raise NotImplementedError

    def post(self, request, pk):
        user = request.user
        artist_order = selectors.artist_order_get_for_user(user=user, pk=pk)
        if not _acts_as(artist_order, user, self.role):
            if self.role == BUYER:
                raise PermissionDenied(_("Only the buyer of this order can do this."))
            raise PermissionDenied(_("Only the artist of this order can do this."))
        data = {}
        if self.input_serializer_class is not None:
            serializer = self.input_serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        extra = self.perform(artist_order=artist_order, user=user, data=data) or {}
        fresh = selectors.artist_order_get_for_user(user=user, pk=artist_order.pk)
        return Response(
            self.result_serializer_class(
                fresh, context={"request": request, **extra}
            ).data
        )


def _action_schema(*, request=None, response=ArtistOrderSerializer, summary: str):
    return extend_schema(
        request=request,
        responses={200: response, 409: _CONFLICT},
        summary=summary,
    )


@extend_schema_view(post=_action_schema(summary="Accept an artist order (artist)."))
class ArtistOrderAcceptView(ArtistOrderActionView):
    def perform(self, *, artist_order, user, data):
        services.artist_order_accept(artist_order=artist_order, by=user)


@extend_schema_view(
    post=_action_schema(
        request=RefuseInputSerializer,
        summary="Refuse an artist order (artist): refunded in full, stock put back.",
    )
)
class ArtistOrderRefuseView(ArtistOrderActionView):
    input_serializer_class = RefuseInputSerializer

    def perform(self, *, artist_order, user, data):
        services.artist_order_refuse(
            artist_order=artist_order, by=user, reason=data["reason"]
        )


@extend_schema_view(
    post=_action_schema(
        request=ShipActionInputSerializer,
        summary="Ship an artist order (artist); over an open cancellation "
        "request only with decline_cancellation: true (else a 409).",
    )
)
class ArtistOrderShipView(ArtistOrderActionView):
    input_serializer_class = ShipActionInputSerializer

    def perform(self, *, artist_order, user, data):
        try:
            services.artist_order_ship(
                artist_order=artist_order,
                by=user,
                carrier=data["carrier"],
                tracking_number=data["tracking_number"],
                decline_cancellation=data["decline_cancellation"],
            )
        except services.CancellationRequestOpen as error:
            raise Conflict(
                _(
                    "The buyer asked to cancel this order: shipping it declines "
                    "their request. Send decline_cancellation: true to ship "
                    "anyway, or refuse the order to refund the buyer."
                ),
                state=error.state,
            ) from error


@extend_schema_view(
    post=_action_schema(
        request=ShipInputSerializer,
        summary="Ship a parcel reported as not received again (artist, staff).",
    )
)
class ArtistOrderReshipView(ArtistOrderActionView):
    input_serializer_class = ShipInputSerializer

    def perform(self, *, artist_order, user, data):
        services.artist_order_reship(
            artist_order=artist_order,
            by=user,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
        )


@extend_schema_view(
    post=_action_schema(
        summary="Refund a parcel reported as not received in full (artist, staff).",
    )
)
class ArtistOrderRefundLostView(ArtistOrderActionView):
    def perform(self, *, artist_order, user, data):
        services.artist_order_refund_lost(artist_order=artist_order, by=user)


@extend_schema_view(
    post=_action_schema(
        request=CancelInputSerializer,
        response=ArtistOrderCancelResultSerializer,
        summary="Cancel (awaiting acceptance) or ask to cancel (accepted) (buyer).",
    )
)
class ArtistOrderCancelView(ArtistOrderActionView):
    role = BUYER
    input_serializer_class = CancelInputSerializer
    result_serializer_class = ArtistOrderCancelResultSerializer

    def perform(self, *, artist_order, user, data):
        outcome = services.artist_order_cancel(
            artist_order=artist_order, by=user, reason=data["reason"]
        )
        return {"outcome": outcome}


@extend_schema_view(
    post=_action_schema(summary="Confirm that the parcel arrived (buyer).")
)
class ArtistOrderConfirmDeliveryView(ArtistOrderActionView):
    role = BUYER

    def perform(self, *, artist_order, user, data):
        services.artist_order_confirm_delivery(artist_order=artist_order, by=user)


@extend_schema_view(
    post=_action_schema(
        request=ReportNotReceivedInputSerializer,
        summary="Report a shipped parcel as not received (buyer).",
    )
)
class ArtistOrderReportNotReceivedView(ArtistOrderActionView):
    role = BUYER
    input_serializer_class = ReportNotReceivedInputSerializer

    def perform(self, *, artist_order, user, data):
        services.artist_order_report_not_received(
            artist_order=artist_order, by=user, note=data["note"]
        )


class OrderCancelView(APIView):
    """Cancel every artist order of one of the caller's orders that allows it
    (instantly or by a cancellation request); 409 when none does."""

    @extend_schema(
        request=CancelInputSerializer,
        responses={200: OrderCancelResultSerializer, 409: _CONFLICT},
        summary="Cancel my order (buyer).",
    )
    def post(self, request, number):
        order = selectors.order_get_for_buyer(buyer=request.user, number=number)
        serializer = CancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcomes = services.order_cancel(
            order=order, by=request.user, reason=serializer.validated_data["reason"]
        )
        fresh = selectors.order_get_for_buyer(buyer=request.user, number=order.number)
        return Response(
            OrderCancelResultSerializer(
                fresh, context={"request": request, "outcomes": outcomes}
            ).data
        )
