"""Photos of a return request: mandatory for the artist's faults, at most
five real JPEG/PNG/WebP photos of 10 MB each, re-encoded without metadata
into private storage; anything wrong stores nothing at all."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.errors import DomainError
from returns import services
from returns.models import ReturnPhoto, ReturnRequest
from tests.factories import UserFactory
from tests.hostile import corpus

from .factories import jpeg_upload, make_artist, make_line

pytestmark = pytest.mark.django_db

GPS_INFO = 0x8825  # 34853


@pytest.fixture
def line():
    return make_line(
        buyer=UserFactory(username="camille"), artist=make_artist("potter")
    )


def private_files() -> list[Path]:
    root = Path(django_settings.STORAGES["private"]["OPTIONS"]["location"])
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def public_files() -> list[Path]:
    root = Path(django_settings.STORAGES["default"]["OPTIONS"]["location"])
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def create(line, *, reason="damaged", photos=()):
    return services.return_request_create(
        buyer=line.artist_order.order.buyer,
        line=line,
        quantity=1,
        kind="return",
        reason=reason,
        photos=list(photos),
    )


def assert_nothing_stored():
    assert not ReturnRequest.objects.exists()
    assert not ReturnPhoto.objects.exists()
    assert private_files() == []


@pytest.mark.parametrize("reason", ["wrong_item", "damaged", "non_compliant"])
def test_a_photo_is_mandatory_for_the_artists_faults(line, reason):
    with pytest.raises(DomainError) as error:
        create(line, reason=reason, photos=[])

    assert error.value.field == "photos"
    assert_nothing_stored()


@pytest.mark.parametrize("reason", ["changed_mind", "wrong_size", "other"])
def test_photos_are_optional_for_other_reasons(line, reason):
    rr = create(line, reason=reason, photos=[])

    assert rr.photos.count() == 0


BAD_FILES = {
    "a text file named .jpg": ("notes.jpg", corpus.text_file),
    "a truncated JPEG": ("photo.jpg", corpus.truncated_jpeg),
    "an SVG": ("logo.jpg", lambda: corpus.SVG),
    "a decompression bomb": (
        "bomb.png",
        lambda: corpus.png_declaring(7000, 7000, real_data=True),
    ),
    "an image declaring too many pixels": (
        "huge.png",
        lambda: corpus.png_declaring(30000, 30000, real_data=False),
    ),
    "an 11 MB file": ("big.jpg", corpus.too_big),
    "an EPS": ("logo.jpg", corpus.eps),
    "a GIF": ("anim.gif", corpus.gif),
}


@pytest.mark.parametrize("what", list(BAD_FILES))
def test_a_bad_file_is_refused_and_nothing_is_stored(line, what):
    name, make = BAD_FILES[what]

    with pytest.raises(DomainError) as error:
        create(line, photos=[upload(name, make())])

    assert error.value.field == "photos"
    assert name in str(error.value.message)
    assert_nothing_stored()


def test_a_bad_file_among_good_ones_stores_none_of_them(line):
    photos = [
        jpeg_upload("one.jpg"),
        jpeg_upload("two.jpg"),
        upload("notes.jpg", corpus.text_file()),
    ]

    with pytest.raises(DomainError):
        create(line, photos=photos)

    assert_nothing_stored()


def test_six_photos_are_refused(line):
    with pytest.raises(DomainError) as error:
        create(line, photos=[jpeg_upload(f"{n}.jpg") for n in range(6)])

    assert error.value.field == "photos"
    assert_nothing_stored()


def test_five_photos_in_the_three_formats_are_kept_privately(line):
    photos = [
        jpeg_upload("broken-vase.jpg"),
        jpeg_upload("b.png", fmt="PNG"),
        jpeg_upload("c.webp", fmt="WEBP"),
        upload("d.jpg", corpus.jpeg()),
        upload("e.png", corpus.png(), "image/png"),
    ]

    rr = create(line, photos=photos)

    stored = list(rr.photos.all())
    assert len(stored) == 5
    assert sorted(Path(p.image.name).suffix for p in stored) == [
        ".jpg",
        ".jpg",
        ".png",
        ".png",
        ".webp",
    ]
    assert len(private_files()) == 5
    assert public_files() == []
    for photo in stored:
        assert photo.image.storage is ReturnPhoto._meta.get_field("image").storage
        assert "broken-vase" not in photo.image.name  # a random name, not the buyer's


def test_a_jpeg_with_gps_in_its_exif_is_stored_without_it(line):
    source = corpus.jpeg_with_gps()
    with Image.open(__import__("io").BytesIO(source)) as original:
        assert GPS_INFO in original.getexif()

    rr = create(line, photos=[upload("holiday.jpg", source)])

    photo = rr.photos.get()
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        exif = image.getexif()
        assert GPS_INFO not in exif
        assert not exif.get_ifd(GPS_INFO)
    with photo.image.open("rb") as stored:
        data = stored.read()
    for marker in (b"GPSLatitude", b"Exif\x00\x00", b"SpyCam"):
        assert marker not in data


def test_a_request_refused_for_another_reason_after_its_photos_were_cleaned_stores_nothing(
    line,
):
    with pytest.raises(DomainError) as error:
        services.return_request_create(
            buyer=line.artist_order.order.buyer,
            line=line,
            quantity=5,
            kind="return",
            reason="damaged",
            photos=[jpeg_upload()],
        )

    assert error.value.field == "quantity"
    assert_nothing_stored()
