"""Demo money: enough for the money pages, the admin and the emails to
show something real. Jonas has sales completed and paid out, one held by a
return, one completed and available, one on its way (pending); Mika has a
payout the bank refused (its money back in her balance, a retry due).

Everything goes through the real services: checkout, the artist order's
transitions, a return request, payout runs through the test provider.
Idempotent: done once, when no payout exists yet."""

from __future__ import annotations

from django.test import TestCase

from accounts.models import User
from artists.models import Artist, Variant
from orders import services as order_services
from orders.models import ArtistOrder, Cart
from orders.payments import TestPaymentProvider
from payouts.models import Payout
from payouts.services.runs import payout_run
from returns.services import return_request_create

ADDRESS = {
    "name": "Louise Bernard",
    "line1": "4 place du Marché",
    "city": "Rennes",
    "postcode": "35000",
    "country": "FR",
}


def _buy(*, buyer: User, artist: Artist) -> ArtistOrder | None:
    """One piece of ``artist`` bought by ``buyer`` through the checkout."""
    variant = (
        Variant.objects.filter(item__artist=artist, item__is_active=True, stock__gte=1)
        .order_by("price", "id")
        .first()
    )
    if variant is None:
        return None
    cart, _created = Cart.objects.get_or_create(user=buyer)
    order_services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    order = order_services.checkout(
        cart=cart,
        buyer=buyer,
        shipping_address=ADDRESS,
        payment={"provider": "test", "token": "ok"},
    )
    return order.artist_orders.get()


def _take_to(artist_order: ArtistOrder, state: str) -> ArtistOrder:
    """Move a paid artist order along its lifecycle up to ``state``."""
    artist_user = artist_order.artist.user
    buyer = artist_order.order.buyer
    steps = ["accepted", "shipped", "delivered", "completed"]
    for step in steps[: steps.index(state) + 1]:
        artist_order = ArtistOrder.objects.get(pk=artist_order.pk)
        if step == "accepted":
            order_services.artist_order_accept(
                artist_order=artist_order, by=artist_user
            )
        elif step == "shipped":
            order_services.artist_order_ship(
                artist_order=artist_order,
                by=artist_user,
                carrier="Colissimo",
                tracking_number=f"6A{artist_order.pk:011d}",
            )
        elif step == "delivered":
            order_services.artist_order_confirm_delivery(
                artist_order=artist_order, by=buyer
            )
        else:
            order_services.artist_order_complete(artist_order=artist_order)
    return ArtistOrder.objects.get(pk=artist_order.pk)


def _pay(artist: Artist, *, decline: bool = False) -> None:
    """A payout run for ``artist``, sent at once (refused by the bank if
    ``decline``), whether or not a worker is running."""
    TestPaymentProvider.payout_decline = decline
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            payout_run(artist_ids=[artist.pk])
    finally:
        TestPaymentProvider.payout_decline = False


def seed_money(*, buyer: User) -> int:
    """Demo sales, payouts and a hold; returns how many payouts were made."""
    if Payout.objects.exists():
        return 0
    jonas = Artist.objects.filter(slug="jonas-weaves").first()
    mika = Artist.objects.filter(slug="mika-silver").first()
    if jonas is None or mika is None:
        return 0
    for _sale in range(2):
        sold = _buy(buyer=buyer, artist=jonas)
        if sold is not None:
            _take_to(sold, "completed")
    _pay(jonas)
    held = _buy(buyer=buyer, artist=jonas)
    if held is not None:
        held = _take_to(held, "completed")
        return_request_create(
            buyer=buyer,
            line=held.lines.get(),
            quantity=1,
            kind="return",
            reason="changed_mind",
            comment="The colour is not what I expected.",
        )
    available = _buy(buyer=buyer, artist=jonas)
    if available is not None:
        _take_to(available, "completed")
    pending = _buy(buyer=buyer, artist=jonas)
    if pending is not None:
        _take_to(pending, "shipped")
    refused = _buy(buyer=buyer, artist=mika)
    if refused is not None:
        _take_to(refused, "completed")
        _pay(mika, decline=True)
    return Payout.objects.count()
