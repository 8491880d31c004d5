"""Factories and uploads for the catalog tests."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from artists.models import StockAlert
from tests.factories import UserFactory, VariantFactory


def jpeg_upload(
    name="bowl.jpg", size=(800, 600), colour=(156, 74, 47)
) -> SimpleUploadedFile:
    """A real JPEG photo, as a browser would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def fake_image_upload(name="bowl.jpg") -> SimpleUploadedFile:
    """A text file pretending to be a JPEG."""
    return SimpleUploadedFile(
        name, b"<svg onload=alert(1)>not a photo</svg>", content_type="image/jpeg"
    )


class StockAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockAlert

    variant = factory.SubFactory(VariantFactory, stock=0)
    user = factory.SubFactory(UserFactory)
