"""Stock moved by exchanges and returns (design.md, "Before the artist
accepts"): the replacement of an exchange is taken from stock when the
artist ships it, with the guarded update checkout uses
(``artists.stock.stock_take_many``), and is refused when none is left (the
artist may convert the exchange to a refund instead); a returned piece goes
back into stock when the artist marks it received and chooses to restock
it (``artists.stock.stock_release``, which emails the buyers waiting for a
variant that was at 0). Called inside the services' transaction, after the
artist order and the request are locked."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from artists.models import Variant
from artists.stock import stock_release, stock_take_many
from marketplace.errors import Conflict, DomainError

from ..models import ReturnRequest

# What the artist may do instead when no replacement can be sent.
INSTEAD = "convert_to_refund"


class OutOfStock(Conflict):
    """No piece left to send as a replacement: a 409 whose body says
    ``code: out_of_stock`` and offers ``convert_to_refund`` instead."""


def replacement_variant(return_request: ReturnRequest) -> Variant | None:
    """The variant a replacement is taken from: the buyer's wanted variant
    when it is one of the same artist's, else the line's own variant; None
    when neither exists any more. One query."""
    rr = return_request
    ids = [pk for pk in (rr.desired_variant_id, rr.line.variant_id) if pk is not None]
    found = {
        variant.pk: variant
        for variant in Variant.objects.select_related("item").filter(
            pk__in=ids, item__artist_id=rr.artist_id
        )
    }
    for pk in ids:
        if pk in found:
            return found[pk]
    return None


def replacement_options(return_request: ReturnRequest) -> list[Variant]:
    """The variants the artist may send as the replacement: every option of
    the line's item and of the buyer's wanted item (or wanted variant's
    item), in the shop's order. One query."""
    rr = return_request
    item_ids = {
        pk for pk in (rr.line.item_id_snapshot, rr.desired_item_id) if pk is not None
    }
    variant_ids = [
        pk for pk in (rr.desired_variant_id, rr.line.variant_id) if pk is not None
    ]
    return list(
        Variant.objects.select_related("item")
        .filter(item__artist_id=rr.artist_id)
        .filter(
            Q(item_id__in=item_ids)
            | Q(pk__in=variant_ids)
            | Q(item__variants__pk__in=variant_ids)
        )
        .distinct()
        .order_by("item__title", "item_id", "position", "id")
    )


def chosen_variant(return_request: ReturnRequest, variant) -> Variant:
    """The variant (an id, or a ``Variant``) the artist chose to send: one
    of the same shop's.

    :raises DomainError: field ``variant``: not a variant of this shop.
    """
    pk = getattr(variant, "pk", variant)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    found = (
        Variant.objects.select_related("item")
        .filter(pk=pk, item__artist_id=return_request.artist_id)
        .first()
        if pk is not None
        else None
    )
    if found is None:
        raise DomainError(
            _("Choose one of your shop's pieces to send."), field="variant"
        )
    return found


def stock_values(variant: Variant, quantity: int) -> dict:
    """The values of a history note about ``quantity`` pieces of ``variant``."""
    return {"quantity": quantity, "title": variant.item.title, "variant": variant.name}


def take_replacement(return_request: ReturnRequest, *, variant=None) -> Variant:
    """Take the replacement's pieces (the request's quantity of ``variant``,
    the artist's choice, by default ``replacement_variant``) from stock; the
    stock never goes below 0.

    :raises DomainError: field ``variant``: not a variant of this shop.
    :raises OutOfStock: the variant no longer exists, or has fewer pieces
        than the request's quantity; nothing is taken.
    """
    rr = return_request
    if variant in (None, ""):
        variant = replacement_variant(rr)
    else:
        variant = chosen_variant(rr, variant)
    if variant is None:
        raise OutOfStock(
            _(
                "The piece to send is no longer in your shop: refund the exchange instead."
            ),
            state=rr.state,
            payload={"code": "out_of_stock", "stock": 0, "instead": INSTEAD},
        )
    short = stock_take_many(quantities={variant.pk: rr.quantity})
    if short is None:
        return variant
    variant.refresh_from_db(fields=["stock"])
    values = {
        **stock_values(variant, rr.quantity),
        "stock": variant.stock,
        "wanted": rr.quantity,
    }
    if variant.stock == 0:
        message = _(
            "%(title)s (%(variant)s) is out of stock: refund the exchange instead, "
            "or raise the stock first."
        )
    else:
        message = _(
            "Only %(stock)s of %(title)s (%(variant)s) left in stock, %(wanted)s "
            "needed for the replacement: refund the exchange instead, or raise "
            "the stock first."
        )
    raise OutOfStock(
        message % values,
        state=rr.state,
        payload={
            "code": "out_of_stock",
            "variant": variant.pk,
            "stock": variant.stock,
            "instead": INSTEAD,
        },
    )


def put_back(return_request: ReturnRequest) -> Variant:
    """Put the returned pieces (the request's quantity) back into the
    stock of the line's variant; buyers waiting for it are emailed when it
    was at 0.

    :raises DomainError: field ``restock``: the variant no longer exists.
    """
    rr = return_request
    variant = None
    if rr.line.variant_id is not None:
        variant = stock_release(variant_id=rr.line.variant_id, quantity=rr.quantity)
    if variant is None:
        raise DomainError(
            _("This piece is no longer in your shop: it cannot go back in stock."),
            field="restock",
        )
    return variant
