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
    def start_redis(self, port: int = 6380, *, exact: bool = False) -> str:
        """Redis on ``port`` (or a free one near it; ``exact``: that port,
        as when Redis is started again)."""
        if not shutil.which("redis-server"):
            apt_install("redis-server")
        if not exact:
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
    def start_gunicorn(
        self,
        env: dict,
        workers: int,
        port: int = 8790,
        *,
        name: str = "gunicorn",
        ready_path: str = "/bench/ping/",
        ready_timeout: float = 30,
    ) -> str:
        port = free_port(port)
        log(f"{name}, {workers} sync workers, on 127.0.0.1:{port}")
        logfile = open(self.work / f"{name}.log", "wb")  # noqa: SIM115 - kept open for the process
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
            start_new_session=True,  # kill() ends its workers with it
        )
        self.processes.append((name, process))
        wait_for_port(port, process=process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + ready_timeout
        while True:  # every worker up: a few warm-up requests
            try:
                urllib.request.urlopen(f"{url}{ready_path}", timeout=5).read()  # noqa: S310 - local URL
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
    def start_worker(
        self, env: dict, concurrency: int, broker_url: str, *, name: str = "worker"
    ) -> None:
        """A Celery worker (``_celery``); returns once it answers a ping."""
        log(f"Celery {name}, prefork, concurrency {concurrency}")
        hostname = f"bench-{name}-{os.getpid()}@localhost"
        process = self._celery(
            name,
            env,
            ["worker", "-P", "prefork", "-c", str(concurrency), "-n", hostname]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        )
        from marketplace.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[hostname], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the Celery {name} did not start:\n"
                    + (self.work / f"{name}.log").read_text()
                )

    def start_beat(self, env: dict, *, name: str = "beat") -> None:
        """Celery beat (exactly one), its schedule file in the work folder."""
        log("Celery beat")
        self._celery(name, env, ["beat", "-s", str(self.work / "celerybeat-schedule")])

    def _celery(self, name: str, env: dict, arguments: list[str]) -> subprocess.Popen:
        """``celery -A marketplace <arguments>`` in its own process group
        (``kill`` ends a worker's pool children with it), logging to
        ``<name>.log``."""
        logfile = open(self.work / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the process
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "marketplace", *arguments]
            + ["-l", "warning"],
            cwd=ROOT,
            env=env,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((name, process))
        return process

    def kill(self, name: str) -> None:
        """SIGKILL a process started here and its whole process group (a
        worker's pool children too): a machine that dies, nothing cleaned."""
        for entry in list(self.processes):
            if entry[0] == name:
                process = entry[1]
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    process.kill()
                process.wait()
                self.processes.remove(entry)

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


def git_commit() -> str:
    """The commit measured: ``BENCH_COMMIT``, else git's short HEAD."""
    return (
        os.environ.get("BENCH_COMMIT")
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        or "?"
    )
