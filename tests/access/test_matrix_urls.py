"""The access matrix covers every object URL: the list of URLs is GENERATED
from the URL configuration, so a new URL with a path parameter that
``MATRIX`` (tests/access/matrix.py) does not know makes
``test_every_object_url_is_in_the_matrix`` fail with its name, and a new
endpoint cannot escape."""

from __future__ import annotations

from .matrix import MATRIX
from .routes import object_routes, unknown_object_urls


def test_every_object_url_is_in_the_matrix():
    routes = object_routes()
    unknown = unknown_object_urls(MATRIX)
    gone = sorted(set(MATRIX) - {route.name for route in routes})

    assert not unknown, (
        "URLs with a path parameter that the access matrix does not know: add each to MATRIX "
        "in tests/access/matrix.py with what every role must get:\n  "
        + "\n  ".join(unknown)
    )
    assert not gone, f"MATRIX lists URLs that no longer exist: {gone}"
    assert len(routes) >= 70  # the walk found the project's URLs


def test_a_url_the_matrix_does_not_know_is_named():
    matrix = {
        name: spec for name, spec in MATRIX.items() if name != "api-return-withdraw"
    }

    assert unknown_object_urls(matrix) == [
        "api-return-withdraw (api/v1/returns/<int:pk>/withdraw/)"
    ]
