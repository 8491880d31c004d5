"""Private photos (return, message, personalisation and review photos) are
never public, on the local disk as on S3: the views that check who asks
stream them to the buyer, the artist and staff, and answer 404 to anyone
else; there is no URL of the storage to share."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from reviews.services import review_hide
from tests.orders.factories import make_artist
from tests.returns.helpers import logged_in

from .conftest import stored_bytes
from .helpers import PRIVATE, photo_with_gps, staff_user, strangers

pytestmark = pytest.mark.django_db


def fetch(user, url):
    response = logged_in(user).get(url)
    body = b"".join(response.streaming_content) if response.streaming else b""
    return response, body


@pytest.mark.parametrize("kind", ["return", "message", "personalisation"])
def test_a_private_photo_is_for_the_buyer_the_artist_and_staff_only(
    media, kind, buyer, artist
):
    upload = PRIVATE[kind](buyer=buyer, artist=artist, upload=photo_with_gps())
    stored = stored_bytes(upload.file)
    outsiders = strangers(make_artist)

    for url in upload.urls:
        for user in (buyer, artist.user, staff_user()):
            response, body = fetch(user, url)
            assert response.status_code == 200, (url, user)
            assert body == stored
            assert response["Content-Type"] == "image/jpeg"
            assert response["Cache-Control"].startswith("private")
        for user in outsiders:
            assert logged_in(user).get(url).status_code == 404, (url, user)
        assert logged_in(None).get(url).status_code in (302, 401, 403)


def test_a_hidden_review_photo_is_for_its_author_the_artist_and_staff_only(
    media, buyer, artist
):
    upload = PRIVATE["review"](buyer=buyer, artist=artist, upload=photo_with_gps())
    [url] = upload.urls
    staff = staff_user()
    assert fetch(None, url)[0].status_code == 200  # published: anyone

    review_hide(review=upload.file.instance.review, by=staff, reason="Off topic")

    for user in (buyer, artist.user, staff):
        response, body = fetch(user, url)
        assert (response.status_code, body) == (200, stored_bytes(upload.file))
    for user in (None, *strangers(make_artist)):
        assert logged_in(user).get(url).status_code == 404


def test_a_private_photo_has_no_public_url(media, buyer, artist):
    upload = PRIVATE["return"](buyer=buyer, artist=artist, upload=photo_with_gps())

    if media.on_s3:
        # At most a signed URL that expires within a minute; pages never show it.
        query = parse_qs(urlsplit(upload.file.url).query)
        assert query["X-Amz-Expires"] == ["60"]
        assert "X-Amz-Signature" in query
    else:
        # MEDIA_URL serves the public folder only.
        assert logged_in(buyer).get(upload.file.url).status_code == 404


def test_a_photo_gone_from_the_storage_is_a_404_not_an_error(media, buyer, artist):
    upload = PRIVATE["message"](buyer=buyer, artist=artist, upload=photo_with_gps())
    upload.file.storage.delete(upload.file.name)

    assert logged_in(buyer).get(upload.urls[0]).status_code == 404


def test_the_cart_photo_is_only_for_the_cart_it_belongs_to(media, buyer, artist):
    upload = PRIVATE["personalisation"](
        buyer=buyer, artist=artist, upload=photo_with_gps()
    )
    line = upload.file.instance
    cart_url = reverse("cart:line_photo", args=[line.pk])

    assert logged_in(strangers(make_artist)[0]).get(cart_url).status_code == 404
