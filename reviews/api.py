"""The review endpoints of api.md: thin doors to ``reviews.services``.

Anyone reads the visible reviews of a visible item or shop. A buyer
reviews a line of theirs (another's line is a 404), edits their own review
(another's is a 404); the artist answers the reviews of their shop
(another shop's is a 404). A rule the moment does not allow (not delivered,
refused or cancelled, past 30 days, already answered) is a 409; bad input,
or a second review of the same line, a 400.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from artists.selectors import artist_for_user
from marketplace.parsers import JSONParser
from orders.serializers import ConflictSerializer

from . import selectors, services
from .models import Review
from .serializers import (
    AnswerSerializer,
    OwnReviewSerializer,
    ReviewCreateSerializer,
    ReviewEditSerializer,
    ReviewSerializer,
)

_CONFLICT = OpenApiResponse(
    ConflictSerializer, description="Not allowed now (see the detail)."
)


def _files(request, name: str) -> list:
    getlist = getattr(request.FILES, "getlist", None)
    return [file for file in getlist(name) if file] if getlist else []


class ItemReviewsView(generics.ListAPIView):
    """The visible reviews of an item on sale, newest first."""

    permission_classes = [AllowAny]
    serializer_class = ReviewSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema
            return Review.objects.none()
        item = selectors.item_get_public(pk=self.kwargs["pk"])
        return selectors.reviews_visible(item=item)


class ArtistReviewsView(generics.ListAPIView):
    """The visible reviews of a shop's pieces, newest first."""

    permission_classes = [AllowAny]
    serializer_class = ReviewSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema
            return Review.objects.none()
        artist = selectors.artist_get_public(slug=self.kwargs["slug"])
        return selectors.reviews_visible(artist=artist)


class ReviewListView(generics.ListAPIView):
    """The caller's own reviews, newest first; POST reviews a delivered line
    (multipart, photos as repeated ``photos`` fields)."""

    serializer_class = OwnReviewSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema
            return Review.objects.none()
        return selectors.reviews_by_buyer(buyer=self.request.user)

    @extend_schema(
        request={"multipart/form-data": ReviewCreateSerializer},
        responses={201: OwnReviewSerializer, 409: _CONFLICT},
        summary="Review a delivered piece (buyer).",
    )
    def post(self, request):
        serializer = ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        line = selectors.line_get_for_buyer(buyer=request.user, pk=data["line"])
        review = services.review_create(
            buyer=request.user,
            line=line,
            rating=data["rating"],
            text=data["text"],
            photos=_files(request, "photos") or list(data.get("photos") or []),
        )
        fresh = selectors.review_get_for_buyer(buyer=request.user, pk=review.pk)
        return Response(
            OwnReviewSerializer(fresh, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ReviewDetailView(APIView):
    """The caller's own review; PATCH edits it within 30 days."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=OwnReviewSerializer, summary="One of your reviews.")
    def get(self, request, pk):
        review = selectors.review_get_for_buyer(buyer=request.user, pk=pk)
        return Response(OwnReviewSerializer(review, context={"request": request}).data)

    @extend_schema(
        request={
            "multipart/form-data": ReviewEditSerializer,
            "application/json": ReviewEditSerializer,
        },
        responses={200: OwnReviewSerializer, 409: _CONFLICT},
        summary="Edit your review (within 30 days of writing it).",
    )
    def patch(self, request, pk):
        review = selectors.review_get_for_buyer(buyer=request.user, pk=pk)
        serializer = ReviewEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.review_edit(
            review=review,
            by=request.user,
            rating=data.get("rating"),
            text=data.get("text"),
            photos=_files(request, "photos") or list(data.get("photos") or []),
            remove_photos=data.get("remove_photos") or (),
        )
        fresh = selectors.review_get_for_buyer(buyer=request.user, pk=pk)
        return Response(OwnReviewSerializer(fresh, context={"request": request}).data)


class ReviewAnswerView(APIView):
    """The artist answers a review of their shop, once, publicly."""

    @extend_schema(
        request=AnswerSerializer,
        responses={200: ReviewSerializer, 409: _CONFLICT},
        summary="Answer a review of your shop, once (artist).",
    )
    def post(self, request, pk):
        artist = artist_for_user(request.user)
        review = selectors.review_get_for_artist(artist=artist, pk=pk)
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.review_answer(
            review=review, artist=artist, text=serializer.validated_data["text"]
        )
        fresh = selectors.review_get_for_artist(artist=artist, pk=pk)
        return Response(ReviewSerializer(fresh, context={"request": request}).data)
