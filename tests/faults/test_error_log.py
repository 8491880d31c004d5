"""Server errors reach the log file that production keeps (LOG_FILE): a
daemonised gunicorn drops the console, where Django writes them otherwise."""

import logging
import logging.config
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from marketplace.log_config import logging_config
from tests.conftest import ROOT


@pytest.fixture
def log_file(tmp_path):
    """Logging configured as settings.py does with LOG_FILE set; back to the
    test settings afterwards."""
    path = tmp_path / "logs" / "errors.log"  # the folder is created
    logging.config.dictConfig(logging_config(level="WARNING", log_file=str(path)))
    yield path
    logging.config.dictConfig(settings.LOGGING)


def read(path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_an_unhandled_exception_in_a_view_is_in_the_log_file(buyer, log_file):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(buyer)
    with mock.patch(
        "orders.api.price_cart", side_effect=RuntimeError("the cart exploded")
    ):
        response = client.get("/api/v1/cart/")

    assert response.status_code == 500
    logged = read(log_file)
    assert "ERROR" in logged
    assert "django.request: Internal Server Error: /api/v1/cart/" in logged
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: the cart exploded" in logged


def test_our_own_errors_and_warnings_are_in_the_log_file(log_file):
    logging.getLogger("orders.services.refunds").error("refund 42 failed")
    logging.getLogger("marketplace.notifications").warning("outbox slow")
    logging.getLogger("orders.services").info("routine detail")

    logged = read(log_file)
    assert "ERROR" in logged and "orders.services.refunds: refund 42 failed" in logged
    assert "marketplace.notifications: outbox slow" in logged
    assert "routine detail" not in logged


def test_without_log_file_only_the_console_logs():
    config = logging_config(level="WARNING", log_file="")

    assert list(config["handlers"]) == ["console"]
    assert config["root"]["handlers"] == ["console"]


def test_a_log_file_that_cannot_be_written_stops_the_start(tmp_path):
    (tmp_path / "not-a-folder").write_text("")

    with pytest.raises(ImproperlyConfigured, match="LOG_FILE"):
        logging_config(log_file=str(tmp_path / "not-a-folder" / "errors.log"))


def test_the_settings_send_errors_to_log_file(tmp_path):
    """End to end through settings.py: LOG_FILE in the environment, a
    request logger error in a fresh process, the line in the file."""
    path = tmp_path / "errors.log"
    env = {**os.environ, "LOG_FILE": str(path), "LOG_LEVEL": "WARNING"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = (
        "import django, logging, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'marketplace.settings';"
        "django.setup();"
        "logging.getLogger('django.request').error('Internal Server Error: /probe/')"
    )

    subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=180
    )

    assert "django.request: Internal Server Error: /probe/" in path.read_text()
