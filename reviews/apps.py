from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from artists import hooks as artist_hooks
from orders import hooks as order_hooks


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # The "how was it?" email once an artist order is delivered, and the
        # reviews on the item and shop pages (marketplace.hooks).
        from .presenters import item_reviews_section, shop_reviews_section
        from .services import review_invitation_send

        order_hooks.status_changed.register(review_invitation_send)
        artist_hooks.item_page_sections.register(item_reviews_section)
        artist_hooks.shop_page_sections.register(shop_reviews_section)
