"""A shop or item photo staff upload in the admin is cleaned like the
artists' own (no EXIF, no GPS, a real JPEG/PNG/WebP) before it is stored,
and gets its thumbnail; a file that is not a photo is refused on the form."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from artists.models import ArtistPhoto, ItemPhoto
from tests.factories import UserFactory
from tests.hostile import corpus
from tests.storage.helpers import photo_with_gps

pytestmark = pytest.mark.django_db


class _FormValues(HTMLParser):
    """The values a browser would post back from the admin's change form."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select = None
        self._textarea = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "file", "button", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.values.append((name, attrs.get("value", default)))
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self.values.append((self._select, value))
                self._first_option = False
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if self._first_option not in (None, False):
                self.values.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None


def post_with_photo(client, url, prefix, upload):
    parser = _FormValues()
    parser.feed(client.get(url).content.decode())
    data = {}
    for name, value in parser.values:
        data.setdefault(name, []).append(value)
    data = {
        name: values if len(values) > 1 else values[0] for name, values in data.items()
    }
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data[f"{prefix}-0-position"] = "1"
    data[f"{prefix}-0-image"] = upload
    data["_continue"] = "1"
    return client.post(url, data)


@pytest.fixture
def staff_client(client):
    client.force_login(
        UserFactory(username="support", is_staff=True, is_superuser=True)
    )
    return client


@pytest.mark.parametrize(
    ("model", "url", "prefix"),
    [
        (ArtistPhoto, "/admin/artists/artist/{artist.pk}/change/", "photos"),
        (ItemPhoto, "/admin/artists/item/{variant.item.pk}/change/", "photos"),
    ],
)
def test_a_photo_uploaded_in_the_admin_is_cleaned(
    staff_client, artist, variant, model, url, prefix
):
    url = url.format(artist=artist, variant=variant)

    response = post_with_photo(staff_client, url, prefix, photo_with_gps())

    assert response.status_code == 302, response.context["errors"]
    photo = model.objects.get()
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert dict(image.getexif()) == {}
    assert photo.image.name.endswith(".jpg") and "photo" not in photo.image.name
    assert photo.thumbnail.name.endswith("-thumb.jpg")


def test_a_file_that_is_not_a_photo_is_refused_in_the_admin(staff_client, variant):
    url = f"/admin/artists/item/{variant.item.pk}/change/"
    fake = SimpleUploadedFile("notes.jpg", corpus.text_file(), "image/jpeg")

    response = post_with_photo(staff_client, url, "photos", fake)

    assert response.status_code == 200
    assert not ItemPhoto.objects.exists()
