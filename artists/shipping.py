"""Shipping zones, the one rule both the checkout (orders/pricing.py) and the
catalogue's "ships to" filter price delivery with.

A shop ships to its own country, and to the rest of the European Union and
the rest of the world when its terms say so (``ships_to_eu``,
``ships_worldwide``): its terms give a fee per zone and a threshold over
which delivery is free.
"""

from django.db.models import Case, DecimalField, F, Q, Value, When

# The 27 member states of the European Union (ISO 3166-1 alpha-2). Shipping to
# any other country uses the "world" fee and shows the customs notice.
EU_COUNTRIES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR",
        "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO",
        "SE", "SI", "SK",
    }
)  # fmt: skip

DOMESTIC = "domestic"
EU = "eu"
WORLD = "world"


def shipping_zone(*, origin: str, destination: str) -> str:
    """``domestic`` when the parcel stays in the artist's country, ``eu`` when
    it goes to a member state of the EU, ``world`` otherwise."""
    origin, destination = str(origin).upper(), str(destination).upper()
    if origin == destination:
        return DOMESTIC
    if destination in EU_COUNTRIES:
        return EU
    return WORLD


def serves_zone(artist, zone: str) -> bool:
    """Whether ``artist`` ships to ``zone`` (its own country always)."""
    if zone == EU:
        return bool(artist.ships_to_eu)
    if zone == WORLD:
        return bool(artist.ships_worldwide)
    return True


def ships_to_q(destination: str, *, prefix: str = "") -> Q:
    """A condition over artists (``prefix="artist__"`` over items): the shop
    serves ``destination``'s zone. One condition, no query per row."""
    destination = str(destination).upper()
    zone_field = "ships_to_eu" if destination in EU_COUNTRIES else "ships_worldwide"
    return Q(**{f"{prefix}country": destination}) | Q(**{f"{prefix}{zone_field}": True})


def item_shipping_fee_to(destination: str):
    """An expression over items: the delivery fee of one item alone to
    ``destination``, by the same zones as the checkout (free when its price
    reaches the shop's free-shipping threshold)."""
    destination = str(destination).upper()
    fee = DecimalField(max_digits=12, decimal_places=2)
    zone_fee = (
        "artist__shipping_eu"
        if destination in EU_COUNTRIES
        else "artist__shipping_world"
    )
    return Case(
        When(
            Q(artist__free_shipping_over__isnull=False)
            & Q(price__gte=F("artist__free_shipping_over")),
            then=Value(0, output_field=fee),
        ),
        When(artist__country=destination, then=F("artist__shipping_domestic")),
        default=F(zone_fee),
        output_field=fee,
    )
