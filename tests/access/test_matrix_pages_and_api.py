"""Who may open what, pages and API: every object URL of ``MATRIX``
(tests/access/matrix.py) for each of the six callers gets what the matrix
says, and a refused caller changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

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
from payouts.models import (
    LedgerEntry,
    Payout,
    PayoutAccount,
    PayoutHoldEvent,
    PayoutRun,
)
from returns.models import ReturnEvent, ReturnRequest
from reviews.models import Review, ReviewPhoto
from tests.access.world import build_world

from .matrix import MATRIX, OK, ROLES, SKIP, client_for, outcome

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
    LedgerEntry,
    Payout,
    PayoutRun,
    PayoutAccount,
    PayoutHoldEvent,
    Review,
    ReviewPhoto,
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
