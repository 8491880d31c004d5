"""Real processes for the fault suite: a Redis of its own on a spare port
(the shared one is never touched), Celery workers started and killed by the
test, and the web side (this process) publishing to that Redis."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.conftest import ROOT, WorkerProcess, _database_url, _reset_publisher

REDIS_SERVER = shutil.which("redis-server")


def pytest_collection_modifyitems(config, items):
    if REDIS_SERVER:
        return
    for item in items:
        if item.nodeid.startswith("tests/faults/"):
            item.add_marker(
                pytest.mark.skip(
                    reason="needs redis-server on PATH (.ci/run installs it)"
                )
            )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A throw-away redis-server that the test stops and starts again (on
    the same port, empty, as after a crash without persistence)."""

    def __init__(self, base: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = base
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=open(self.dir / "redis.log", "ab"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    return
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@contextmanager
def publishing_to(url: str):
    """This process (the web side) publishes tasks to ``url``."""
    from marketplace.celery import app

    previous = {
        key: app.conf[key]
        for key in ("broker_url", "broker_read_url", "broker_write_url")
    }
    previous_eager = app.conf.task_always_eager
    app.conf.broker_url = app.conf.broker_read_url = app.conf.broker_write_url = url
    app.conf.task_always_eager = False
    _reset_publisher(app)
    try:
        yield app
    finally:
        for key, value in previous.items():
            app.conf[key] = value
        app.conf.task_always_eager = previous_eager
        _reset_publisher(app)


@pytest.fixture
def fault_dir(tmp_path):
    path = tmp_path / "faults"
    path.mkdir()
    return path


@pytest.fixture
def no_email_grouping(settings):
    # New-message emails otherwise wait two minutes to be grouped.
    settings.MESSAGE_EMAIL_GROUP_SECONDS = 0


class Workers:
    """Starts Celery workers on the test database and a given broker; every
    worker writes its emails to the same folder."""

    def __init__(self, base: Path, fault_dir: Path):
        self.base = base
        self.fault_dir = fault_dir
        self.mail_dir = base / "mail"
        self.mail_dir.mkdir()
        self.started: list[WorkerProcess] = []

    def start(self, *, broker_url: str, **env) -> WorkerProcess:
        from marketplace.celery import app

        name = f"faults-{uuid.uuid4().hex[:8]}@localhost"
        log_path = self.base / f"{name}.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
            "DATABASE_URL": _database_url(connection.settings_dict),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "FAULT_DIR": str(self.fault_dir),
            "MESSAGE_EMAIL_GROUP_SECONDS": "0",
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
            ),
            **{key: str(value) for key, value in env.items()},
        }
        for key in ("EMAIL_URL", "EMAIL_BACKEND"):
            environment.pop(key, None)
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "marketplace",
                    "worker",
                    "--pool=solo",
                    "-l",
                    "info",
                    "-n",
                    name,
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(
            process=process, name=name, mail_dir=self.mail_dir, log_path=log_path
        )
        self.started.append(worker)
        with publishing_to(broker_url):
            deadline = time.monotonic() + 40
            while not app.control.ping(destination=[name], timeout=0.5):
                if process.poll() is not None:
                    pytest.fail(
                        f"the Celery worker exited ({process.returncode}):\n{worker.log()}"
                    )
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"the Celery worker did not answer within 40 s:\n{worker.log()}"
                    )
        return worker

    def kill(self, worker: WorkerProcess) -> None:
        """SIGKILL: no chance to finish, acknowledge or clean up."""
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait(timeout=10)

    def stop_all(self) -> None:
        for worker in self.started:
            if worker.process.poll() is None:
                worker.process.terminate()
                try:
                    worker.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.process.kill()
                    worker.process.wait()

    def emails_to(self, address: str) -> list[str]:
        return WorkerProcess(
            process=None, name="", mail_dir=self.mail_dir, log_path=self.base
        ).emails_to(address)

    def logs(self) -> str:
        return "\n".join(f"--- {w.name}\n{w.log()[-4000:]}" for w in self.started)


@pytest.fixture
def workers(tmp_path, fault_dir, django_db_blocker):
    pool = Workers(tmp_path, fault_dir)
    yield pool
    pool.stop_all()
