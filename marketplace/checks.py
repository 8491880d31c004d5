"""System checks of the marketplace's own settings."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

IN_PROCESS_CACHES = ("locmem.LocMemCache", "dummy.DummyCache")


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """The rate limits (messages, sign-ups, password resets) must be shared
    by every process serving the site: with an in-process cache each process
    counts on its own. With DEBUG off that is an error (``check --deploy``
    fails); with DEBUG on, a warning."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not backend.endswith(IN_PROCESS_CACHES):
        return []
    message = (
        "The default cache is in-process memory: with more than one web "
        "process, rate limits are counted per process."
    )
    hint = (
        "Set CACHE_URL to a shared cache (e.g. redis://127.0.0.1:6379/1), or "
        "CELERY_BROKER_URL to a Redis URL and leave CACHE_URL unset (the cache "
        "then uses the broker's Redis on the next database number)."
    )
    if settings.DEBUG:
        return [Warning(message, hint=hint, id="marketplace.W001")]
    return [Error(message, hint=hint, id="marketplace.E001")]
