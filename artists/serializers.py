"""The catalogue API's serializers (api.md, "Catalog"): shops, terms,
items, variants, categories, stock alerts."""

import json
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.utils import html

from marketplace.parsers import check_structure

from .models import Artist, Category, Item, PostagePayer, StockAlert, Variant

MONEY = {"max_digits": 12, "decimal_places": 2}


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


class _NotAnObject:
    """What a multipart form sent for a nested object that is not a JSON
    object (the serializer answers 400 with how to send it)."""


class MultipartNested:
    """A nested object that a multipart (or form) request can send either as
    one field holding a JSON object (``terms={"processing_days": 5}``) or as
    dotted fields (``terms.processing_days=5``); anything else is a 400 that
    says so, never silently ignored."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            raw = dictionary.get(self.field_name)
            try:
                value = json.loads(raw) if isinstance(raw, str | bytes) else None
            except (ValueError, RecursionError):
                value = None
            check_structure(value)  # as JSON bodies: not too deep, no NUL
            if not isinstance(value, dict):
                return _NotAnObject
            if html.parse_html_dict(dictionary, prefix=self.field_name):
                return _NotAnObject
            return value
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if data is _NotAnObject:
            raise ValidationError(
                _(
                    "Send %(field)s as a JSON object, e.g. "
                    '%(field)s={"%(example)s": …}, or as dotted fields, e.g. '
                    "%(field)s.%(example)s=…, not both."
                )
                % {"field": self.field_name, "example": self.example_field}
            )
        return super().to_internal_value(data)


class TermsSerializer(MultipartNested, serializers.Serializer):
    example_field = "return_window_days"

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
    ships_to_eu = serializers.BooleanField(
        required=False,
        help_text="Ships to the rest of the European Union (default true).",
    )
    ships_worldwide = serializers.BooleanField(
        required=False,
        help_text="Ships outside the European Union (default true).",
    )


class HolidaySerializer(MultipartNested, serializers.Serializer):
    example_field = "start_date"

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


class RatingSerializer(serializers.Serializer):
    average = serializers.DecimalField(
        source="rating_average",
        max_digits=3,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text="Average stars (1 to 5) of the visible reviews; null without any.",
    )
    count = serializers.IntegerField(source="rating_count", read_only=True)


class HighlightSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="HTML: escaped, matches in <mark>.")
    description = serializers.CharField(
        help_text="HTML: an extract, escaped, matches in <mark>."
    )


class CategorySerializer(serializers.Serializer):
    """A node of the category tree with its sub-categories."""

    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(
        source="label", read_only=True, help_text="In the reader's language."
    )
    parent = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()

    def get_parent(self, node) -> str | None:
        parent = self.context["tree"].by_id.get(node.category.parent_id)
        return parent.slug if parent else None

    def get_children(self, node) -> list[dict]:
        return CategorySerializer(node.children, many=True, context=self.context).data


class ItemSerializer(serializers.ModelSerializer):
    artist = serializers.CharField(source="artist.slug", read_only=True)
    artist_name = serializers.CharField(source="artist.name", read_only=True)
    category = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The category's slug, or null.",
    )
    category_name = serializers.SerializerMethodField()
    rating = RatingSerializer(source="*", read_only=True)
    url = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)
    variants = VariantSerializer(many=True, read_only=True)
    highlight = serializers.SerializerMethodField(
        help_text="When searching (?q=): the title and an extract of the "
        "description with the words found in <mark> tags; else null."
    )
    shipping_fee = serializers.DecimalField(
        read_only=True,
        allow_null=True,
        default=None,
        help_text="With ?ships_to=: the delivery fee of this item alone there.",
        **MONEY,
    )

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
            "category",
            "category_name",
            "rating",
            "url",
            "photos",
            "variants",
            "created_at",
            "highlight",
            "shipping_fee",
        ]
        read_only_fields = fields

    def get_url(self, item) -> str:
        request = self.context.get("request")
        path = item.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_category_name(self, item) -> str | None:
        return item.category.label if item.category_id else None

    @extend_schema_field(HighlightSerializer(allow_null=True))
    def get_highlight(self, item):
        marked = self.context.get("highlights", {}).get(item.pk)
        return {key: str(value) for key, value in marked.items()} if marked else None


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
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.all(),
        allow_null=True,
        required=False,
        help_text="A category's slug (GET categories/); null for none.",
    )


class StockAlertRequestSerializer(serializers.Serializer):
    variant = serializers.IntegerField()


class StockAlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockAlert
        fields = ["id", "variant", "created_at", "notified_at"]
        read_only_fields = fields
