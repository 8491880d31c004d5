"""A page read while a change is still uncommitted is not served after the
commit (PostgreSQL, real transactions and a second connection).

The writer's save deletes the order's version token at once; a reader that
comes in before the commit draws a new token and caches the page from the
rows it can see (the old state). The second delete, after the commit,
retires that token: the next reader renders the new state."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from orders.services import artist_order_accept
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def load_in_another_connection(client: Client, url: str) -> str:
    """The page as a request served by another thread (its own database
    connection, so it cannot see this thread's uncommitted rows)."""
    page = {}

    def run():
        try:
            page["html"] = client.get(url).content.decode()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    return page["html"]


def test_a_page_cached_during_the_transaction_of_a_change_is_not_served_after_its_commit():
    buyer = UserFactory(username="camille")
    artist = make_artist("potter")
    artist_order = make_artist_order(buyer=buyer, artist=artist)
    client = Client()
    client.force_login(buyer)
    url = f"/account/orders/{artist_order.order.number}/"
    assert 'data-state="awaiting_acceptance"' in client.get(url).content.decode()

    with transaction.atomic():
        artist_order_accept(artist_order=artist_order, by=artist.user)
        # Read (and cached) by another request before the commit: the old state.
        during = load_in_another_connection(client, url)
    after = client.get(url).content.decode()

    assert 'data-state="awaiting_acceptance"' in during
    assert 'data-state="accepted"' in after
    assert 'data-state="awaiting_acceptance"' not in after
