"""Uploaded images: proven to be images, re-encoded without metadata.

Every photo a user uploads (shop and item photos, personalisation photos,
later return and message photos) goes through ``clean_image``: size limit,
full decode with Pillow under a pixel limit, JPEG/PNG/WebP only (no SVG, no
EPS, no polyglots that only look like an image), EXIF orientation applied,
then re-encoded so that no metadata (GPS...) survives.
"""

import io
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import DomainError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Only these decoders ever see an upload (no EPS/Ghostscript, PDF, SVG...).
# Camera JPEGs with a multi-picture segment open as "MPO": JPEG all the same.
OPEN_FORMATS = ("JPEG", "PNG", "WEBP")
FORMAT_ALIASES = {"MPO": "JPEG"}
# The only information of the source kept in the copy: a palette's
# transparent colour. Everything else (EXIF, XMP, ICC, comments, text
# chunks) is dropped; Pillow would otherwise write some of it back.
KEPT_INFO = ("transparency",)
THUMBNAIL_SIZE = (480, 480)


def clean_image(upload) -> ContentFile:
    """Return a re-encoded copy of ``upload`` named ``<random>.<ext>``.

    :raises ValidationError: when the file is too big, not a real JPEG, PNG or
        WebP image, or has too many pixels.
    """
    max_bytes = settings.IMAGE_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise ValidationError(
            _("The photo is too big (at most %(size)s).")
            % {"size": filesizeformat(max_bytes)},
            code="too_big",
        )
    if size == 0:
        raise ValidationError(_("The photo is empty."), code="empty")
    Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
    try:
        upload.seek(0)
        with Image.open(upload, formats=OPEN_FORMATS) as probe:
            image_format = FORMAT_ALIASES.get(probe.format, probe.format)
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG or WebP photo."), code="format"
                )
            width, height = probe.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("The photo has too many pixels."), code="pixels"
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload, formats=OPEN_FORMATS) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.info = {
                key: image.info[key] for key in KEPT_INFO if key in image.info
            }
            output = io.BytesIO()
            if image_format == "JPEG":
                image = image.convert("RGB")
                image.save(output, "JPEG", quality=88, optimize=True)
            elif image_format == "PNG":
                if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    image = image.convert("RGBA")
                image.save(output, "PNG", optimize=True)
            else:
                if image.mode not in ("RGB", "RGBA"):
                    image = image.convert("RGBA")
                image.save(output, "WEBP", quality=88)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise ValidationError(
            _("This file is not a photo we can read."), code="invalid"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("This file is not a photo we can read."), code="invalid"
        ) from None
    name = f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}"
    return ContentFile(output.getvalue(), name=name)


def make_thumbnail(image_file, *, size=THUMBNAIL_SIZE) -> ContentFile:
    """A JPEG thumbnail of an already cleaned image, cropped to a square."""
    image_file.seek(0)
    with Image.open(image_file) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        thumb = ImageOps.fit(image, size, method=Image.Resampling.LANCZOS)
        output = io.BytesIO()
        thumb.save(output, "JPEG", quality=82, optimize=True)
    base = os.path.splitext(
        os.path.basename(getattr(image_file, "name", "") or "photo")
    )[0]
    return ContentFile(output.getvalue(), name=f"{base}-thumb.jpg")


def clean_photos(photos) -> list[ContentFile]:
    """``clean_image`` of each photo of ``photos``, in order.

    :raises DomainError: on ``photos``, naming the first photo refused and why.
    """
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(clean_image(photo))
        except ValidationError as error:
            name = getattr(photo, "name", "") or _("photo")
            raise DomainError(
                _("%(name)s: %(error)s")
                % {"name": name, "error": " ".join(error.messages)},
                field="photos",
            ) from None
    return cleaned
