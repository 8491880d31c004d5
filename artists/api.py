"""Catalog API (api.md, "Catalog"): shops, items, variants, stock alerts,
and the staff approval of shops.

Public reads only see approved shops and items on sale; ``shop/...`` paths
act on the caller's own shop, and another artist's item or variant is a 404.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import (
    AllowAny,
    BasePermission,
    IsAdminUser,
    IsAuthenticated,
)
from rest_framework.response import Response

from marketplace.errors import DomainError

from . import selectors, services
from .filters import ItemFilter
from .models import Artist, Item, PostagePayer, StockAlert, Variant

# Token first, so that an anonymous request gets a 401 with a
# WWW-Authenticate header (api.md) rather than a 403.
MONEY = {"max_digits": 12, "decimal_places": 2}


class IsArtist(BasePermission):
    """The caller has a shop (403 otherwise)."""

    message = _("Only artists with a shop can do this.")

    def has_permission(self, request, view):
        return selectors.artist_for_user(request.user) is not None


# --- serializers -----------------------------------------------------------------


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.ImageField(source="image", read_only=True)
    thumbnail = serializers.ImageField(read_only=True, allow_null=True)


class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="A JPEG, PNG or WebP photo, at most 10 MB.")


class ShippingFeesSerializer(serializers.Serializer):
    domestic = serializers.DecimalField(
        source="shipping_domestic", min_value=Decimal("0"), **MONEY
    )
    eu = serializers.DecimalField(source="shipping_eu", min_value=Decimal("0"), **MONEY)
    world = serializers.DecimalField(
        source="shipping_world", min_value=Decimal("0"), **MONEY
    )


class TermsSerializer(serializers.Serializer):
    return_window_days = serializers.IntegerField(
        min_value=0, max_value=730, help_text="0 means no returns beyond the law."
    )
    accepts_exchanges = serializers.BooleanField()
    refunds_original_shipping = serializers.BooleanField()
    return_postage_paid_by = serializers.ChoiceField(choices=PostagePayer.choices)
    processing_days = serializers.IntegerField(min_value=0, max_value=60)
    shipping_fees = ShippingFeesSerializer(source="*")
    free_shipping_over = serializers.DecimalField(
        min_value=0, allow_null=True, help_text="Null: never free.", **MONEY
    )


class HolidaySerializer(serializers.Serializer):
    start_date = serializers.DateField(source="holiday_start_date", allow_null=True)
    end_date = serializers.DateField(source="holiday_end_date", allow_null=True)
    message = serializers.CharField(
        source="holiday_message", max_length=200, allow_blank=True, required=False
    )
    on_holiday = serializers.SerializerMethodField()
    dispatch_date = serializers.SerializerMethodField(
        help_text="When on holiday today: the first day orders are dispatched again."
    )

    def get_on_holiday(self, artist) -> bool:
        return artist.holiday_end_after() is not None

    def get_dispatch_date(self, artist) -> date | None:
        return artist.holiday_dispatch_date()


class ArtistSerializer(serializers.ModelSerializer):
    """A shop as buyers see it."""

    country = CountryField()
    url = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)
    terms = TermsSerializer(source="*")
    holiday = HolidaySerializer(source="*", required=False)

    class Meta:
        model = Artist
        fields = [
            "slug",
            "name",
            "story",
            "location",
            "country",
            "url",
            "photos",
            "terms",
            "holiday",
        ]
        read_only_fields = ["slug"]

    def get_url(self, artist) -> str:
        request = self.context.get("request")
        path = artist.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ShopSerializer(ArtistSerializer):
    """The caller's own shop: what buyers see, plus its approval and the
    seller printed on receipts (empty: the shop name and its location)."""

    is_approved = serializers.BooleanField(read_only=True)

    class Meta(ArtistSerializer.Meta):
        fields = [
            *ArtistSerializer.Meta.fields,
            "is_approved",
            "approved_at",
            "legal_name",
            "business_address",
        ]
        read_only_fields = ["slug", "approved_at"]


class VariantSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(
        source="unit_price",
        read_only=True,
        help_text="The price a buyer pays.",
        **MONEY,
    )
    own_price = serializers.DecimalField(
        source="price",
        read_only=True,
        allow_null=True,
        help_text="The variant's own price; null when it uses the item's price.",
        **MONEY,
    )
    in_stock = serializers.SerializerMethodField()

    class Meta:
        model = Variant
        fields = ["id", "name", "price", "own_price", "stock", "in_stock"]

    def get_in_stock(self, variant) -> bool:
        return variant.stock > 0


class VariantWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    price = serializers.DecimalField(
        min_value=Decimal("0.01"),
        allow_null=True,
        required=False,
        help_text="Optional; null uses the item's price.",
        **MONEY,
    )
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)


class ItemSerializer(serializers.ModelSerializer):
    artist = serializers.CharField(source="artist.slug", read_only=True)
    artist_name = serializers.CharField(source="artist.name", read_only=True)
    url = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)
    variants = VariantSerializer(many=True, read_only=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "artist",
            "artist_name",
            "title",
            "description",
            "price",
            "size_guide",
            "personalisable",
            "is_active",
            "url",
            "photos",
            "variants",
            "created_at",
        ]
        read_only_fields = fields

    def get_url(self, item) -> str:
        request = self.context.get("request")
        path = item.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ItemWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160)
    description = serializers.CharField(allow_blank=True, required=False)
    price = serializers.DecimalField(min_value=Decimal("0.01"), **MONEY)
    size_guide = serializers.CharField(allow_blank=True, required=False)
    personalisable = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False, help_text="On sale.")
    variants = VariantWriteSerializer(
        many=True,
        required=False,
        help_text="On creation only; without it the item gets one 'Standard' variant.",
    )
    stock = serializers.IntegerField(
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text="On creation only: stock of the default variant.",
    )


class StockAlertRequestSerializer(serializers.Serializer):
    variant = serializers.IntegerField()


class StockAlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockAlert
        fields = ["id", "variant", "created_at", "notified_at"]
        read_only_fields = fields


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
    """Items on sale in approved shops, newest first (``?artist=`` one
    shop's)."""

    permission_classes = [AllowAny]
    serializer_class = ItemSerializer
    filterset_class = ItemFilter

    def get_queryset(self):
        return selectors.item_list_visible()


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
