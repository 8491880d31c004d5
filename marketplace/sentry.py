"""Errors to Sentry when ``SENTRY_DSN`` is set (settings.py calls
:func:`init_sentry`); with it unset the SDK is never initialised and nothing
is sent anywhere.

The Django integration reports server errors (and the ``ERROR`` log records
of every logger, with their request id), the Celery one task failures in
workers and beat. ``send_default_pii`` stays off: no user, address, cookie or
request body goes to Sentry. ``SENTRY_ENVIRONMENT`` (default ``production``)
and ``SENTRY_RELEASE`` (default: the SDK's guess, e.g. the git commit) name
where the error happened. Performance tracing is off unless
``SENTRY_TRACES_SAMPLE_RATE`` says otherwise.
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def init_sentry(
    dsn: str,
    *,
    environment: str = "production",
    release: str = "",
    traces_sample_rate: float = 0.0,
) -> bool:
    """Initialise the SDK when ``dsn`` is set; True when it did."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        environment=environment or "production",
        release=release or None,
        traces_sample_rate=traces_sample_rate,
    )
    return True
