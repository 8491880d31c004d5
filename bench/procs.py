"""Throw-away services of the benchmark: PostgreSQL 15, Redis, gunicorn and
a Celery worker, each started in a temporary folder and stopped at exit.

PostgreSQL is started the way ``.ci/run`` does it (initdb as the postgres
user, trust authentication, fsync off) unless ``DATABASE_URL`` is set.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:5.0f} s] {message}", flush=True)


def free_port(preferred: int) -> int:
    for candidate in [preferred, *range(preferred + 100, preferred + 200)]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return candidate
    raise RuntimeError(f"no free port near {preferred}")


def wait_for_port(
    port: int, timeout: float = 30, process: subprocess.Popen | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"process exited with {process.returncode} before listening on {port}"
            )
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def apt_install(*packages: str) -> None:
    """Install Debian packages (as root, like .ci/run)."""
    if os.geteuid() != 0:
        raise RuntimeError(
            f"missing {' '.join(packages)} and not root: install them first"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log(f"apt-get install {' '.join(packages)}")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *packages],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def find_postgres_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for path in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return path
    return None


class Services:
    """Every process the bench starts; ``stop()`` ends them all."""

    def __init__(self, work: Path):
        self.work = work
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.pgdata: Path | None = None
        self.pg_ctl: str | None = None

    # --------------------------------------------------------------- PostgreSQL
    def start_postgres(self, port: int = 5434) -> str:
        if not find_postgres_bin("initdb"):
            apt_install("postgresql")
        initdb, self.pg_ctl = find_postgres_bin("initdb"), find_postgres_bin("pg_ctl")
        port = free_port(port)
        self.pgdata = self.work / "pg"
        self.pgdata.mkdir()
        root = os.geteuid() == 0
        if root:
            if (
                subprocess.run(
                    ["id", "postgres"], check=False, capture_output=True
                ).returncode
                != 0
            ):
                subprocess.run(
                    ["useradd", "--system", "--no-create-home", "postgres"], check=True
                )
            os.chmod(self.work, 0o755)
            shutil.chown(self.pgdata, "postgres", "postgres")

        def as_postgres(command: str) -> None:
            argv = (
                ["su", "postgres", "-s", "/bin/sh", "-c", command]
                if root
                else ["sh", "-c", command]
            )
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)

        log(f"PostgreSQL on 127.0.0.1:{port} (data in {self.pgdata})")
        as_postgres(
            f"'{initdb}' -D '{self.pgdata}' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8"
        )
        options = (
            f"-p {port} -k {self.pgdata} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            "-c shared_buffers=512MB -c work_mem=16MB -c maintenance_work_mem=256MB"
        )
        as_postgres(
            f"'{self.pg_ctl}' -D '{self.pgdata}' -l '{self.pgdata}/server.log' -w start -o '{options}'"
        )
        self._as_postgres = as_postgres
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute("CREATE DATABASE marketplace")
        return f"postgres://postgres@127.0.0.1:{port}/marketplace"

    # --------------------------------------------------------------- Redis
    def start_redis(self, port: int = 6380) -> str:
        if not shutil.which("redis-server"):
            apt_install("redis-server")
        port = free_port(port)
        log(f"Redis on 127.0.0.1:{port}")
        process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.work),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(("redis", process))
        wait_for_port(port, process=process)
        return f"redis://127.0.0.1:{port}/0"

    # --------------------------------------------------------------- gunicorn
    def start_gunicorn(self, env: dict, workers: int, port: int = 8790) -> str:
        port = free_port(port)
        log(f"gunicorn, {workers} sync workers, on 127.0.0.1:{port}")
        logfile = open(self.work / "gunicorn.log", "wb")  # noqa: SIM115 - kept open for the process
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "marketplace.wsgi:application",
                "-w",
                str(workers),
                "-k",
                "sync",
                "-b",
                f"127.0.0.1:{port}",
                "--backlog",
                "2048",
                "--keep-alive",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=logfile,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(("gunicorn", process))
        wait_for_port(port, process=process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:  # every worker up: a few warm-up requests
            try:
                urllib.request.urlopen(f"{url}/bench/ping/", timeout=5).read()  # noqa: S310 - local URL
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return url

    def stop_process(self, name: str) -> None:
        for entry in list(self.processes):
            if entry[0] == name:
                self._terminate(*entry)
                self.processes.remove(entry)

    # --------------------------------------------------------------- Celery
    def start_worker(self, env: dict, concurrency: int, broker_url: str) -> None:
        log(f"Celery worker, prefork, concurrency {concurrency}")
        logfile = open(self.work / "worker.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "marketplace",
                "worker",
                "-P",
                "prefork",
                "-c",
                str(concurrency),
                "-l",
                "warning",
                "-n",
                f"bench-{os.getpid()}@localhost",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=logfile,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(("worker", process))
        from marketplace.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the Celery worker did not start:\n"
                    + (self.work / "worker.log").read_text()
                )

    # --------------------------------------------------------------- stop
    @staticmethod
    def _terminate(name: str, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop(self) -> None:
        for name, process in reversed(self.processes):
            self._terminate(name, process)
        self.processes.clear()
        if self.pgdata is not None and (self.pgdata / "postmaster.pid").exists():
            try:
                self._as_postgres(
                    f"'{self.pg_ctl}' -D '{self.pgdata}' -m immediate -w stop"
                )
            except subprocess.CalledProcessError:
                pass
