"""An order whose receipt shows everything: two artists, a discount code,
shipping, a refusal refunded in full and a partial refund by staff."""

from decimal import Decimal

from orders import services as order_services
from orders.models import ArtistOrder, Cart
from tests.factories import DiscountCodeFactory, UserFactory

from .factories import ADDRESS, make_artist, make_variant


def receipt_order(buyer, *, refunds=True):
    """``buyer``'s order, through the real checkout with the 10 % code
    WELCOME10: 2 bowls at 24.00 € from Atelier Argile (legal name "Claire
    Martin EI", a business address) and 1 scarf at 30.00 € from Brins de
    Laine (no legal name: its shop name and location, Lyon). With
    ``refunds``, Brins de Laine refuses (refunded in full) and staff refund
    5.50 € of the bowls. Returns the order."""
    potter = make_artist(
        "potter",
        name="Atelier Argile",
        legal_name="Claire Martin EI",
        business_address="3 impasse des Potiers\n69001 Lyon\nFrance",
    )
    weaver = make_artist("weaver", name="Brins de Laine", location="Lyon")
    bowl = make_variant(potter, price="24.00", stock=5, name="Large")
    scarf = make_variant(weaver, price="30.00", stock=5, name="Blue")
    bowl.item.title = "Stoneware bowl"
    bowl.item.save(update_fields=["title"])
    scarf.item.title = "Wool scarf"
    scarf.item.save(update_fields=["title"])
    DiscountCodeFactory(code="WELCOME10", kind="percent", value=Decimal("10"))
    cart, _created = Cart.objects.get_or_create(user=buyer)
    order_services.cart_add_line(cart=cart, variant_id=bowl.pk, quantity=2)
    order_services.cart_add_line(cart=cart, variant_id=scarf.pk, quantity=1)
    order_services.cart_apply_discount(cart=cart, code="WELCOME10")
    order = order_services.checkout(
        cart=cart,
        buyer=buyer,
        shipping_address=ADDRESS,
        payment={"provider": "test", "token": "ok"},
    )
    if refunds:
        bowls = ArtistOrder.objects.get(order=order, artist=potter)
        scarves = ArtistOrder.objects.get(order=order, artist=weaver)
        order_services.artist_order_refuse(
            artist_order=scarves, by=weaver.user, reason="Out of wool."
        )
        order_services.artist_order_staff_refund(
            artist_order=bowls,
            by=UserFactory(username="support", is_staff=True, is_superuser=True),
            amount=Decimal("5.50"),
            note="A chipped bowl.",
            idempotency_key="receipt-test-refund",
        )
    return order
