"""Orders and conversations for the messaging tests, made through the real
checkout and the messaging services."""

from messaging.models import Thread
from orders.models import Cart
from orders.services import cart_add_line, checkout
from tests.factories import ArtistFactory, UserFactory
from tests.orders.factories import ADDRESS, make_variant, photo_upload

__all__ = ["make_artist_order", "make_shop", "photo_upload"]


def make_shop(username, *, language="en", **kwargs):
    """An approved shop whose owner reads ``language``."""
    return ArtistFactory(
        user=UserFactory(
            username=username, email=f"{username}@example.com", language=language
        ),
        **kwargs,
    )


def make_artist_order(*, buyer, artist, price="30.00", quantity=1):
    """A paid artist order of ``buyer`` with ``artist`` (awaiting acceptance),
    without any conversation yet: whatever the order lifecycle posts when
    paying is removed, so that these tests start from an empty inbox."""
    variant = make_variant(artist, price=price, stock=5)
    cart, _created = Cart.objects.get_or_create(user=buyer)
    cart_add_line(cart=cart, variant_id=variant.pk, quantity=quantity)
    order = checkout(
        cart=cart,
        buyer=buyer,
        shipping_address=dict(ADDRESS),
        payment={"provider": "test", "token": "ok"},
    )
    artist_order = order.artist_orders.get(artist=artist)
    Thread.objects.filter(artist_order=artist_order).delete()
    return artist_order
