import os
import shutil

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import ArtistFactory, UserFactory, VariantFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    """Skip what this machine cannot run, saying why; .ci/run provides it all."""
    on_postgres = connection.vendor == "postgresql"
    has_chromium = os.path.exists(CHROMIUM)
    has_worker = bool(os.environ.get("CELERY_BROKER_URL")) and os.environ.get("CELERY_WORKER_RUNNING") == "1"
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL)"))
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM}"))
        if "worker" in item.keywords and not has_worker:
            item.add_marker(pytest.mark.skip(reason="needs Redis and a Celery worker (.ci/run starts them)"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media" / "public", "base_url": "/media/"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media" / "private", "base_url": None},
        },
    }


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def buyer(db):
    return UserFactory(username="buyer", email="buyer@example.com", language="en")


@pytest.fixture
def french_buyer(db):
    return UserFactory(username="acheteuse", email="acheteuse@example.com", language="fr")


@pytest.fixture
def artist(db):
    return ArtistFactory(user=UserFactory(username="potter", email="potter@example.com"))


@pytest.fixture
def other_artist(db):
    return ArtistFactory(user=UserFactory(username="weaver", email="weaver@example.com"))


@pytest.fixture
def variant(artist):
    return VariantFactory(item__artist=artist, stock=5)


@pytest.fixture
def buyer_api(api_client, buyer):
    api_client.force_authenticate(buyer)
    return api_client


@pytest.fixture
def artist_api(artist):
    client = APIClient()
    client.force_authenticate(artist.user)
    return client
