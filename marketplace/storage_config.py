"""Where uploaded files live: ``STORAGE_URL`` (api.md) read into the
``default`` (public) and ``private`` entries of Django's ``STORAGES``.

Unset or empty: the local disk, ``MEDIA_ROOT/public`` served at ``MEDIA_URL``
and ``MEDIA_ROOT/private`` with no URL at all, as before.

``s3://<bucket>[/<prefix>]?<options>``: an S3-compatible object storage
through django-storages. Public files (shop and item photos) go under
``<prefix>/public/``, readable by anyone (``public-read``) and linked
directly from the pages; private files (personalisation, return, message and
review photos) under ``<prefix>/private/`` (or in ``private_bucket``) with a
``private`` ACL, never linked: the views that check who asks stream them.
Credentials come from boto3's usual chain (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, a profile, an instance
role); they never appear in the URL.

Options (query string), all optional:

- ``endpoint_url``: the S3 API of a non-AWS server (MinIO, Ceph, moto...);
- ``region_name``: the bucket's region (boto3 also reads ``AWS_DEFAULT_REGION``);
- ``addressing_style``: ``auto`` (default), ``path`` or ``virtual``;
- ``custom_domain``: a CDN host name serving the public files (HTTPS);
- ``public_acl``: the ACL of public files, ``public-read`` (default) or
  ``none`` for buckets with ACLs disabled, whose bucket policy then grants
  ``s3:GetObject`` on ``<prefix>/public/*``;
- ``private_bucket``: another bucket for the private files;
- ``querystring_expire``: seconds a signed URL of a private file lives, 60 by
  default (the pages never hand them out; see ``marketplace.storage``).

This module is pure (no Django settings, no network): settings call it.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
DISK_BACKEND = "django.core.files.storage.FileSystemStorage"
OPTIONS = frozenset(
    {
        "endpoint_url",
        "region_name",
        "addressing_style",
        "custom_domain",
        "public_acl",
        "private_bucket",
        "querystring_expire",
    }
)
ADDRESSING_STYLES = ("auto", "path", "virtual")
PUBLIC_ACLS = ("public-read", "none")
SIGNED_URL_SECONDS = 60
# Public photos get unique names (marketplace.images.clean_image): a day in
# browsers and CDNs is safe.
PUBLIC_CACHE_CONTROL = "public, max-age=86400"
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class StorageConfig:
    """The ``default`` and ``private`` entries of ``STORAGES``, and the
    origins public files are served from (for the pages' ``img-src``)."""

    storages: dict
    media_origins: list[str] = field(default_factory=list)


def _fail(message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"STORAGE_URL: {message}")


def disk_storages(media_root, media_url: str) -> dict:
    return {
        "default": {
            "BACKEND": DISK_BACKEND,
            "OPTIONS": {"location": media_root / "public", "base_url": media_url},
        },
        "private": {
            "BACKEND": DISK_BACKEND,
            "OPTIONS": {"location": media_root / "private", "base_url": None},
        },
    }


def _bucket(name: str, what: str) -> str:
    if not BUCKET_NAME.match(name or ""):
        raise _fail(
            f"{what} {name!r} is not a bucket name (3 to 63 lower-case letters, "
            "digits, dots and hyphens)."
        )
    return name


def _endpoint(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _fail(f"endpoint_url {value!r} must be an http(s):// URL.")
    return value.rstrip("/")


def _seconds(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 604800:
        raise _fail(
            f"querystring_expire {value!r} must be a number of seconds "
            "between 1 and 604800."
        )
    return int(value)


def _options(query: str) -> dict[str, str]:
    options = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key not in OPTIONS:
            raise _fail(f"unknown option {key!r}; known: {', '.join(sorted(OPTIONS))}.")
        if key in options:
            raise _fail(f"option {key!r} is given twice.")
        options[key] = value.strip()
    return options


def _media_origins(bucket, *, endpoint_url, region, style, custom_domain):
    """Where ``S3Storage.url`` points for public files, as origins."""
    if custom_domain:
        return [f"https://{custom_domain.split('/')[0]}"]
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        origins = [f"{parts.scheme}://{parts.netloc}"]
        if style == "virtual":
            origins.insert(0, f"{parts.scheme}://{bucket}.{parts.netloc}")
        return origins
    hosts = ["s3.amazonaws.com"] + ([f"s3.{region}.amazonaws.com"] if region else [])
    if style == "path":
        return [f"https://{host}" for host in hosts]
    return [f"https://{bucket}.{host}" for host in hosts]


def s3_storages(url: str) -> StorageConfig:
    parts = urlsplit(url)
    bucket = _bucket(parts.netloc, "the bucket")
    prefix = parts.path.strip("/")
    if prefix and not re.fullmatch(r"[A-Za-z0-9._/-]+", prefix):
        raise _fail(f"the prefix {prefix!r} may only hold letters, digits, . _ - /.")
    options = _options(parts.query)
    endpoint_url = (
        _endpoint(options["endpoint_url"]) if "endpoint_url" in options else None
    )
    region = options.get("region_name") or None
    style = options.get("addressing_style") or "auto"
    if style not in ADDRESSING_STYLES:
        raise _fail(f"addressing_style must be one of {', '.join(ADDRESSING_STYLES)}.")
    public_acl = options.get("public_acl") or "public-read"
    if public_acl not in PUBLIC_ACLS:
        raise _fail(f"public_acl must be one of {', '.join(PUBLIC_ACLS)}.")
    custom_domain = options.get("custom_domain") or None
    if custom_domain and not re.fullmatch(
        r"[A-Za-z0-9.-]+(:\d+)?(/[\w./-]*)?", custom_domain
    ):
        raise _fail(
            f"custom_domain {custom_domain!r} must be a host name, without https://."
        )
    private_bucket = _bucket(options.get("private_bucket") or bucket, "private_bucket")
    expire = _seconds(options.get("querystring_expire") or str(SIGNED_URL_SECONDS))

    def location(name):
        return f"{prefix}/{name}" if prefix else name

    common = {
        "endpoint_url": endpoint_url,
        "region_name": region,
        "addressing_style": None if style == "auto" else style,
        # Signature version 4: required by newer AWS regions and most
        # S3-compatible servers, and the one whose signed URLs say their expiry.
        "signature_version": "s3v4",
        # Two uploads never replace each other's file, as on disk.
        "file_overwrite": False,
        # A file read back (a private photo streamed by its view) stays in
        # memory up to 2 MB, then spills to a temporary file.
        "max_memory_size": 2 * 1024 * 1024,
    }
    public = {
        **common,
        "bucket_name": bucket,
        "location": location("public"),
        "default_acl": None if public_acl == "none" else public_acl,
        "querystring_auth": False,
        "custom_domain": custom_domain,
        "object_parameters": {"CacheControl": PUBLIC_CACHE_CONTROL},
    }
    private = {
        **common,
        "bucket_name": private_bucket,
        "location": location("private"),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": expire,
        "custom_domain": None,
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    return StorageConfig(
        storages={
            "default": {"BACKEND": S3_BACKEND, "OPTIONS": public},
            "private": {"BACKEND": S3_BACKEND, "OPTIONS": private},
        },
        media_origins=_media_origins(
            bucket,
            endpoint_url=endpoint_url,
            region=region,
            style=style,
            custom_domain=custom_domain,
        ),
    )


def storage_config(url: str | None, *, media_root, media_url: str) -> StorageConfig:
    """Read ``STORAGE_URL``; ``ImproperlyConfigured`` says what is wrong."""
    url = (url or "").strip()
    if not url:
        return StorageConfig(storages=disk_storages(media_root, media_url))
    scheme = urlsplit(url).scheme
    if scheme != "s3":
        raise _fail(
            f"unsupported scheme {scheme!r}: use s3://bucket?endpoint_url=... "
            "or leave it unset for the local disk."
        )
    return s3_storages(url)
