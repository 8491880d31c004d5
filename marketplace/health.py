"""``GET /health/`` (api.md, Operations): what a load balancer polls.

200 when the database, the cache, the broker (when one is configured), both
file storages and beat answer; 503 otherwise. The JSON names each check
with ``ok``, ``failing`` (with the kind of error, never its message: the
answer is public), or why it was skipped::

    {"status": "ok", "checks": {"database": "ok", "cache": "ok",
     "broker": "ok", "storage": "ok", "beat": "ok"}}

No login, no session, no data: :class:`HealthMiddleware` answers before
the rest of the middleware, so neither the HTTPS redirect nor
``ALLOWED_HOSTS`` (a load balancer asks by the node's address) applies, and
no cookie or page is involved. Each poll costs one ``SELECT 1``, a cache
write, read and delete, a broker connection, a probe file written, read and
deleted in each storage, and one row read.

Beat: its periodic task and its start write the ``beat`` heartbeat row
(:func:`record_heartbeat`); it is late after three times
``DUE_JOBS_EVERY_MINUTES``. Without a broker (development) there is no
beat and the check says so instead of failing.
"""

import logging
import uuid
from datetime import timedelta

from celery.signals import beat_init
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.log import log_response

from .celery import app as celery_app
from .models import Heartbeat

logger = logging.getLogger(__name__)

HEALTH_PATH = "/health/"
BEAT = "beat"
# Beat is late after this many of its periods without a heartbeat.
BEAT_PERIODS_LATE = 3
PROBE_CONTENT = b"ok"
OK = "ok"


class CheckFailed(Exception):
    """A check that answered, but not as it should (the text says how)."""


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def _cache() -> str:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, PROBE_CONTENT, timeout=30)
    try:
        if cache.get(key) != PROBE_CONTENT:
            raise CheckFailed("the value written was not read back")
    finally:
        cache.delete(key)
    return OK


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured: tasks run in-process"
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=0)
        broker.default_channel  # noqa: B018 - opening the channel asks Redis (PING)
    return OK


def _storage() -> str:
    for alias in ("default", "private"):
        storage = storages[alias]
        name = storage.save(
            f"health/{uuid.uuid4().hex}.txt", ContentFile(PROBE_CONTENT)
        )
        try:
            with storage.open(name, "rb") as probe:
                if probe.read() != PROBE_CONTENT:
                    raise CheckFailed(f"{alias}: the file written was not read back")
        finally:
            storage.delete(name)
    return OK


def beat_late_after() -> timedelta:
    """How long without a heartbeat before beat counts as late."""
    schedule = settings.CELERY_BEAT_SCHEDULE["run-due-jobs"]["schedule"]
    return schedule * BEAT_PERIODS_LATE


def _beat() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not expected: no broker, no beat (run_due_jobs runs the jobs)"
    heartbeat = Heartbeat.objects.filter(name=BEAT).first()
    if heartbeat is None:
        raise CheckFailed("beat never ran")
    age = timezone.now() - heartbeat.at
    if age > beat_late_after():
        raise CheckFailed(f"beat last ran {int(age.total_seconds())} s ago")
    return OK


CHECKS = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
    "storage": _storage,
    "beat": _beat,
}


def run_checks() -> dict[str, str]:
    """Each check's answer: ``ok``, a skip reason, or ``failing: ...``."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except CheckFailed as error:
            logger.warning("Health check %s failed: %s", name, error)
            results[name] = f"failing: {error}"
        except Exception as error:
            # The message may hold a host name or a password: logs only.
            logger.warning("Health check %s failed: %r", name, error)
            results[name] = f"failing: {type(error).__name__}"
    return results


def health(request: HttpRequest) -> JsonResponse:
    results = run_checks()
    failing = sorted(
        name for name, result in results.items() if result.startswith("failing")
    )
    response = JsonResponse(
        {"status": "failing" if failing else OK, "failing": failing, "checks": results},
        status=503 if failing else 200,
    )
    response["Cache-Control"] = "no-store"
    if failing:
        # A balancer polls every few seconds: the 503 is logged here as a
        # warning (and each failing check by run_checks), so that Django's
        # handler does not log it again as a server error (and a Sentry
        # event) per poll.
        log_response(
            "Health check failing: %s",
            ", ".join(failing),
            response=response,
            request=request,
            level="warning",
        )
    return response


class HealthMiddleware:
    """Answer ``GET``/``HEAD /health/`` before anything else looks at the
    request (host, HTTPS, session, language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health(request)
        return self.get_response(request)


def record_heartbeat(name: str = BEAT) -> None:
    """Write that ``name`` ran now; a failure is logged, never raised (the
    jobs ran; health will say the heartbeat is late)."""
    try:
        Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})
    except Exception:
        logger.exception("Could not record the %s heartbeat", name)


@beat_init.connect
def _beat_started(sender=None, **kwargs) -> None:
    """Beat's first run of the jobs comes one period after it starts: its
    start counts as a heartbeat, so a fresh deployment is healthy at once."""
    record_heartbeat(BEAT)
