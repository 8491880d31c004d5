"""Fixtures of the returns tests of the pages, the dashboard and the API: a
delivered line of 2 × 30.00 € of ``buyer`` from ``artist``, each of them
logged in, and another buyer. (The service tests in ``services/`` have
their own.)"""

import pytest

from tests.factories import UserFactory

from .factories import make_line
from .helpers import logged_in


@pytest.fixture
def buyer_client(buyer):
    return logged_in(buyer)


@pytest.fixture
def line(buyer, artist):
    return make_line(buyer=buyer, artist=artist, quantity=2, price="30.00")


@pytest.fixture
def artist_client(artist):
    return logged_in(artist.user)


@pytest.fixture
def other_buyer(db):
    return UserFactory(username="other-buyer")
