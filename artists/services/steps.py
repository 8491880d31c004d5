"""What the shop and item services share: checking the changed fields with
the model's own validation, applying changes, reading amounts, and storing
or deleting photos (cleaned, with their thumbnail)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.images import clean_image, make_thumbnail
from marketplace.money import to_money

MAX_PHOTOS = 8


def validate_fields(instance, fields) -> None:
    """Run the model's field validation (blank, length, choices, ranges) on
    ``fields`` only.

    :raises DomainError: with one entry per field at fault.
    """
    exclude = [f.name for f in instance._meta.fields if f.name not in fields]
    try:
        instance.full_clean(
            exclude=exclude, validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        raise DomainError(
            _("Please correct the errors."), errors=error.message_dict
        ) from None


def apply(instance, changes: dict) -> list[str]:
    """Set the given attributes; return the names of those that changed."""
    changed = []
    for name, value in changes.items():
        if isinstance(value, str) and name not in ("country", "return_postage_paid_by"):
            value = value.strip()
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def money_or_error(value, *, field: str, minimum: Decimal, allow_zero: bool) -> Decimal:
    try:
        amount = to_money(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter an amount in euros."), field=field) from None
    if amount < minimum or (not allow_zero and amount == 0):
        if allow_zero:
            raise DomainError(_("An amount cannot be negative."), field=field)
        raise DomainError(_("A price must be more than zero."), field=field)
    return amount


def store_photo(*, model, owner_field: str, owner, upload):
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
    position = (
        model.objects.filter(**{owner_field: owner}).aggregate(m=Max("position"))["m"]
        or 0
    ) + 1
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


def delete_photo(photo) -> None:
    names = [f.name for f in (photo.image, photo.thumbnail) if f]
    storage = photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
