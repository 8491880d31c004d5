"""Public photos (shop and item photos) are served from the storage's own
URLs: ``/media/`` on the local disk, the bucket's ``public/`` prefix on S3,
readable by anyone without a signature; every upload is cleaned (no EXIF, no
GPS) before anything reaches the storage."""

import urllib.request
from urllib.parse import urlsplit

import pytest
from django.test import Client

from artists.models import ItemPhoto
from demo.seed import SHOPS, seed_shops

from .conftest import BUCKET, stored_bytes
from .helpers import photo_with_gps

pytestmark = pytest.mark.django_db


def anonymous_get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        assert response.status == 200
        return response.read()


def test_an_item_photo_is_served_from_the_storage(media, artist_api, variant):
    response = artist_api.post(
        f"/api/v1/shop/items/{variant.item.pk}/photos/",
        {"image": photo_with_gps()},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    photo = ItemPhoto.objects.get(item=variant.item)
    url = photo.image.url
    page = Client().get(variant.item.get_absolute_url()).content.decode()
    assert f'src="{url}"' in page
    assert response.json()["url"].endswith(url)
    if media.on_s3:
        endpoint = media.storage_url.split("endpoint_url=")[1]
        assert url.startswith(f"{endpoint}/{BUCKET}/{media.prefix}/public/items/")
        assert urlsplit(url).query == ""
        assert anonymous_get(url) == stored_bytes(photo.image)
        # Nothing of it on this machine's disk, nor behind MEDIA_URL.
        assert Client().get(f"/media/{photo.image.name}").status_code == 404
    else:
        assert url.startswith("/media/items/")
        served = Client().get(url)
        assert b"".join(served.streaming_content) == stored_bytes(photo.image)


def test_the_demo_photos_are_stored_in_the_bucket(s3_media, s3_client, monkeypatch):
    assert SHOPS
    monkeypatch.setattr("demo.seed.SHOPS", SHOPS[:1])
    monkeypatch.setattr(SHOPS[0], "items", SHOPS[0].items[:2])

    seed_shops()
    seed_shops()  # idempotent: the same photos

    photos = list(ItemPhoto.objects.all())
    assert len(photos) == 2
    for photo in photos:
        for stored in (photo.image, photo.thumbnail):
            key = f"{s3_media.prefix}/public/{stored.name}"
            s3_client.head_object(Bucket=BUCKET, Key=key)
            assert stored.url.endswith(f"/{BUCKET}/{key}")
