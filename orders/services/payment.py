"""What follows the charge of a checkout: on success the payment recorded
and every artist order paid (history, emails); on a decline the artist
orders failed, the stock and the code's use given back and the cart
restored. Also the periodic failure of orders a crash left awaiting
payment."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from marketplace.notifications.services import notify

from .. import hooks
from ..emails import new_order_context, order_confirmation_context
from ..models import (
    ArtistOrder,
    ArtistOrderState,
    Cart,
    CartLine,
    DiscountCode,
    Order,
    OrderLine,
    Payment,
    PaymentStatus,
)
from ..payments import PaymentProvider, PaymentResult
from ..rules import acceptance_deadline
from .discounts import give_code_use_back_if_unsold
from .history import log_transition, release_stock_of


def _lock_artist_orders(order: Order) -> list[ArtistOrder]:
    return list(
        ArtistOrder.objects.select_for_update(of=("self",))
        .select_related("artist__user", "order")
        .filter(order=order)
        .order_by("id")
    )


def record_payment(
    *,
    order: Order,
    artist_orders: list[ArtistOrder],
    buyer,
    provider: PaymentProvider,
    result: PaymentResult,
    key: str,
) -> bool:
    """Transaction 2 on success: record the payment and ``pay`` every artist
    order of ``order``, with its history row, and the emails. False when the
    order is no longer awaiting payment (it timed out meanwhile)."""
    with transaction.atomic():
        locked = _lock_artist_orders(order)
        if [ao.pk for ao in locked] != [ao.pk for ao in artist_orders] or any(
            ao.state != ArtistOrderState.AWAITING_PAYMENT for ao in locked
        ):
            return False
        Payment.objects.create(
            order=order,
            provider=provider.name,
            amount=order.total,
            status=PaymentStatus.CAPTURED,
            reference=result.reference,
            idempotency_key=key,
        )
        now = timezone.now()
        for artist_order in locked:
            artist_order.pay(
                at=now,
                acceptance_deadline=acceptance_deadline(
                    artist_order.artist,
                    paid_at=now,
                    hours=settings.ACCEPTANCE_DEADLINE_HOURS,
                ),
            )
            artist_order.save(
                update_fields=[
                    "state",
                    "paid",
                    "paid_at",
                    "acceptance_deadline",
                    "updated_at",
                ]
            )
            hooks.payment_recorded(artist_order=artist_order)
            log_transition(
                artist_order=artist_order,
                from_state=ArtistOrderState.AWAITING_PAYMENT,
                transition="pay",
                by=buyer,
                note_event="paid",
                note_values={"amount": artist_order.total},
                at=now,
            )
        _send_order_emails(order=order, buyer=buyer, artist_orders=locked)
    return True


def _send_order_emails(
    *, order: Order, buyer, artist_orders: list[ArtistOrder]
) -> None:
    """The buyer's confirmation and each artist's new order, each in its
    reader's language."""
    notify(
        recipient=buyer,
        event="order_confirmation",
        context=order_confirmation_context(order=order, recipient=buyer),
        dedupe_key=f"order-confirmation:{order.pk}",
    )
    for artist_order in artist_orders:
        artist_user = artist_order.artist.user
        notify(
            recipient=artist_user,
            event="new_order",
            context=new_order_context(artist_order=artist_order, recipient=artist_user),
            dedupe_key=f"new-order:{artist_order.pk}",
        )


def fail_order_payment(
    *, order: Order, by=None, note: str = "", note_event: str = ""
) -> int:
    """Run ``fail_payment`` on the artist orders of ``order`` still awaiting
    payment, release their stock and give the code's use back (once).
    Call inside a transaction. Returns how many artist orders failed."""
    artist_orders = _lock_artist_orders(order)
    waiting = [
        ao for ao in artist_orders if ao.state == ArtistOrderState.AWAITING_PAYMENT
    ]
    if not waiting:
        return 0
    now = timezone.now()
    for artist_order in waiting:
        artist_order.fail_payment(at=now)
        artist_order.save()
        log_transition(
            artist_order=artist_order,
            from_state=ArtistOrderState.AWAITING_PAYMENT,
            transition="fail_payment",
            by=by,
            note=note,
            note_event=note_event,
            at=now,
        )
    release_stock_of(artist_orders=waiting)
    give_code_use_back_if_unsold(order=order)
    return len(waiting)


def _restore_cart(*, cart: Cart, order: Order) -> None:
    """Put the lines of a failed order back in the cart, so that the buyer can
    try again."""
    lines = OrderLine.objects.filter(
        artist_order__order=order, variant__isnull=False
    ).order_by("id")
    for line in lines:
        plain = not line.personalisation_text and not line.personalisation_photo
        existing = None
        if plain:
            existing = CartLine.objects.filter(
                cart=cart,
                variant_id=line.variant_id,
                personalisation_text="",
                personalisation_photo="",
            ).first()
        if existing is not None:
            existing.quantity += line.quantity
            existing.save(update_fields=["quantity"])
        else:
            CartLine.objects.create(
                cart=cart,
                variant_id=line.variant_id,
                quantity=line.quantity,
                personalisation_text=line.personalisation_text,
                personalisation_photo=line.personalisation_photo.name or "",
            )
    fields = ["country", "updated_at"]
    cart.country = order.shipping_country
    if order.discount_code and cart.discount_code_id is None:
        code = DiscountCode.objects.filter(code=order.discount_code).first()
        if code is not None:
            cart.discount_code = code
            fields.append("discount_code")
    cart.save(update_fields=fields)


def record_decline(
    *,
    order: Order,
    cart: Cart,
    buyer,
    provider: PaymentProvider,
    status: str,
    message: str,
    key: str,
) -> None:
    """Transaction 2 on a decline (or a provider error)."""
    with transaction.atomic():
        # Same lock order as checkout: cart first, then stock.
        cart = Cart.objects.select_for_update().filter(pk=cart.pk).first()
        if cart is None:
            cart, _created = Cart.objects.get_or_create(user=buyer)
            cart = Cart.objects.select_for_update().get(pk=cart.pk)
        Payment.objects.create(
            order=order,
            provider=provider.name,
            amount=order.total,
            status=status,
            message=str(message)[:255],
            idempotency_key=key,
        )
        failed = fail_order_payment(order=order, by=buyer, note=str(message))
        if failed:
            _restore_cart(cart=cart, order=order)


def fail_stale_payments_before(*, cutoff) -> int:
    """Fail every order whose artist orders still await payment since before
    ``cutoff`` (a crash between reserving and paying). Returns how many
    artist orders failed. Idempotent."""
    order_ids = (
        ArtistOrder.objects.filter(
            state=ArtistOrderState.AWAITING_PAYMENT, created_at__lt=cutoff
        )
        .values_list("order_id", flat=True)
        .distinct()
    )
    failed = 0
    for order in Order.objects.filter(pk__in=list(order_ids)).order_by("id"):
        with transaction.atomic():
            if order.payments.filter(status=PaymentStatus.CAPTURED).exists():
                continue
            failed += fail_order_payment(order=order, note_event="payment_timed_out")
    return failed


def stale_payment_cutoff():
    return timezone.now() - timedelta(minutes=settings.PAYMENT_TIMEOUT_MINUTES)
