"""Storage for private uploads (personalisation, return and message photos).

Files here have no public URL: views check who asks before streaming them.
Fields hold a lazy proxy to ``storages["private"]`` (like Django's
``default_storage``), so a change of the STORAGES setting (tests) is seen by
fields built at import time.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


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
