"""LOG_FORMAT=json (issue 18): one JSON object per line with the request
id, which the proxy may give (X-Request-ID), every answer sends back, and
the Celery tasks a request queues carry into the worker's log lines."""

import contextvars
import json
import logging
import logging.config
import os
import subprocess
import sys

import pytest
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from marketplace import request_id
from marketplace.jobs import run_due_jobs
from marketplace.log_config import logging_config
from marketplace.request_id import RequestIdMiddleware
from tests.conftest import ROOT

logger = logging.getLogger("marketplace.tests")


@pytest.fixture
def json_log(tmp_path):
    """Logging as settings.py configures it with LOG_FORMAT=json and a
    LOG_FILE; back to the test settings afterwards."""
    path = tmp_path / "site.log"
    logging.config.dictConfig(
        logging_config(level="INFO", log_file=str(path), log_format="json")
    )
    yield path
    logging.config.dictConfig(settings.LOGGING)


def lines(path) -> list[dict]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return [json.loads(line) for line in path.read_text().splitlines()]


def a_request_that(view, **headers):
    """Run ``view`` behind the request id middleware; its response."""
    request = RequestFactory().get("/somewhere/", **headers)
    return RequestIdMiddleware(view)(request)


def test_every_answer_carries_a_new_request_id(client, db):
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("7f3a9c2e-1b4d-4c8e-9f00-123456789abc", True),
        ("Root=1-5759e988", False),  # "=" is not accepted
        ("evil\nline", False),
        ("x" * 129, False),
        ("", False),
    ],
)
def test_the_proxys_request_id_is_kept_only_when_well_formed(given, kept):
    response = a_request_that(lambda request: HttpResponse(), HTTP_X_REQUEST_ID=given)

    assert (response["X-Request-ID"] == given) is kept
    assert request_id.WELL_FORMED.fullmatch(response["X-Request-ID"])


def test_a_json_line_has_time_level_logger_message_and_request_id(json_log):
    def view(request):
        logger.warning("Stock of %s is low", "teapot")
        return HttpResponse()

    response = a_request_that(view, HTTP_X_REQUEST_ID="req-42")
    logger.warning("between requests")

    during, after = lines(json_log)
    assert response["X-Request-ID"] == "req-42"
    assert during["message"] == "Stock of teapot is low"
    assert during["level"] == "WARNING"
    assert during["logger"] == "marketplace.tests"
    assert during["request_id"] == "req-42"
    assert during["timestamp"].endswith("+00:00")
    assert after["request_id"] == "-"


def test_an_error_answer_is_logged_with_its_request_id(json_log):
    response = a_request_that(
        lambda request: HttpResponse(status=400), HTTP_X_REQUEST_ID="req-400"
    )

    (line,) = [line for line in lines(json_log) if line["logger"] == "django.request"]
    assert response.status_code == 400
    assert line["message"] == "Bad Request: /somewhere/"
    assert line["request_id"] == "req-400"


def test_a_traceback_stays_inside_its_json_line(json_log):
    try:
        raise ValueError("broken")
    except ValueError:
        logger.exception("It failed")

    (line,) = lines(json_log)
    assert line["message"] == "It failed"
    assert "ValueError: broken" in line["exception"]


def test_a_task_queued_during_a_request_logs_with_the_same_request_id(json_log):
    """The web process publishes (before_task_publish adds the id to the
    message's headers); the worker runs the task in a context of its own
    (task_prerun restores the id, task_postrun forgets it)."""
    published = {}

    def view(request):
        logger.warning("Order paid")
        headers = {}
        before_task_publish.send(
            sender="marketplace.jobs.run_due_jobs", body=(), headers=headers
        )
        published.update(headers)
        return HttpResponse()

    a_request_that(view, HTTP_X_REQUEST_ID="req-777")

    def worker():
        # Celery's worker turns a message's headers into task.request.
        run_due_jobs.push_request(id="task-1", **published)
        try:
            task_prerun.send(sender=run_due_jobs, task_id="task-1", task=run_due_jobs)
            logger.warning("Sending the email")
            task_postrun.send(sender=run_due_jobs, task_id="task-1", task=run_due_jobs)
            logger.warning("Waiting for the next task")
        finally:
            run_due_jobs.pop_request()

    contextvars.Context().run(worker)

    web, task, idle = lines(json_log)
    assert published == {"request_id": "req-777"}
    assert web["request_id"] == task["request_id"] == "req-777"
    assert task["message"] == "Sending the email"
    assert idle["request_id"] == "-"


def test_a_task_published_outside_a_request_carries_no_id():
    headers = {}

    contextvars.Context().run(
        before_task_publish.send, sender="x", body=(), headers=headers
    )

    assert headers == {}


def test_an_unknown_log_format_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_config(log_format="xml")


def test_log_format_json_makes_the_sites_lines_json():
    """settings.py reads LOG_FORMAT: a process started with it logs JSON."""
    script = "import logging; logging.getLogger('marketplace').warning('hello')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={**os.environ, "LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    (line,) = [json.loads(x) for x in result.stderr.splitlines() if "hello" in x]
    assert line["message"] == "hello"
    assert line["logger"] == "marketplace"
    assert line["request_id"] == "-"
