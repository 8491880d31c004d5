"""The bench's catalogue volume (bench/catalogue_data.py) makes items the
catalogue can search and filter, with the words the bench searches for at
the frequencies its figures rely on, and grows without changing the newest
rows."""

import pytest

from artists.models import Item, Variant
from bench.catalogue_data import COMMON_WORD, RARE_WORD, CatalogueVolume

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def found(client, **params) -> int:
    response = client.get("/api/v1/items/", params)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_the_bench_items_are_filed_searchable_and_grow_in_place(client):
    volume = CatalogueVolume(log=lambda message: None)

    volume.grow(2_000)

    items = Item.objects.filter(artist__in=volume.artists)
    assert items.count() == 2_000
    assert not items.filter(search_vector__isnull=True).exists()
    assert not items.filter(category__isnull=True).exists()
    assert not items.filter(photos__isnull=True).exists()
    sold_out = items.exclude(
        pk__in=Variant.objects.filter(stock__gt=0).values("item_id")
    )
    assert sold_out.count() == 2_000 // 8
    assert found(client, q=COMMON_WORD) == 103
    assert found(client, q="théière") == 103
    assert found(client, q=RARE_WORD) == 1
    newest = list(items.order_by("-created_at")[:24].values_list("pk", flat=True))

    volume.grow(3_000)

    assert items.count() == 3_000
    assert list(items.order_by("-created_at")[:24].values_list("pk", flat=True)) == (
        newest
    )
    assert found(client, category="teapots") == found(client, q=COMMON_WORD)
