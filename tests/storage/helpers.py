"""Uploads through every path that accepts a photo, for the storage tests:
each returns the stored file (a ``FieldFile``) and who may see it."""

from dataclasses import dataclass

from django.urls import reverse
from PIL import Image

from artists.services import artist_add_photo, item_add_photo
from messaging.services import artist_order_message_post
from orders.models import Cart
from orders.services import cart_add_line, checkout
from tests.factories import UserFactory
from tests.orders.factories import ADDRESS, make_variant
from tests.returns.factories import jpeg_upload, make_line, make_return, staff_user
from tests.reviews.helpers import write_review

GPS_INFO = 0x8825


def photo_with_gps(name="photo.jpg"):
    """A JPEG photo carrying the place it was taken (EXIF GPS)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_INFO] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    return jpeg_upload(name, exif=exif.tobytes())


@dataclass
class Upload:
    """A stored private photo and the URLs that serve it."""

    file: object
    urls: list[str]


def return_photo(*, buyer, artist, upload) -> Upload:
    line = make_line(buyer=buyer, artist=artist)
    request = make_return(line=line, photos=[upload])
    photo = request.photos.get()
    return Upload(
        photo.image,
        [
            reverse("returns:photo", args=[photo.pk]),
            f"/api/v1/returns/{request.pk}/photos/{photo.pk}/",
        ],
    )


def message_photo(*, buyer, artist, upload) -> Upload:
    artist_order = make_line(buyer=buyer, artist=artist).artist_order
    message = artist_order_message_post(
        artist_order=artist_order, author=buyer, body="The glaze?", photos=[upload]
    )
    photo = message.photos.get()
    return Upload(photo.image, [reverse("messaging:photo", args=[photo.pk])])


def personalisation_photo(*, buyer, artist, upload) -> Upload:
    plate = make_variant(artist, personalisable=True)
    cart, _created = Cart.objects.get_or_create(user=buyer)
    cart_add_line(
        cart=cart, variant_id=plate.pk, quantity=1, personalisation_photo=upload
    )
    order = checkout(
        cart=cart,
        buyer=buyer,
        shipping_address=dict(ADDRESS),
        payment={"provider": "test", "token": "ok"},
    )
    line = order.artist_orders.get().lines.get()
    return Upload(
        line.personalisation_photo,
        [reverse("account:personalisation_photo", args=[line.pk])],
    )


def review_photo(*, buyer, artist, upload) -> Upload:
    review = write_review(make_line(buyer=buyer, artist=artist), photos=[upload])
    photo = review.photos.get()
    return Upload(photo.image, [reverse("reviews:photo", args=[photo.pk])])


def item_photo(*, artist, upload, **_kwargs):
    variant = make_variant(artist)
    return item_add_photo(item=variant.item, upload=upload).image


def shop_photo(*, artist, upload, **_kwargs):
    return artist_add_photo(artist=artist, upload=upload).image


PRIVATE = {
    "return": return_photo,
    "message": message_photo,
    "personalisation": personalisation_photo,
    "review": review_photo,
}
PUBLIC = {"item": item_photo, "shop": shop_photo}


def upload_file(kind: str, *, buyer, artist, upload):
    """The stored file of an upload of ``kind`` (public or private)."""
    if kind in PUBLIC:
        return PUBLIC[kind](artist=artist, upload=upload)
    return PRIVATE[kind](buyer=buyer, artist=artist, upload=upload).file


def strangers(artist_factory):
    """Someone logged in with nothing to do with it, and another shop."""
    return [UserFactory(username="stranger"), artist_factory("rival").user]


__all__ = [
    "PRIVATE",
    "PUBLIC",
    "Upload",
    "photo_with_gps",
    "staff_user",
    "strangers",
    "upload_file",
]
