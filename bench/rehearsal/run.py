"""`make rehearsal`: the site on several "machines" at once, under load,
with a worker killed and Redis stopped along the way.

Starts, in a temporary folder (``bench.procs.Services``): a throw-away
PostgreSQL, Redis (broker, and cache on its next database), moto's S3 server
(``STORAGE_URL``), the demo data plus the rehearsal's buyers
(``bench.rehearsal.seed``), two web nodes (gunicorn on two ports, each with
its own empty ``MEDIA_ROOT``, ``DEBUG`` off), two Celery workers and beat
(due jobs every few seconds). Emails go to the file-based backend of the
workers, one file per connection. Then it drives the locust users of
``bench.rehearsal.locustfile`` for ``REHEARSAL_SECONDS`` and, meanwhile:

- kills one worker (SIGKILL, with its pool) at 30 % of the run and
  starts it again 5 s later;
- stops Redis at 50 % for ``REHEARSAL_REDIS_STOP`` seconds, then starts it
  again (empty: queued tasks are gone, the outbox sweep queues them again).

It waits until the outbox is drained (``REHEARSAL_DRAIN`` seconds at most)
and checks:

- errors: no failed request outside the Redis outage (from the stop until
  both nodes' ``/health/`` say the database, cache, broker and storage
  answer again); no 500 at all after that;
- stale reads: 0 (``locustfile``: a read on the other node older than the
  change just made);
- emails: every outbox row created during the run was written by a worker
  exactly once (its ``Message-ID``), none lost, none twice;
- p50 and p95 per page and endpoint.

Writes ``REHEARSAL_RESULTS`` (default ``bench/results/rehearsal.md``) and
exits 1 when a check fails. Knobs: ``REHEARSAL_SECONDS`` (180),
``REHEARSAL_USERS`` (8 buyers and one staff member), ``REHEARSAL_REDIS_STOP``
(30), ``REHEARSAL_DRAIN`` (90), ``REHEARSAL_WEB_WORKERS`` (2 per node),
``REHEARSAL_CHAOS=0`` (no kill, no stop), ``REHEARSAL_SEED=shops`` (the
demo's shops alone: a shorter start), ``REHEARSAL_KEEP=1`` (keep the
folder with every log).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.procs import (  # noqa: E402
    Services,
    free_port,
    git_commit,
    log,
    wait_for_port,
)
from bench.rehearsal.report import analyse, compare_emails, render  # noqa: E402

SECONDS = float(os.environ.get("REHEARSAL_SECONDS", 180))
USERS = int(os.environ.get("REHEARSAL_USERS", 8))
REDIS_STOP = float(os.environ.get("REHEARSAL_REDIS_STOP", 30))
DRAIN = float(os.environ.get("REHEARSAL_DRAIN", 90))
WEB_WORKERS = int(os.environ.get("REHEARSAL_WEB_WORKERS", 2))
CHAOS = os.environ.get("REHEARSAL_CHAOS", "1") not in ("", "0")
SEED = os.environ.get("REHEARSAL_SEED", "demo")
RESULTS = Path(
    os.environ.get("REHEARSAL_RESULTS", ROOT / "bench" / "results" / "rehearsal.md")
)
BUCKET = "rehearsal"


def main() -> int:
    started = time.monotonic()
    os.environ["REHEARSAL_LOAD_BEFORE"] = f"{os.getloadavg()[0]:.1f}"
    # A timeout (CI's) ends the run through ``finally``: every process
    # started here is stopped, PostgreSQL too.
    signal.signal(signal.SIGTERM, lambda *args: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="marketplace-rehearsal-"))
    services = Services(work)
    try:
        return rehearse(services, work, started)
    finally:
        # Throw-away processes: killed, not waited for (a warm shutdown of
        # each worker takes seconds); PostgreSQL is stopped by stop().
        for name in ("locust", "beat", "worker1", "worker2", "web1", "web2"):
            services.kill(name)
        services.stop()
        if os.environ.get("REHEARSAL_KEEP"):
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        log(f"everything stopped; {time.monotonic() - started:.0f} s in all")


def start_moto(services: Services, work: Path) -> str:
    port = free_port(5077)
    log(f"moto S3 server on 127.0.0.1:{port}")
    logfile = open(work / "moto.log", "wb")  # noqa: SIM115 - kept open for the process
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1"]
        + ["-p", str(port)],
        stdout=logfile,
        stderr=subprocess.STDOUT,
    )
    services.processes.append(("moto", process))
    wait_for_port(port, process=process)
    return f"http://127.0.0.1:{port}"


def environment(work: Path, database_url: str, broker_url: str, s3: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.rehearsal.settings",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CONN_MAX_AGE": "60",
        # Every email a worker sends is a file of work/emails: counted at the end.
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(work / "emails"),
        "STORAGE_URL": f"s3://{BUCKET}?endpoint_url={s3}",
        "AWS_ACCESS_KEY_ID": "rehearsal",
        "AWS_SECRET_ACCESS_KEY": "rehearsal",  # any value: moto checks none
        "AWS_DEFAULT_REGION": "us-east-1",
        # The jobs (and the outbox sweep with them) every 6 s, message emails
        # grouped for 5 s, a dead sender's claim taken over after 20 s: the
        # drain period sees every outcome.
        "DUE_JOBS_EVERY_MINUTES": "0.1",
        "MESSAGE_EMAIL_GROUP_SECONDS": "5",
        "REHEARSAL_CLAIM_SECONDS": "20",
        "MESSAGE_BURST_RATE": "100/m",
        "LOG_LEVEL": "WARNING",
        "LOG_FILE": str(work / "errors.log"),
        "REHEARSAL_STATIC_ROOT": str(work / "static"),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    for name in ("CACHE_URL", "EMAIL_URL", "SENTRY_DSN"):
        env.pop(name, None)
    return env


def node_env(env: dict, work: Path, name: str) -> dict:
    """Each process its own empty MEDIA_ROOT: nothing can lean on a local disk."""
    media = work / f"media-{name}"
    media.mkdir()
    return {**env, "MEDIA_ROOT": str(media)}


def rehearse(services: Services, work: Path, started: float) -> int:
    database_url = services.start_postgres()
    broker_url = services.start_redis()
    redis_port = int(broker_url.rsplit(":", 1)[1].split("/")[0])
    s3 = start_moto(services, work)
    import boto3

    boto3.client(
        "s3",
        endpoint_url=s3,
        region_name="us-east-1",
        aws_access_key_id="rehearsal",
        aws_secret_access_key="rehearsal",  # noqa: S106
    ).create_bucket(Bucket=BUCKET)
    (work / "emails").mkdir()
    env = environment(work, database_url, broker_url, s3)

    # No broker: the demo's emails are sent in-process, before the run.
    seed_env = {**node_env(env, work, "seed"), "CELERY_BROKER_URL": ""}
    seed_env.pop("MESSAGE_EMAIL_GROUP_SECONDS")
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        log(command[0])
        subprocess.run(manage + command, cwd=ROOT, env=seed_env, check=True)
    log("seed: the demo and the rehearsal's buyers")
    data_file = work / "data.json"
    subprocess.run(
        [sys.executable, "-m", "bench.rehearsal.seed", str(data_file), str(USERS)]
        + ([] if SEED == "demo" else ["shops"]),
        cwd=ROOT,
        env=seed_env,
        check=True,
    )
    data = json.loads(data_file.read_text())

    os.environ.update(env)
    import django

    django.setup()

    # The two nodes and the workers start side by side (each takes seconds
    # to import Django on a busy machine).
    worker_envs = {name: node_env(env, work, name) for name in ("worker1", "worker2")}

    def start_workers():
        for name, worker_env in worker_envs.items():
            services.start_worker(worker_env, 2, broker_url, name=name)

    with ThreadPoolExecutor(3) as pool:
        starting = [
            pool.submit(
                services.start_gunicorn,
                node_env(env, work, name),
                WEB_WORKERS,
                port,
                name=name,
                ready_path="/accounts/login/",
                ready_timeout=180,
            )
            for name, port in (("web1", 8801), ("web2", 8802))
        ]
        workers = pool.submit(start_workers)
        nodes = [future.result() for future in starting]
        workers.result()
    services.start_beat(node_env(env, work, "beat"))

    events: dict[str, float] = {}
    chaos = threading.Thread(
        target=run_chaos,
        args=(services, worker_envs, broker_url, redis_port, nodes, events),
        daemon=True,
    )
    requests_log = work / "requests.jsonl"
    log(f"locust: {USERS} buyers and 1 staff member for {SECONDS:.0f} s")
    events["load_start"] = time.time()
    if CHAOS:
        chaos.start()
    locust = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "rehearsal" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "-u",
            str(USERS + 1),
            "-r",
            str(USERS + 1),
            "-t",
            f"{SECONDS:.0f}s",
            "--stop-timeout",
            "5",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "REHEARSAL_DATA": str(data_file),
            "REHEARSAL_NODES": ",".join(nodes),
            "REHEARSAL_LOG": str(requests_log),
        },
        check=False,
        capture_output=True,
        text=True,
    )
    events["load_end"] = time.time()
    if CHAOS:
        chaos.join(timeout=REDIS_STOP + 120)
    log(f"locust done (exit {locust.returncode}); draining the outbox")
    emails = drain_and_count(data["watermark"], work / "emails")
    result = analyse(
        requests_log.read_text().splitlines() if requests_log.exists() else [],
        events,
    )
    errors_log = work / "errors.log"
    summary = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": git_commit(),
        "seconds": SECONDS,
        "users": USERS,
        "web_workers": WEB_WORKERS,
        "redis_stop": REDIS_STOP if CHAOS else 0,
        "chaos": CHAOS,
        "elapsed": time.monotonic() - started,
        "cache": cache_backend(),
        "emails": emails,
        "events": events,
        "server_errors": server_errors(errors_log),
        "locust_exit": locust.returncode,
        "load": (os.environ["REHEARSAL_LOAD_BEFORE"], f"{os.getloadavg()[0]:.1f}"),
    }
    text, failures = render(result, summary)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    print("\n" + text)
    if locust.returncode not in (0, 1):  # 1: locust saw failures, judged above
        print(locust.stdout[-3000:], locust.stderr[-3000:], file=sys.stderr)
        failures.append(f"locust exited with {locust.returncode}")
    log(f"written to {RESULTS}")
    if failures:
        for failure in failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    log("rehearsal passed")
    return 0


def run_chaos(services, worker_envs, broker_url, redis_port, nodes, events) -> None:
    """A worker killed at 30 % of the run, Redis stopped at 50 %."""
    start = events["load_start"]
    time.sleep(max(0, start + SECONDS * 0.3 - time.time()))
    log("chaos: SIGKILL worker1 and its pool")
    events["worker_killed"] = time.time()
    services.kill("worker1")
    time.sleep(5)
    services.start_worker(worker_envs["worker1"], 2, broker_url, name="worker1")
    events["worker_restarted"] = time.time()
    time.sleep(max(0, start + SECONDS * 0.5 - time.time()))
    log(f"chaos: Redis stopped for {REDIS_STOP:.0f} s")
    events["redis_stopped"] = time.time()
    services.stop_process("redis")
    time.sleep(REDIS_STOP)
    services.start_redis(redis_port, exact=True)
    events["redis_started"] = time.time()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(healthy(node) for node in nodes):
        time.sleep(0.5)
    events["recovered"] = time.time()
    log(
        f"chaos: both nodes healthy {events['recovered'] - events['redis_started']:.1f} s after Redis came back"
    )


def healthy(node: str) -> bool:
    """The node's ``/health/`` says the database, cache, broker and storage
    answer. Beat's check is left out: with jobs every 6 s it is "late" for a
    while after any outage longer than 18 s, which says nothing about the
    requests being served."""
    try:
        with urllib.request.urlopen(f"{node}/health/", timeout=5) as answer:  # noqa: S310 - local URL
            body = answer.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return True  # no health endpoint: nothing more to wait for
        body = error.read()
    except OSError:
        return False
    try:
        checks = json.loads(body)["checks"]
    except (ValueError, KeyError):
        return False
    return all(value == "ok" for key, value in checks.items() if key != "beat")


def drain_and_count(watermark: int, folder: Path) -> dict:
    """Wait until every outbox row of the run is sent (or ``DRAIN`` s have
    passed), then compare the rows with the emails the workers wrote."""
    from marketplace.notifications.models import Notification, NotificationStatus

    rows = Notification.objects.filter(pk__gt=watermark)
    waiting = [NotificationStatus.PENDING, NotificationStatus.SENDING]
    drain_started = time.monotonic()
    deadline = drain_started + DRAIN
    while rows.filter(status__in=waiting).exists() and time.monotonic() < deadline:
        time.sleep(1)
    drained = time.monotonic() - drain_started
    time.sleep(1)  # a send that just marked its row has flushed its file
    statuses = Counter(rows.values_list("status", flat=True))
    compared = compare_emails(
        {row.pk: row.message_id for row in rows.only("pk", "created_at")},
        [path.read_text(errors="replace") for path in folder.iterdir()],
    )
    return {
        "recorded": sum(statuses.values()),
        "statuses": dict(statuses),
        **compared,
        "drain_seconds": drained,
        "events": dict(Counter(rows.values_list("event", flat=True))),
    }


def cache_backend() -> str:
    from django.conf import settings

    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def server_errors(path: Path) -> dict:
    """The ``ERROR`` lines of the shared ``LOG_FILE``: a count per logger
    (the workers and beat complain while Redis is away, as they should),
    and the server errors (``django.request``) themselves."""
    if not path.exists():
        return {"by_logger": {}, "requests": []}
    lines = [
        line
        for line in path.read_text(errors="replace").splitlines()
        if " ERROR " in line
    ]
    loggers = Counter(
        line.split(" ERROR ", 1)[1].split()[1].rstrip(":") for line in lines
    )
    return {
        "by_logger": dict(loggers),
        "requests": [line for line in lines if " django.request:" in line][:20],
    }


if __name__ == "__main__":
    sys.exit(main())
