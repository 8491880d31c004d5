"""Catalog API (api.md, "Catalog"): shops, items, variants, stock alerts,
and the staff approval of shops.

Public reads only see approved shops and items on sale; ``shop/...`` paths
act on the caller's own shop, and another artist's item or variant is a 404.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import (
    AllowAny,
    BasePermission,
    IsAdminUser,
    IsAuthenticated,
)
from rest_framework.response import Response

from marketplace.errors import DomainError
from marketplace.parsers import JSONParser

from . import search, selectors, services
from .categories import category_tree
from .filters import ItemFilter
from .models import Artist, Category
from .serializers import (
    ArtistSerializer,
    CategorySerializer,
    ItemSerializer,
    ItemWriteSerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
    ShopSerializer,
    StockAlertRequestSerializer,
    StockAlertSerializer,
    VariantSerializer,
    VariantWriteSerializer,
)


class IsArtist(BasePermission):
    """The caller has a shop (403 otherwise)."""

    message = _("Only artists with a shop can do this.")

    def has_permission(self, request, view):
        return selectors.artist_for_user(request.user) is not None


# --- public reads ------------------------------------------------------------------


class ArtistListView(generics.ListAPIView):
    """Approved shops, with their terms of sale."""

    permission_classes = [AllowAny]
    serializer_class = ArtistSerializer

    def get_queryset(self):
        return selectors.artist_list_visible()


class ArtistDetailView(generics.RetrieveAPIView):
    """One approved shop (404 for any other)."""

    permission_classes = [AllowAny]
    serializer_class = ArtistSerializer

    def get_object(self):
        return selectors.artist_get_visible(slug=self.kwargs["slug"])


class ItemListView(generics.ListAPIView):
    """Items on sale in approved shops: the catalogue's search, filters and
    sorting (the same as the ``/items/`` page); newest first by default,
    best match first when searching."""

    permission_classes = [AllowAny]
    serializer_class = ItemSerializer
    filterset_class = ItemFilter
    highlights: dict = {}  # of the page of results, when searching

    def get_queryset(self):
        return selectors.item_list_catalogue()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        query = " ".join(self.request.query_params.get("q", "").split())
        self.highlights = search.highlights(page or [], query)
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "highlights": self.highlights}


class CategoryListView(generics.GenericAPIView):
    """The category tree: each root with its ``children``, recursively."""

    permission_classes = [AllowAny]
    serializer_class = CategorySerializer
    pagination_class = None
    queryset = Category.objects.none()  # for the schema; the tree is read whole

    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request):
        tree = category_tree()
        return Response(
            CategorySerializer(tree.roots, many=True, context={"tree": tree}).data
        )


class ItemDetailView(generics.RetrieveAPIView):
    """One item on sale in an approved shop (404 for any other)."""

    permission_classes = [AllowAny]
    serializer_class = ItemSerializer

    def get_object(self):
        return selectors.item_get_visible(pk=self.kwargs["pk"])


class StockAlertCreateView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = StockAlertRequestSerializer

    @extend_schema(
        request=StockAlertRequestSerializer,
        responses={201: StockAlertSerializer, 200: StockAlertSerializer},
        summary="Ask to be emailed once when an out-of-stock variant is back",
    )
    def post(self, request, pk):
        item = selectors.item_get_visible(pk=pk)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        variant = item.variants.filter(pk=data.validated_data["variant"]).first()
        if variant is None:
            raise ValidationError({"variant": [_("This item has no such variant.")]})
        alert, created = services.stock_alert_create(user=request.user, variant=variant)
        return Response(
            StockAlertSerializer(alert).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- the caller's shop ------------------------------------------------------------------


HOLIDAY_FIELDS = ("holiday_start_date", "holiday_end_date", "holiday_message")


class ArtistAPIView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, IsArtist]

    @property
    def artist(self) -> Artist:
        return selectors.artist_for_user(self.request.user)


class ShopView(ArtistAPIView):
    """The caller's own shop and terms of sale."""

    serializer_class = ShopSerializer

    def get(self, request):
        return Response(self.get_serializer(self.artist).data)

    @extend_schema(request=ShopSerializer, responses=ShopSerializer)
    def patch(self, request):
        artist = self.artist
        serializer = self.get_serializer(artist, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            profile_fields = services.PROFILE_FIELDS
            profile = {key: data[key] for key in profile_fields if key in data}
            if profile:
                services.artist_update_profile(artist=artist, **profile)
            terms = {key: data[key] for key in services.TERMS_FIELDS if key in data}
            if terms:
                services.artist_update_terms(artist=artist, **terms)
            if any(key in data for key in HOLIDAY_FIELDS):
                try:
                    services.artist_set_holiday(
                        artist=artist,
                        start_date=data.get(
                            "holiday_start_date", artist.holiday_start_date
                        ),
                        end_date=data.get("holiday_end_date", artist.holiday_end_date),
                        message=data.get("holiday_message", artist.holiday_message),
                    )
                except DomainError as error:
                    raise ValidationError(
                        {"holiday": error.as_field_errors()}
                    ) from None
        artist.refresh_from_db()
        return Response(self.get_serializer(artist).data)


class ShopItemListView(ArtistAPIView, generics.ListAPIView):
    """The caller's items, on sale or not; POST adds one."""

    serializer_class = ItemSerializer

    def get_queryset(self):
        return selectors.item_list_for_artist(artist=self.artist)

    @extend_schema(request=ItemWriteSerializer, responses={201: ItemSerializer})
    def post(self, request):
        data = ItemWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        item = services.item_create(
            artist=self.artist,
            title=fields["title"],
            description=fields.get("description", ""),
            price=fields["price"],
            size_guide=fields.get("size_guide", ""),
            personalisable=fields.get("personalisable", False),
            is_active=fields.get("is_active", True),
            variants=[dict(variant) for variant in fields.get("variants", [])],
            stock=fields.get("stock", 0),
            category=fields.get("category"),
        )
        item = selectors.item_get_for_artist(artist=self.artist, pk=item.pk)
        return Response(
            ItemSerializer(item, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ShopItemDetailView(ArtistAPIView):
    """One of the caller's items (404 for another artist's)."""

    serializer_class = ItemSerializer

    def get(self, request, pk):
        item = selectors.item_get_for_artist(artist=self.artist, pk=pk)
        return Response(self.get_serializer(item).data)

    @extend_schema(request=ItemWriteSerializer, responses=ItemSerializer)
    def patch(self, request, pk):
        item = selectors.item_get_for_artist(artist=self.artist, pk=pk)
        data = ItemWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {
            key: value
            for key, value in data.validated_data.items()
            if key not in ("variants", "stock")
        }
        services.item_update(item=item, **changes)
        item = selectors.item_get_for_artist(artist=self.artist, pk=pk)
        return Response(self.get_serializer(item).data)


class ShopItemPhotoListView(ArtistAPIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = PhotoUploadSerializer

    @extend_schema(request=PhotoUploadSerializer, responses={201: PhotoSerializer})
    def post(self, request, pk):
        item = selectors.item_get_for_artist(artist=self.artist, pk=pk)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = services.item_add_photo(item=item, upload=data.validated_data["image"])
        return Response(
            PhotoSerializer(photo, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ShopItemPhotoDetailView(ArtistAPIView):
    serializer_class = PhotoSerializer

    @extend_schema(responses={204: None})
    def delete(self, request, pk, photo_pk):
        photo = selectors.item_photo_get_for_artist(
            artist=self.artist, item_pk=pk, pk=photo_pk
        )
        services.item_remove_photo(photo=photo)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShopItemVariantListView(ArtistAPIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    serializer_class = VariantWriteSerializer

    @extend_schema(request=VariantWriteSerializer, responses={201: VariantSerializer})
    def post(self, request, pk):
        item = selectors.item_get_for_artist(artist=self.artist, pk=pk)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        variant = services.variant_create(item=item, **data.validated_data)
        return Response(VariantSerializer(variant).data, status=status.HTTP_201_CREATED)


class ShopVariantDetailView(ArtistAPIView):
    serializer_class = VariantSerializer

    def get(self, request, pk):
        variant = selectors.variant_get_for_artist(artist=self.artist, pk=pk)
        return Response(self.get_serializer(variant).data)

    @extend_schema(request=VariantWriteSerializer, responses=VariantSerializer)
    def patch(self, request, pk):
        variant = selectors.variant_get_for_artist(artist=self.artist, pk=pk)
        data = VariantWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        variant = services.variant_update(variant=variant, **data.validated_data)
        return Response(self.get_serializer(variant).data)


# --- staff ---------------------------------------------------------------------------


class StaffArtistApproveView(generics.GenericAPIView):
    """Staff approve a shop: it becomes visible and its artist is emailed."""

    permission_classes = [IsAuthenticated, IsAdminUser]
    serializer_class = ShopSerializer

    @extend_schema(request=None, responses=ShopSerializer)
    def post(self, request, slug):
        artist = get_object_or_404(Artist, slug=slug)
        artist = services.artist_approve(artist=artist, by=request.user)
        return Response(self.get_serializer(artist).data)
