"""Cart services: add, change and remove lines, destination, discount code,
and the merge of an anonymous cart at login."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django_countries import countries

from artists.models import Variant
from marketplace.errors import DomainError
from marketplace.images import clean_image
from marketplace.money import MONEY_MAX, ZERO
from marketplace.notifications.formatting import format_amount

from ..models import Cart, CartLine, DiscountCode
from ..pricing import (
    cart_lines_for_pricing,
    discount_problem,
    discount_uses_by_buyer,
    price_cart,
)

PERSONALISATION_MAX_LENGTH = 500
MAX_QUANTITY = 999


def _lock_cart(cart: Cart) -> Cart:
    """The cart row, locked for the rest of the transaction."""
    return Cart.objects.select_for_update().get(pk=cart.pk)


def _clean_quantity(quantity) -> int:
    try:
        value = int(quantity)
    except (TypeError, ValueError):
        raise DomainError(_("Enter a whole number."), field="quantity") from None
    if value < 1:
        raise DomainError(_("The quantity must be at least 1."), field="quantity")
    if value > MAX_QUANTITY:
        raise DomainError(
            _("The quantity can be at most %(max)s.") % {"max": MAX_QUANTITY},
            field="quantity",
        )
    return value


def _buyable_variant(variant_id) -> Variant:
    try:
        pk = int(variant_id)
    except (TypeError, ValueError):
        raise DomainError(_("Choose a variant of the item."), field="variant") from None
    variant = (
        Variant.objects.select_related("item__artist")
        .filter(
            pk=pk,
            item__is_active=True,
            item__artist__approved_at__isnull=False,
            item__artist__user__is_active=True,
        )
        .first()
    )
    if variant is None:
        raise DomainError(_("This item is not available."), field="variant")
    return variant


def _in_cart(
    cart: Cart, variant: Variant, *, excluding_line: CartLine | None = None
) -> int:
    lines = CartLine.objects.filter(cart=cart, variant=variant)
    if excluding_line is not None:
        lines = lines.exclude(pk=excluding_line.pk)
    return lines.aggregate(n=Sum("quantity"))["n"] or 0


def _check_stock(*, variant: Variant, wanted: int, already: int) -> None:
    if already + wanted <= variant.stock:
        return
    if variant.stock == 0:
        message = _("This piece is out of stock.")
    elif already:
        message = _(
            "Only %(left)s more can be added: %(stock)s in stock and "
            "%(in_cart)s already in your cart."
        ) % {
            "left": max(variant.stock - already, 0),
            "stock": variant.stock,
            "in_cart": already,
        }
    else:
        message = _("Only %(stock)s left in stock.") % {"stock": variant.stock}
    raise DomainError(message, field="quantity")


def _check_amount(
    *,
    cart: Cart,
    variant: Variant,
    quantity: int,
    excluding_line: CartLine | None = None,
) -> None:
    """Refuse a change that would take the cart's items beyond what an
    amount can hold (``MONEY_MAX``): such a cart could neither be shown nor
    ordered. ``quantity`` pieces of ``variant`` come on top of the cart's
    other lines (all but ``excluding_line``)."""
    others = CartLine.objects.filter(cart=cart).select_related("variant__item")
    if excluding_line is not None:
        others = others.exclude(pk=excluding_line.pk)
    total = variant.unit_price * quantity
    total += sum((line.variant.unit_price * line.quantity for line in others), ZERO)
    if total > MONEY_MAX:
        raise DomainError(
            _(
                "Your cart would come to more than %(max)s €, the most one "
                "order can hold: lower the quantity."
            )
            % {"max": format_amount(MONEY_MAX)},
            field="quantity",
        )


def cart_add_line(
    *,
    cart: Cart,
    variant_id,
    quantity,
    personalisation_text: str = "",
    personalisation_photo=None,
) -> CartLine:
    """Put ``quantity`` pieces of a variant in the cart.

    Without personalisation, a variant already in the cart gets its quantity
    increased; a personalised piece is always a line of its own. The photo is
    checked to be a real image and re-encoded without metadata.

    :raises DomainError: ``variant`` (unknown, not for sale, or from the
        buyer's own shop), ``quantity`` (below 1, beyond the stock left, or
        taking the cart beyond ``MONEY_MAX``), ``personalisation`` or
        ``personalisation_photo`` (not personalisable, too long, not an image).
    """
    variant = _buyable_variant(variant_id)
    if cart.user_id is not None and variant.item.artist.user_id == cart.user_id:
        raise DomainError(
            _("This piece is from your own shop: you cannot buy it."), field="variant"
        )
    quantity = _clean_quantity(quantity)
    text = (personalisation_text or "").strip()
    if (text or personalisation_photo) and not variant.item.personalisable:
        field = "personalisation" if text else "personalisation_photo"
        raise DomainError(_("This item cannot be personalised."), field=field)
    if len(text) > PERSONALISATION_MAX_LENGTH:
        raise DomainError(
            _("The personalisation text can be at most %(max)s characters.")
            % {"max": PERSONALISATION_MAX_LENGTH},
            field="personalisation",
        )
    photo = None
    if personalisation_photo:
        try:
            photo = clean_image(personalisation_photo)
        except ValidationError as error:
            raise DomainError(
                " ".join(error.messages), field="personalisation_photo"
            ) from None

    with transaction.atomic():
        cart = _lock_cart(cart)
        variant = Variant.objects.select_related("item").get(pk=variant.pk)
        _check_stock(variant=variant, wanted=quantity, already=_in_cart(cart, variant))
        _check_amount(cart=cart, variant=variant, quantity=quantity)
        if not text and photo is None:
            line = (
                CartLine.objects.filter(
                    cart=cart,
                    variant=variant,
                    personalisation_text="",
                    personalisation_photo="",
                )
                .order_by("id")
                .first()
            )
            if line is not None:
                line.quantity += quantity
                line.save(update_fields=["quantity"])
                cart.save(update_fields=["updated_at"])
                return line
        line = CartLine(
            cart=cart, variant=variant, quantity=quantity, personalisation_text=text
        )
        if photo is not None:
            line.personalisation_photo.save(photo.name, photo, save=False)
        line.save()
        cart.save(update_fields=["updated_at"])
    return line


def cart_update_line(*, cart: Cart, line_id, quantity) -> CartLine:
    """Set the quantity of one line of the cart.

    :raises DomainError: ``line`` (not in this cart), ``quantity`` (below 1,
        beyond the stock left, or taking the cart beyond ``MONEY_MAX``).
    """
    quantity = _clean_quantity(quantity)
    with transaction.atomic():
        cart = _lock_cart(cart)
        line = _line_of(cart, line_id)
        variant = Variant.objects.select_related("item").get(pk=line.variant_id)
        _check_stock(
            variant=variant,
            wanted=quantity,
            already=_in_cart(cart, variant, excluding_line=line),
        )
        _check_amount(
            cart=cart, variant=variant, quantity=quantity, excluding_line=line
        )
        line.quantity = quantity
        line.save(update_fields=["quantity"])
        cart.save(update_fields=["updated_at"])
    return line


def cart_remove_line(*, cart: Cart, line_id) -> None:
    """Take one line out of the cart.

    :raises DomainError: ``line`` when it is not in this cart.
    """
    with transaction.atomic():
        cart = _lock_cart(cart)
        _line_of(cart, line_id).delete()
        cart.save(update_fields=["updated_at"])


def _line_of(cart: Cart, line_id) -> CartLine:
    try:
        return CartLine.objects.get(cart=cart, pk=int(line_id))
    except (CartLine.DoesNotExist, TypeError, ValueError):
        raise DomainError(_("This line is not in your cart."), field="line") from None


def clean_country(country) -> str:
    """The ISO code of ``country``.

    :raises DomainError: ``country`` when it is not a known country code.
    """
    code = countries.alpha2(str(country or "").strip().upper())
    if not code:
        raise DomainError(_("Choose a country from the list."), field="country")
    return code


def cart_set_country(*, cart: Cart, country) -> Cart:
    """Choose where the cart is delivered (it sets the shipping fees).

    :raises DomainError: ``country`` when unknown.
    """
    code = clean_country(country)
    with transaction.atomic():
        cart = _lock_cart(cart)
        cart.country = code
        cart.save(update_fields=["country", "updated_at"])
    return cart


def cart_apply_discount(*, cart: Cart, code: str) -> Cart:
    """Apply a discount code to the cart (replacing any other).

    :raises DomainError: ``code`` when it is unknown, inactive, not started,
        expired, used up, has no item of its artist in the cart, or the
        cart does not reach its minimum amount.
    """
    value = str(code or "").strip().upper()
    if not value:
        raise DomainError(_("Enter a code."), field="code")
    discount = DiscountCode.objects.select_related("artist").filter(code=value).first()
    if discount is None:
        raise DomainError(_("This code does not exist."), field="code")
    with transaction.atomic():
        cart = _lock_cart(cart)
        summary = price_cart(cart, lines=cart_lines_for_pricing(cart))
        applicable = [
            group
            for group in summary.groups
            if not discount.artist_id or group.artist.pk == discount.artist_id
        ]
        problem = discount_problem(
            discount,
            applicable_subtotal=sum((g.items_subtotal for g in applicable), ZERO),
            has_applicable_items=bool(applicable),
            used_by_buyer=discount_uses_by_buyer(discount, cart.user_id)
            if discount.per_buyer_limit is not None
            else 0,
        )
        if problem:
            raise DomainError(problem, field="code")
        cart.discount_code = discount
        cart.save(update_fields=["discount_code", "updated_at"])
    return cart


def cart_remove_discount(*, cart: Cart) -> Cart:
    """Take the discount code off the cart."""
    with transaction.atomic():
        cart = _lock_cart(cart)
        cart.discount_code = None
        cart.save(update_fields=["discount_code", "updated_at"])
    return cart


def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """Move the lines of an anonymous cart into a user's cart, then delete it.

    Quantities of the same variant without personalisation add up, capped at
    the stock; personalised lines move as they are. The destination and the
    code chosen last (in the anonymous cart) win.
    """
    if source.pk == target.pk:
        return target
    with transaction.atomic():
        # Lock in a fixed order (lower id first) so two merges cannot deadlock.
        locked = {
            c.pk: c
            for c in Cart.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        source, target = locked.get(source.pk), locked.get(target.pk)
        if source is None or target is None:
            return target
        source_lines = list(
            CartLine.objects.filter(cart=source)
            .select_related("variant")
            .order_by("id")
        )
        for line in source_lines:
            plain = not line.personalisation_text and not line.personalisation_photo
            existing = None
            if plain:
                existing = (
                    CartLine.objects.filter(
                        cart=target,
                        variant_id=line.variant_id,
                        personalisation_text="",
                        personalisation_photo="",
                    )
                    .order_by("id")
                    .first()
                )
            if existing is not None:
                total = existing.quantity + line.quantity
                existing.quantity = min(
                    total, max(line.variant.stock, existing.quantity)
                )
                existing.save(update_fields=["quantity"])
                line.delete()
            else:
                line.cart = target
                line.save(update_fields=["cart"])
        fields = ["updated_at"]
        if source_lines and source.country != target.country:
            target.country = source.country
            fields.append("country")
        if source_lines and source.discount_code_id:
            target.discount_code_id = source.discount_code_id
            fields.append("discount_code")
        target.save(update_fields=fields)
        source.delete()
    return target
