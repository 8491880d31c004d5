"""A buyer asking to return or exchange pieces of an order line: the
request with its photos (cleaned, private), its history row, the system
message of its thread and the artist's email, all or nothing."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from artists.models import Item, Variant
from marketplace.errors import DomainError
from marketplace.images import clean_photos
from marketplace.transitions import clean_text
from orders.models import ArtistOrder, OrderLine

from ..eligibility import line_eligibility, reason_refused_text
from ..models import (
    ARTIST_FAULT_REASONS,
    ReturnKind,
    ReturnPhoto,
    ReturnReason,
    ReturnRequest,
)
from ..rules import answer_due_at
from .steps import TEXT_MAX_LENGTH, artist_user_of, email, log

logger = logging.getLogger(__name__)

MAX_PHOTOS = 5
DESIRED_TEXT_MAX_LENGTH = 500


def _clean_photos(photos, *, reason: str) -> list:
    """The photos re-encoded without metadata, or a ``photos`` error: at
    least one for an artist-fault reason, at most five, each a real JPEG,
    PNG or WebP of at most 10 MB."""
    photos = [photo for photo in (photos or ()) if photo]
    if reason in ARTIST_FAULT_REASONS and not photos:
        raise DomainError(
            _("Add at least one photo showing the problem."), field="photos"
        )
    if len(photos) > MAX_PHOTOS:
        raise DomainError(
            _("At most %(count)s photos.") % {"count": MAX_PHOTOS}, field="photos"
        )
    return clean_photos(photos)


def _clean_choice(value, choices, *, field: str, message) -> str:
    value = "" if value is None else str(value).strip()
    if value not in choices.values:
        raise DomainError(message, field=field)
    return value


def _clean_quantity(quantity) -> int:
    try:
        value = int(str(quantity).strip())
    except (TypeError, ValueError):
        raise DomainError(
            _("Enter a whole number of pieces."), field="quantity"
        ) from None
    if value < 1:
        raise DomainError(_("Return at least one piece."), field="quantity")
    return value


def _as_id(value) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def _clean_replacement(
    *, artist_order: ArtistOrder, kind: str, variant, item, text: str
):
    """The wanted replacement of an exchange (a variant or an item of the
    same artist, or free text); nothing for a return."""
    if kind != ReturnKind.EXCHANGE:
        return None, None, ""
    if variant is not None and not isinstance(variant, Variant):
        variant = (
            Variant.objects.select_related("item").filter(pk=_as_id(variant)).first()
        )
        if variant is None:
            raise DomainError(
                _("Choose a variant of this shop."), field="desired_replacement"
            )
    if item is not None and not isinstance(item, Item):
        item = Item.objects.filter(pk=_as_id(item)).first()
        if item is None:
            raise DomainError(
                _("Choose an item of this shop."), field="desired_replacement"
            )
    if variant is not None and variant.item.artist_id != artist_order.artist_id:
        raise DomainError(
            _("The replacement must be a variant of this artist's items."),
            field="desired_replacement",
        )
    if item is not None and item.artist_id != artist_order.artist_id:
        raise DomainError(
            _("The replacement must be one of this artist's items."),
            field="desired_replacement",
        )
    if variant is not None and item is None:
        item = variant.item
    if variant is None and item is None and not text:
        raise DomainError(
            _("Say what you would like instead: another size, colour or item."),
            field="desired_replacement",
        )
    return variant, item, text


def return_request_create(
    *,
    buyer,
    line: OrderLine,
    quantity,
    kind: str,
    reason: str,
    comment: str = "",
    desired_variant=None,
    desired_item=None,
    desired_text: str = "",
    photos=(),
) -> ReturnRequest:
    """The buyer asks to return or exchange ``quantity`` pieces of ``line``:
    a ``requested`` request with its photos (cleaned, private), its history
    row, its thread (with a system message), and the artist emailed.

    Eligibility and the quantity are checked under the artist order's lock,
    so two requests cannot add up to more than was bought. Nothing is stored
    when anything is wrong.

    :raises PermissionDenied: ``buyer`` did not buy ``line``.
    :raises DomainError: field ``line`` (not returnable now), ``quantity``,
        ``kind`` (unknown, or an exchange the terms do not accept),
        ``reason`` (unknown or out of its period), ``comment``,
        ``desired_replacement`` (not this artist's, or missing for an
        exchange) or ``photos`` (missing for an artist-fault reason, more
        than five, not a JPEG/PNG/WebP image, more than 10 MB).
    """
    kind = _clean_choice(
        kind, ReturnKind, field="kind", message=_("Choose a return or an exchange.")
    )
    reason = _clean_choice(
        reason, ReturnReason, field="reason", message=_("Choose a reason.")
    )
    quantity = _clean_quantity(quantity)
    comment = clean_text(
        comment, field="comment", max_length=TEXT_MAX_LENGTH, required=False
    )
    desired_text = clean_text(
        desired_text,
        field="desired_replacement",
        max_length=DESIRED_TEXT_MAX_LENGTH,
        required=False,
    )
    cleaned_photos = _clean_photos(photos, reason=reason)
    stored: list[str] = []
    try:
        with transaction.atomic():
            artist_order = (
                ArtistOrder.objects.select_for_update(of=("self",))
                .select_related("order__buyer", "artist__user")
                .get(pk=line.artist_order_id)
            )
            if artist_order.order.buyer_id != getattr(buyer, "pk", None):
                raise PermissionDenied(
                    _("Only the buyer of this order can return its items.")
                )
            line = OrderLine.objects.get(pk=line.pk)
            line.artist_order = artist_order
            now = timezone.now()
            eligibility = line_eligibility(line=line, at=now)
            if eligibility.code in ("not_shipped", "cancelled", "refunded"):
                raise DomainError(eligibility.why_not, field="line")
            if eligibility.code == "quantity":
                raise DomainError(eligibility.why_not, field="quantity")
            if reason not in eligibility.allowed_reasons:
                raise DomainError(
                    reason_refused_text(
                        line=line, reason=reason, eligibility=eligibility
                    ),
                    field="reason",
                )
            if quantity > eligibility.returnable_quantity:
                raise DomainError(
                    _("At most %(count)s pieces of this line can still be returned.")
                    % {"count": eligibility.returnable_quantity},
                    field="quantity",
                )
            if kind == ReturnKind.EXCHANGE and not eligibility.exchange_allowed:
                raise DomainError(
                    _("This shop does not accept exchanges: ask for a return instead."),
                    field="kind",
                )
            desired_variant, desired_item, desired_text = _clean_replacement(
                artist_order=artist_order,
                kind=kind,
                variant=desired_variant,
                item=desired_item,
                text=desired_text,
            )
            return_request = ReturnRequest.objects.create(
                artist_order=artist_order,
                artist_id=artist_order.artist_id,
                line=line,
                buyer=buyer,
                quantity=quantity,
                kind=kind,
                reason=reason,
                comment=comment,
                desired_variant=desired_variant,
                desired_item=desired_item,
                desired_text=desired_text,
                created_at=now,
            )
            for photo in cleaned_photos:
                saved = ReturnPhoto(request=return_request, created_at=now)
                saved.image.save(photo.name, photo, save=False)
                stored.append(saved.image.name)
                saved.save()
            log(
                return_request,
                from_state="",
                transition="request",
                by=buyer,
                at=now,
                note=comment,
                event="return_requested",
                context={"kind": kind, "quantity": quantity, "title": line.title},
            )
            email(
                return_request,
                recipient=artist_user_of(return_request),
                event="return_requested",
                answer_due=answer_due_at(return_request),
            )
    except BaseException:
        _delete_files(stored)
        raise
    return return_request


def _delete_files(names: list[str]) -> None:
    if not names:
        return
    storage = ReturnPhoto._meta.get_field("image").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning(
                "Could not delete return photo %s after a failed request", name
            )
