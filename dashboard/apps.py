from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The seller dashboard: the artist's pages over shop, items, orders and
    returns (as Oscar keeps its dashboard apart from the domain apps)."""

    name = "dashboard"
    verbose_name = _("Seller dashboard")
