"""``STORAGE_URL`` (api.md) chooses where uploads live: unset, the two
folders of ``MEDIA_ROOT`` as before; ``s3://bucket?endpoint_url=...``, an
S3-compatible storage with public files under ``public/`` (public-read,
linked from the pages, allowed by the pages' Content-Security-Policy) and
private files under ``private/`` (private ACL, no public URL). A mistake in
it stops the site at start with a message saying what is wrong."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from storages.backends.s3 import S3Storage

from marketplace.storage_config import storage_config
from tests.conftest import ROOT

MEDIA_ROOT = Path("/srv/media")


def config(url):
    return storage_config(url, media_root=MEDIA_ROOT, media_url="/media/")


@pytest.mark.parametrize("url", [None, "", "  "])
def test_unset_is_the_local_disk_as_before(url):
    storages = config(url).storages

    assert storages == {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT / "public", "base_url": "/media/"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT / "private", "base_url": None},
        },
    }
    assert config(url).media_origins == []


def test_s3_public_and_private_files_live_apart():
    storages = config("s3://media?endpoint_url=http://127.0.0.1:5077").storages
    public, private = storages["default"], storages["private"]

    assert public["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (public["OPTIONS"]["bucket_name"], public["OPTIONS"]["location"]) == (
        "media",
        "public",
    )
    assert (private["OPTIONS"]["bucket_name"], private["OPTIONS"]["location"]) == (
        "media",
        "private",
    )
    assert public["OPTIONS"]["default_acl"] == "public-read"
    assert public["OPTIONS"]["querystring_auth"] is False
    assert private["OPTIONS"]["default_acl"] == "private"
    assert private["OPTIONS"]["querystring_auth"] is True
    assert private["OPTIONS"]["querystring_expire"] == 60
    assert private["OPTIONS"]["custom_domain"] is None
    for options in (public["OPTIONS"], private["OPTIONS"]):
        assert options["endpoint_url"] == "http://127.0.0.1:5077"
        assert options["file_overwrite"] is False
        # Credentials come from the AWS_* variables (boto3), never the URL.
        assert "access_key" not in options and "secret_key" not in options


def test_s3_options():
    storages = config(
        "s3://media/site-a/?region_name=eu-west-3&custom_domain=cdn.example.net"
        "&querystring_expire=30&public_acl=none&private_bucket=media-private"
        "&addressing_style=virtual"
    ).storages
    public, private = storages["default"]["OPTIONS"], storages["private"]["OPTIONS"]

    assert public["location"] == "site-a/public"
    assert private["location"] == "site-a/private"
    assert public["custom_domain"] == "cdn.example.net"
    assert public["default_acl"] is None
    assert private["bucket_name"] == "media-private"
    assert private["querystring_expire"] == 30
    assert public["region_name"] == private["region_name"] == "eu-west-3"
    assert public["addressing_style"] == "virtual"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///srv/media", "unsupported scheme 'file'"),
        ("s3://?endpoint_url=http://x", "is not a bucket name"),
        ("s3://Bad_Bucket", "is not a bucket name"),
        ("s3://media?endpoint=http://x", "unknown option 'endpoint'"),
        ("s3://media?region_name=a&region_name=b", "given twice"),
        ("s3://media?endpoint_url=127.0.0.1:5077", "must be an http(s):// URL"),
        ("s3://media?querystring_expire=soon", "querystring_expire"),
        ("s3://media?querystring_expire=0", "querystring_expire"),
        ("s3://media?addressing_style=dns", "addressing_style"),
        ("s3://media?public_acl=public-read-write", "public_acl"),
        ("s3://media?custom_domain=https://cdn.example.net", "custom_domain"),
        ("s3://media?private_bucket=No", "is not a bucket name"),
    ],
)
def test_a_mistake_says_what_is_wrong(url, message):
    with pytest.raises(ImproperlyConfigured) as error:
        config(url)

    assert str(error.value).startswith("STORAGE_URL: ")
    assert message in str(error.value)


@pytest.mark.parametrize(
    "url",
    [
        "s3://media?endpoint_url=http://127.0.0.1:5077",
        "s3://media?endpoint_url=https://s3.example.net:9000",
        "s3://media?endpoint_url=https://s3.example.net&addressing_style=virtual",
        "s3://media?endpoint_url=https://s3.example.net&addressing_style=path",
        "s3://media?region_name=eu-west-3",
        "s3://media?region_name=eu-west-3&addressing_style=path",
        "s3://media",
        "s3://media/p?custom_domain=cdn.example.net/photos",
    ],
)
def test_the_pages_may_show_public_photos_from_where_the_storage_puts_them(
    url, monkeypatch
):
    """The Content-Security-Policy's img-src lists the origin of every
    public file's URL."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    found = config(url)
    storage = S3Storage(**found.storages["default"]["OPTIONS"])

    photo_url = urlsplit(storage.url("items/7/3f2a.jpg"))

    assert f"{photo_url.scheme}://{photo_url.netloc}" in found.media_origins
    assert photo_url.path.endswith("public/items/7/3f2a.jpg")
    assert photo_url.query == ""  # a plain, cacheable URL


def _settings_with(storage_url: str) -> subprocess.CompletedProcess:
    code = (
        "import marketplace.settings as s;"
        "print(s.STORAGES['default']['BACKEND']);"
        "print(s.STORAGES['private']['OPTIONS']['location']);"
        "print(' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    environment = {**os.environ, "STORAGE_URL": storage_url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_settings_read_storage_url():
    done = _settings_with("s3://media/prod?endpoint_url=https://s3.example.net")

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "storages.backends.s3.S3Storage",
        "prod/private",
        "'self' data: https://s3.example.net",
    ]


def test_a_wrong_storage_url_stops_the_site_at_start():
    done = _settings_with("s3://media?endpoint=https://s3.example.net")

    assert done.returncode != 0
    assert "STORAGE_URL: unknown option 'endpoint'" in done.stderr
