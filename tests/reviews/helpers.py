"""Helpers of the reviews tests: delivered lines (through the lifecycle
services, as real ones are) and reviews written through the service."""

from django.core.files.uploadedfile import SimpleUploadedFile

from reviews import services
from tests.returns.factories import jpeg_upload, make_line
from tests.returns.helpers import logged_in, messages_on

__all__ = [
    "gif_upload",
    "jpeg_upload",
    "logged_in",
    "make_line",
    "messages_on",
    "write_review",
]


def write_review(line, *, rating=4, text="Lovely glaze, sturdy.", photos=()):
    """A review of ``line`` by its buyer, through the service."""
    return services.review_create(
        buyer=line.artist_order.order.buyer,
        line=line,
        rating=rating,
        text=text,
        photos=photos,
    )


def gif_upload(name="anim.gif"):
    """A GIF: a real image, but not a format reviews accept."""
    return SimpleUploadedFile(
        name,
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01"
        b"\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        content_type="image/gif",
    )
