from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self):
        from . import checks, pagecache_receivers  # noqa: F401  (registers the checks)

        pagecache_receivers.connect()
