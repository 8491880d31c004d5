"""Fixtures of the return request service tests: a buyer who reads French,
an artist who reads English, and a delivered line of 2 × 24.00 € (+ 5.00 €
shipping) of hers from him."""

import pytest

from tests.factories import UserFactory

from ..factories import make_artist, make_line


@pytest.fixture
def buyer():
    return UserFactory(username="camille", email="camille@example.com", language="fr")


@pytest.fixture
def artist():
    return make_artist("potter", language="en")


@pytest.fixture
def line(buyer, artist):
    # 2 × 24.00 € + 5.00 € shipping = 53.00 € paid.
    return make_line(buyer=buyer, artist=artist, quantity=2, price="24.00")
