"""The demo marketplace loaded by ``python manage.py seed_demo``.

Idempotent: users, shops and items are matched by username, slug and title;
the demo orders (``demo.orders``: every state for both demo buyers) each
carry their own checkout key, and the demo money (``demo.money``) is made
only when no payout exists yet.
"""

import functools
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from accounts.models import User
from artists.models import Artist, Item, ItemPhoto, Variant
from marketplace.images import make_thumbnail
from orders.models import DiscountCode

from .money import seed_money
from .orders import seed_order_states

PASSWORD = "demo-pass-2026"  # noqa: S105 - the published demo password


@dataclass
class DemoItem:
    title: str
    description: str
    price: str
    colour: tuple
    shape: str
    variants: list = field(default_factory=lambda: [("", None, 6)])
    size_guide: str = ""
    personalisable: bool = False


@dataclass
class DemoShop:
    username: str
    language: str
    slug: str
    name: str
    story: str
    location: str
    country: str
    terms: dict
    items: list


SHOPS = [
    DemoShop(
        username="claire",
        language="fr",
        slug="atelier-claire",
        name="Atelier Claire — céramique",
        story="Stoneware thrown and glazed by hand in a small workshop near Lyon. "
        "Every bowl is fired twice and is food safe.",
        location="Lyon, France",
        country="FR",
        terms={
            "return_window_days": 30,
            "accepts_exchanges": True,
            "refunds_original_shipping": False,
            "return_postage_paid_by": "buyer",
            "processing_days": 3,
            "shipping_domestic": Decimal("6.50"),
            "shipping_eu": Decimal("12.00"),
            "shipping_world": Decimal("24.00"),
            "free_shipping_over": Decimal("80.00"),
        },
        items=[
            DemoItem(
                "Speckled stoneware bowl",
                "A deep bowl for soups and salads, glazed in oatmeal white.",
                "32.00",
                (214, 200, 178),
                "bowl",
                variants=[("Small (12 cm)", None, 8), ("Large (18 cm)", "42.00", 4)],
            ),
            DemoItem(
                "Celadon mug",
                "A 30 cl mug with a thumb rest, in a pale green celadon glaze.",
                "26.00",
                (170, 199, 178),
                "mug",
                variants=[("", None, 12)],
            ),
            DemoItem(
                "Personalised serving plate",
                "A 28 cm plate; the name or date of your choice is written "
                "by hand under the glaze.",
                "58.00",
                (226, 214, 196),
                "plate",
                variants=[("", None, 5)],
                personalisable=True,
            ),
            DemoItem(
                "Ink-blue vase",
                "A tall vase, thrown in one piece, with a deep blue glaze.",
                "74.00",
                (52, 78, 122),
                "vase",
                variants=[("", None, 1)],
            ),
        ],
    ),
    DemoShop(
        username="jonas",
        language="en",
        slug="jonas-weaves",
        name="Jonas Weaves",
        story="Scarves and blankets woven on a floor loom in Ghent from "
        "undyed Belgian wool and linen.",
        location="Ghent, Belgium",
        country="BE",
        terms={
            "return_window_days": 14,
            "accepts_exchanges": True,
            "refunds_original_shipping": True,
            "return_postage_paid_by": "artist",
            "processing_days": 5,
            "shipping_domestic": Decimal("4.90"),
            "shipping_eu": Decimal("8.90"),
            "shipping_world": Decimal("19.00"),
            "free_shipping_over": None,
        },
        items=[
            DemoItem(
                "Herringbone wool scarf",
                "Soft undyed wool in a herringbone weave, 180 × 30 cm.",
                "68.00",
                (150, 132, 112),
                "scarf",
                variants=[
                    ("Natural", None, 12),
                    ("Charcoal", None, 3),
                    ("Rust", "72.00", 0),
                ],
            ),
            DemoItem(
                "Linen tea towel",
                "Heavy linen, woven in stripes, hemmed by hand.",
                "18.00",
                (208, 196, 170),
                "towel",
                variants=[("", None, 20)],
            ),
            DemoItem(
                "Throw blanket",
                "A large wool throw, 200 × 140 cm, woven in two panels.",
                "190.00",
                (120, 96, 80),
                "blanket",
                variants=[("", None, 2)],
            ),
        ],
    ),
    DemoShop(
        username="mika",
        language="en",
        slug="mika-silver",
        name="Mika Silver",
        story="Rings and earrings in recycled silver, hammered and "
        "polished one by one in Porto.",
        location="Porto, Portugal",
        country="PT",
        terms={
            "return_window_days": 0,
            "accepts_exchanges": False,
            "refunds_original_shipping": False,
            "return_postage_paid_by": "buyer",
            "processing_days": 2,
            "shipping_domestic": Decimal("3.00"),
            "shipping_eu": Decimal("5.50"),
            "shipping_world": Decimal("12.00"),
            "free_shipping_over": Decimal("50.00"),
        },
        items=[
            DemoItem(
                "Hammered silver ring",
                "A 4 mm band in recycled sterling silver with a hammered finish.",
                "45.00",
                (196, 198, 204),
                "ring",
                variants=[
                    ("Size 50", None, 2),
                    ("Size 54", None, 6),
                    ("Size 58", None, 1),
                ],
                size_guide="Measure the inside circumference of a ring that fits, in "
                "millimetres: that number is the size (54 mm = size 54).",
                personalisable=True,
            ),
            DemoItem(
                "Pebble earrings",
                "Small domed studs, oxidised and polished.",
                "38.00",
                (150, 152, 160),
                "earrings",
                variants=[("", None, 7)],
            ),
        ],
    ),
]


def demo_photo(*, colour, shape, seed) -> ContentFile:
    """A soft, studio-like picture of a shape, drawn with Pillow (no network)."""
    rnd = random.Random(seed)  # noqa: S311 - decoration only
    size = 800
    base = tuple(min(255, c + 40) for c in colour)
    image = Image.new("RGB", (size, size), (246, 241, 234))
    draw = ImageDraw.Draw(image)
    for y in range(size):
        shade = int(12 * y / size)
        draw.line([(0, y), (size, y)], fill=(246 - shade, 241 - shade, 234 - shade))
    draw.ellipse([150, 640, 650, 720], fill=(222, 214, 204))
    if shape in {"bowl", "plate"}:
        top = 300 if shape == "bowl" else 430
        draw.chord([160, top - 140, 640, 660], 0, 180, fill=colour)
        draw.ellipse([160, top - 40, 640, top + 60], fill=base)
    elif shape in {"mug", "vase"}:
        width = 150 if shape == "mug" else 120
        top = 330 if shape == "mug" else 140
        draw.rounded_rectangle(
            [400 - width, top, 400 + width, 670], radius=40, fill=colour
        )
        if shape == "mug":
            draw.ellipse([530, 420, 640, 580], outline=colour, width=28)
        draw.ellipse([400 - width, top - 30, 400 + width, top + 30], fill=base)
    elif shape in {"ring", "earrings"}:
        for cx in [400] if shape == "ring" else [300, 500]:
            radius = 150 if shape == "ring" else 70
            draw.ellipse(
                [cx - radius, 400 - radius, cx + radius, 400 + radius], fill=colour
            )
            if shape == "ring":
                inner = radius - 32
                draw.ellipse(
                    [cx - inner, 400 - inner, cx + inner, 400 + inner],
                    fill=(240, 235, 228),
                )
    else:
        draw.rounded_rectangle([170, 200, 630, 660], radius=18, fill=colour)
        for x in range(190, 630, 22):
            draw.line([(x, 200), (x + rnd.randint(-6, 6), 660)], fill=base, width=6)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85)
    return ContentFile(output.getvalue(), name=f"demo-{shape}-{seed}.jpg")


def ensure_user(
    *, username, email, language="en", is_staff=False, first_name="", last_name=""
) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "email": email,
            "language": language,
            "is_staff": is_staff,
            "is_superuser": is_staff,
            "first_name": first_name,
            "last_name": last_name,
        },
    )
    if created:
        user.password = _password_hash()
        user.save(update_fields=["password"])
    return user, created


@functools.cache
def _password_hash() -> str:
    """The demo password hashed once for every demo user (hashing takes
    about half a second each; the password is published anyway)."""
    return make_password(PASSWORD)


@transaction.atomic
def seed_shops() -> list[Artist]:
    artists = []
    for spec in SHOPS:
        user, _ = ensure_user(
            username=spec.username,
            email=f"{spec.username}@atelier.test",
            language=spec.language,
        )
        artist, _ = Artist.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "user": user,
                "name": spec.name,
                "story": spec.story,
                "location": spec.location,
                "country": spec.country,
                "approved_at": timezone.now(),
                **spec.terms,
            },
        )
        for index, demo in enumerate(spec.items):
            item, created = Item.objects.get_or_create(
                artist=artist,
                title=demo.title,
                defaults={
                    "description": demo.description,
                    "price": Decimal(demo.price),
                    "size_guide": demo.size_guide,
                    "personalisable": demo.personalisable,
                },
            )
            if not created:
                continue
            for position, (name, price, stock) in enumerate(demo.variants):
                Variant.objects.create(
                    item=item,
                    name=name or "Standard",
                    price=Decimal(price) if price else None,
                    stock=stock,
                    position=position,
                )
            photo = demo_photo(
                colour=demo.colour, shape=demo.shape, seed=f"{spec.slug}-{index}"
            )
            record = ItemPhoto(item=item, position=0)
            record.image.save(photo.name, photo, save=False)
            record.thumbnail.save(
                photo.name.replace(".jpg", "-thumb.jpg"),
                make_thumbnail(record.image),
                save=False,
            )
            record.save()
        artists.append(artist)
    DiscountCode.objects.get_or_create(
        code="WELCOME10", defaults={"kind": "percent", "value": Decimal("10")}
    )
    DiscountCode.objects.get_or_create(
        code="CLAIRE5",
        defaults={
            "kind": "fixed",
            "value": Decimal("5.00"),
            "artist": artists[0],
            "minimum_amount": Decimal("30.00"),
        },
    )
    return artists


def seed() -> dict:
    staff, _ = ensure_user(username="staff", email="staff@atelier.test", is_staff=True)
    buyer, _ = ensure_user(
        username="buyer",
        email="buyer@atelier.test",
        first_name="Camille",
        last_name="Martin",
    )
    ensure_user(
        username="acheteuse",
        email="acheteuse@atelier.test",
        language="fr",
        first_name="Élodie",
        last_name="Laurent",
    )
    artists = seed_shops()
    orders = seed_order_states()
    louise, _ = ensure_user(
        username="louise",
        email="louise@atelier.test",
        first_name="Louise",
        last_name="Bernard",
    )
    payouts = seed_money(buyer=louise)
    return {
        "staff": staff,
        "buyer": buyer,
        "artists": artists,
        "orders_placed": orders,
        "payouts": payouts,
    }
