"""Changes to shops, items, variants and stock alerts.

Every door (dashboard pages, API, admin, jobs) calls these functions. Each
one locks the row it decides on, validates, saves only the fields it changed,
and records notifications in the same transaction. Callers fetch the objects
through ``artists.selectors`` so that an artist only ever reaches its own.

Keyword arguments left at ``None`` are not changed; for fields where ``None``
is a meaningful value (a variant's price, the free-shipping threshold) the
"not given" marker is ``...``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from types import EllipsisType

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.images import clean_image, make_thumbnail
from marketplace.money import to_money
from marketplace.notifications.services import notify

from .models import Artist, ArtistPhoto, Item, ItemPhoto, StockAlert, Variant
from .stock import stock_set

MAX_PHOTOS = 8
TERMS_FIELDS = (
    "return_window_days",
    "accepts_exchanges",
    "refunds_original_shipping",
    "return_postage_paid_by",
    "processing_days",
    "shipping_domestic",
    "shipping_eu",
    "shipping_world",
    "free_shipping_over",
)
FEE_FIELDS = ("shipping_domestic", "shipping_eu", "shipping_world", "free_shipping_over")


# --- helpers ---------------------------------------------------------------


def _validate_fields(instance, fields) -> None:
    """Run the model's field validation (blank, length, choices, ranges) on
    ``fields`` only.

    :raises DomainError: with one entry per field at fault.
    """
    exclude = [f.name for f in instance._meta.fields if f.name not in fields]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise DomainError(_("Please correct the errors."), errors=error.message_dict) from None


def _apply(instance, changes: dict) -> list[str]:
    """Set the given attributes; return the names of those that changed."""
    changed = []
    for name, value in changes.items():
        if isinstance(value, str) and name not in ("country", "return_postage_paid_by"):
            value = value.strip()
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _money_or_error(value, *, field: str, minimum: Decimal, allow_zero: bool) -> Decimal:
    try:
        amount = to_money(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter an amount in euros."), field=field) from None
    if amount < minimum or (not allow_zero and amount == 0):
        if allow_zero:
            raise DomainError(_("An amount cannot be negative."), field=field)
        raise DomainError(_("A price must be more than zero."), field=field)
    return amount


def _store_photo(*, model, owner_field: str, owner, upload):
    """Clean ``upload``, make its thumbnail and attach it to ``owner``.

    :raises DomainError: when the file is not an acceptable image or the
        owner already has ``MAX_PHOTOS`` photos.
    """
    count = model.objects.filter(**{owner_field: owner}).count()
    if count >= MAX_PHOTOS:
        raise DomainError(
            _("At most %(count)s photos are allowed.") % {"count": MAX_PHOTOS},
            field="image",
        )
    if upload is None:
        raise DomainError(_("Choose a photo to upload."), field="image")
    try:
        cleaned = clean_image(upload)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="image") from None
    thumbnail = make_thumbnail(cleaned)
    position = (model.objects.filter(**{owner_field: owner}).aggregate(m=Max("position"))["m"] or 0) + 1
    photo = model(**{owner_field: owner}, position=position)
    photo.image.save(cleaned.name, cleaned, save=False)
    photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
    names = [photo.image.name, photo.thumbnail.name]
    storage = photo.image.storage
    try:
        photo.save()
    except Exception:
        for name in names:
            storage.delete(name)
        raise
    return photo


def _delete_photo(photo) -> None:
    names = [f.name for f in (photo.image, photo.thumbnail) if f]
    storage = photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


# --- shops -------------------------------------------------------------------


@transaction.atomic
def artist_update_profile(
    *,
    artist: Artist,
    name: str | None = None,
    story: str | None = None,
    location: str | None = None,
    country: str | None = None,
) -> Artist:
    """Change the public profile of a shop.

    :raises DomainError: for an empty name, a too long text or an unknown country.
    """
    locked = Artist.objects.select_for_update().get(pk=artist.pk)
    changes = {
        key: value
        for key, value in {"name": name, "story": story, "location": location, "country": country}.items()
        if value is not None
    }
    changed = _apply(locked, changes)
    if changed:
        _validate_fields(locked, changed)
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def artist_update_terms(
    *,
    artist: Artist,
    return_window_days: int | None = None,
    accepts_exchanges: bool | None = None,
    refunds_original_shipping: bool | None = None,
    return_postage_paid_by: str | None = None,
    processing_days: int | None = None,
    shipping_domestic: Decimal | None = None,
    shipping_eu: Decimal | None = None,
    shipping_world: Decimal | None = None,
    free_shipping_over: Decimal | None | EllipsisType = ...,
) -> Artist:
    """Change a shop's terms of sale (orders keep the terms they were bought
    under).

    :raises DomainError: for a negative fee, a window or processing time out
        of range, or an unknown postage payer.
    """
    locked = Artist.objects.select_for_update().get(pk=artist.pk)
    given = {
        "return_window_days": return_window_days,
        "accepts_exchanges": accepts_exchanges,
        "refunds_original_shipping": refunds_original_shipping,
        "return_postage_paid_by": return_postage_paid_by,
        "processing_days": processing_days,
        "shipping_domestic": shipping_domestic,
        "shipping_eu": shipping_eu,
        "shipping_world": shipping_world,
    }
    changes = {key: value for key, value in given.items() if value is not None}
    if free_shipping_over is not ...:
        changes["free_shipping_over"] = free_shipping_over
    errors = {}
    for field in FEE_FIELDS:
        if changes.get(field) is not None:
            try:
                changes[field] = _money_or_error(
                    changes[field], field=field, minimum=Decimal("0"), allow_zero=True
                )
            except DomainError as error:
                errors.update(error.as_field_errors())
    if errors:
        raise DomainError(_("Please correct the errors."), errors=errors)
    changed = _apply(locked, changes)
    if changed:
        _validate_fields(locked, changed)
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def artist_set_holiday(
    *, artist: Artist, start_date, end_date, message: str = ""
) -> Artist:
    """Plan (or, with both dates None, cancel) a holiday: the shop stays
    visible and its orders are dispatched after ``end_date``.

    :raises DomainError: when only one date is given, the end is before the
        start or already past.
    """
    locked = Artist.objects.select_for_update().get(pk=artist.pk)
    if (start_date is None) != (end_date is None):
        field = "end_date" if end_date is None else "start_date"
        raise DomainError(_("Give both the first and the last day of the holiday."), field=field)
    if start_date is not None:
        if end_date < start_date:
            raise DomainError(
                _("The holiday cannot end before it starts."), field="end_date"
            )
        if end_date < timezone.localdate():
            raise DomainError(_("This holiday is already over."), field="end_date")
    else:
        message = ""
    changed = _apply(
        locked,
        {
            "holiday_start_date": start_date,
            "holiday_end_date": end_date,
            "holiday_message": message or "",
        },
    )
    if changed:
        _validate_fields(locked, changed)
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def artist_approve(*, artist: Artist, by) -> Artist:
    """Staff approve a shop: it becomes visible to buyers and its artist gets
    an email. Approving an approved shop changes nothing.

    :raises PermissionDenied: when ``by`` is not staff.
    """
    if not getattr(by, "is_staff", False):
        raise PermissionDenied
    locked = Artist.objects.select_for_update().select_related("user").get(pk=artist.pk)
    if locked.approved_at is not None:
        return locked
    locked.approved_at = timezone.now()
    locked.approved_by = by
    locked.save(update_fields=["approved_at", "approved_by", "updated_at"])
    notify(
        recipient=locked.user,
        event="shop_approved",
        context={
            "shop_name": locked.name,
            "shop_url": locked.get_absolute_url(),
            "dashboard_url": reverse("dashboard:home"),
        },
        dedupe_key=f"shop-approved:{locked.pk}:{locked.approved_at.isoformat()}",
    )
    return locked


@transaction.atomic
def artist_add_photo(*, artist: Artist, upload) -> ArtistPhoto:
    """Add a photo to a shop's page (at most ``MAX_PHOTOS``).

    :raises DomainError: when the file is not a JPEG, PNG or WebP photo, or
        the shop already has the maximum number of photos.
    """
    locked = Artist.objects.select_for_update().get(pk=artist.pk)
    return _store_photo(model=ArtistPhoto, owner_field="artist", owner=locked, upload=upload)


@transaction.atomic
def artist_remove_photo(*, photo: ArtistPhoto) -> None:
    """Remove a shop photo and its files."""
    _delete_photo(photo)


# --- items -------------------------------------------------------------------


def _variant_specs(variants) -> list[dict]:
    specs = []
    for spec in variants or []:
        if isinstance(spec, str):
            spec = {"name": spec}
        name = (spec.get("name") or "").strip()
        if not name:
            continue
        specs.append({"name": name, "price": spec.get("price"), "stock": spec.get("stock") or 0})
    lowered = [spec["name"].lower() for spec in specs]
    if len(set(lowered)) != len(lowered):
        raise DomainError(_("Two options have the same name."), field="variants")
    return specs


@transaction.atomic
def item_create(
    *,
    artist: Artist,
    title: str,
    description: str,
    price: Decimal,
    size_guide: str = "",
    personalisable: bool = False,
    is_active: bool = True,
    variants: list | None = None,
    stock: int = 0,
) -> Item:
    """Create an item with its variants (``variants``: names or dicts with
    ``name``, optional ``price`` and ``stock``). An item without options gets
    one variant named "Standard" holding ``stock`` pieces.

    :raises DomainError: for an empty title, a price not above zero, a
        negative stock or two options with the same name.
    """
    locked = Artist.objects.select_for_update().get(pk=artist.pk)
    price = _money_or_error(price, field="price", minimum=Decimal("0.01"), allow_zero=False)
    specs = _variant_specs(variants) or [{"name": _("Standard"), "price": None, "stock": stock}]
    item = Item(
        artist=locked,
        title=(title or "").strip(),
        description=(description or "").strip(),
        price=price,
        size_guide=(size_guide or "").strip(),
        personalisable=bool(personalisable),
        is_active=bool(is_active),
    )
    _validate_fields(item, ["title", "description", "price", "size_guide"])
    item.save()
    for spec in specs:
        _variant_add(item=item, name=spec["name"], price=spec["price"], stock=spec["stock"])
    return item


@transaction.atomic
def item_update(
    *,
    item: Item,
    title: str | None = None,
    description: str | None = None,
    price: Decimal | None = None,
    size_guide: str | None = None,
    personalisable: bool | None = None,
    is_active: bool | None = None,
) -> Item:
    """Change an item's description, price or on-sale status.

    :raises DomainError: for an empty title or a price not above zero.
    """
    locked = Item.objects.select_for_update().get(pk=item.pk)
    changes = {
        "title": title,
        "description": description,
        "size_guide": size_guide,
        "personalisable": personalisable,
        "is_active": is_active,
    }
    changes = {key: value for key, value in changes.items() if value is not None}
    if price is not None:
        changes["price"] = _money_or_error(
            price, field="price", minimum=Decimal("0.01"), allow_zero=False
        )
    changed = _apply(locked, changes)
    if changed:
        _validate_fields(locked, changed)
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def item_add_photo(*, item: Item, upload) -> ItemPhoto:
    """Add a photo (with its thumbnail) to an item, at most ``MAX_PHOTOS``.

    :raises DomainError: when the file is not a JPEG, PNG or WebP photo, or
        the item already has the maximum number of photos; nothing is stored.
    """
    locked = Item.objects.select_for_update().get(pk=item.pk)
    return _store_photo(model=ItemPhoto, owner_field="item", owner=locked, upload=upload)


@transaction.atomic
def item_remove_photo(*, photo: ItemPhoto) -> None:
    """Remove an item photo and its files."""
    _delete_photo(photo)


# --- variants ------------------------------------------------------------------


def _check_stock(stock) -> int:
    if isinstance(stock, bool) or not isinstance(stock, int):
        try:
            stock = int(stock)
        except (TypeError, ValueError):
            raise DomainError(_("Enter a whole number of pieces."), field="stock") from None
    if stock < 0:
        raise DomainError(_("Stock cannot be negative."), field="stock")
    if stock > 1_000_000:
        raise DomainError(_("Stock is too large."), field="stock")
    return stock


def _check_variant_name(*, item: Item, name: str, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the option a name."), field="name")
    clashes = Variant.objects.filter(item=item, name__iexact=name)
    if exclude_pk is not None:
        clashes = clashes.exclude(pk=exclude_pk)
    if clashes.exists():
        raise DomainError(_("This item already has an option with that name."), field="name")
    return name


def _variant_add(*, item: Item, name: str, price, stock) -> Variant:
    name = _check_variant_name(item=item, name=name)
    if price is not None:
        price = _money_or_error(price, field="price", minimum=Decimal("0.01"), allow_zero=False)
    stock = _check_stock(stock)
    position = (item.variants.aggregate(m=Max("position"))["m"] or 0) + 1
    variant = Variant(item=item, name=name, price=price, stock=stock, position=position)
    _validate_fields(variant, ["name", "price", "stock"])
    variant.save()
    return variant


@transaction.atomic
def variant_create(
    *, item: Item, name: str, price: Decimal | None = None, stock: int = 0
) -> Variant:
    """Add an option (size, colour...) to an item; ``price`` None uses the
    item's price.

    :raises DomainError: for an empty or duplicate name, a price not above
        zero or a negative stock.
    """
    locked = Item.objects.select_for_update().get(pk=item.pk)
    return _variant_add(item=locked, name=name, price=price, stock=stock)


@transaction.atomic
def variant_update(
    *,
    variant: Variant,
    name: str | None = None,
    price: Decimal | None | EllipsisType = ...,
    stock: int | None = None,
) -> Variant:
    """Rename an option, change its own price (None: the item's price) or its
    stock. A stock change from 0 emails the buyers waiting for it.

    :raises DomainError: for an empty or duplicate name, a price not above
        zero or a negative stock.
    """
    locked = Variant.objects.select_for_update().select_related("item").get(pk=variant.pk)
    changes = {}
    if name is not None:
        changes["name"] = _check_variant_name(item=locked.item, name=name, exclude_pk=locked.pk)
    if price is not ...:
        changes["price"] = (
            None
            if price is None
            else _money_or_error(price, field="price", minimum=Decimal("0.01"), allow_zero=False)
        )
    if stock is not None:
        stock = _check_stock(stock)
    changed = _apply(locked, changes)
    if changed:
        _validate_fields(locked, changed)
        locked.save(update_fields=[*changed, "updated_at"])
    if stock is not None and stock != locked.stock:
        locked = stock_set(variant=locked, stock=stock)
    return locked


# --- stock alerts ----------------------------------------------------------------


@transaction.atomic
def stock_alert_create(*, user, variant: Variant) -> tuple[StockAlert, bool]:
    """Ask for an email when an out-of-stock variant is back. Asking twice
    keeps one alert. Returns the alert and whether it is new.

    :raises DomainError: when the variant is in stock.
    """
    locked = Variant.objects.select_for_update().get(pk=variant.pk)
    if locked.stock > 0:
        raise DomainError(_("This option is in stock: you can order it now."), field="variant")
    return StockAlert.objects.get_or_create(user=user, variant=locked, notified_at=None)
