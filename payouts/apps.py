from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from orders import hooks as order_hooks


class PayoutsConfig(AppConfig):
    name = "payouts"
    verbose_name = _("Money")

    def ready(self):
        # The ledger follows the money the orders app moves (marketplace.hooks).
        from .services import ledger

        order_hooks.payment_recorded.register(ledger.record_payment)
        order_hooks.refund_recorded.register(ledger.record_refund)
        order_hooks.refund_failed.register(ledger.record_refund_failed)
