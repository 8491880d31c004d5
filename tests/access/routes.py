"""The URL walk of the access matrix: every URL pattern of the project with
its full name and the parameters it takes from the path, those about an
object someone owns, the admin's, and those the matrix does not know."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# URLs with a parameter that are not about an object someone owns.
NOT_OBJECT_URLS = {
    "accounts:password_reset_confirm": "the reset link's token is the check (tests/accounts)",
    "accounts:email_confirm": "the signed link names its user; another's is refused (tests/accounts)",
    "media": "files of the public storage (DEBUG only); private files have their own views",
}


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    parameters: tuple[str, ...]


def walk(patterns=None, prefix="", namespace="") -> list[Route]:
    """Every URL pattern of the project, with its full name and the names of
    the parameters it takes from the path."""
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        parameters = _parameters(pattern.pattern)
        if isinstance(pattern, URLResolver):
            space = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            for inner in walk(
                pattern.url_patterns, prefix + str(pattern.pattern), space
            ):
                routes.append(
                    Route(inner.name, inner.route, parameters + inner.parameters)
                )
        elif isinstance(pattern, URLPattern):
            name = (
                f"{namespace}{pattern.name}"
                if pattern.name
                else f"{namespace}<unnamed {prefix}{pattern.pattern}>"
            )
            routes.append(Route(name, prefix + str(pattern.pattern), parameters))
    return routes


def _parameters(pattern) -> tuple[str, ...]:
    if hasattr(pattern, "converters") and pattern.converters:
        return tuple(pattern.converters)
    regex = getattr(pattern, "regex", None)
    if regex is not None and regex.groupindex:
        return tuple(regex.groupindex)
    return ()


def object_routes() -> list[Route]:
    return [
        route
        for route in walk()
        if route.parameters
        and not route.name.startswith("admin:")
        and route.name not in NOT_OBJECT_URLS
    ]


def admin_object_routes() -> list[Route]:
    return [
        route
        for route in walk()
        if route.parameters and route.name.startswith("admin:")
    ]


def unknown_object_urls(matrix) -> list[str]:
    return sorted(
        {
            f"{route.name} ({route.route})"
            for route in object_routes()
            if route.name not in matrix
        }
    )
