"""Sales of the newer demo shops, reviewed: so that the catalogue's "best
rated" and the stars of its results have something to show beyond the
first three shops (whose pieces ``demo.reviews`` reviews).

Two buyers (``louise``, English, and ``jeanne``, French) each buy one piece
from Hugo and one from Nora through the checkout; the shops accept and ship,
the buyers confirm delivery, the orders complete, and each piece gets a
review through ``reviews.services`` (different ratings, so that the shops'
averages differ), one answered by the shop. Idempotent: each order carries
its own checkout key, and a line already reviewed is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from artists.models import Variant
from orders import services as order_services
from orders.models import ArtistOrder, ArtistOrderState, Cart, Order, OrderLine
from reviews import services as review_services
from reviews.models import Review

from .orders import take_step


@dataclass(frozen=True)
class Sale:
    slug: str
    title: str
    variant: str
    rating: int
    review: str
    answer: str = ""


@dataclass(frozen=True)
class DemoSale:
    username: str
    key: str
    address: dict
    pieces: tuple[Sale, ...]


SALES = [
    DemoSale(
        username="louise",
        key="demo-catalogue-louise",
        address={
            "name": "Louise Bernard",
            "line1": "4 place du Marché",
            "city": "Rennes",
            "postcode": "35000",
            "country": "FR",
        },
        pieces=(
            Sale(
                "hugo-bois-tourne",
                "Planche à découper en noyer",
                "Moyenne, 30 × 20 cm",
                5,
                "A superb board, heavy and perfectly finished. It smells of "
                "linseed oil and looks even better in real life.",
            ),
            Sale(
                "nora-clay",
                "Speckled stoneware teapot",
                "Standard",
                3,
                "The glaze is lovely, but the lid rattles a little when I pour.",
                answer="I am sorry about the lid: write to me and I will send "
                "you one ground to fit.",
            ),
        ),
    ),
    DemoSale(
        username="jeanne",
        key="demo-catalogue-jeanne",
        address={
            "name": "Jeanne Girard",
            "line1": "21 rue des Filatiers",
            "city": "Toulouse",
            "postcode": "31000",
            "country": "FR",
        },
        pieces=(
            Sale(
                "hugo-bois-tourne",
                "Cuillère à confiture en cerisier",
                "Standard",
                5,
                "Une petite cuillère adorable, très douce au toucher. "
                "Je vais en commander d’autres pour offrir.",
                answer="Merci beaucoup, ça me fait très plaisir !",
            ),
            Sale(
                "nora-clay",
                "Small teapot for one",
                "Standard",
                4,
                "Une jolie théière qui verse sans goutter ; la livraison depuis "
                "Édimbourg a pris dix jours.",
            ),
        ),
    ),
]


def _order(buyer: User, sale: DemoSale) -> Order | None:
    """The sale's order, placed through the checkout the first time."""
    placed = Order.objects.filter(
        buyer=buyer, checkout_key=f"{buyer.pk}:{sale.key}"
    ).first()
    if placed is not None:
        return placed
    cart, _created = Cart.objects.get_or_create(user=buyer)
    if cart.lines.exists():
        return None  # never check out a piece the buyer put in the cart
    for piece in sale.pieces:
        variant = Variant.objects.filter(
            item__artist__slug=piece.slug,
            item__title=piece.title,
            name=piece.variant,
            stock__gte=1,
        ).first()
        if variant is not None:
            order_services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    if not cart.lines.exists():
        return None
    return order_services.checkout(
        cart=cart,
        buyer=buyer,
        shipping_address=sale.address,
        payment={"provider": "test", "token": "ok"},
        idempotency_key=sale.key,
    )


def _complete(artist_order: ArtistOrder) -> None:
    """Accepted, shipped, delivered and completed, by whoever does each."""
    steps = [
        (ArtistOrderState.AWAITING_ACCEPTANCE, "accept"),
        (ArtistOrderState.ACCEPTED, "ship"),
        (ArtistOrderState.SHIPPED, "deliver"),
        (ArtistOrderState.DELIVERED, "complete"),
    ]
    for state, step in steps:
        artist_order = ArtistOrder.objects.select_related(
            "artist__user", "order__buyer"
        ).get(pk=artist_order.pk)
        if artist_order.state == state:
            take_step(artist_order, step)


def _review(buyer: User, order: Order, pieces: tuple[Sale, ...]) -> int:
    written = 0
    for piece in pieces:
        line = (
            OrderLine.objects.filter(
                artist_order__order=order,
                artist_order__artist__slug=piece.slug,
                artist_order__state=ArtistOrderState.COMPLETED,
                title=piece.title,
            )
            .exclude(pk__in=Review.objects.values("line_id"))
            .select_related("artist_order__artist")
            .first()
        )
        if line is None:
            continue
        review = review_services.review_create(
            buyer=buyer, line=line, rating=piece.rating, text=piece.review
        )
        written += 1
        if piece.answer:
            review_services.review_answer(
                review=review, artist=line.artist_order.artist, text=piece.answer
            )
    return written


def seed_catalogue_sales() -> int:
    """The sales and their reviews; returns how many reviews were written."""
    written = 0
    for sale in SALES:
        buyer = User.objects.filter(username=sale.username).first()
        order = buyer and _order(buyer, sale)
        if order is None:
            continue
        for artist_order in order.artist_orders.all():
            _complete(artist_order)
        written += _review(buyer, order, sale.pieces)
    return written
