"""``GET orders/{number}/receipt/`` (api.md): the receipt of an order, for
its buyer and staff (anyone else: 404), as JSON, or as the PDF the buyer's
page downloads with ``Accept: application/pdf`` or ``?format=pdf``."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from . import selectors
from .receipts import (
    PDF_CONTENT_TYPE,
    build_receipt,
    content_disposition,
    render_receipt_pdf,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


class ReceiptLineSerializer(serializers.Serializer):
    title = serializers.CharField()
    variant = serializers.CharField()
    unit_price = serializers.DecimalField(**MONEY)
    quantity = serializers.IntegerField()
    line_total = serializers.DecimalField(**MONEY)


class ReceiptRefundSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    reason = serializers.CharField()
    reason_label = serializers.CharField()
    status = serializers.CharField(help_text="pending or succeeded")
    date = serializers.DateTimeField(help_text="When it was paid (or asked for).")


class ReceiptSellerSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The artist's legal name, or shop name.")
    shop_name = serializers.CharField()
    address = serializers.ListField(
        child=serializers.CharField(),
        help_text="Its business address, or its location, one line each.",
    )


class ReceiptArtistOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    artist = serializers.CharField(help_text="The shop's slug.")
    seller = ReceiptSellerSerializer()
    state = serializers.CharField()
    state_label = serializers.CharField()
    lines = ReceiptLineSerializer(many=True)
    items_total = serializers.DecimalField(**MONEY)
    shipping_fee = serializers.DecimalField(**MONEY)
    discount = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    refunds = ReceiptRefundSerializer(many=True)
    refunded = serializers.DecimalField(**MONEY)
    net_paid = serializers.DecimalField(**MONEY)


class ReceiptPaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    paid_at = serializers.DateTimeField()
    provider = serializers.CharField()
    reference = serializers.CharField()


class ReceiptMarketplaceSerializer(serializers.Serializer):
    name = serializers.CharField(source="marketplace_name")
    address = serializers.ListField(
        source="marketplace_address", child=serializers.CharField()
    )


class ReceiptBuyerSerializer(serializers.Serializer):
    name = serializers.CharField(source="buyer_name")
    email = serializers.EmailField(source="buyer_email")
    shipping_address = serializers.ListField(child=serializers.CharField())
    country = serializers.CharField(source="shipping_country")


class ReceiptSerializer(serializers.Serializer):
    number = serializers.CharField()
    created = serializers.DateTimeField()
    marketplace = ReceiptMarketplaceSerializer(
        source="*", help_text="The marketplace, intermediary of the sale."
    )
    buyer = ReceiptBuyerSerializer(source="*")
    payment = ReceiptPaymentSerializer(allow_null=True)
    artist_orders = ReceiptArtistOrderSerializer(source="parts", many=True)
    discount_code = serializers.CharField()
    items_total = serializers.DecimalField(**MONEY)
    shipping_total = serializers.DecimalField(**MONEY)
    discount_total = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    refunded = serializers.DecimalField(**MONEY)
    net_paid = serializers.DecimalField(**MONEY)
    pdf = serializers.SerializerMethodField()

    def get_pdf(self, receipt) -> str:
        """The same receipt as a PDF (this endpoint with ``?format=pdf``)."""
        path = reverse("api-order-receipt", kwargs={"number": receipt.number})
        request = self.context.get("request")
        url = request.build_absolute_uri(path) if request else path
        return f"{url}?format=pdf"


class PDFRenderer(BaseRenderer):
    """Bytes made by ``render_receipt_pdf``, passed through as they are."""

    media_type = PDF_CONTENT_TYPE
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class OrderReceiptView(APIView):
    """The receipt of an order: its buyer's, or any for staff; else a 404."""

    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, PDFRenderer]

    @extend_schema(
        summary="The receipt of an order (its buyer, staff), as JSON or PDF.",
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "pdf"],
                description="pdf for the PDF (as with Accept: application/pdf).",
            )
        ],
        responses={
            (200, "application/json"): ReceiptSerializer,
            (200, PDF_CONTENT_TYPE): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, number):
        user = request.user
        order = selectors.order_get_for_receipt(
            user=user, number=number, role="staff" if user.is_staff else "buyer"
        )
        receipt = build_receipt(order)
        if isinstance(request.accepted_renderer, PDFRenderer):
            return Response(
                render_receipt_pdf(receipt),
                headers={"Content-Disposition": content_disposition(receipt)},
            )
        return Response(ReceiptSerializer(receipt, context={"request": request}).data)

    def finalize_response(self, request, response, *args, **kwargs):
        # An error (401, 404) is JSON even when the PDF was asked for.
        if getattr(response, "exception", False) and isinstance(
            getattr(request, "accepted_renderer", None), PDFRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
