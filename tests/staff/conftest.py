import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order


@pytest.fixture(autouse=True)
def _fresh(settings):
    """New-message emails leave at once; parcels may be reported as not
    received as soon as they are shipped; no rate limit carried over."""
    cache.clear()
    settings.MESSAGE_EMAIL_GROUP_SECONDS = 0
    settings.NOT_RECEIVED_AFTER_DAYS = 0
    yield
    cache.clear()


@pytest.fixture
def camille(db):
    return UserFactory(username="camille", email="camille@example.com", language="en")


@pytest.fixture
def potter(db):
    return make_artist("potter", name="Atelier Argile")


@pytest.fixture
def staff(db):
    return UserFactory(
        username="support",
        email="support@example.com",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def twins(camille, potter):
    """Two identical paid artist orders of the same buyer and shop."""
    weaver = make_artist("weaver", name="Brins de Laine")
    first = make_artist_order(buyer=camille, artist=potter, price="45.00", quantity=2)
    second = make_artist_order(buyer=camille, artist=weaver, price="45.00", quantity=2)
    return first, second


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client
