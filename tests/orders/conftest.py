from decimal import Decimal

import pytest

from .factories import make_artist, make_variant
from .helpers import add, logged_in


@pytest.fixture
def three_artists(db):
    """Three shops: a French one (English speaker), a French one whose owner
    reads French with free shipping from 50 €, and a Belgian one."""
    potter = make_artist("potter", name="Atelier Argile", country="FR")
    weaver = make_artist(
        "weaver",
        language="fr",
        name="Brins de Laine",
        country="FR",
        free_shipping_over=Decimal("50.00"),
    )
    smith = make_artist(
        "smith",
        name="Cuivre & Co",
        country="BE",
        shipping_domestic=Decimal("4.00"),
        shipping_eu=Decimal("7.50"),
    )
    return potter, weaver, smith


@pytest.fixture
def three_variants(three_artists):
    potter, weaver, smith = three_artists
    return (
        make_variant(potter, price="24.00", stock=5),
        make_variant(weaver, price="30.00", stock=3),
        make_variant(smith, price="12.35", stock=10),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def _report_at_once(settings):
    """A parcel may be reported as not received as soon as it is shipped
    (the API lifecycle and dashboard order modules use it on every test:
    ``pytestmark = pytest.mark.usefixtures("_report_at_once")``)."""
    settings.NOT_RECEIVED_AFTER_DAYS = 0


@pytest.fixture
def artist_client(artist):
    return logged_in(artist.user)


@pytest.fixture
def full_cart(buyer_api, three_variants):
    """2 bowls (potter), 2 scarves (weaver, free shipping from 50 €) and 3
    copper rings (smith, shipped from Belgium)."""
    bowl, scarf, ring = three_variants
    add(buyer_api, bowl, 2)
    add(buyer_api, scarf, 2)
    add(buyer_api, ring, 3)
    return three_variants
