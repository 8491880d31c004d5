"""Where uploaded files are read and served, on disk or in object storage.

Private uploads (personalisation, return, message and review photos) live in
``storages["private"]``: no public URL; the views that check who asks stream
them with :func:`private_file_response`. Fields hold a lazy proxy to it
(like Django's ``default_storage``), so a change of the STORAGES setting
(tests) is seen by fields built at import time.

Everything goes through the storage API (``open``, ``url``, ``exists``),
never a local path, so the same code runs on ``MEDIA_ROOT`` and on S3
(``STORAGE_URL``, marketplace/storage_config.py).
"""

import mimetypes

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, Http404
from django.utils.functional import LazyObject, empty
from django.views.static import serve


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]


_private = PrivateStorage()


def private_storage():
    return _private


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting in {"STORAGES", "MEDIA_ROOT"}:
        _private._wrapped = empty


def private_file_response(field_file, *, cache_control: str) -> FileResponse:
    """Stream a private file, once the caller has checked who asks.

    Read through its storage (a local file or an S3 object alike); a file
    that is gone is a 404, not a 500. Never cached by shared caches.
    """
    if not field_file:
        raise Http404
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = (
        mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    )
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = cache_control
    return response


def public_media(request, path):
    """``MEDIA_URL`` in development and tests: the public files on disk.

    With object storage the public files have the storage's own URLs and
    nothing is served here (404).
    """
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        raise Http404
    return serve(request, path, document_root=storage.location)
