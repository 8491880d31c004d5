from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .indexes import PostgresGinIndex

MONEY = {"max_digits": 12, "decimal_places": 2}


class PostagePayer(models.TextChoices):
    BUYER = "buyer", _("the buyer")
    ARTIST = "artist", _("the artist")


class ArtistQuerySet(models.QuerySet):
    def visible(self):
        """Shops buyers may see: approved by staff, owner account active."""
        return self.filter(approved_at__isnull=False, user__is_active=True)


class Artist(models.Model):
    """An artist's shop: its public page and its terms of sale."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="artist",
        verbose_name=_("user"),
    )
    slug = models.SlugField(_("shop address (URL)"), max_length=80, unique=True)
    name = models.CharField(_("shop name"), max_length=120)
    story = models.TextField(_("story"), blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    country = CountryField(_("ships from"), default="FR")
    # Who sells, as printed on the buyers' receipts (the marketplace is only
    # the intermediary): empty, the receipt falls back to the shop's name and
    # its location.
    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        blank=True,
        help_text=_(
            "Your name or your business's, as printed on your buyers' receipts. Leave empty to use the shop name."
        ),
    )
    business_address = models.TextField(
        _("business address"),
        max_length=500,
        blank=True,
        help_text=_(
            "Your postal address, as printed on your buyers' receipts. Leave empty to show only your location."
        ),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    # Terms of sale (api.md `terms`).
    return_window_days = models.PositiveSmallIntegerField(
        _("return window (days)"),
        default=14,
        validators=[MaxValueValidator(730)],
        help_text=_("0 means no returns beyond what the law requires."),
    )
    accepts_exchanges = models.BooleanField(_("accepts exchanges"), default=True)
    refunds_original_shipping = models.BooleanField(
        _("refunds original delivery costs on a return"), default=False
    )
    return_postage_paid_by = models.CharField(
        _("return postage paid by"),
        max_length=6,
        choices=PostagePayer.choices,
        default=PostagePayer.BUYER,
    )
    processing_days = models.PositiveSmallIntegerField(
        _("processing time (business days)"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    shipping_domestic = models.DecimalField(
        _("shipping fee, domestic"), default=Decimal("5.00"), **MONEY
    )
    shipping_eu = models.DecimalField(
        _("shipping fee, European Union"), default=Decimal("9.00"), **MONEY
    )
    shipping_world = models.DecimalField(
        _("shipping fee, rest of the world"), default=Decimal("18.00"), **MONEY
    )
    free_shipping_over = models.DecimalField(
        _("free shipping from"), null=True, blank=True, **MONEY
    )
    # The zones served beyond the shop's own country (artists/shipping.py):
    # checkout refuses, and the catalogue's "ships to" filter leaves out, a
    # destination in a zone the shop does not serve.
    ships_to_eu = models.BooleanField(
        _("ships to the rest of the European Union"),
        default=True,
        help_text=_("Untick if you only ship within your own country."),
    )
    ships_worldwide = models.BooleanField(
        _("ships outside the European Union"),
        default=True,
        help_text=_("Untick if you do not ship outside the European Union."),
    )
    holiday_start_date = models.DateField(_("holiday from"), null=True, blank=True)
    holiday_end_date = models.DateField(_("holiday until"), null=True, blank=True)
    holiday_message = models.CharField(_("holiday message"), max_length=200, blank=True)
    # Kept by the reviews' services, as on Item.
    rating_count = models.PositiveIntegerField(_("reviews"), default=0)
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArtistQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("artist")
        verbose_name_plural = _("artists")
        constraints = [
            models.CheckConstraint(
                condition=Q(shipping_domestic__gte=0)
                & Q(shipping_eu__gte=0)
                & Q(shipping_world__gte=0),
                name="artist_shipping_fees_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(holiday_start_date__isnull=True)
                | Q(holiday_end_date__isnull=True)
                | Q(holiday_end_date__gte=models.F("holiday_start_date")),
                name="artist_holiday_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:artist", kwargs={"slug": self.slug})

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def holiday_end_after(self, day=None):
        """The last holiday date if the shop is on (or about to be on) holiday
        on ``day``, else None."""
        day = day or timezone.localdate()
        if (
            self.holiday_start_date
            and self.holiday_end_date
            and self.holiday_start_date <= day <= self.holiday_end_date
        ):
            return self.holiday_end_date
        return None

    def holiday_dispatch_date(self, day=None):
        """The first day orders can be dispatched again when the shop is on
        holiday on ``day`` (the day after the holiday), else None."""
        end = self.holiday_end_after(day)
        return end + timedelta(days=1) if end else None

    def upcoming_holiday(self, day=None):
        """``(start, end)`` of the current or next planned holiday, else None."""
        day = day or timezone.localdate()
        if (
            self.holiday_start_date
            and self.holiday_end_date
            and self.holiday_end_date >= day
        ):
            return self.holiday_start_date, self.holiday_end_date
        return None

    def terms_snapshot(self) -> dict:
        """The terms of sale as kept on an artist order at purchase time."""
        return {
            "return_window_days": self.return_window_days,
            "accepts_exchanges": self.accepts_exchanges,
            "refunds_original_shipping": self.refunds_original_shipping,
            "return_postage_paid_by": self.return_postage_paid_by,
            "processing_days": self.processing_days,
            "shipping_fees": {
                "domestic": str(self.shipping_domestic),
                "eu": str(self.shipping_eu),
                "world": str(self.shipping_world),
            },
            "free_shipping_over": (
                str(self.free_shipping_over)
                if self.free_shipping_over is not None
                else None
            ),
        }


def artist_photo_path(instance, filename):
    return f"artists/{instance.artist_id}/{filename}"


class ArtistPhoto(models.Model):
    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=artist_photo_path)
    thumbnail = models.ImageField(upload_to=artist_photo_path, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("shop photo")
        verbose_name_plural = _("shop photos")

    def __str__(self):
        return f"{self.artist} #{self.position}"


class Category(models.Model):
    """A node of the catalogue's category tree (e.g. ceramics › bowls), managed
    by staff. An item belongs to one category; searching a category includes
    its sub-categories."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    slug = models.SlugField(_("address (URL)"), max_length=80, unique=True)
    name = models.CharField(_("name in English"), max_length=80)
    name_fr = models.CharField(
        _("name in French"),
        max_length=80,
        blank=True,
        help_text=_("Left empty, French readers see the English name."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="category_not_its_own_parent"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The name in the reader's language."""
        if self.name_fr and (get_language() or "").startswith("fr"):
            return self.name_fr
        return self.name


class ItemQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(
            is_active=True,
            artist__approved_at__isnull=False,
            artist__user__is_active=True,
        )


class Item(models.Model):
    artist = models.ForeignKey(
        Artist,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("artist"),
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(
        _("price"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    size_guide = models.TextField(_("size guide"), blank=True)
    personalisable = models.BooleanField(
        _("can be personalised"),
        default=False,
        help_text=_("The buyer may add a text and/or a photo to the order line."),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("category"),
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    # Kept by the reviews' services in the transaction that changes a review,
    # so that lists and "best rated" sort without counting reviews.
    rating_count = models.PositiveIntegerField(_("reviews"), default=0)
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    # The words buyers search for (title A; artist and category B;
    # description C) in English and French, accents ignored. Filled on
    # PostgreSQL by a database trigger (migration 0006, artists/search.py);
    # empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # Whether at least one of its variants has stock. Kept exact by database
    # triggers on the variant table (migration 0007): whatever changes a
    # stock (checkout's guarded UPDATE, a release, the admin, bulk_create)
    # updates it in the same statement. The catalogue filters and counts on
    # it instead of asking the variants of every item. Never written by code.
    in_stock = models.BooleanField(
        _("in stock"), default=False, db_default=False, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        indexes = [
            models.Index(fields=["artist", "is_active"]),
            PostgresGinIndex(fields=["search_vector"], name="artists_item_search_gin"),
            # The catalogue's sortings (newest, price).
            models.Index(fields=["-created_at", "-id"], name="artists_item_newest"),
            models.Index(fields=["price"], name="artists_item_price"),
            # The catalogue's count and facets on PostgreSQL: an index-only
            # scan (category, price range; shop, in stock, personalisable
            # read from the index) instead of a heap page per item.
            models.Index(
                fields=["category", "price"],
                include=["artist", "in_stock", "personalisable"],
                condition=Q(is_active=True),
                name="artists_item_catalogue",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="item_price_positive")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalog:item", kwargs={"pk": self.pk})


def item_photo_path(instance, filename):
    return f"items/{instance.item_id}/{filename}"


class ItemPhoto(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=item_photo_path)
    thumbnail = models.ImageField(upload_to=item_photo_path, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("item photo")
        verbose_name_plural = _("item photos")

    def __str__(self):
        return f"{self.item} #{self.position}"


class Variant(models.Model):
    """A buyable form of an item (size, colour...), with its own stock."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(_("name"), max_length=80)
    price = models.DecimalField(
        _("price"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Leave empty to use the item's price."),
        **MONEY,
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.CheckConstraint(
                condition=Q(stock__gte=0), name="variant_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0),
                name="variant_price_positive",
            ),
            models.UniqueConstraint(
                fields=["item", "name"], name="variant_name_unique_per_item"
            ),
        ]

    def __str__(self):
        return f"{self.item} — {self.name}"

    @property
    def unit_price(self):
        return self.price if self.price is not None else self.item.price


class StockAlert(models.Model):
    """A buyer's wish to be emailed once when an out-of-stock variant is back."""

    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="stock_alerts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stock_alerts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("back-in-stock alert")
        verbose_name_plural = _("back-in-stock alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "user"],
                condition=Q(notified_at__isnull=True),
                name="one_waiting_stock_alert_per_user_and_variant",
            )
        ]

    def __str__(self):
        return f"{self.user} ← {self.variant}"
