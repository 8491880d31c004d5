"""Checkout: reserve (stock, code, number, order) in one transaction, charge
outside any transaction, then record the outcome in a second transaction."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from artists.models import Variant
from artists.stock import stock_take_many
from marketplace.errors import Conflict, DomainError, PaymentDeclined
from marketplace.money import MONEY_MAX, ZERO, to_money
from marketplace.notifications.formatting import format_amount

from ..models import (
    ArtistOrder,
    ArtistOrderState,
    Cart,
    DiscountCode,
    Order,
    OrderLine,
    OrderNumberCounter,
    PaymentStatus,
)
from ..payments import PaymentResult, get_provider
from ..pricing import (
    cart_lines_for_pricing,
    discount_uses_by_buyer,
    is_buyable,
    per_buyer_problem,
    price_cart,
)
from .cart import clean_country
from .payment import record_decline, record_payment

logger = logging.getLogger(__name__)

ADDRESS_FIELDS = {
    # field: (required, max length)
    "name": (True, 120),
    "line1": (True, 200),
    "line2": (False, 200),
    "city": (True, 120),
    "postcode": (True, 20),
    "country": (True, 2),
}


def validate_shipping_address(data) -> dict:
    """The cleaned address (``name, line1, line2, city, postcode, country``).

    :raises DomainError: with one error per faulty field.
    """
    if not isinstance(data, dict):
        raise DomainError(_("Enter a shipping address."), field="shipping_address")
    cleaned, errors = {}, {}
    for name, (required, max_length) in ADDRESS_FIELDS.items():
        value = data.get(name)
        value = "" if value is None else str(value).strip()
        if name == "country" and value:
            try:
                value = clean_country(value)
            except DomainError as error:
                errors[name] = [str(error.message)]
                continue
        if required and not value:
            errors[name] = [_("This field is required.")]
        elif len(value) > max_length:
            errors[name] = [_("At most %(max)s characters.") % {"max": max_length}]
        cleaned[name] = value
    if errors:
        raise DomainError(_("Check the shipping address."), errors=errors)
    return cleaned


def next_order_number(*, year: int) -> str:
    """The next gapless order number of ``year``, e.g. ``MP-2026-000123``.

    Call inside a transaction: the counter row stays locked until it ends,
    so numbers of rolled-back checkouts are given again.
    """
    counter = OrderNumberCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                OrderNumberCounter.objects.create(year=year, last_number=0)
        except IntegrityError:
            pass  # created meanwhile by a concurrent checkout
        counter = OrderNumberCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"MP-{year}-{counter.last_number:06d}"


def checkout(
    *,
    cart: Cart,
    buyer,
    shipping_address: dict,
    payment: dict,
    idempotency_key: str | None = None,
    expected_total=None,
) -> Order:
    """Turn ``buyer``'s cart into a paid order, one artist order per artist.

    Transaction 1 locks the cart, re-prices it, takes the stock, counts the
    code's use, numbers the order, creates it and empties the cart. The
    provider is charged outside any transaction. Transaction 2 records the
    payment and runs ``pay`` on every artist order (with history and the
    emails), or on a decline runs ``fail_payment``, releases the stock, gives
    the code's use back and puts the lines back in the cart.

    With ``idempotency_key``, the same key returns the order it created.
    With ``expected_total`` (the total the buyer was shown), a different
    total stops the checkout before anything is reserved or charged
    (``check_expected_total``).

    :raises DomainError: invalid address (one error per field), unknown
        provider (``payment``), empty cart (``cart``), a piece no longer for
        sale (``lines``) or no longer in stock (``quantity``), a code that no
        longer applies (``code``), a shop that does not ship to the
        address's country (``country``).
    :raises PaymentDeclined: the provider declined; ``payload`` has the
        order number.
    :raises Conflict: the same idempotency key is still being paid; the
        total differs from ``expected_total`` (``check_expected_total``).
    """
    address = validate_shipping_address(shipping_address)
    if not isinstance(payment, dict):
        raise DomainError(_("Choose a payment method."), field="payment")
    provider = get_provider(payment.get("provider"))
    token = str(payment.get("token") or "")
    checkout_key = f"{buyer.pk}:{idempotency_key}"[:120] if idempotency_key else None

    order, artist_orders = _reserve(
        cart=cart,
        buyer=buyer,
        address=address,
        checkout_key=checkout_key,
        expected_total=expected_total,
    )
    if artist_orders is None:
        return _replay(order)

    charge_key = f"charge:{order.number}:{uuid.uuid4().hex}"
    if order.total == ZERO:
        result = PaymentResult(ok=True, reference="free")
    else:
        try:
            result = provider.charge(
                amount=order.total,
                token=token,
                reference=order.number,
                idempotency_key=charge_key,
            )
        except Exception:
            logger.exception(
                "Payment provider %s failed for order %s", provider.name, order.number
            )
            result = None
    if result is not None and result.ok:
        if record_payment(
            order=order,
            artist_orders=artist_orders,
            buyer=buyer,
            provider=provider,
            result=result,
            key=charge_key,
        ):
            return order
        # The order timed out (fail_stale_payments) while the provider was
        # answering: its stock is gone, so the money goes back.
        refund = provider.refund(
            amount=order.total,
            payment_reference=result.reference,
            idempotency_key=f"refund:{charge_key}",
        )
        if not refund.ok:
            logger.error(
                "Order %s timed out while paid and its refund failed: %s",
                order.number,
                refund.message,
            )
        raise PaymentDeclined(
            _(
                "Your payment took too long and was refunded. Please check your cart and try again."
            ),
            payload={"order": order.number},
        )
    message = (
        result.message
        if result is not None
        else _(
            "The payment service could not be reached. Nothing was charged; please try again."
        )
    )
    record_decline(
        order=order,
        cart=cart,
        buyer=buyer,
        provider=provider,
        status=PaymentStatus.DECLINED if result is not None else PaymentStatus.ERROR,
        message=message,
        key=charge_key,
    )
    raise PaymentDeclined(message or None, payload={"order": order.number})


def _replay(order: Order) -> Order:
    # The state first: the payment that ends "awaiting payment" commits with
    # it, so once the state has moved on the payment row is there to read
    # (read the other way round, a payment recorded between the two reads
    # answered "declined" for a paid order).
    if order.artist_orders.filter(state=ArtistOrderState.AWAITING_PAYMENT).exists():
        raise Conflict(
            _("This checkout is still being paid."),
            state=ArtistOrderState.AWAITING_PAYMENT,
        )
    if order.payments.filter(status=PaymentStatus.CAPTURED).exists():
        return order
    raise PaymentDeclined(payload={"order": order.number})


def _stock_error(variant_id: int, wanted: int) -> DomainError:
    variant = Variant.objects.select_related("item").get(pk=variant_id)
    if variant.stock == 0:
        message = _("Sorry, %(title)s (%(variant)s) is no longer available.")
    else:
        message = _(
            "Sorry, only %(stock)s of %(title)s (%(variant)s) left: you asked for %(wanted)s."
        )
    return DomainError(
        message
        % {
            "title": variant.item.title,
            "variant": variant.name,
            "stock": variant.stock,
            "wanted": wanted,
        },
        field="quantity",
    )


TOTAL_CHANGED = "total_changed"


def check_expected_total(*, total, expected_total) -> None:
    """Refuse to charge ``total`` when the buyer was shown another one
    (``expected_total``; None: not checked). Called by checkout under its
    locks, so the total compared is the one charged.

    :raises Conflict: state ``total_changed``, ``payload`` the new ``total``
        (a 409 in the API, an error above the page's pay button).
    """
    if expected_total is None or total == to_money(expected_total):
        return
    raise Conflict(
        _("The total is now %(total)s €: please check your order and pay again.")
        % {"total": format_amount(total)},
        state=TOTAL_CHANGED,
        payload={"total": str(to_money(total))},
    )


def _reserve(
    *, cart: Cart, buyer, address: dict, checkout_key: str | None, expected_total=None
) -> tuple[Order, list[ArtistOrder] | None]:
    """Transaction 1: everything but the charge. Returns the order and the
    artist orders it created, or None for them when ``checkout_key`` had
    already made the order."""
    with transaction.atomic():
        # Locking the cart serialises checkouts of the same cart: a second
        # submission waits, then finds the cart empty (or the key used).
        cart = (
            Cart.objects.select_for_update(of=("self",))
            .select_related("discount_code__artist")
            .get(pk=cart.pk)
        )
        if checkout_key:
            existing = Order.objects.filter(
                checkout_key=checkout_key, buyer=buyer
            ).first()
            if existing is not None:
                return existing, None
        lines = cart_lines_for_pricing(cart)
        if not lines:
            raise DomainError(_("Your cart is empty."), field="cart")
        for line in lines:
            if not is_buyable(line):
                raise DomainError(
                    _("%(title)s is no longer for sale: remove it from your cart.")
                    % {"title": line.variant.item.title},
                    field="lines",
                )
            if line.variant.item.artist.user_id == buyer.pk:
                raise DomainError(
                    _("%(title)s is from your own shop: remove it from your cart.")
                    % {"title": line.variant.item.title},
                    field="lines",
                )
        summary = price_cart(cart, lines=lines, country=address["country"])
        for group in summary.groups:
            if group.shipping_problem:
                # A shop whose terms leave out the destination's zone: an
                # error of the address's country (nothing reserved yet).
                raise DomainError(
                    group.shipping_problem,
                    field="country",
                    errors={"country": [group.shipping_problem]},
                )
        if max(summary.total, summary.items_total) > MONEY_MAX:
            # A price raised after the pieces went in the cart: no amount
            # field could hold this order.
            raise DomainError(
                _(
                    "Your cart comes to more than %(max)s €, the most one order "
                    "can hold: lower a quantity."
                )
                % {"max": format_amount(MONEY_MAX)},
                field="lines",
            )
        code = summary.discount_code
        if code is not None and summary.discount_problem:
            raise DomainError(summary.discount_problem, field="code")
        check_expected_total(total=summary.total, expected_total=expected_total)

        wanted: dict[int, int] = defaultdict(int)
        for line in lines:
            wanted[line.variant_id] += line.quantity
        # All the variants in two statements (locked in id order, then one
        # conditional UPDATE); the first one short of stock is reported.
        short = stock_take_many(quantities=wanted)
        if short is not None:
            raise _stock_error(short, wanted[short])

        if code is not None:
            counted = (
                DiscountCode.objects.filter(pk=code.pk, is_active=True)
                .filter(
                    Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit"))
                )
                .update(times_used=F("times_used") + 1)
            )
            if not counted:
                raise DomainError(
                    _("This code has already been used as many times as allowed."),
                    field="code",
                )
            # The UPDATE above holds the code's row until the commit, so a
            # concurrent checkout with the same code counts after this one's
            # order exists: one buyer cannot go past the limit by racing.
            if code.per_buyer_limit is not None:
                problem = per_buyer_problem(
                    code, used_by_buyer=discount_uses_by_buyer(code, buyer.pk)
                )
                if problem:
                    raise DomainError(problem, field="code")

        now = timezone.now()
        order = Order.objects.create(
            number=next_order_number(year=timezone.localdate(now).year),
            buyer=buyer,
            email=buyer.email,
            shipping_name=address["name"],
            shipping_line1=address["line1"],
            shipping_line2=address["line2"],
            shipping_city=address["city"],
            shipping_postcode=address["postcode"],
            shipping_country=address["country"],
            discount_code=code.code if code is not None else "",
            items_total=summary.items_total,
            shipping_total=summary.shipping_total,
            discount_total=summary.discount_total,
            total=summary.total,
            language=buyer.language or settings.LANGUAGE_CODE,
            checkout_key=checkout_key,
            created_at=now,
        )
        artist_orders = ArtistOrder.objects.bulk_create(
            [
                ArtistOrder(
                    order=order,
                    artist=group.artist,
                    items_total=group.items_subtotal,
                    shipping_fee=group.shipping_fee,
                    discount=group.discount,
                    total=group.total,
                    terms=group.artist.terms_snapshot(),
                    shipping_zone=group.shipping_zone,
                    dispatch_date=group.dispatch_date,
                    created_at=now,
                )
                for group in summary.groups
            ]
        )
        order_lines = []
        for group, artist_order in zip(summary.groups, artist_orders, strict=True):
            for priced in group.lines:
                order_lines.append(
                    OrderLine(
                        artist_order=artist_order,
                        variant_id=priced.variant_id,
                        item_id_snapshot=priced.item_id,
                        title=priced.title,
                        variant_name=priced.variant_name,
                        unit_price=priced.unit_price,
                        quantity=priced.quantity,
                        line_total=priced.line_total,
                        personalised=bool(
                            priced.personalisation_text or priced.has_photo
                        ),
                        personalisation_text=priced.personalisation_text,
                        # The private file now belongs to the order line too.
                        personalisation_photo=priced.line.personalisation_photo.name
                        or "",
                    )
                )
        OrderLine.objects.bulk_create(order_lines)
        cart.lines.all().delete()
        cart.country = address["country"]
        cart.discount_code = None
        cart.save(update_fields=["country", "discount_code", "updated_at"])
    return order, sorted(artist_orders, key=lambda ao: ao.pk)
