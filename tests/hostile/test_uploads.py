"""The hostile upload corpus against ``marketplace.images.clean_image`` and
through the real upload endpoints (item photos, personalisation photo).

Accepted files come back re-encoded: a real JPEG, PNG or WebP with no
payload and no metadata left. Rejected files get a 400 with a field error,
and nothing is stored: no file in the media folders, no database row.
"""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from artists.models import ItemPhoto
from marketplace.images import clean_image
from orders.models import CartLine
from tests.factories import ItemFactory, VariantFactory

from . import corpus

ACCEPTED = [pytest.param(*entry, id=entry[0]) for entry in corpus.ACCEPTED]
REJECTED = [pytest.param(*entry, id=entry[0]) for entry in corpus.REJECTED]
FORMAT_OF = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}


def upload(
    filename: str, data: bytes, content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(filename, data, content_type=content_type)


def assert_clean(data: bytes, extension: str) -> Image.Image:
    """``data`` is a plain image of the expected format with no payload or metadata."""
    for marker in corpus.PAYLOAD_MARKERS:
        assert marker not in data, f"{marker!r} survived the re-encoding"
    image = Image.open(io.BytesIO(data))
    assert image.format == FORMAT_OF[extension]
    assert not image.getexif(), "EXIF survived"
    assert not image.info.get("xmp"), "XMP survived"
    assert not image.info.get("comment"), "a comment survived"
    image.load()
    return image


def storage_roots() -> set:
    """Every folder an upload can land in: the media root of the test and the
    storages the file fields really use (a field keeps the storage it was
    built with, whatever the test's settings say)."""
    roots = {Path(settings.MEDIA_ROOT)}
    from returns.models import ReturnPhoto

    fields = [
        (ItemPhoto, "image"),
        (ItemPhoto, "thumbnail"),
        (CartLine, "personalisation_photo"),
        (ReturnPhoto, "image"),
    ]
    for model, field in fields:
        location = getattr(model._meta.get_field(field).storage, "location", None)
        if location:
            roots.add(Path(location))
    return roots


def all_files() -> set:
    return {
        str(path)
        for root in storage_roots()
        if root.exists()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def stored_files():
    """The files written during the test (compared with those there before)."""
    before = all_files()

    def new_files() -> list[str]:
        return sorted(all_files() - before)

    yield new_files
    for path in new_files():  # leave the real media folders as they were
        Path(path).unlink(missing_ok=True)


class TestCleanImage:
    @pytest.mark.parametrize("name, filename, make, extension", ACCEPTED)
    def test_accepts_real_photos_and_strips_what_they_carry(
        self, name, filename, make, extension
    ):
        cleaned = clean_image(upload(filename, make()))

        assert cleaned.name.endswith(f".{extension}")
        assert_clean(cleaned.read(), extension)

    @pytest.mark.parametrize("name, filename, make", REJECTED)
    def test_refuses_what_is_not_a_jpeg_png_or_webp_photo(self, name, filename, make):
        with pytest.raises(ValidationError) as raised:
            clean_image(upload(filename, make()))

        assert raised.value.messages and all(raised.value.messages)

    def test_applies_the_exif_orientation_before_dropping_it(self):
        cleaned = clean_image(upload("portrait.jpg", corpus.rotated_jpeg()))

        image = Image.open(cleaned)
        assert image.size == (48, 64)

    def test_stored_name_is_random_not_the_uploaded_one(self):
        first = clean_image(upload("../../etc/passwd.jpg", corpus.jpeg()))
        second = clean_image(upload("../../etc/passwd.jpg", corpus.jpeg()))

        assert "passwd" not in first.name and "/" not in first.name
        assert first.name != second.name

    def test_decompression_bomb_is_refused_before_it_is_decoded(self):
        bomb = corpus.png_declaring(7000, 7000, real_data=True)

        with pytest.raises(ValidationError) as raised:
            clean_image(upload("bomb.png", bomb))

        assert raised.value.code == "pixels"


@pytest.fixture
def item(artist):
    return ItemFactory(artist=artist, personalisable=True, price=Decimal("20.00"))


@pytest.mark.django_db
class TestItemPhotoEndpoint:
    def url(self, item):
        return f"/api/v1/shop/items/{item.pk}/photos/"

    @pytest.mark.parametrize("name, filename, make, extension", ACCEPTED)
    def test_stores_a_clean_copy_and_a_thumbnail(
        self, artist_api, item, stored_files, name, filename, make, extension
    ):
        response = artist_api.post(
            self.url(item), {"image": upload(filename, make())}, format="multipart"
        )

        assert response.status_code == 201, response.content
        photo = ItemPhoto.objects.get(item=item)
        assert photo.image.name.endswith(f".{extension}")
        with photo.image.open("rb") as stored:
            assert_clean(stored.read(), extension)
        assert len(stored_files()) == 2  # the photo and its thumbnail

    @pytest.mark.parametrize("name, filename, make", REJECTED)
    def test_refuses_with_a_field_error_and_stores_nothing(
        self, artist_api, item, stored_files, name, filename, make
    ):
        response = artist_api.post(
            self.url(item), {"image": upload(filename, make())}, format="multipart"
        )

        assert response.status_code == 400, response.content
        assert response.json()["image"]
        assert not ItemPhoto.objects.exists()
        assert stored_files() == []


@pytest.mark.django_db
class TestPersonalisationPhotoEndpoint:
    url = "/api/v1/cart/lines/"

    @pytest.fixture
    def variant(self, item):
        return VariantFactory(item=item, stock=5)

    @pytest.mark.parametrize("name, filename, make, extension", ACCEPTED)
    def test_keeps_a_clean_private_copy(
        self, buyer_api, variant, stored_files, name, filename, make, extension
    ):
        response = buyer_api.post(
            self.url,
            {
                "variant": variant.pk,
                "quantity": 1,
                "personalisation_photo": upload(filename, make()),
            },
            format="multipart",
        )

        assert response.status_code == 201, response.content
        line = CartLine.objects.get()
        assert line.personalisation_photo.name.endswith(f".{extension}")
        with line.personalisation_photo.open("rb") as stored:
            assert_clean(stored.read(), extension)
        private_root = str(
            CartLine._meta.get_field("personalisation_photo").storage.location
        )
        assert len(stored_files()) == 1
        assert stored_files()[0].startswith(private_root)

    @pytest.mark.parametrize("name, filename, make", REJECTED)
    def test_refuses_with_a_field_error_and_stores_nothing(
        self, buyer_api, variant, stored_files, name, filename, make
    ):
        response = buyer_api.post(
            self.url,
            {
                "variant": variant.pk,
                "quantity": 1,
                "personalisation_photo": upload(filename, make()),
            },
            format="multipart",
        )

        assert response.status_code == 400, response.content
        assert response.json()["personalisation_photo"]
        assert not CartLine.objects.exists()
        assert stored_files() == []


@pytest.mark.django_db
class TestReturnPhotoEndpoint:
    """Photos of a return request for a damaged piece (one is mandatory)."""

    url = "/api/v1/returns/"

    @pytest.fixture
    def line(self, buyer, artist):
        from tests.returns.factories import make_line

        return make_line(buyer=buyer, artist=artist)

    def post(self, buyer_api, line, photo):
        return buyer_api.post(
            self.url,
            {
                "line": line.pk,
                "quantity": 1,
                "kind": "return",
                "reason": "damaged",
                "photos": [photo],
            },
            format="multipart",
        )

    @pytest.mark.parametrize("name, filename, make, extension", ACCEPTED)
    def test_keeps_a_clean_private_copy(
        self, buyer_api, line, stored_files, name, filename, make, extension
    ):
        from returns.models import ReturnPhoto

        response = self.post(buyer_api, line, upload(filename, make()))

        assert response.status_code == 201, response.content
        photo = ReturnPhoto.objects.get()
        assert photo.image.name.endswith(f".{extension}")
        with photo.image.open("rb") as stored:
            assert_clean(stored.read(), extension)
        assert stored_files() and all(
            path.startswith(str(ReturnPhoto._meta.get_field("image").storage.location))
            for path in stored_files()
        )

    @pytest.mark.parametrize("name, filename, make", REJECTED)
    def test_refuses_with_a_field_error_and_stores_nothing(
        self, buyer_api, line, stored_files, name, filename, make
    ):
        from returns.models import ReturnPhoto, ReturnRequest

        response = self.post(buyer_api, line, upload(filename, make()))

        assert response.status_code == 400, response.content
        assert response.json()["photos"]
        assert not ReturnRequest.objects.exists()
        assert not ReturnPhoto.objects.exists()
        assert stored_files() == []
