"""System checks of the marketplace's own settings."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """The page cache, the login lockouts and the message burst limits must
    be shared by every process serving the site: the in-process default
    would let one process serve a page another has already changed."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return [
            Warning(
                "CACHE_URL is an in-process cache: with more than one web process, "
                "cached pages, login lockouts and message limits are not shared.",
                hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/1 "
                "(or PAGE_CACHE=0 with a single process).",
                id="marketplace.W001",
            )
        ]
    return []
