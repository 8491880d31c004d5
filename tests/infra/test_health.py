"""GET /health/ (api.md, Operations): what a load balancer polls on each
node. 200 when every dependency answers, 503 naming what failed; no login,
no data, answered over plain HTTP and whatever the Host."""

import io
import logging
import os
from datetime import timedelta

import pytest
import redis
from celery.signals import beat_init
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from marketplace import health
from marketplace.celery import app as celery_app
from marketplace.jobs import run_due_jobs
from marketplace.models import Heartbeat
from tests.conftest import _reset_publisher, broker_unreachable

pytestmark = pytest.mark.django_db

CLOSED_PORT_REDIS = "redis://127.0.0.1:6399/0"


@pytest.fixture
def no_broker(settings):
    settings.CELERY_BROKER_URL = ""


@pytest.fixture
def with_broker(settings, monkeypatch):
    """A broker is configured; it answers (the broker check is tried for
    real in its own tests) and beat ran a minute ago."""
    settings.CELERY_BROKER_URL = CLOSED_PORT_REDIS
    monkeypatch.setitem(health.CHECKS, "broker", lambda: health.OK)
    Heartbeat.objects.create(name="beat", at=timezone.now() - timedelta(minutes=1))


def get_health(client, **headers):
    response = client.get("/health/", **headers)
    return response, response.json()


def test_without_a_broker_the_site_is_healthy_and_says_beat_is_not_expected(
    client, no_broker
):
    response, body = get_health(client)

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["failing"] == []
    checks = body["checks"]
    assert checks["database"] == checks["cache"] == checks["storage"] == "ok"
    assert checks["broker"].startswith("not configured")
    assert checks["beat"].startswith("not expected")
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response


def test_with_a_broker_and_a_recent_beat_every_check_is_ok(client, with_broker):
    response, body = get_health(client)

    assert response.status_code == 200
    assert set(body["checks"].values()) == {"ok"}


def test_a_load_balancer_polling_over_http_by_address_gets_the_answer(
    client, settings, no_broker
):
    # Production: HTTPS redirect on, one host name allowed; the balancer asks
    # each node by its address over plain HTTP.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["marketplace.example"]

    response, body = get_health(client, HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert body["status"] == "ok"
    # Only this path: the pages still redirect and check the host.
    assert client.get("/", HTTP_HOST="marketplace.example").status_code == 301


def test_the_database_down_is_a_503_naming_it_without_its_message(
    client, with_broker, monkeypatch
):
    def refuse():
        raise OperationalError("connection to db.internal failed: password=secret")

    monkeypatch.setattr(health.connection, "cursor", refuse)

    response, body = get_health(client)

    assert response.status_code == 503
    assert body["status"] == "failing"
    assert "database" in body["failing"]
    assert body["checks"]["database"] == "failing: OperationalError"
    assert "secret" not in response.content.decode()
    assert body["checks"]["cache"] == "ok"


def test_the_cache_down_is_a_503_naming_it(client, with_broker, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response, body = get_health(client)

    assert response.status_code == 503
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"].startswith("failing: ")


def test_the_broker_down_is_a_503_naming_it(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT_REDIS
    Heartbeat.objects.create(name="beat", at=timezone.now())

    with broker_unreachable():
        response, body = get_health(client)

    assert response.status_code == 503
    assert body["failing"] == ["broker"]


def test_a_storage_that_cannot_be_written_is_a_503_naming_it(
    client, with_broker, settings, tmp_path
):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": not_a_folder / "private", "base_url": None},
        },
    }

    response, body = get_health(client)

    assert response.status_code == 503
    assert body["failing"] == ["storage"]


def test_the_storage_probe_leaves_no_file_behind(client, no_broker, settings):
    get_health(client)

    public = settings.STORAGES["default"]["OPTIONS"]["location"]
    private = settings.STORAGES["private"]["OPTIONS"]["location"]
    assert not list(public.rglob("*.txt"))
    assert not list(private.rglob("*.txt"))


@pytest.mark.parametrize(
    ("ran_minutes_ago", "expected"),
    [(14, 200), (16, 503), (None, 503)],
    ids=["within-3-periods", "late", "never"],
)
def test_beat_must_have_run_within_three_periods(
    client, settings, monkeypatch, ran_minutes_ago, expected
):
    settings.CELERY_BROKER_URL = CLOSED_PORT_REDIS
    monkeypatch.setitem(health.CHECKS, "broker", lambda: health.OK)
    if ran_minutes_ago is not None:  # DUE_JOBS_EVERY_MINUTES: 5
        Heartbeat.objects.create(
            name="beat", at=timezone.now() - timedelta(minutes=ran_minutes_ago)
        )

    response, body = get_health(client)

    assert response.status_code == expected
    if expected == 503:
        assert body["failing"] == ["beat"]


def test_beats_periodic_task_writes_the_heartbeat(settings, monkeypatch):
    settings.DUE_JOBS = []

    run_due_jobs.apply()

    assert timezone.now() - Heartbeat.objects.get(name="beat").at < timedelta(
        seconds=30
    )


def test_run_due_jobs_from_cron_writes_the_heartbeat_too(settings):
    settings.DUE_JOBS = []

    call_command("run_due_jobs", stdout=io.StringIO())

    assert Heartbeat.objects.filter(name="beat").exists()


def test_beat_starting_counts_as_a_heartbeat(client, settings, monkeypatch):
    """Beat's first run comes one period after it starts: a fresh
    deployment is healthy at once."""
    settings.CELERY_BROKER_URL = CLOSED_PORT_REDIS
    monkeypatch.setitem(health.CHECKS, "broker", lambda: health.OK)

    beat_init.send(sender=None)

    response, _ = get_health(client)
    assert response.status_code == 200


def test_the_broker_check_asks_a_real_redis(settings, monkeypatch):
    """With Redis running (as in .ci/run), the real check answers ok."""
    url = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except (redis.RedisError, ValueError) as error:
        pytest.skip(f"needs Redis at {url}: {error}")
    settings.CELERY_BROKER_URL = url
    monkeypatch.setattr(celery_app.conf, "broker_write_url", url)
    _reset_publisher(celery_app)
    try:
        assert health.run_checks()["broker"] == "ok"
    finally:
        _reset_publisher(celery_app)


def test_a_failing_poll_is_a_warning_not_a_server_error_in_the_logs(
    client, with_broker, monkeypatch, caplog
):
    """A balancer polls every few seconds: an outage must not turn each
    poll into an ERROR line (and a Sentry event)."""

    def refuse():
        raise OperationalError("down")

    monkeypatch.setattr(health.connection, "cursor", refuse)

    with caplog.at_level(logging.WARNING):
        response, _ = get_health(client)

    assert response.status_code == 503
    levels = {record.levelname for record in caplog.records}
    assert levels == {"WARNING"}
    assert "Health check database failed" in caplog.text
