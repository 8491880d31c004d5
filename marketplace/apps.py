from django.apps import AppConfig

from . import checks  # noqa: F401  (registers the system checks)


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self):
        # Celery signal receivers: the request id carried into tasks, and
        # beat's start recorded as its heartbeat (GET /health/).
        from . import health, request_id  # noqa: F401
