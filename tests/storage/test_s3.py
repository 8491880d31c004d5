"""On S3 (moto's server), what several machines need: every upload path
cleans the photo before anything is written to the bucket; public and
private files get their ACLs; a file written by one web node is served by
another node with an empty disk of its own."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from artists.models import ItemPhoto
from marketplace.errors import DomainError
from tests.hostile import corpus
from tests.returns.helpers import logged_in

from .conftest import BUCKET, use_storage_url
from .helpers import PRIVATE, PUBLIC, photo_with_gps, upload_file

pytestmark = pytest.mark.django_db

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def object_key(media, field_file, *, folder: str) -> str:
    return f"{media.prefix}/{folder}/{field_file.name}"


def raw_object(s3_client, key: str) -> bytes:
    return s3_client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def exif_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif())


def public_grants(s3_client, key: str) -> list[str]:
    acl = s3_client.get_object_acl(Bucket=BUCKET, Key=key)
    return [
        grant["Permission"]
        for grant in acl["Grants"]
        if grant["Grantee"].get("URI") == ALL_USERS
    ]


@pytest.mark.parametrize("kind", [*PUBLIC, *PRIVATE])
def test_every_upload_is_cleaned_before_it_reaches_the_bucket(
    s3_media, s3_client, kind, buyer, artist
):
    original = photo_with_gps()
    assert exif_of(original.read())  # the upload has EXIF (GPS, maker)

    stored = upload_file(kind, buyer=buyer, artist=artist, upload=photo_with_gps())

    folder = "public" if kind in PUBLIC else "private"
    data = raw_object(s3_client, object_key(s3_media, stored, folder=folder))
    assert exif_of(data) == {}
    assert b"PhoneMaker" not in data and b"Exif" not in data


def test_a_refused_upload_writes_nothing_to_the_bucket(
    s3_media, s3_client, buyer, artist
):
    fake = SimpleUploadedFile("damage.jpg", corpus.text_file(), "image/jpeg")

    with pytest.raises(DomainError):
        PRIVATE["return"](buyer=buyer, artist=artist, upload=fake)

    listed = s3_client.list_objects_v2(Bucket=BUCKET, Prefix=f"{s3_media.prefix}/")
    assert listed["KeyCount"] == 0


def test_public_files_are_public_read_and_private_files_are_not(
    s3_media, s3_client, buyer, artist
):
    public = upload_file("item", buyer=buyer, artist=artist, upload=photo_with_gps())
    private = upload_file(
        "message", buyer=buyer, artist=artist, upload=photo_with_gps()
    )

    key = object_key(s3_media, public, folder="public")
    assert public_grants(s3_client, key) == ["READ"]
    assert "max-age" in s3_client.head_object(Bucket=BUCKET, Key=key)["CacheControl"]
    key = object_key(s3_media, private, folder="private")
    assert public_grants(s3_client, key) == []


def test_a_file_written_on_one_node_is_served_by_another(
    s3_media, settings, tmp_path, buyer, artist
):
    """Two web machines with the same STORAGE_URL and their own empty disks."""
    upload = PRIVATE["return"](buyer=buyer, artist=artist, upload=photo_with_gps())
    public = upload_file("item", buyer=buyer, artist=artist, upload=photo_with_gps())
    public_url = public.url
    photo_id = public.instance.pk

    use_storage_url(settings, s3_media.storage_url, tmp_path / "node-b")

    for url in upload.urls:
        response = logged_in(artist.user).get(url)
        assert response.status_code == 200
        assert exif_of(b"".join(response.streaming_content)) == {}
    assert ItemPhoto.objects.get(pk=photo_id).image.url == public_url
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_on_the_local_disk_another_node_cannot_see_it(
    settings, tmp_path, buyer, artist
):
    """Why object storage: with STORAGE_URL unset, a photo lives on the disk
    of the machine that received it."""
    upload = PRIVATE["return"](buyer=buyer, artist=artist, upload=photo_with_gps())

    use_storage_url(settings, "", tmp_path / "node-b")

    assert logged_in(artist.user).get(upload.urls[0]).status_code == 404
