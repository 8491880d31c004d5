from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from orders import hooks as order_hooks


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = _("Returns and exchanges")

    def ready(self):
        # What returns does when an artist order changes (marketplace.hooks).
        from .selectors import open_returns_hold
        from .services import return_refund_confirmed

        order_hooks.refund_paid.register(return_refund_confirmed)
        order_hooks.completion_holds.register(open_returns_hold)
