"""The site's URLs plus the baseline view of the benchmark."""

from django.http import HttpResponse
from django.urls import include, path


def ping(request):
    """The baseline: the cheapest Django view, behind every middleware."""
    return HttpResponse(b"pong", content_type="text/plain")


urlpatterns = [
    path("bench/ping/", ping, name="bench-ping"),
    path("", include("marketplace.urls")),
]
