"""The default cache URL (settings.py calls it).

Login-related limits, sign-up and password-reset limits and the message
burst limit count in the default cache: every process serving the site must
share it. So when ``CACHE_URL`` is unset and the broker is Redis, the cache
is that same Redis server on the next database number (broker ``/0`` → cache
``/1``; ``/15`` wraps to ``/0``), so that Celery's queues and the cache never
share keys and flushing the cache cannot drop queued tasks. Only with no
broker at all (``make run``, one process) is the cache in-process memory.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

IN_PROCESS_CACHE_URL = "locmemcache://marketplace"
REDIS_SCHEMES = ("redis", "rediss")
# Redis has 16 databases (0-15) unless configured otherwise.
REDIS_DATABASES = 16
# A hung Redis must not hold a web request: give up after 1 s to connect and
# 2 s to answer (the limits then let requests through, as when it is down).
REDIS_TIMEOUTS = {"socket_connect_timeout": "1", "socket_timeout": "2"}


def default_cache_url(cache_url: str = "", broker_url: str = "") -> str:
    """The cache URL for ``CACHE_URL`` and ``CELERY_BROKER_URL``.

    ``cache_url`` wins when set. Otherwise a ``redis://`` or ``rediss://``
    broker gives the same server (and query options) on database
    ``(broker's + 1) % 16``, with short socket timeouts unless the broker's
    URL sets its own; anything else (no broker, another transport) gives the
    in-process cache.
    """
    if cache_url:
        return cache_url
    parts = urlsplit(broker_url)
    if parts.scheme not in REDIS_SCHEMES or not parts.netloc:
        return IN_PROCESS_CACHE_URL
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    database = query.pop("db", "") or parts.path.strip("/") or "0"
    try:
        number = int(database)
    except ValueError:
        number = 0
    cache_database = (number + 1) % REDIS_DATABASES
    options = {**REDIS_TIMEOUTS, **query}
    return urlunsplit(
        (parts.scheme, parts.netloc, f"/{cache_database}", urlencode(options), "")
    )
