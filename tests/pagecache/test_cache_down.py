"""When the cache cannot be reached, every page is rendered from the
database and every change goes through: the page cache is an optimisation,
never a point of failure."""

from unittest import mock

import pytest
from django.test import Client

from marketplace import pagecache
from orders.services import artist_order_accept
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order

pytestmark = pytest.mark.django_db


class UnreachableCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down (test)")

        return fail


def test_pages_are_rendered_and_changes_saved_while_the_cache_is_down(caplog):
    buyer = UserFactory(username="camille")
    artist = make_artist("potter")
    artist_order = make_artist_order(buyer=buyer, artist=artist)
    buyer_client, artist_client = Client(), Client()
    buyer_client.force_login(buyer)
    artist_client.force_login(artist.user)
    url = f"/account/orders/{artist_order.order.number}/"

    with mock.patch.object(pagecache, "cache", UnreachableCache()):
        before = buyer_client.get(url)
        dashboard = artist_client.get("/dashboard/")
        artist_order_accept(artist_order=artist_order, by=artist.user)
        after = buyer_client.get(url)

    assert before.status_code == dashboard.status_code == after.status_code == 200
    assert 'data-state="awaiting_acceptance"' in before.content.decode()
    assert artist_order.order.number in dashboard.content.decode()
    assert 'data-state="accepted"' in after.content.decode()
    assert "Page cache unreachable" in caplog.text
    assert "Page cache tokens not deleted" in caplog.text
