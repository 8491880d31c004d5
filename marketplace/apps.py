from django.apps import AppConfig

from . import checks  # noqa: F401  (registers the system checks)


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"
