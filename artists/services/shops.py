"""Shops: opening one at sign-up, its page (profile and photos), its terms
of sale, its holiday, and staff's approval."""

from __future__ import annotations

from decimal import Decimal
from types import EllipsisType

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.notifications.services import notify

from ..models import Artist, ArtistPhoto
from .steps import (
    apply,
    delete_photo,
    money_or_error,
    store_photo,
    validate_fields,
)

SHOP_NAME_MAX_LENGTH = 120
SLUG_MAX_LENGTH = 80
# The shop's profile: its public page, and the seller its receipts print.
PROFILE_FIELDS = (
    "name",
    "story",
    "location",
    "country",
    "legal_name",
    "business_address",
)
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
    "ships_to_eu",
    "ships_worldwide",
)
FEE_FIELDS = (
    "shipping_domestic",
    "shipping_eu",
    "shipping_world",
    "free_shipping_over",
)


def shop_name_errors(name: str) -> list[str]:
    """What is wrong with a shop's name ([] when nothing)."""
    if not name:
        return [_("Give your shop a name.")]
    if len(name) > SHOP_NAME_MAX_LENGTH:
        return [_("A shop name has at most 120 characters.")]
    return []


def artist_slug_for(name: str) -> str:
    """A free shop address made from ``name``: ``slugify(name)``, then
    ``name-2``, ``name-3``... when taken."""
    base = slugify(name)[: SLUG_MAX_LENGTH - 6].strip("-") or "shop"
    slug = base
    suffix = 1
    while Artist.objects.filter(slug=slug).exists():
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


def artist_create(*, user, name: str) -> Artist:
    """Open a shop named ``name`` for ``user`` (at sign-up), awaiting staff
    approval, at a free address made from its name.

    :raises DomainError: the name is missing or too long (field
        ``shop_name``), or no free address was found.
    """
    name = (name or "").strip()
    if problems := shop_name_errors(name):
        raise DomainError(problems[0], field="shop_name")
    # Two sign-ups with the same shop name may race for one slug: the loser
    # retries with the next free suffix.
    for _attempt in range(5):
        slug = artist_slug_for(name)
        try:
            with transaction.atomic():
                return Artist.objects.create(user=user, name=name, slug=slug)
        except IntegrityError:
            continue
    raise DomainError(_("Please try another shop name."), field="shop_name")


@transaction.atomic
def artist_update_profile(
    *,
    artist: Artist,
    name: str | None = None,
    story: str | None = None,
    location: str | None = None,
    country: str | None = None,
    legal_name: str | None = None,
    business_address: str | None = None,
) -> Artist:
    """Change the profile of a shop: what buyers see on its page, and who
    sells as its receipts print it (legal name and business address).

    :raises DomainError: for an empty name, a too long text or an unknown country.
    """
    locked = Artist.objects.select_for_update().get(pk=artist.pk)
    changes = {
        key: value
        for key, value in {
            "name": name,
            "story": story,
            "location": location,
            "country": country,
            "legal_name": legal_name,
            "business_address": business_address,
        }.items()
        if value is not None
    }
    changed = apply(locked, changes)
    if changed:
        validate_fields(locked, changed)
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
    ships_to_eu: bool | None = None,
    ships_worldwide: bool | None = None,
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
        "ships_to_eu": ships_to_eu,
        "ships_worldwide": ships_worldwide,
    }
    changes = {key: value for key, value in given.items() if value is not None}
    if free_shipping_over is not ...:
        changes["free_shipping_over"] = free_shipping_over
    errors = {}
    for field in FEE_FIELDS:
        if changes.get(field) is not None:
            try:
                changes[field] = money_or_error(
                    changes[field], field=field, minimum=Decimal("0"), allow_zero=True
                )
            except DomainError as error:
                errors.update(error.as_field_errors())
    if errors:
        raise DomainError(_("Please correct the errors."), errors=errors)
    changed = apply(locked, changes)
    if changed:
        validate_fields(locked, changed)
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
        raise DomainError(
            _("Give both the first and the last day of the holiday."), field=field
        )
    if start_date is not None:
        if end_date < start_date:
            raise DomainError(
                _("The holiday cannot end before it starts."), field="end_date"
            )
        if end_date < timezone.localdate():
            raise DomainError(_("This holiday is already over."), field="end_date")
    else:
        message = ""
    changed = apply(
        locked,
        {
            "holiday_start_date": start_date,
            "holiday_end_date": end_date,
            "holiday_message": message or "",
        },
    )
    if changed:
        validate_fields(locked, changed)
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
    return store_photo(
        model=ArtistPhoto, owner_field="artist", owner=locked, upload=upload
    )


@transaction.atomic
def artist_remove_photo(*, photo: ArtistPhoto) -> None:
    """Remove a shop photo and its files."""
    delete_photo(photo)
