"""Demo orders in every state, for both demo buyers and all three shops, so
that every page has something to show at first login.

Each state is one order of ``buyer`` (English) or ``acheteuse`` (French)
with one or two shops; the shops alternate between the two buyers so that
each buyer has every state and each shop has every state too. Then each
buyer has a return on its way back or just asked, an exchange, a
conversation with a shop, and a piece waiting in the cart.

Everything goes through the real services: checkout, the artist order's
transitions, cancellation, the not-received report, return requests and
messages. Idempotent: each order carries its own checkout key
(``demo-<state>``), and one already placed is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.test import override_settings

from accounts.models import User
from artists.models import Artist, Variant
from messaging.services import artist_order_message_post
from orders import services as order_services
from orders.models import ArtistOrder, Cart, Order
from returns import services as return_services

# The states every buyer and every shop gets, in the order they are placed.
STATES = [
    "awaiting_acceptance",
    "accepted",
    "shipped",
    "delivered",
    "completed",
    "refused",
    "cancelled",
    "cancellation_requested",
    "not_received",
]
SHOP_SLUGS = ["atelier-claire", "jonas-weaves", "mika-silver"]

# The pieces each shop sells in the demo orders, taken in turn: (item, variant).
PIECES = {
    "atelier-claire": [
        ("Celadon mug", "Standard"),
        ("Speckled stoneware bowl", "Small (12 cm)"),
    ],
    "jonas-weaves": [
        ("Linen tea towel", "Standard"),
        ("Herringbone wool scarf", "Natural"),
    ],
    "mika-silver": [
        ("Pebble earrings", "Standard"),
        ("Hammered silver ring", "Size 54"),
    ],
}


@dataclass(frozen=True)
class DemoBuyer:
    username: str
    address: dict
    refusal: str
    cancellation: str
    not_received: str
    conversation: tuple[str, str, str]
    return_comment: str
    exchange_comment: str


BUYERS = [
    DemoBuyer(
        username="buyer",
        address={
            "name": "Camille Martin",
            "line1": "12 rue des Tisserands",
            "city": "Nantes",
            "postcode": "44000",
            "country": "FR",
        },
        refusal="This glaze came out of the kiln crazed; I would rather not "
        "send it. You have been refunded in full.",
        cancellation="I ordered it twice by mistake, sorry.",
        not_received="The tracking has not moved for two weeks.",
        conversation=(
            "Hello! Could you wrap it as a gift? It is for my sister's birthday.",
            "Of course: it will leave in tissue paper with a small card.",
            "Thank you, that is perfect!",
        ),
        return_comment="Lovely towel, but it does not match my kitchen after all.",
        exchange_comment="The small bowl is too small for soup: could I have "
        "the large one instead?",
    ),
    DemoBuyer(
        username="acheteuse",
        address={
            "name": "Élodie Laurent",
            "line1": "8 rue des Potiers",
            "city": "Lyon",
            "postcode": "69001",
            "country": "FR",
        },
        refusal="Cette pièce est sortie du four fêlée ; je préfère ne pas "
        "l'envoyer. Vous êtes remboursée en totalité.",
        cancellation="Je me suis trompée de taille, désolée.",
        not_received="Le suivi n'a pas bougé depuis deux semaines.",
        conversation=(
            "Bonjour ! Pourriez-vous l'emballer pour un cadeau ?",
            "Bien sûr : il partira dans du papier de soie avec une petite carte.",
            "Merci beaucoup !",
        ),
        return_comment="Les boucles sont jolies mais trop petites pour moi.",
        exchange_comment="Le naturel est trop clair : je préférerais le charbon.",
    ),
]


def _variant(*, slug: str, title: str, name: str) -> Variant | None:
    return Variant.objects.filter(
        item__artist__slug=slug, item__title=title, name=name, stock__gte=1
    ).first()


def _key(name: str) -> str:
    return f"demo-{name}"


def _placed(buyer: User, name: str) -> bool:
    # checkout() stores the key as "<buyer id>:<key>".
    return Order.objects.filter(
        buyer=buyer, checkout_key=f"{buyer.pk}:{_key(name)}"
    ).exists()


def _place(
    *, buyer: User, spec: DemoBuyer, name: str, pieces: list[tuple[str, str, str]]
) -> list[ArtistOrder]:
    """One order of ``pieces`` ((shop slug, item, variant)) through the
    checkout; its artist orders in the order of ``pieces``."""
    cart, _created = Cart.objects.get_or_create(user=buyer)
    for slug, title, variant_name in pieces:
        variant = _variant(slug=slug, title=title, name=variant_name)
        if variant is not None:
            order_services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    if not cart.lines.exists():
        return []
    order = order_services.checkout(
        cart=cart,
        buyer=buyer,
        shipping_address=spec.address,
        payment={"provider": "test", "token": "ok"},
        idempotency_key=_key(name),
    )
    by_slug = {
        ao.artist.slug: ao for ao in order.artist_orders.select_related("artist")
    }
    return [by_slug[slug] for slug, _t, _v in pieces if slug in by_slug]


def _fresh(artist_order: ArtistOrder) -> ArtistOrder:
    return ArtistOrder.objects.select_related("artist__user", "order__buyer").get(
        pk=artist_order.pk
    )


def _take_to(artist_order: ArtistOrder, state: str, *, spec: DemoBuyer) -> None:
    """Move a paid artist order to ``state`` (one of ``STATES``, or
    ``delivered`` on the way to a return) as its artist and buyer would."""
    path = {
        "awaiting_acceptance": [],
        "accepted": ["accept"],
        "shipped": ["accept", "ship"],
        "delivered": ["accept", "ship", "deliver"],
        "completed": ["accept", "ship", "deliver", "complete"],
        "refused": ["refuse"],
        "cancelled": ["cancel"],
        "cancellation_requested": ["accept", "cancel"],
        "not_received": ["accept", "ship", "report"],
    }[state]
    for step in path:
        take_step(_fresh(artist_order), step, spec=spec)


def take_step(artist_order: ArtistOrder, step: str, *, spec: DemoBuyer | None = None):
    """One step of an artist order's life (``accept``, ``ship``, ``deliver``,
    ``complete``, ``refuse``, ``cancel`` or ``report``), by whoever takes it;
    the last three say what ``spec``'s buyer wrote."""
    artist = artist_order.artist.user
    buyer = artist_order.order.buyer
    if step == "accept":
        order_services.artist_order_accept(artist_order=artist_order, by=artist)
    elif step == "ship":
        order_services.artist_order_ship(
            artist_order=artist_order,
            by=artist,
            carrier="Colissimo",
            tracking_number=f"6A{artist_order.pk:011d}",
        )
    elif step == "deliver":
        order_services.artist_order_confirm_delivery(
            artist_order=artist_order, by=buyer
        )
    elif step == "complete":
        order_services.artist_order_complete(artist_order=artist_order)
    elif step == "refuse":
        order_services.artist_order_refuse(
            artist_order=artist_order, by=artist, reason=spec.refusal
        )
    elif step == "cancel":
        order_services.artist_order_cancel(
            artist_order=artist_order, by=buyer, reason=spec.cancellation
        )
    else:
        # A parcel can be reported once it has had time to arrive; the
        # demo does not wait two weeks.
        with override_settings(NOT_RECEIVED_AFTER_DAYS=0):
            order_services.artist_order_report_not_received(
                artist_order=artist_order, by=buyer, note=spec.not_received
            )


def _converse(artist_order: ArtistOrder, *, spec: DemoBuyer) -> None:
    artist_order = _fresh(artist_order)
    authors = [artist_order.order.buyer, artist_order.artist.user]
    for turn, body in enumerate(spec.conversation):
        artist_order_message_post(
            artist_order=artist_order, author=authors[turn % 2], body=body
        )


def _states(*, buyer: User, spec: DemoBuyer, turn: int) -> int:
    """The orders of every state for the buyer of ``turn`` (0 or 1)."""
    placed = 0
    for index, state in enumerate(STATES):
        if _placed(buyer, state):
            continue
        slugs = [
            slug
            for position, slug in enumerate(SHOP_SLUGS)
            if (index + position) % 2 == turn
        ]
        pieces = [(slug, *PIECES[slug][index % 2]) for slug in slugs]
        artist_orders = _place(buyer=buyer, spec=spec, name=state, pieces=pieces)
        for artist_order in artist_orders:
            _take_to(artist_order, state, spec=spec)
        if state == "accepted" and artist_orders:
            _converse(artist_orders[0], spec=spec)
        placed += 1
    return placed


def _returns(*, buyer: User, spec: DemoBuyer, turn: int) -> int:
    """A return and an exchange for the buyer of ``turn``: ``buyer`` sent a
    tea towel back and asks for a larger bowl; ``acheteuse`` asks to return
    earrings, and her scarf exchange was accepted."""
    plans = [
        [
            ("return", "jonas-weaves", "Linen tea towel", "Standard"),
            ("exchange", "atelier-claire", "Speckled stoneware bowl", "Small (12 cm)"),
        ],
        [
            ("return", "mika-silver", "Pebble earrings", "Standard"),
            ("exchange", "jonas-weaves", "Herringbone wool scarf", "Natural"),
        ],
    ][turn]
    placed = 0
    for kind, slug, title, variant_name in plans:
        name = f"{kind}-{slug}"
        if _placed(buyer, name):
            continue
        artist_orders = _place(
            buyer=buyer, spec=spec, name=name, pieces=[(slug, title, variant_name)]
        )
        placed += 1
        if not artist_orders:
            continue
        _take_to(artist_orders[0], "delivered", spec=spec)
        artist_order = _fresh(artist_orders[0])
        line = artist_order.lines.get()
        if kind == "return":
            request = return_services.return_request_create(
                buyer=buyer,
                line=line,
                quantity=1,
                kind="return",
                reason="changed_mind",
                comment=spec.return_comment,
            )
            if turn == 0:
                request = return_services.return_request_accept(
                    return_request=request,
                    by=artist_order.artist.user,
                    instructions="Send it to Jonas Weaves, Veldstraat 12, 9000 Ghent, "
                    "Belgium. The return postage is on me: keep the receipt.",
                )
                return_services.return_request_ship_back(
                    return_request=request,
                    by=buyer,
                    carrier="bpost",
                    tracking_number="CD123456789BE",
                )
            continue
        wanted = {"atelier-claire": "Large (18 cm)", "jonas-weaves": "Charcoal"}[slug]
        request = return_services.return_request_create(
            buyer=buyer,
            line=line,
            quantity=1,
            kind="exchange",
            reason="wrong_size" if turn == 0 else "changed_mind",
            comment=spec.exchange_comment,
            desired_variant=Variant.objects.get(item=line.variant.item, name=wanted),
        )
        if turn == 1:
            return_services.return_request_accept(
                return_request=request,
                by=artist_order.artist.user,
                instructions="Send it to Jonas Weaves, Veldstraat 12, 9000 Ghent, "
                "Belgium; the charcoal scarf leaves as soon as it arrives.",
            )
    return placed


def _fill_cart(*, buyer: User) -> None:
    """A personalised plate waits in the cart (once: an empty cart is
    filled only on the run that placed the buyer's demo orders)."""
    cart, _created = Cart.objects.get_or_create(user=buyer)
    if cart.lines.exists():
        return
    variant = _variant(
        slug="atelier-claire", title="Personalised serving plate", name="Standard"
    )
    if variant is not None:
        order_services.cart_add_line(
            cart=cart,
            variant_id=variant.pk,
            quantity=1,
            personalisation_text="Max & Lou, 12.06.2027",
        )


@transaction.atomic
def seed_order_states() -> int:
    """Every state for both demo buyers and the three shops; returns how
    many demo orders were placed (0 when all were already there)."""
    if Artist.objects.filter(slug__in=SHOP_SLUGS).count() < len(SHOP_SLUGS):
        return 0
    placed = 0
    for turn, spec in enumerate(BUYERS):
        buyer = User.objects.filter(username=spec.username).first()
        if buyer is None:
            continue
        cart = Cart.objects.filter(user=buyer).first()
        if cart is not None and cart.lines.exists():
            # A cart the buyer filled is not bought on their behalf.
            continue
        placed_now = _states(buyer=buyer, spec=spec, turn=turn)
        placed_now += _returns(buyer=buyer, spec=spec, turn=turn)
        if placed_now:
            _fill_cart(buyer=buyer)
        placed += placed_now
    return placed
