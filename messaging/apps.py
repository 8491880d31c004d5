from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from orders import hooks as order_hooks
from returns import hooks as return_hooks


class MessagingConfig(AppConfig):
    name = "messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self):
        # Every state change of an artist order or a return request posts a
        # system message in its thread (marketplace.hooks).
        from .services import system_message_post

        order_hooks.status_changed.register(system_message_post)
        return_hooks.status_changed.register(system_message_post)
