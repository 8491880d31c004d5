"""Limits on the abuse the login lockout does not cover: sign-ups per address
(a DRF throttle shared by the sign-up page and the API), password-reset
emails per address and per target email, and notices to an address that is
given again at sign-up (django-ratelimit). All count in the default cache and
let requests through when the cache is down."""

import logging
import math
from types import SimpleNamespace

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage
from rest_framework.throttling import ScopedRateThrottle

from .lockout import client_ip

logger = logging.getLogger(__name__)

SIGNUP_SCOPE = "signup"


def over_limit(group: str, value: str, rate: str) -> bool:
    """Count one use of ``group`` for ``value`` (an address, an email);
    True once more than ``rate`` (e.g. ``3/h``) were counted in its window.
    A cache outage counts nothing and limits nothing (logged)."""
    try:
        usage = get_usage(
            None,
            group=group,
            key=lambda _group, _request: value,
            rate=rate,
            increment=True,
        )
    except Exception as error:
        logger.warning(
            "Rate limit %s unavailable (%s: %s)", group, type(error).__name__, error
        )
        return False
    return bool(usage and usage["should_limit"])


def password_reset_allowed(request, email: str) -> bool:
    """Whether a password-reset email may go out for this request: at most
    ``PASSWORD_RESET_EMAIL_RATE`` for one target address and
    ``PASSWORD_RESET_ADDRESS_RATE`` from one client address. Both are counted
    on every request, so a flood keeps being refused."""
    target = over_limit(
        "accounts.password_reset.email",
        (email or "").strip().lower(),
        settings.PASSWORD_RESET_EMAIL_RATE,
    )
    address = over_limit(
        "accounts.password_reset.address",
        client_ip(request) or "",
        settings.PASSWORD_RESET_ADDRESS_RATE,
    )
    return not (target or address)


def signup_notice_allowed(email: str) -> bool:
    """Whether the owner of ``email`` may be told once more that it was given
    at sign-up (at most ``SIGNUP_NOTICE_RATE`` per address)."""
    return not over_limit(
        "accounts.signup_notice.email",
        (email or "").strip().lower(),
        settings.SIGNUP_NOTICE_RATE,
    )


class SignupThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, counted per client address (the address the
    login lockout uses, even for a logged-in caller), at the rate of
    ``SIGNUP_RATE``; it lets requests through when the cache is down."""

    def get_rate(self):
        return settings.SIGNUP_RATE

    def get_ident(self, request):
        return client_ip(request) or ""

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as error:
            logger.warning(
                "Sign-up throttle unavailable (%s: %s)", type(error).__name__, error
            )
            return True


def signup_wait(request) -> int | None:
    """Count one sign-up attempt from the page; None when allowed, else the
    seconds until the address may sign up again. Shares the API's count."""
    throttle = SignupThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=SIGNUP_SCOPE)):
        return None
    return max(math.ceil(throttle.wait() or 60), 1)


def signup_throttled_message(wait: int | float | None) -> str:
    """The sentence shown when an address has created too many accounts."""
    minutes = max(math.ceil((wait or 60) / 60), 1)
    return (
        _("Too many accounts were created from your connection.")
        + " "
        + (
            ngettext(
                "Please try again in %(minutes)d minute.",
                "Please try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes}
        )
    )
