"""``{% return_queues artist %}``: the returns block of the dashboard overview."""

from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("dashboard/return_home.html")
def return_queues(artist):
    """The artist's return queues, a few rows each (three queries)."""
    from returns.dashboard_views import artist_return_queues

    return {"queues": artist_return_queues(artist=artist, limit=6), "now": timezone.now(), "compact": True}
