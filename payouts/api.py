"""The money endpoints of api.md ("Money (artists)"): thin doors to
``payouts.selectors``, ``payouts.statements`` and ``payouts.services``.

``shop/...`` paths read the caller's own shop only (users without a shop get
a 403, as every ``shop/`` endpoint; another shop's payout is a 404);
``staff/...`` paths are for staff (403 for anyone else). Holding payouts
that are held, or releasing payouts that are not, is a 409 with the state.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from artists.api import ArtistAPIView
from artists.models import Artist
from orders.serializers import ConflictSerializer

from . import selectors
from .filters import LedgerEntryFilter, month_or_none
from .models import LedgerEntry, Payout
from .parts import parts_by_payout
from .serializers import (
    ArtistBalanceSerializer,
    BalanceSerializer,
    LedgerEntrySerializer,
    PayoutHoldInputSerializer,
    PayoutRunSerializer,
    PayoutSerializer,
)
from .services.holds import payouts_hold, payouts_release
from .services.runs import payout_run
from .statements import statement_response

CSV_CONTENT_TYPE = "text/csv"


# --- the caller's shop ------------------------------------------------------------


class BalanceView(ArtistAPIView):
    """The caller's money now: available, pending, on hold (and why), paid out."""

    serializer_class = BalanceSerializer

    def get(self, request):
        return Response(
            self.get_serializer(selectors.balance_for(artist=self.artist)).data
        )


class PayoutListView(ArtistAPIView, generics.ListAPIView):
    """The caller's payouts, newest first, each with the artist orders it paid."""

    queryset = Payout.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = PayoutSerializer

    def get_queryset(self):
        return selectors.payouts_for(artist=self.artist)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        parts = parts_by_payout(page)
        for payout in page:
            payout.parts = parts[payout.pk]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PayoutDetailView(ArtistAPIView):
    """One of the caller's payouts (another shop's is a 404)."""

    serializer_class = PayoutSerializer

    def get(self, request, pk):
        payout = selectors.payout_get_for_artist(artist=self.artist, pk=pk)
        payout.parts = selectors.payout_parts(payout)
        return Response(self.get_serializer(payout).data)


class LedgerView(ArtistAPIView, generics.ListAPIView):
    """The caller's ledger entries, newest first (``?month=YYYY-MM``: one
    month's)."""

    queryset = LedgerEntry.objects.none()  # the model, for the schema
    serializer_class = LedgerEntrySerializer
    filterset_class = LedgerEntryFilter

    def get_queryset(self):
        return selectors.ledger_for(artist=self.artist)


class CSVRenderer(BaseRenderer):
    """The statement's CSV, made by ``statement_response``; present so that a
    client asking for ``text/csv`` is not refused before the view runs."""

    media_type = CSV_CONTENT_TYPE
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class StatementView(ArtistAPIView):
    """The month's statement of the caller's ledger, as CSV: the opening
    balance, one row per movement, the closing balance. A path that names no
    month is a 404, as on the dashboard."""

    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]

    @extend_schema(
        operation_id="v1_shop_statements_retrieve",
        summary="The monthly statement (CSV) of the caller's ledger.",
        parameters=[
            OpenApiParameter(
                "month",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=r"^\d{4}-\d{2}$",
                description="The month, YYYY-MM (in the marketplace's time zone).",
            )
        ],
        responses={(200, CSV_CONTENT_TYPE): OpenApiTypes.STR},
    )
    def get(self, request, month):
        parsed = month_or_none(month)
        if parsed is None:
            raise NotFound()
        return statement_response(artist=self.artist, month=parsed)

    def finalize_response(self, request, response, *args, **kwargs):
        # An error (401, 403, 404) is JSON even when CSV was asked for.
        if getattr(response, "exception", False) and isinstance(
            getattr(request, "accepted_renderer", None), CSVRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


# --- staff ---------------------------------------------------------------------------


class StaffAPIView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, IsAdminUser]


class StaffPayoutRunView(StaffAPIView):
    """Run a payout run now: every artist whose available balance reaches the
    minimum is paid it. Idempotent: a second run finds nothing more to pay."""

    serializer_class = PayoutRunSerializer

    @extend_schema(request=None, responses=PayoutRunSerializer)
    def post(self, request):
        run = payout_run(by=request.user)
        return Response(self.get_serializer(run).data)


_CONFLICT = OpenApiResponse(
    ConflictSerializer, description="Already held, or not held."
)


class StaffPayoutHoldBaseView(StaffAPIView):
    """Base of ``POST staff/artists/{slug}/hold-payouts/`` and
    ``release-payouts/``: find the shop (404), validate the reason (400),
    run the service (409 when the payouts already are as asked), answer the
    shop's balance as it is now."""

    serializer_class = ArtistBalanceSerializer
    service = None  # payouts_hold or payouts_release

    def post(self, request, slug):
        artist = get_object_or_404(Artist, slug=slug)
        data = PayoutHoldInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.service(
            artist=artist, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(
            self.get_serializer(
                selectors.balance_for(artist=artist),
                context={**self.get_serializer_context(), "artist": artist},
            ).data
        )


def _hold_schema(summary: str):
    return extend_schema(
        request=PayoutHoldInputSerializer,
        responses={200: ArtistBalanceSerializer, 409: _CONFLICT},
        summary=summary,
    )


class StaffHoldPayoutsView(StaffPayoutHoldBaseView):
    """Stop paying a shop until released; the reason is logged and shown to
    its artist. 409 when its payouts are held already."""

    service = staticmethod(payouts_hold)

    @_hold_schema("Hold an artist's payouts, with the reason (staff).")
    def post(self, request, slug):
        return super().post(request, slug)


class StaffReleasePayoutsView(StaffPayoutHoldBaseView):
    """Pay a shop again from the next run; the reason is logged. 409 when its
    payouts are not held."""

    service = staticmethod(payouts_release)

    @_hold_schema("Release an artist's held payouts, with the reason (staff).")
    def post(self, request, slug):
        return super().post(request, slug)
