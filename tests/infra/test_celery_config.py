"""The Celery application as workers and beat will load it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from marketplace.celery import app
from marketplace.models import Heartbeat
from tests.conftest import _database_url

ROOT = Path(__file__).resolve().parents[2]


def registered_tasks():
    app.loader.import_default_modules()
    return set(app.tasks)


def test_every_task_of_the_beat_schedule_exists():
    tasks = registered_tasks()

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled
    assert scheduled <= tasks


def test_the_notification_tasks_are_registered_under_stable_names():
    assert {
        "marketplace.notifications.send",
        "marketplace.notifications.sweep_pending",
        "marketplace.jobs.run_due_jobs",
    } <= registered_tasks()


def test_workers_keep_database_connections_and_acknowledge_after_the_task():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    # Without it the Django fixup closes the connection around every task.
    assert settings.CELERY_DB_REUSE_MAX


def test_workers_wait_for_the_broker_but_publishers_never_do():
    assert app.conf.broker_connection_max_retries is None
    assert app.conf.task_publish_retry is False
    options = app.conf.broker_transport_options
    assert options["max_retries"] == 0
    assert options["socket_connect_timeout"] <= 1
    assert options["socket_timeout"] <= 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_starts_with_the_schedule_and_records_its_heartbeat(tmp_path):
    log_path = tmp_path / "beat.log"
    with open(log_path, "wb") as log:
        beat = subprocess.Popen(  # noqa: S603 - fixed command line
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "marketplace",
                "beat",
                "-l",
                "info",
                "-s",
                str(tmp_path / "schedule"),
                "--pidfile",
                str(tmp_path / "beat.pid"),
            ],
            cwd=ROOT,
            # The test database: beat's start writes its heartbeat there.
            env={
                **os.environ,
                "DATABASE_URL": _database_url(connection.settings_dict),
                "PYTHONPATH": str(ROOT),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 15
        while (
            time.monotonic() < deadline and "beat: Starting" not in log_path.read_text()
        ):
            assert beat.poll() is None, log_path.read_text()
            time.sleep(0.2)
        time.sleep(1)
        assert beat.poll() is None, log_path.read_text()
    finally:
        beat.terminate()
        beat.wait(timeout=10)
    output = log_path.read_text()
    assert "beat: Starting" in output
    assert "Traceback" not in output
    assert Heartbeat.objects.filter(name="beat").exists()
