"""Fixtures of the returns tests."""

import pytest
from django.core.files.storage import FileSystemStorage

from returns.models import ReturnPhoto


@pytest.fixture(autouse=True)
def _return_photos_in_test_storage(_media_root, settings):
    """The photo field's storage was built at import time (with the real
    private folder): point it at the test's private folder."""
    field = ReturnPhoto._meta.get_field("image")
    original = field.storage
    field.storage = FileSystemStorage(
        location=settings.STORAGES["private"]["OPTIONS"]["location"], base_url=None
    )
    yield
    field.storage = original
