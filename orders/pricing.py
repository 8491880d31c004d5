"""Pricing a cart: groups per artist, shipping per zone, discounts, dispatch dates.

``price_cart`` is a pure read: the cart page, the cart API and checkout all
price through it, so the buyer pays exactly what the cart showed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from artists.models import Artist
from marketplace.money import ZERO, split_proportionally, to_money
from marketplace.notifications.formatting import format_amount

from .models import (
    ArtistOrder,
    ArtistOrderState,
    Cart,
    CartLine,
    DiscountCode,
    DiscountKind,
    Order,
)
from .rules import (
    expected_dispatch_date,
    needs_customs_notice,
    shipping_fee_for_zone,
    shipping_zone,
    unserved_destination_problem,
)


def _format_money(amount: Decimal) -> str:
    return format_amount(to_money(amount))


# An order whose artist orders all ended so (a failed payment, cancelled
# or refused as a whole) sold nothing: its code's use was given back.
UNSOLD_STATES = (ArtistOrderState.CANCELLED, ArtistOrderState.REFUSED)


def discount_uses_by_buyer(code: DiscountCode, buyer_id) -> int:
    """How many of ``buyer_id``'s orders used ``code`` and still count: all
    but those that sold nothing (one query)."""
    if buyer_id is None:
        return 0
    live = ArtistOrder.objects.filter(order=OuterRef("pk")).exclude(
        state__in=UNSOLD_STATES
    )
    return (
        Order.objects.filter(buyer_id=buyer_id, discount_code=code.code)
        .filter(Exists(live))
        .count()
    )


def per_buyer_problem(code: DiscountCode, *, used_by_buyer: int) -> str:
    """Why the buyer may not use ``code`` again, or ""."""
    limit = code.per_buyer_limit
    if limit is None or used_by_buyer < limit:
        return ""
    return ngettext(
        "You have already used this code: it can be used once per buyer.",
        "You have already used this code %(limit)s times, the most allowed per buyer.",
        limit,
    ) % {"limit": limit}


def discount_problem(
    code: DiscountCode,
    *,
    applicable_subtotal: Decimal,
    has_applicable_items: bool,
    now: datetime | None = None,
    used_by_buyer: int = 0,
) -> str:
    """Why ``code`` cannot apply to a cart, or "" when it can.

    ``applicable_subtotal`` is the items subtotal the code would apply to
    (the whole cart, or the code's artist's items); ``used_by_buyer`` how
    many orders of the cart's buyer already used it
    (``discount_uses_by_buyer``).
    """
    now = now or timezone.now()
    if not code.is_active:
        return _("This code is no longer active.")
    if code.starts_at and code.starts_at > now:
        return _("This code is not valid yet: it starts on %(date)s.") % {
            "date": date_format(timezone.localtime(code.starts_at), "DATE_FORMAT")
        }
    if code.ends_at and code.ends_at < now:
        return _("This code expired on %(date)s.") % {
            "date": date_format(timezone.localtime(code.ends_at), "DATE_FORMAT")
        }
    if code.usage_limit is not None and code.times_used >= code.usage_limit:
        return _("This code has already been used as many times as allowed.")
    if problem := per_buyer_problem(code, used_by_buyer=used_by_buyer):
        return problem
    if code.artist_id and not has_applicable_items:
        return _(
            "This code only applies to items from %(artist)s, and your cart has none."
        ) % {"artist": code.artist.name}
    if not has_applicable_items:
        return _("Add items to your cart before using a code.")
    if applicable_subtotal < code.minimum_amount:
        return _(
            "This code needs at least %(minimum)s € of eligible items; "
            "your cart has %(subtotal)s €."
        ) % {
            "minimum": _format_money(code.minimum_amount),
            "subtotal": _format_money(applicable_subtotal),
        }
    return ""


def discount_amount(code: DiscountCode, applicable_subtotal: Decimal) -> Decimal:
    """The discount on ``applicable_subtotal``: a percentage of it, or a fixed
    amount capped at it; rounded half-up to the cent."""
    if code.kind == DiscountKind.PERCENT:
        amount = to_money(applicable_subtotal * code.value / Decimal(100))
    else:
        amount = to_money(code.value)
    return min(amount, to_money(applicable_subtotal))


@dataclass
class PricedLine:
    line: CartLine
    id: int
    variant_id: int
    item_id: int
    title: str
    variant_name: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    stock: int
    personalisation_text: str
    has_photo: bool
    # Why the line cannot be bought as it is ("" when it can).
    problem: str = ""


@dataclass
class ArtistGroup:
    artist: Artist
    lines: list[PricedLine]
    items_subtotal: Decimal
    shipping_zone: str
    standard_shipping_fee: Decimal
    shipping_fee: Decimal
    free_shipping_over: Decimal | None
    free_shipping: bool
    # How much more to add for free shipping (None: no threshold or reached).
    free_shipping_missing: Decimal | None
    discount: Decimal
    total: Decimal
    dispatch_date: date
    holiday_until: date | None
    terms: dict
    # Why this shop cannot deliver to the destination ("" when it can): its
    # terms leave out the destination's zone.
    shipping_problem: str = ""

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass
class CartSummary:
    country: str
    groups: list[ArtistGroup] = field(default_factory=list)
    items_total: Decimal = ZERO
    shipping_total: Decimal = ZERO
    discount_total: Decimal = ZERO
    total: Decimal = ZERO
    customs_notice: bool = False
    discount_code: DiscountCode | None = None
    # Why the applied code gives nothing right now ("" when it applies).
    discount_problem: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def quantity(self) -> int:
        return sum(group.quantity for group in self.groups)

    @property
    def lines(self) -> list[PricedLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]


def is_buyable(line: CartLine) -> bool:
    item = line.variant.item
    artist = item.artist
    return bool(item.is_active and artist.approved_at and artist.user.is_active)


def cart_lines_for_pricing(cart: Cart) -> list[CartLine]:
    """The cart's lines with everything pricing reads, in one query."""
    return list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__item__artist__user")
        .order_by("created_at", "id")
    )


def price_cart(
    cart: Cart,
    *,
    lines: list[CartLine] | None = None,
    country: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> CartSummary:
    """Price ``cart`` for delivery to ``country`` (default: the cart's).

    Lines are grouped by artist (ordered by artist name), each group with its
    shipping fee for the destination zone (free from the artist's threshold,
    compared with the group's items subtotal before discount), its share of
    the discount, its total and its expected dispatch date. Shipping is never
    discounted.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    country = str(country or cart.country or "FR").upper()
    if lines is None:
        lines = cart_lines_for_pricing(cart)
    in_cart_by_variant: dict[int, int] = {}
    for line in lines:
        in_cart_by_variant[line.variant_id] = (
            in_cart_by_variant.get(line.variant_id, 0) + line.quantity
        )

    by_artist: dict[int, list[PricedLine]] = {}
    artists: dict[int, Artist] = {}
    for line in lines:
        variant = line.variant
        item = variant.item
        unit_price = to_money(variant.unit_price)
        problem = ""
        if not is_buyable(line):
            problem = _("%(title)s is no longer for sale.") % {"title": item.title}
        elif in_cart_by_variant[variant.pk] > variant.stock:
            if variant.stock == 0:
                problem = _("%(title)s (%(variant)s) is out of stock.") % {
                    "title": item.title,
                    "variant": variant.name,
                }
            else:
                problem = _(
                    "Only %(stock)s left of %(title)s (%(variant)s): lower the quantity."
                ) % {
                    "stock": variant.stock,
                    "title": item.title,
                    "variant": variant.name,
                }
        artists[item.artist_id] = item.artist
        by_artist.setdefault(item.artist_id, []).append(
            PricedLine(
                line=line,
                id=line.pk,
                variant_id=variant.pk,
                item_id=item.pk,
                title=item.title,
                variant_name=variant.name,
                unit_price=unit_price,
                quantity=line.quantity,
                line_total=to_money(unit_price * line.quantity),
                stock=variant.stock,
                personalisation_text=line.personalisation_text,
                has_photo=bool(line.personalisation_photo),
                problem=problem,
            )
        )

    groups = []
    for artist_id in sorted(by_artist, key=lambda pk: (artists[pk].name.lower(), pk)):
        artist = artists[artist_id]
        group_lines = by_artist[artist_id]
        subtotal = sum((line.line_total for line in group_lines), ZERO)
        zone = shipping_zone(origin=artist.country, destination=country)
        standard_fee = shipping_fee_for_zone(artist, zone)
        threshold = artist.free_shipping_over
        free = threshold is not None and subtotal >= threshold
        missing = None
        if threshold is not None and not free and standard_fee > 0:
            missing = to_money(threshold - subtotal)
        fee = ZERO if free else standard_fee
        shipping_problem = unserved_destination_problem(artist, country)
        for priced in group_lines:
            priced.problem = priced.problem or shipping_problem
        groups.append(
            ArtistGroup(
                artist=artist,
                lines=group_lines,
                items_subtotal=subtotal,
                shipping_zone=zone,
                standard_shipping_fee=standard_fee,
                shipping_fee=fee,
                free_shipping_over=to_money(threshold)
                if threshold is not None
                else None,
                free_shipping=free,
                free_shipping_missing=missing,
                discount=ZERO,
                total=subtotal + fee,
                dispatch_date=expected_dispatch_date(artist, today=today),
                holiday_until=artist.holiday_end_after(today),
                terms=artist.terms_snapshot(),
                shipping_problem=shipping_problem,
            )
        )

    summary = CartSummary(country=country, groups=groups)
    code = cart.discount_code if cart.discount_code_id else None
    if code is not None:
        summary.discount_code = code
        applicable = [
            g for g in groups if not code.artist_id or g.artist.pk == code.artist_id
        ]
        applicable_subtotal = sum((g.items_subtotal for g in applicable), ZERO)
        used_by_buyer = 0
        if code.per_buyer_limit is not None:
            used_by_buyer = discount_uses_by_buyer(code, cart.user_id)
        problem = discount_problem(
            code,
            applicable_subtotal=applicable_subtotal,
            has_applicable_items=bool(applicable),
            now=now,
            used_by_buyer=used_by_buyer,
        )
        if problem:
            summary.discount_problem = problem
        else:
            amount = discount_amount(code, applicable_subtotal)
            shares = split_proportionally(
                amount, [g.items_subtotal for g in applicable]
            )
            for group, share in zip(applicable, shares, strict=True):
                group.discount = share
                group.total = group.items_subtotal + group.shipping_fee - share

    summary.items_total = sum((g.items_subtotal for g in groups), ZERO)
    summary.shipping_total = sum((g.shipping_fee for g in groups), ZERO)
    summary.discount_total = sum((g.discount for g in groups), ZERO)
    summary.total = sum((g.total for g in groups), ZERO)
    summary.customs_notice = bool(groups) and needs_customs_notice(country)
    return summary
