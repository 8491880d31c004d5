import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from tests.factories import ArtistFactory, UserFactory, VariantFactory

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs a loop

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH")
    or shutil.which("chromium")
    or "/usr/lib/chromium/chromium"
)
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
    # Tests marked worker start their own Celery worker (celery_worker_process)
    # on the test database; they need the broker to answer and a database that
    # a second process can open (PostgreSQL; the test SQLite is in memory).
    wants_worker = any("worker" in item.keywords for item in items)
    worker_missing = _worker_missing_reason() if wants_worker else None
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL)"))
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM}"))
        if "worker" in item.keywords and worker_missing:
            item.add_marker(pytest.mark.skip(reason=worker_missing))


def pytest_terminal_summary(terminalreporter):
    """One line per reason tests were skipped, with how many: what this
    machine lacks, at a glance (``.ci/run`` provides it all)."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    if not reasons:
        return
    terminalreporter.section("skipped, by reason")
    for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
        terminalreporter.write_line(f"{count:5d}  {reason}")


def _worker_missing_reason() -> str | None:
    """Why tests marked worker cannot run here, or None when they can."""
    broker_url = os.environ.get("CELERY_BROKER_URL")
    if not broker_url:
        return "needs CELERY_BROKER_URL and Redis (.ci/run starts them)"
    try:
        redis.Redis.from_url(
            broker_url, socket_connect_timeout=1, socket_timeout=1
        ).ping()
    except (redis.RedisError, ValueError) as error:  # ValueError: not a redis:// URL
        return f"the broker at CELERY_BROKER_URL does not answer: {error}"
    if connection.vendor != "postgresql":
        return "needs PostgreSQL (DATABASE_URL): the worker shares the test database"
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser(live_server, browser):
    """Playwright's browser, started after the live server so that it is
    closed before it: the browser's last keep-alive connections end while
    the server still shares the test database with its request threads
    (closed afterwards, each would raise in a thread of its own)."""
    return browser


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password per user: MD5 keeps that from dominating the
    suite (PBKDF2 takes about half a second each here). Tests only."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request made by a French
    user in an earlier test must not leave French active on this thread."""
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


# Each test process counts its rate limits in its own memory: with
# CELERY_BROKER_URL set (the PostgreSQL and Redis run) the default cache would
# be Redis, shared by the pytest-xdist processes, and _empty_cache's clear()
# of one would wipe the counters of a test running in the other.
# tests/infra/test_cache_default.py proves the default itself.
TEST_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tests",
    }
}
override_settings(CACHES=TEST_CACHES).enable()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and lockouts live in the cache: each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": tmp_path / "media" / "public",
                "base_url": "/media/",
            },
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
    return UserFactory(
        username="acheteuse", email="acheteuse@example.com", language="fr"
    )


@pytest.fixture
def artist(db):
    return ArtistFactory(
        user=UserFactory(username="potter", email="potter@example.com")
    )


@pytest.fixture
def other_artist(db):
    return ArtistFactory(
        user=UserFactory(username="weaver", email="weaver@example.com")
    )


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


# ---------------------------------------------------------------- Celery
# Outside tests marked worker, tasks run in-process after commit even when
# CELERY_BROKER_URL is set, so that both CI runs (SQLite without a broker,
# PostgreSQL with Redis) see the same emails in mailoutbox. Tests marked
# worker publish to Redis for real and use celery_worker_process.

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _celery_tasks_in_process(request):
    from marketplace.celery import app

    if "worker" in request.keywords:
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def _reset_publisher(app):
    """Forget pooled broker connections so the next publish uses the current URL."""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_unreachable(port: int = 6399):
    """Point this process's Celery publisher at a closed port (the worker is
    untouched): publishing fails as it does when Redis is down."""
    from marketplace.celery import app

    previous_url = app.conf.broker_write_url
    previous_eager = app.conf.task_always_eager
    app.conf.broker_write_url = f"redis://127.0.0.1:{port}/0"
    app.conf.task_always_eager = False
    _reset_publisher(app)
    try:
        yield
    finally:
        app.conf.broker_write_url = previous_url
        app.conf.task_always_eager = previous_eager
        _reset_publisher(app)


@pytest.fixture
def broker_down():
    """While the test runs, publishing fails as if Redis were down."""
    with broker_unreachable():
        yield


class WorkerProcess:
    """A real Celery worker on the test database, writing emails to files."""

    def __init__(self, *, process, name, mail_dir, log_path):
        self.process = process
        self.name = name
        self.mail_dir = mail_dir
        self.log_path = log_path

    def emails_to(self, address: str) -> list[str]:
        """Every email the worker wrote to ``address`` (one string each)."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for message in path.read_text(errors="replace").split("-" * 79):
                if re.search(rf"^To: {re.escape(address)}$", message, re.MULTILINE):
                    found.append(message)
        return found

    def log(self) -> str:
        return (
            self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        )


def _database_url(settings_dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start ``celery -A marketplace worker --pool=solo`` on the TEST database.

    Emails go to files in ``worker.mail_dir`` (file-based backend), the test
    email templates of tests/templates are visible (tests.infra.worker_settings).
    Waits until the worker answers a ping; stops it before the test database
    is dropped.
    """
    from marketplace.celery import app

    reason = _worker_missing_reason()
    if reason:
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("celery-worker")
    mail_dir = base / "mail"
    mail_dir.mkdir()
    log_path = base / "worker.log"
    name = f"pytest-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.infra.worker_settings",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    env.pop("EMAIL_URL", None)
    with django_db_blocker.unblock():
        _reset_publisher(app)
        app.control.purge()  # tasks left by an earlier run point at other rows
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed command line
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "marketplace",
                "worker",
                "--pool=solo",
                "-l",
                "warning",
                "-n",
                name,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = WorkerProcess(
        process=process, name=name, mail_dir=mail_dir, log_path=log_path
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"the Celery worker exited ({process.returncode}):\n{worker.log()}"
                )
            if app.control.ping(destination=[name], timeout=0.5):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the Celery worker did not answer within 30 s:\n{worker.log()}"
                )
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
