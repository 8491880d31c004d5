"""The demo marketplace loaded by ``python manage.py seed_demo``.

Six shops (``demo.shops``, ``demo.shops_more``) with 62 pieces filed in the
category tree of ``demo.catalogue``. Idempotent: users, shops, categories
and items are matched by username, slug and title; the demo orders
(``demo.orders``: every state for both demo buyers) and the reviewed sales
of the newer shops (``demo.sales``) each carry their own checkout key, the
demo money (``demo.money``) is made only when no payout exists yet, and a
line already reviewed (``demo.reviews``) is left as it is.
"""

import functools
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from artists.models import Artist, Item, ItemPhoto, Variant
from orders.models import DiscountCode

from .catalogue import seed_categories
from .money import seed_money
from .orders import seed_order_states
from .photos import demo_photo
from .reviews import seed_reviews
from .sales import seed_catalogue_sales
from .shops import FIRST_SHOPS
from .shops_more import MORE_SHOPS
from .support import seed_support

PASSWORD = "demo-pass-2026"  # noqa: S105 - the published demo password


SHOPS = [*FIRST_SHOPS, *MORE_SHOPS]


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


def _shop(spec) -> Artist:
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
    if spec.holiday:
        # On holiday whenever the demo is loaded: the dates follow today.
        today = timezone.localdate()
        start, end = (today + timedelta(days=days) for days in spec.holiday)
        if artist.holiday_end_date is None or artist.holiday_end_date < today:
            Artist.objects.filter(pk=artist.pk).update(
                holiday_start_date=start,
                holiday_end_date=end,
                holiday_message=spec.holiday_message,
            )
    return artist


def _photo(item: Item, demo, seed: str) -> None:
    photo, thumbnail = demo_photo(colour=demo.colour, shape=demo.shape, seed=seed)
    record = ItemPhoto(item=item, position=0)
    record.image.save(photo.name, photo, save=False)
    record.thumbnail.save(thumbnail.name, thumbnail, save=False)
    record.save()


def _item(artist: Artist, demo, *, category, seed: str, age: timedelta) -> None:
    item, created = Item.objects.get_or_create(
        artist=artist,
        title=demo.title,
        defaults={
            "description": demo.description,
            "price": Decimal(demo.price),
            "size_guide": demo.size_guide,
            "personalisable": demo.personalisable,
            "category": category,
        },
    )
    if not created:
        # A demo database made before the categories: file its pieces.
        if item.category_id is None and category is not None:
            Item.objects.filter(pk=item.pk).update(category=category)
        return
    Variant.objects.bulk_create(
        Variant(
            item=item,
            name=name or "Standard",
            price=Decimal(price) if price else None,
            stock=stock,
            position=position,
        )
        for position, (name, price, stock) in enumerate(demo.variants)
    )
    # Listed over the last three months, so that "newest" means something.
    Item.objects.filter(pk=item.pk).update(created_at=timezone.now() - age)
    _photo(item, demo, seed)


@transaction.atomic
def seed_shops() -> list[Artist]:
    categories = seed_categories()
    artists = []
    listed = 0
    for spec in SHOPS:
        artist = _shop(spec)
        for index, demo in enumerate(spec.items):
            listed += 1
            _item(
                artist,
                demo,
                category=categories.get(demo.category),
                seed=f"{spec.slug}-{index}",
                age=timedelta(days=(listed * 37) % 90, hours=listed),
            )
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
    ensure_user(
        username="jeanne",
        email="jeanne@atelier.test",
        language="fr",
        first_name="Jeanne",
        last_name="Girard",
    )
    reviews = seed_catalogue_sales() + seed_reviews()
    seed_support(staff=staff, buyer=buyer)
    return {
        "staff": staff,
        "buyer": buyer,
        "artists": artists,
        "orders_placed": orders,
        "payouts": payouts,
        "reviews": reviews,
    }
