"""Fixtures of the artist order lifecycle service tests: a buyer who reads
French, the artist, staff, another buyer and another artist, and an artist
order of 2 × 45 € paid and awaiting acceptance."""

import pytest

from tests.factories import UserFactory

from ..factories import make_artist
from ..lifecycle_factories import paid_artist_order


@pytest.fixture
def buyer(db):
    return UserFactory(username="camille", email="camille@example.com", language="fr")


@pytest.fixture
def artist(db):
    return make_artist("potter")


@pytest.fixture
def staff(db):
    return UserFactory(username="support", email="support@example.com", is_staff=True)


@pytest.fixture
def other_buyer(db):
    return UserFactory(username="intruder", email="intruder@example.com")


@pytest.fixture
def other_artist(db):
    return make_artist("weaver")


@pytest.fixture
def placed(buyer, artist, mailoutbox):
    """An artist order awaiting acceptance (2 × 45 € + 5 € shipping) and its
    variant, 3 left in stock; the checkout emails are cleared."""
    artist_order, variant = paid_artist_order(
        buyer=buyer, artist=artist, price="45.00", quantity=2, stock=5
    )
    mailoutbox.clear()
    return artist_order, variant
