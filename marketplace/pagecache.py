"""Rendered parts of the busiest pages, kept in the cache until what they
show changes.

A cached part is stored under a key that holds a *version token* of each
thing it shows: ``order:<id>`` (a buyer's order page), ``shop:<id>`` (an
artist's dashboard home), ``inbox:<user id>`` (the unread counts of the
page header) or ``cart:u<user id>`` / ``cart:c<cart id>`` (the cart badge). Any change to a row those pages read deletes the token
(``bump_*``, called by the receivers of ``marketplace.pagecache_receivers``
on every save and delete, and by hand next to each ``QuerySet.update``),
so the next request finds no token, draws a new random one and renders
afresh: a stale part can never be read again, and a token lost from the
cache (eviction, restart) only costs one render.

Tokens are deleted twice: at once, and again after the transaction commits
(a request that rendered between the two from the rows not yet committed
stored its part under a token that the second delete retires).

Parts also carry the minute, the language and the time zone in their key:
what a page derives from the clock (time left to accept, return deadlines,
buttons that appear on a date) is at most a minute old.

The cache is ``CACHE_URL``: a shared one (Redis) in production, as the
login lockouts already require, so that a change made in one process is
seen by every other (``manage.py check --deploy`` warns when it is the
in-process default). ``PAGE_CACHE=0`` turns the cache of parts off.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

VERSION_TIMEOUT = 7 * 24 * 3600
PART_TIMEOUT = 10 * 60


def _token_key(kind: str, pk) -> str:
    return f"pagecache:v:{kind}:{pk}"


def versions(*keys: tuple[str, object], request=None) -> str:
    """The current tokens of ``keys`` ((kind, pk) pairs), joined; a missing
    token is drawn now. With ``request``, tokens already read during the
    request (``prime``) are not asked for again."""
    known = getattr(request, "_pagecache_tokens", None) if request is not None else None
    if known is None:
        known = {}
        if request is not None:
            request._pagecache_tokens = known
    names = [_token_key(kind, pk) for kind, pk in keys]
    wanted = [name for name in names if name not in known]
    if wanted:
        try:
            found = cache.get_many(wanted)
            missing = {name: secrets.token_hex(6) for name in wanted if name not in found}
            if missing:
                cache.set_many(missing, VERSION_TIMEOUT)
                found.update(missing)
        except Exception as error:  # the cache is unreachable: render everything
            logger.warning("Page cache unreachable (%s: %s)", type(error).__name__, error)
            found = {name: "offline-" + secrets.token_hex(6) for name in wanted}
        known.update(found)
    return "-".join(known[name] for name in names)


def prime(request, *keys: tuple[str, object]) -> None:
    """Read the tokens of ``keys`` for ``request`` in one round trip (a page
    that will ask for several)."""
    versions(*keys, request=request)


def bump(**kinds: Iterable) -> None:
    """Retire the tokens of several kinds at once (``orders=[...]``,
    ``shops=[...]``, ``inboxes=[...]``, ``carts=[...]``): one cache round
    trip now and one after the commit."""
    names = [
        _token_key(KIND_OF[kind], pk)
        for kind, pks in kinds.items()
        for pk in {pk for pk in pks if pk is not None}
    ]
    if not names:
        return
    _delete(names)
    transaction.on_commit(lambda: _delete(names), robust=True)


def _delete(names: list[str]) -> None:
    """Delete tokens; a cache that cannot be reached never fails the change
    that asked (its parts expire after ``PART_TIMEOUT`` anyway)."""
    try:
        cache.delete_many(names)
    except Exception as error:
        logger.error("Page cache tokens not deleted (%s: %s): %s", type(error).__name__, error, names[:10])


KIND_OF = {"orders": "order", "shops": "shop", "inboxes": "inbox", "carts": "cart"}


def bump_orders(order_ids: Iterable) -> None:
    """What the order pages of ``order_ids`` show has changed."""
    bump(orders=order_ids)


def bump_shops(artist_ids: Iterable) -> None:
    """What the dashboard homes of ``artist_ids`` show has changed."""
    bump(shops=artist_ids)


def bump_inboxes(user_ids: Iterable) -> None:
    """The unread counts of ``user_ids`` have changed."""
    bump(inboxes=user_ids)


def bump_carts(*, cart_id, user_id=None) -> None:
    """The number of pieces in a cart has changed (the header's badge)."""
    bump(carts=[f"c{cart_id}", f"u{user_id}" if user_id is not None else None])


def part_key(name: str, *keys: tuple[str, object], request=None) -> str:
    """The cache key of the part ``name`` showing ``keys``, for the active
    language and time zone and the current minute."""
    minute = int(timezone.now().timestamp() // 60)
    return ":".join(
        (
            "pagecache:part",
            name,
            versions(*keys, request=request),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            str(minute),
        )
    )


def cached(key: str, render: Callable[[], str]) -> str:
    """The part stored under ``key``, rendered by ``render`` when missing
    (always, when ``PAGE_CACHE`` is off)."""
    if not settings.PAGE_CACHE or "offline-" in key:
        return render()
    try:
        value = cache.get(key)
    except Exception as error:  # the cache is unreachable: render
        logger.warning("Page cache unreachable (%s: %s)", type(error).__name__, error)
        return render()
    if value is None:
        value = render()
        try:
            cache.set(key, value, PART_TIMEOUT)
        except Exception as error:
            logger.warning("Page cache unreachable (%s: %s)", type(error).__name__, error)
    return value


# The CSRF token of a cached part: the part is rendered with this stand-in,
# replaced by the visitor's own token when served (one user may have
# several sessions, each with its own token). Derived from SECRET_KEY so
# that every process agrees on it and nobody can type it into a message.
CSRF_STAND_IN = hmac.new(
    settings.SECRET_KEY.encode(), b"pagecache-csrf-stand-in", hashlib.sha256
).hexdigest()[:32]


def with_csrf(html: str, request) -> str:
    """``html`` with the stand-in replaced by ``request``'s CSRF token."""
    if CSRF_STAND_IN not in html:
        return html
    from django.middleware.csrf import get_token

    return html.replace(CSRF_STAND_IN, get_token(request))
