"""The dashboard's overview: what needs the artist now."""

from django.shortcuts import render
from django.utils import timezone

from artists.selectors import artist_dashboard_counts
from orders.selectors import artist_dashboard_queues
from returns.selectors import artist_return_queues

from ..access import artist_required


@artist_required
def home(request):
    """What needs the artist now: orders to answer, to ship, returns and
    messages waiting, stock running low."""
    artist = request.artist
    return render(
        request,
        "dashboard/home.html",
        {
            "artist": artist,
            "counts": artist_dashboard_counts(artist=artist),
            "order_queues": artist_dashboard_queues(artist=artist),
            "return_queues": artist_return_queues(artist=artist, limit=6),
            "now": timezone.now(),
            "dash_section": "home",
        },
    )
