"""A realistic dataset for the benchmark, built through the real services
where it matters (carts, checkout, accept, ship) and with PostgreSQL
``generate_series`` where only volume matters (1k to 1M artist orders).

Every figure of the bench points at an object made here; ``Dataset`` keeps
them by role and size.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from artists.models import Artist, Item, ItemPhoto, Variant
from orders.models import ArtistOrder, Cart, Order, OrderLine

ADDRESS = {
    "name": "Camille Martin",
    "line1": "12 rue des Potiers",
    "line2": "",
    "city": "Lyon",
    "postcode": "69001",
    "country": "FR",
}
PAYMENT = {"provider": "test", "token": "ok"}
BULK_PREFIX = "BK-"
STOCK = 10_000_000
_counter = itertools.count(1)
_RUN = secrets.token_hex(2)  # usernames stay unique when a database is seeded twice


@dataclass
class Dataset:
    artists: list = field(default_factory=list)
    items: dict = field(default_factory=dict)  # variants -> Item (1, 5, 20)
    cart_buyers: dict = field(default_factory=dict)  # artists -> User (1, 3, 10)
    orders: dict = field(default_factory=dict)  # "5x4" -> (User, Order)
    dashboard_artists: dict = field(default_factory=dict)  # rows -> Artist (1, 10, 25)
    big_artist: Artist | None = None
    bulk_buyers: list = field(default_factory=list)
    bulk_rows: int = 0


_PASSWORD = []


def seed_password() -> str:
    """One hashed password for every bench user (hashing is slow on purpose)."""
    if not _PASSWORD:
        _PASSWORD.append(make_password("bench-pass-2026"))
    return _PASSWORD[0]


def make_users(prefix: str, count: int, password: str) -> list[User]:
    users = [
        User(
            username=f"{prefix}{_RUN}-{next(_counter)}",
            email=f"{prefix}{i}@bench.example",
            password=password,
            language="en",
        )
        for i in range(count)
    ]
    return User.objects.bulk_create(users)


def make_artists(
    count: int, password: str, *, items_per_artist: int = 8, prefix: str = "artist"
) -> list[Artist]:
    users = make_users(prefix, count, password)
    now = timezone.now()
    artists = Artist.objects.bulk_create(
        Artist(
            user=user,
            slug=f"bench-{user.username}",
            name=f"Atelier {user.username.title()}",
            story="Pieces thrown, woven and hammered by hand in a small workshop. " * 4,
            location="Lyon",
            country="FR",
            approved_at=now,
            shipping_domestic=Decimal("5.00"),
            shipping_eu=Decimal("9.00"),
            shipping_world=Decimal("18.00"),
            free_shipping_over=Decimal("150.00"),
        )
        for user in users
    )
    for artist in artists:
        make_items(artist, items_per_artist, variants=2, photos=2)
    return artists


def make_items(
    artist: Artist,
    count: int,
    *,
    variants: int,
    photos: int,
    personalisable: bool = False,
) -> list[Item]:
    items = Item.objects.bulk_create(
        Item(
            artist=artist,
            title=f"Stoneware bowl no. {next(_counter)}",
            description="Thrown on the wheel, glazed in celadon, fired at 1280 °C. "
            * 5,
            price=Decimal("24.00") + next(_counter) % 40,
            size_guide="Ø 14 cm, height 7 cm.",
            personalisable=personalisable,
        )
        for _ in range(count)
    )
    Variant.objects.bulk_create(
        Variant(item=item, name=f"Colour {n + 1}", stock=STOCK, position=n)
        for item in items
        for n in range(variants)
    )
    ItemPhoto.objects.bulk_create(
        ItemPhoto(
            item=item,
            image=f"items/{item.pk}/photo-{n}.jpg",
            thumbnail=f"items/{item.pk}/photo-{n}-thumb.jpg",
            position=n,
        )
        for item in items
        for n in range(photos)
    )
    return items


def first_variants(artist: Artist, count: int) -> list[Variant]:
    return list(Variant.objects.filter(item__artist=artist).order_by("id")[:count])


def fill_cart(buyer: User, artists: list[Artist], lines_per_artist: int) -> Cart:
    from orders.services import cart_add_line

    cart, _ = Cart.objects.get_or_create(user=buyer)
    for artist in artists:
        variants = first_variants(artist, lines_per_artist)
        if len(variants) < lines_per_artist:
            make_items(artist, lines_per_artist - len(variants), variants=1, photos=1)
            variants = first_variants(artist, lines_per_artist)
        for variant in variants:
            cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    return cart


def place_order(
    buyer: User, artists: list[Artist], lines_per_artist: int, *, key: str | None = None
) -> Order:
    from orders.services import checkout

    cart = fill_cart(buyer, artists, lines_per_artist)
    return checkout(
        cart=cart,
        buyer=buyer,
        shipping_address=ADDRESS,
        payment=PAYMENT,
        idempotency_key=key,
    )


def advance(artist_orders, *, accept: bool = True, ship: bool = False) -> None:
    """Move artist orders on through the real lifecycle services (when present)."""
    try:
        from orders.services import artist_order_accept, artist_order_ship
    except ImportError:  # the lifecycle is not there yet
        return
    for artist_order in artist_orders:
        if accept:
            artist_order = artist_order_accept(
                artist_order=artist_order, by=artist_order.artist.user
            )
        if ship:
            artist_order_ship(
                artist_order=artist_order,
                by=artist_order.artist.user,
                carrier="colissimo",
                tracking_number=f"6A{artist_order.pk:011d}",
            )


def seed(*, log=print) -> Dataset:
    started = time.monotonic()
    password = seed_password()
    data = Dataset()
    data.artists = make_artists(40, password)
    log(
        f"catalog: {len(data.artists)} artists, {Item.objects.count()} items, {Variant.objects.count()} variants"
    )

    showcase = data.artists[0]
    for variants, photos in ((1, 1), (5, 3), (20, 8)):
        (item,) = make_items(
            showcase, 1, variants=variants, photos=photos, personalisable=True
        )
        data.items[variants] = item

    for size in (1, 3, 10):
        (buyer,) = make_users(f"cart{size}-", 1, password)
        fill_cart(buyer, data.artists[:size], 2)
        data.cart_buyers[size] = buyer

    for artists, lines in ((1, 1), (5, 4), (10, 10)):
        (buyer,) = make_users(f"order{artists}x{lines}-", 1, password)
        order = place_order(buyer, data.artists[10 : 10 + artists], lines)
        artist_orders = list(
            order.artist_orders.select_related("artist__user").order_by("id")
        )
        # A lived-in order: some accepted, some shipped, the rest waiting.
        half = len(artist_orders) // 2
        advance(artist_orders[:half], accept=True, ship=True)
        advance(
            artist_orders[half : half + max(1, (len(artist_orders) - half) // 2)],
            accept=True,
        )
        data.orders[f"{artists}x{lines}"] = (buyer, order)
    log(f"orders placed through checkout: {', '.join(data.orders)}")

    buyers = make_users("buyer", 30, password)
    for rows in (1, 10, 25):
        (artist,) = make_artists(1, password, items_per_artist=3, prefix=f"dash{rows}-")
        for n in range(rows):
            order = place_order(buyers[n % len(buyers)], [artist], 1 + n % 3)
            if n % 5 in (1, 2):  # some to ship, most to accept
                advance(order.artist_orders.select_related("artist__user"), accept=True)
        data.dashboard_artists[rows] = artist
    log(
        f"dashboards: artists with {', '.join(map(str, data.dashboard_artists))} orders"
    )

    (data.big_artist,) = make_artists(
        1, password, items_per_artist=5, prefix="bigseller-"
    )
    data.bulk_buyers = make_users("bulkbuyer", 200, password)
    log(f"seeded in {time.monotonic() - started:.1f} s")
    return data


# ----------------------------------------------------------------------- bulk


def _select_list(model, exprs: dict) -> tuple[list[str], list[str], list]:
    """Columns and SQL expressions for every concrete field of ``model``:
    ``exprs`` where given, else the field's default (so a new column with a
    Python default does not break the bulk insert)."""
    columns, selects, params = [], [], []
    for model_field in model._meta.concrete_fields:
        name = model_field.name
        if name in exprs or model_field.column in exprs:
            columns.append(model_field.column)
            selects.append(exprs.get(name, exprs.get(model_field.column)))
            continue
        if model_field.primary_key:
            continue
        if getattr(model_field, "auto_now", False) or getattr(
            model_field, "auto_now_add", False
        ):
            columns.append(model_field.column)
            selects.append("now()")
        elif model_field.has_default():
            columns.append(model_field.column)
            selects.append("%s")
            params.append(
                model_field.get_db_prep_save(model_field.get_default(), connection)
            )
        elif model_field.null:
            continue
        elif model_field.empty_strings_allowed and model_field.blank:
            columns.append(model_field.column)
            selects.append("''")
        else:
            raise RuntimeError(f"bench: no value for {model.__name__}.{name}")
    return columns, selects, params


STATE_SQL = """CASE
    WHEN g <= 300 THEN (ARRAY['awaiting_acceptance', 'accepted', 'shipped'])[1 + mod(g, 3)]
    WHEN mod(g, 50) = 7 THEN 'refused'
    WHEN mod(g, 50) = 13 THEN 'cancelled'
    WHEN g <= 3000 THEN 'delivered'
    ELSE 'completed' END"""


def grow_artist_orders(
    data: Dataset, total: int, *, chunk: int = 250_000, log=print
) -> None:
    """Bulk artist orders (one order, one artist order and one line each)
    until there are ``total``; every tenth belongs to ``data.big_artist``,
    the rest to the other artists. Row ``g`` is ``g`` × 30 s old, so the
    newest rows (and the big artist's first pages) are the same at any size."""
    started = time.monotonic()
    fillers = [artist.pk for artist in data.artists]
    buyers = [user.pk for user in data.bulk_buyers]
    with connection.cursor() as cursor:
        while data.bulk_rows < total:
            first, last = data.bulk_rows + 1, min(total, data.bulk_rows + chunk)
            with transaction.atomic():
                _bulk_orders(cursor, buyers, first, last)
                _bulk_artist_orders(cursor, data.big_artist.pk, fillers, first, last)
                _bulk_lines(cursor, first, last)
            data.bulk_rows = last
            log(f"bulk artist orders: {last:,} ({time.monotonic() - started:.0f} s)")
        # As autovacuum would leave a live database: statistics and the
        # visibility map (index-only scans) up to date.
        cursor.execute("VACUUM ANALYZE")


def _bulk_orders(cursor, buyers, first, last):
    columns, selects, params = _select_list(
        Order,
        {
            "number": f"'{BULK_PREFIX}' || lpad(g::text, 9, '0')",
            "buyer": f"(ARRAY[{','.join(map(str, buyers))}]::bigint[])[1 + mod(g, {len(buyers)})]",
            "email": "'bulk@bench.example'",
            "shipping_name": "'Camille Martin'",
            "shipping_line1": "'12 rue des Potiers'",
            "shipping_city": "'Lyon'",
            "shipping_postcode": "'69001'",
            "shipping_country": "'FR'",
            "items_total": "40.00",
            "shipping_total": "5.00",
            "discount_total": "0",
            "total": "45.00",
            "created_at": "now() - g * interval '30 seconds'",
        },
    )
    cursor.execute(
        f"INSERT INTO {Order._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM generate_series(%s, %s) AS g",
        [*params, first, last],
    )


def _bulk_artist_orders(cursor, big_artist, fillers, first, last):
    state = STATE_SQL
    columns, selects, params = _select_list(
        ArtistOrder,
        {
            "order": "o.id",
            "artist": f"CASE WHEN mod(g, 10) = 0 THEN {int(big_artist)} "
            f"ELSE (ARRAY[{','.join(map(str, fillers))}]::bigint[])[1 + mod(g, {len(fillers)})] END",
            "state": state,
            "items_total": "40.00",
            "shipping_fee": "5.00",
            "discount": "0",
            "total": "45.00",
            "paid": "45.00",
            "refunded": f"CASE WHEN ({state}) = 'refused' THEN 45.00 ELSE 0 END",
            "shipping_zone": "'domestic'",
            "dispatch_date": "(o.created_at + interval '3 days')::date",
            "acceptance_deadline": "o.created_at + interval '72 hours'",
            "paid_at": "o.created_at",
            "accepted_at": f"CASE WHEN ({state}) IN ('awaiting_acceptance', 'refused', 'cancelled') THEN NULL ELSE o.created_at + interval '5 hours' END",
            "shipped_at": f"CASE WHEN ({state}) IN ('shipped', 'delivered', 'completed') THEN o.created_at + interval '2 days' ELSE NULL END",
            "carrier": f"CASE WHEN ({state}) IN ('shipped', 'delivered', 'completed') THEN 'colissimo' ELSE '' END",
            "tracking_number": f"CASE WHEN ({state}) IN ('shipped', 'delivered', 'completed') THEN '6A' || lpad(g::text, 11, '0') ELSE '' END",
            "delivered_at": f"CASE WHEN ({state}) IN ('delivered', 'completed') THEN o.created_at + interval '4 days' ELSE NULL END",
            "closed_at": f"CASE WHEN ({state}) IN ('completed', 'refused', 'cancelled') THEN o.created_at + interval '20 days' ELSE NULL END",
            "created_at": "o.created_at",
        },
    )
    cursor.execute(
        f"INSERT INTO {ArtistOrder._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM (SELECT id, created_at, substr(number, {len(BULK_PREFIX) + 1})::int AS g "
        f"FROM {Order._meta.db_table} WHERE number BETWEEN %s AND %s) AS o",
        [*params, f"{BULK_PREFIX}{first:09d}", f"{BULK_PREFIX}{last:09d}"],
    )


def _bulk_lines(cursor, first, last):
    columns, selects, params = _select_list(
        OrderLine,
        {
            "artist_order": "ao.id",
            "title": "'Stoneware bowl'",
            "variant_name": "'Celadon'",
            "unit_price": "20.00",
            "quantity": "2",
            "line_total": "40.00",
        },
    )
    cursor.execute(
        f"INSERT INTO {OrderLine._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM {ArtistOrder._meta.db_table} ao "
        f"JOIN {Order._meta.db_table} o ON o.id = ao.order_id WHERE o.number BETWEEN %s AND %s",
        [*params, f"{BULK_PREFIX}{first:09d}", f"{BULK_PREFIX}{last:09d}"],
    )
