"""Items: creating and editing them, their photos, their options
(variants) and stock, and buyers' back-in-stock alerts."""

from __future__ import annotations

from decimal import Decimal
from types import EllipsisType

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from marketplace.errors import DomainError

from ..models import Artist, Category, Item, ItemPhoto, StockAlert, Variant
from ..stock import stock_set
from .steps import (
    apply,
    delete_photo,
    money_or_error,
    store_photo,
    validate_fields,
)


def _variant_specs(variants) -> list[dict]:
    specs = []
    for spec in variants or []:
        if isinstance(spec, str):
            spec = {"name": spec}
        name = (spec.get("name") or "").strip()
        if not name:
            continue
        specs.append(
            {"name": name, "price": spec.get("price"), "stock": spec.get("stock") or 0}
        )
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
    category: Category | None = None,
) -> Item:
    """Create an item with its variants (``variants``: names or dicts with
    ``name``, optional ``price`` and ``stock``). An item without options gets
    one variant named "Standard" holding ``stock`` pieces.

    :raises DomainError: for an empty title, a price not above zero, a
        negative stock or two options with the same name.
    """
    locked = Artist.objects.select_for_update().get(pk=artist.pk)
    price = money_or_error(
        price, field="price", minimum=Decimal("0.01"), allow_zero=False
    )
    specs = _variant_specs(variants) or [
        {"name": _("Standard"), "price": None, "stock": stock}
    ]
    item = Item(
        artist=locked,
        title=(title or "").strip(),
        description=(description or "").strip(),
        price=price,
        size_guide=(size_guide or "").strip(),
        personalisable=bool(personalisable),
        is_active=bool(is_active),
        category=category,
    )
    validate_fields(item, ["title", "description", "price", "size_guide"])
    item.save()
    for spec in specs:
        _variant_add(
            item=item, name=spec["name"], price=spec["price"], stock=spec["stock"]
        )
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
    category: Category | None | EllipsisType = ...,
) -> Item:
    """Change an item's description, price, category (``None``: none) or
    on-sale status.

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
        changes["price"] = money_or_error(
            price, field="price", minimum=Decimal("0.01"), allow_zero=False
        )
    changed = apply(locked, changes)
    if category is not ... and locked.category_id != (category and category.pk):
        locked.category = category
        changed = [*changed, "category"]
    if changed:
        validate_fields(locked, changed)
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def item_add_photo(*, item: Item, upload) -> ItemPhoto:
    """Add a photo (with its thumbnail) to an item, at most ``MAX_PHOTOS``.

    :raises DomainError: when the file is not a JPEG, PNG or WebP photo, or
        the item already has the maximum number of photos; nothing is stored.
    """
    locked = Item.objects.select_for_update().get(pk=item.pk)
    return store_photo(model=ItemPhoto, owner_field="item", owner=locked, upload=upload)


@transaction.atomic
def item_remove_photo(*, photo: ItemPhoto) -> None:
    """Remove an item photo and its files."""
    delete_photo(photo)


# --- variants ------------------------------------------------------------------


def _check_stock(stock) -> int:
    if isinstance(stock, bool) or not isinstance(stock, int):
        try:
            stock = int(stock)
        except (TypeError, ValueError):
            raise DomainError(
                _("Enter a whole number of pieces."), field="stock"
            ) from None
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
        raise DomainError(
            _("This item already has an option with that name."), field="name"
        )
    return name


def _variant_add(*, item: Item, name: str, price, stock) -> Variant:
    name = _check_variant_name(item=item, name=name)
    if price is not None:
        price = money_or_error(
            price, field="price", minimum=Decimal("0.01"), allow_zero=False
        )
    stock = _check_stock(stock)
    position = (item.variants.aggregate(m=Max("position"))["m"] or 0) + 1
    variant = Variant(item=item, name=name, price=price, stock=stock, position=position)
    validate_fields(variant, ["name", "price", "stock"])
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
    locked = (
        Variant.objects.select_for_update().select_related("item").get(pk=variant.pk)
    )
    changes = {}
    if name is not None:
        changes["name"] = _check_variant_name(
            item=locked.item, name=name, exclude_pk=locked.pk
        )
    if price is not ...:
        changes["price"] = (
            None
            if price is None
            else money_or_error(
                price, field="price", minimum=Decimal("0.01"), allow_zero=False
            )
        )
    if stock is not None:
        stock = _check_stock(stock)
    changed = apply(locked, changes)
    if changed:
        validate_fields(locked, changed)
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
        raise DomainError(
            _("This option is in stock: you can order it now."), field="variant"
        )
    return StockAlert.objects.get_or_create(user=user, variant=locked, notified_at=None)
