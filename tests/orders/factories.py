"""Factories and helpers of the orders tests."""

import io
from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from orders.models import ArtistOrder, Order, OrderLine, Payment, PaymentStatus
from tests.factories import ArtistFactory, ItemFactory, UserFactory, VariantFactory

ADDRESS = {
    "name": "Camille Martin",
    "line1": "12 rue des Tisserands",
    "city": "Nantes",
    "postcode": "44000",
    "country": "FR",
}


def checkout_body(*, token="ok", **address):
    return {
        "shipping_address": {**ADDRESS, **address},
        "payment": {"provider": "test", "token": token},
    }


def make_artist(username, *, language="en", **kwargs):
    return ArtistFactory(
        user=UserFactory(
            username=username, email=f"{username}@example.com", language=language
        ),
        **kwargs,
    )


def make_variant(artist, *, price="24.00", stock=5, personalisable=False, **kwargs):
    return VariantFactory(
        item=ItemFactory(
            artist=artist, price=Decimal(price), personalisable=personalisable
        ),
        stock=stock,
        **kwargs,
    )


def photo_upload(name="photo.png", *, fmt="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 90, 40)).save(buffer, fmt)
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type=f"image/{fmt.lower()}"
    )


# Artist orders in any state ------------------------------------------------------

SHIPPING_FEE = Decimal("5.00")


class OrderFactory(factory.django.DjangoModelFactory):
    """An order with no artist order yet (``make_artist_order`` adds them)."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"MP-2026-{900000 + n:06d}")
    buyer = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.buyer.email)
    shipping_name = ADDRESS["name"]
    shipping_line1 = ADDRESS["line1"]
    shipping_city = ADDRESS["city"]
    shipping_postcode = ADDRESS["postcode"]
    shipping_country = ADDRESS["country"]
    items_total = Decimal("0.00")
    shipping_total = Decimal("0.00")
    total = Decimal("0.00")


def make_artist_order(
    *,
    buyer,
    artist,
    state="awaiting_acceptance",
    order=None,
    variant=None,
    quantity=1,
    price="24.00",
    dispatch_in_days=3,
):
    """An artist order of ``buyer`` from ``artist`` (one line), brought to
    ``state`` through the lifecycle services, as a real one would be: paid
    (stock taken, captured payment, history row), then accepted, shipped, delivered... The
    order's totals grow with each artist order added to it."""
    from orders import hooks as order_hooks
    from orders import services as order_services
    from orders.services.history import log_transition

    variant = variant or make_variant(artist, price=price, stock=quantity + 5)
    unit_price = variant.unit_price
    items_total = unit_price * quantity
    total = items_total + SHIPPING_FEE
    if order is None:
        order = OrderFactory(buyer=buyer)
    Order.objects.filter(pk=order.pk).update(
        items_total=order.items_total + items_total,
        shipping_total=order.shipping_total + SHIPPING_FEE,
        total=order.total + total,
    )
    order.refresh_from_db()
    now = timezone.now()
    artist_order = ArtistOrder.objects.create(
        order=order,
        artist=artist,
        items_total=items_total,
        shipping_fee=SHIPPING_FEE,
        total=total,
        terms=artist.terms_snapshot(),
        shipping_zone="domestic",
        dispatch_date=(now + timedelta(days=dispatch_in_days)).date(),
    )
    OrderLine.objects.create(
        artist_order=artist_order,
        variant=variant,
        item_id_snapshot=variant.item_id,
        title=variant.item.title,
        variant_name=variant.name,
        unit_price=unit_price,
        quantity=quantity,
        line_total=items_total,
    )
    type(variant).objects.filter(pk=variant.pk).update(stock=variant.stock - quantity)
    if state == "awaiting_payment":
        return artist_order
    # What checkout records: one captured payment per order (the refunds of
    # the test provider need its reference).
    Payment.objects.update_or_create(
        order=order,
        status=PaymentStatus.CAPTURED,
        defaults={
            "provider": "test",
            "amount": order.total,
            "reference": f"test_ch_factory{order.pk}",
            "idempotency_key": f"factory-payment-{order.pk}",
        },
    )
    artist_order.pay(at=now, acceptance_deadline=now + timedelta(hours=72))
    artist_order.save()
    order_hooks.payment_recorded(artist_order=artist_order)
    log_transition(
        artist_order=artist_order, from_state="awaiting_payment", transition="pay"
    )
    artist_order = ArtistOrder.objects.get(pk=artist_order.pk)
    artist_user = artist.user
    steps = {
        "awaiting_acceptance": [],
        "accepted": ["accept"],
        "shipped": ["accept", "ship"],
        "delivered": ["accept", "ship", "confirm_delivery"],
        "completed": ["accept", "ship", "confirm_delivery", "complete"],
        "refused": ["refuse"],
        "cancelled": ["cancel"],
    }[state]
    for step in steps:
        artist_order = ArtistOrder.objects.get(pk=artist_order.pk)
        if step == "accept":
            order_services.artist_order_accept(
                artist_order=artist_order, by=artist_user
            )
        elif step == "ship":
            order_services.artist_order_ship(
                artist_order=artist_order,
                by=artist_user,
                carrier="Colissimo",
                tracking_number=f"6A{artist_order.pk:011d}",
            )
        elif step == "confirm_delivery":
            order_services.artist_order_confirm_delivery(
                artist_order=artist_order, by=buyer
            )
        elif step == "complete":
            order_services.artist_order_complete(artist_order=artist_order)
        elif step == "refuse":
            order_services.artist_order_refuse(
                artist_order=artist_order, by=artist_user, reason="Out of clay."
            )
        elif step == "cancel":
            order_services.artist_order_cancel(artist_order=artist_order, by=buyer)
    return ArtistOrder.objects.select_related("order", "artist").get(pk=artist_order.pk)
