"""System checks of the marketplace's own settings."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """The login lockouts and the message burst limits must be shared by
    every process serving the site: with the in-process default each process
    counts on its own."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return [
            Warning(
                "CACHE_URL is an in-process cache: with more than one web process, "
                "login lockouts and message limits are not shared.",
                hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/1.",
                id="marketplace.W001",
            )
        ]
    return []
