"""Factories and helpers of the orders tests."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import ArtistFactory, ItemFactory, UserFactory, VariantFactory

ADDRESS = {
    "name": "Camille Martin",
    "line1": "12 rue des Tisserands",
    "city": "Nantes",
    "postcode": "44000",
    "country": "FR",
}


def checkout_body(*, token="ok", **address):
    return {
        "shipping_address": {**ADDRESS, **address},
        "payment": {"provider": "test", "token": token},
    }


def make_artist(username, *, language="en", **kwargs):
    return ArtistFactory(
        user=UserFactory(username=username, email=f"{username}@example.com", language=language),
        **kwargs,
    )


def make_variant(artist, *, price="24.00", stock=5, personalisable=False, **kwargs):
    return VariantFactory(
        item=ItemFactory(artist=artist, price=Decimal(price), personalisable=personalisable),
        stock=stock,
        **kwargs,
    )


def photo_upload(name="photo.png", *, fmt="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 90, 40)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")
