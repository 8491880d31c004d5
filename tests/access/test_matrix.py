"""Who may open what: every URL of the pages and the API that takes an
object from the path (pk, number, slug...), for each of six callers: the
buyer who owns the object, another buyer, the artist who owns it, another
artist, staff and an anonymous visitor.

The list of URLs is GENERATED from the URL configuration: a new URL with a
path parameter that ``MATRIX`` does not know makes
``test_every_object_url_is_in_the_matrix`` fail with its name, so a new
endpoint cannot escape. The rule of docs/decisions.md ("Lifecycle doors"):
another user's object is a 404 (never confirmed to exist), a 403 only where
the caller can read the object but not act in that role, anonymous callers
get a 401 from the API and the login page from the pages, the public catalog
is public. Pages and detail endpoints are read with GET; action endpoints
are posted to, and a refused caller must change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from artists.models import ArtistPhoto, Item, ItemPhoto, StockAlert, Variant
from marketplace.notifications.models import Notification
from messaging.models import Message, Thread
from orders.models import (
    ArtistOrder,
    ArtistOrderEvent,
    Cart,
    CartLine,
    OrderLine,
    Refund,
)
from returns.models import ReturnEvent, ReturnRequest
from tests.access.world import build_world

ROLES = (
    "owner_buyer",
    "other_buyer",
    "owning_artist",
    "other_artist",
    "staff",
    "anonymous",
)
OK = "ok"  # 2xx, or a redirect that is not to a login page
LOGIN = "login"  # a redirect to the login page
SKIP = "skip"  # not checked here (an owner's action: the lifecycle suites test it)

# URLs with a parameter that are not about an object someone owns.
NOT_OBJECT_URLS = {
    "accounts:password_reset_confirm": "the reset link's token is the check (tests/accounts)",
    "media": "files of the public storage (DEBUG only); private files have their own views",
}


@dataclass(frozen=True)
class Rule:
    """What each role gets from one URL."""

    fill: str  # the attribute of World giving the path's kwargs
    expect: dict
    method: str = "get"
    data: dict | None = None
    api: bool = False


def rule(fill, *, method="get", data=None, api=False, **expect) -> Rule:
    missing = set(ROLES) - set(expect)
    assert not missing, f"{fill}: no expectation for {missing}"
    return Rule(fill=fill, expect=expect, method=method, data=data, api=api)


def page_of_buyer(fill, method="get", **overrides):
    expect = {
        "owner_buyer": OK if method == "get" else SKIP,
        "other_buyer": 404,
        "owning_artist": 404,
        "other_artist": 404,
        "staff": 404,
        "anonymous": LOGIN,
    }
    return rule(fill, method=method, **{**expect, **overrides})


def page_of_artist(fill, method="get", **overrides):
    expect = {
        "owner_buyer": 404,
        "other_buyer": 404,
        "owning_artist": OK if method == "get" else SKIP,
        "other_artist": 404,
        "staff": 404,
        "anonymous": LOGIN,
    }
    return rule(fill, method=method, **{**expect, **overrides})


def public(fill, api=False):
    return rule(fill, api=api, **dict.fromkeys(ROLES, OK))


def api_read_by_both_sides(fill):
    """Its buyer, its artist and staff read it; anyone else gets a 404."""
    return rule(
        fill,
        api=True,
        owner_buyer=OK,
        other_buyer=404,
        owning_artist=OK,
        other_artist=404,
        staff=OK,
        anonymous=401,
    )


def api_buyer_action(fill, data=None):
    return rule(
        fill,
        method="post",
        data=data,
        api=True,
        owner_buyer=SKIP,
        other_buyer=404,
        owning_artist=403,
        other_artist=404,
        staff=403,
        anonymous=401,
    )


def api_artist_action(fill, data=None):
    """Its artist (or staff, for the shop) acts; its buyer may read it (403)."""
    return rule(
        fill,
        method="post",
        data=data,
        api=True,
        owner_buyer=403,
        other_buyer=404,
        owning_artist=SKIP,
        other_artist=404,
        staff=SKIP,
        anonymous=401,
    )


def api_of_artist(fill, method="get", data=None):
    """The shop endpoints: for artists only (403 to users without a shop,
    whatever the object), another shop's object is a 404."""
    return rule(
        fill,
        method=method,
        data=data,
        api=True,
        owner_buyer=403,
        other_buyer=403,
        owning_artist=OK if method == "get" else SKIP,
        other_artist=404,
        staff=403,
        anonymous=401,
    )


TRACKING = {"carrier": "Colissimo", "tracking_number": "6A000000001"}

MATRIX: dict[str, Rule] = {
    # Catalog: public.
    "catalog:artist": public("artist_slug"),
    "catalog:item": public("item"),
    "catalog:stock_alert": rule(
        "item",
        method="post",
        owner_buyer=OK,
        other_buyer=OK,
        owning_artist=OK,
        other_artist=OK,
        staff=OK,
        anonymous=LOGIN,
    ),
    "api-artist": public("artist_slug", api=True),
    "api-item": public("item", api=True),
    "api-item-stock-alerts": rule(
        "item",
        method="post",
        api=True,
        data={},
        owner_buyer=400,
        other_buyer=400,
        owning_artist=400,
        other_artist=400,
        staff=400,
        anonymous=401,
    ),
    # Buyer's account pages.
    "account:order": page_of_buyer("order_number"),
    "account:order_cancel": page_of_buyer("order_number", method="post"),
    "account:artist_order_cancel": page_of_buyer("order_and_part", method="post"),
    "account:artist_order_confirm_delivery": page_of_buyer(
        "order_and_part", method="post"
    ),
    "account:artist_order_report_not_received": page_of_buyer(
        "order_and_part", method="post"
    ),
    "account:personalisation_photo": page_of_buyer(
        "personalised_line", owning_artist=OK, staff=OK
    ),
    "returns:create": page_of_buyer("returnable_line"),
    "returns:detail": page_of_buyer(
        "return_request", owning_artist=OK
    ),  # sent to the dashboard page
    "returns:message": page_of_buyer("return_request", method="post"),
    "returns:ship_back": page_of_buyer("return_request", method="post"),
    "returns:withdraw": page_of_buyer("return_request", method="post"),
    "returns:escalate": page_of_buyer("return_request", method="post"),
    "returns:photo": page_of_buyer("return_photo", owning_artist=OK, staff=OK),
    # The buyer's cart (an anonymous visitor has a cart of its own: 404).
    "cart:line_update": page_of_buyer("cart_line", method="post", anonymous=404),
    "cart:line_remove": page_of_buyer("cart_line", method="post", anonymous=404),
    "cart:line_photo": page_of_buyer("cart_line", anonymous=404),
    # Seller dashboard.
    "dashboard:shop_photo_delete": page_of_artist("shop_photo", method="post"),
    "dashboard:item_edit": page_of_artist("item"),
    "dashboard:item_toggle": page_of_artist("item", method="post"),
    "dashboard:item_photo_delete": page_of_artist("item_photo", method="post"),
    "dashboard:variant_edit": page_of_artist("variant"),
    "dashboard:order": page_of_artist("artist_order"),
    "dashboard:order_accept": page_of_artist("artist_order", method="post"),
    "dashboard:order_refuse": page_of_artist("artist_order", method="post"),
    "dashboard:order_ship": page_of_artist("artist_order", method="post"),
    "dashboard:order_reship": page_of_artist("artist_order", method="post"),
    "dashboard:order_refund_lost": page_of_artist("artist_order", method="post"),
    "dashboard:return": page_of_artist("return_request"),
    "dashboard:return_accept": page_of_artist("return_request", method="post"),
    "dashboard:return_reject": page_of_artist("return_request", method="post"),
    "dashboard:return_receive": page_of_artist("return_request", method="post"),
    "dashboard:return_refund": page_of_artist("return_request", method="post"),
    "dashboard:return_ship_replacement": page_of_artist(
        "return_request", method="post"
    ),
    "dashboard:return_convert_to_refund": page_of_artist(
        "return_request", method="post"
    ),
    "dashboard:return_message": page_of_artist("return_request", method="post"),
    # Messages: the two sides of a thread and staff.
    "messaging:thread": page_of_buyer("thread", owning_artist=OK, staff=OK),
    "messaging:photo": page_of_buyer("message_photo", owning_artist=OK, staff=OK),
    # Any signed-in user may write to a shop (its own artist is sent to the shop inbox).
    "messaging:contact": rule(
        "artist_slug",
        owner_buyer=OK,
        other_buyer=OK,
        owning_artist=OK,
        other_artist=OK,
        staff=OK,
        anonymous=LOGIN,
    ),
    # Staff read every conversation: they are sent to the order's thread.
    "messaging:contact_order": page_of_buyer(
        "artist_order", owning_artist=OK, staff=OK
    ),
    "messaging:report": page_of_buyer(
        "message", method="post", owning_artist=SKIP, staff=SKIP
    ),
    "messaging:hide": page_of_buyer(
        "message", method="post", owner_buyer=404, staff=SKIP
    ),
    # API: shop.
    "api-shop-item": api_of_artist("item"),
    "api-shop-item-photos": api_of_artist("item", method="post"),
    "api-shop-item-photo": api_of_artist("item_and_photo", method="delete"),
    "api-shop-item-variants": api_of_artist(
        "item", method="post", data={"name": "Large", "stock": 2}
    ),
    "api-shop-variant": api_of_artist("variant"),
    "api-staff-artist-approve": rule(
        "artist_slug",
        method="post",
        api=True,
        owner_buyer=403,
        other_buyer=403,
        owning_artist=403,
        other_artist=403,
        staff=SKIP,
        anonymous=401,
    ),
    # API: cart and orders.
    "api-cart-line": rule(
        "cart_line",
        method="patch",
        data={"quantity": 2},
        api=True,
        owner_buyer=SKIP,
        other_buyer=404,
        owning_artist=404,
        other_artist=404,
        staff=404,
        anonymous=401,
    ),
    "api-order": rule(
        "order_number",
        api=True,
        owner_buyer=OK,
        other_buyer=404,
        owning_artist=404,
        other_artist=404,
        staff=404,
        anonymous=401,
    ),
    "api-order-cancel": rule(
        "order_number",
        method="post",
        api=True,
        owner_buyer=SKIP,
        other_buyer=404,
        owning_artist=404,
        other_artist=404,
        staff=404,
        anonymous=401,
    ),
    "api-artist-order": api_read_by_both_sides("artist_order"),
    "api-artist-order-accept": api_artist_action("artist_order"),
    "api-artist-order-refuse": api_artist_action("artist_order", {"reason": "No."}),
    "api-artist-order-ship": api_artist_action("artist_order", TRACKING),
    "api-artist-order-reship": api_artist_action("artist_order", TRACKING),
    "api-artist-order-refund-lost": api_artist_action("artist_order"),
    "api-artist-order-cancel": api_buyer_action("artist_order"),
    "api-artist-order-confirm-delivery": api_buyer_action("artist_order"),
    "api-artist-order-report-not-received": api_buyer_action("artist_order"),
    # API: messages.
    "api-thread": api_read_by_both_sides("thread"),
    "api-thread-messages": rule(
        "thread",
        method="post",
        data={"body": "Hello?"},
        api=True,
        owner_buyer=SKIP,
        other_buyer=404,
        owning_artist=SKIP,
        other_artist=404,
        staff=SKIP,
        anonymous=401,
    ),
    # API: returns.
    "api-return": api_read_by_both_sides("return_request"),
    "api-return-photo": api_read_by_both_sides("return_request_and_photo"),
    # Staff may run the artist actions (decisions: "Returns doors").
    "api-return-accept": api_artist_action("return_request", {"instructions": "Lyon."}),
    "api-return-reject": api_artist_action("return_request", {"reason": "Worn."}),
    "api-return-receive": api_artist_action("return_request"),
    "api-return-refund": api_artist_action("return_request"),
    "api-return-ship-replacement": api_artist_action("return_request", TRACKING),
    "api-return-convert-to-refund": api_artist_action("return_request"),
    "api-return-escalate": api_buyer_action("return_request", {"message": "Look."}),
    "api-return-ship-back": api_buyer_action("return_request", TRACKING),
    "api-return-withdraw": api_buyer_action("return_request"),
}


# ---------------------------------------------------------------- URL walk


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


def test_every_object_url_is_in_the_matrix():
    routes = object_routes()
    unknown = unknown_object_urls(MATRIX)
    gone = sorted(set(MATRIX) - {route.name for route in routes})

    assert not unknown, (
        "URLs with a path parameter that the access matrix does not know: add each to MATRIX "
        "in tests/access/test_matrix.py with what every role must get:\n  "
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


# ---------------------------------------------------------------- the world


# What a refused request must leave as it was.
WATCHED = [
    ArtistOrder,
    ArtistOrderEvent,
    OrderLine,
    Refund,
    ReturnRequest,
    ReturnEvent,
    Thread,
    Message,
    Notification,
    Cart,
    CartLine,
    Item,
    ItemPhoto,
    ArtistPhoto,
    Variant,
    StockAlert,
]


def snapshot(caller) -> dict:
    """The watched tables, but for the caller's own cart (a cart door may
    create an empty one for whoever calls it)."""
    from artists.models import Artist

    state = {
        model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED
    }
    state["Artist"] = list(Artist.objects.order_by("pk").values())
    own_cart = getattr(caller, "pk", None)
    state["Cart"] = [
        row for row in state["Cart"] if own_cart is None or row["user_id"] != own_cart
    ]
    return state


def outcome(response) -> object:
    status = response.status_code
    if status in (301, 302, 303):
        location = urlparse(response["Location"]).path
        if location.startswith(("/accounts/login/", "/admin/login/")):
            return LOGIN
        return OK
    if 200 <= status < 300:
        return OK
    return status


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_each_role_gets_what_the_matrix_says_and_refused_callers_change_nothing():
    world = build_world()
    clients = {role: client_for(user) for role, user in world.users.items()}
    failures = []
    checked = 0

    # Refused callers first (they must change nothing), then the owners' reads.
    # Each refused request is compared with the state before it (the state
    # after the previous one, as nothing may change).
    current = None
    for owners_turn in (False, True):
        for role in ROLES:
            for name, spec in MATRIX.items():
                path = reverse(name, kwargs=world.kwargs[spec.fill])
                expected = spec.expect[role]
                if expected == SKIP or (expected == OK) != owners_turn:
                    continue
                caller = world.users[role]
                if expected != OK and (current is None or current[0] is not caller):
                    current = (caller, snapshot(caller))
                send = getattr(clients[role], spec.method)
                if spec.api:
                    response = send(
                        path, spec.data or {}, content_type="application/json"
                    )
                else:
                    response = send(path, spec.data or {})
                got = outcome(response)
                checked += 1
                if got != expected:
                    failures.append(
                        f"{spec.method.upper()} {path} ({name}) as {role}: got {got}, expected {expected}"
                    )
                    current = None
                elif expected != OK:
                    after = snapshot(caller)
                    if after != current[1]:
                        failures.append(
                            f"{spec.method.upper()} {path} ({name}) as {role}: refused ({got}) but changed the database"
                        )
                    current = (caller, after)

    assert not failures, f"{len(failures)} of {checked} checks failed:\n" + "\n".join(
        failures
    )
    print(
        f"[access] {len(MATRIX)} object URLs × {len(ROLES)} roles: {checked} requests checked"
    )


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
