"""Hostile input against the whole API, from its own OpenAPI schema
(/api/schema/): schemathesis generates requests for every operation, valid
ones (positive) and broken ones (negative: wrong types, missing fields,
strings where numbers go...), as a buyer, an artist and an anonymous
caller, in-process through the WSGI application, on a database seeded with
a buyer, an artist, their orders, a return request and a conversation.
Half the requests aim at the seeded objects (real ids in the path), the
other half at whatever the generator picks.

Every answer must be below 500 and match the schema: the response body
validates against the documented schema of its status code, with the
documented content type. ``FUZZ_EXAMPLES`` sets the examples per operation
and mode (``make stress``: 100).
"""

import os
from collections import Counter
from decimal import Decimal

import pytest
import schemathesis
from django.db.models import Sum
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from artists.models import Variant
from orders.models import ArtistOrder, RefundStatus
from tests.access.world import build_world

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def examples_per_operation() -> int:
    if os.environ.get("FUZZ_EXAMPLES"):
        return int(os.environ["FUZZ_EXAMPLES"])
    return 100 if os.environ.get("STRESS_ROUNDS") else 6


def schema():
    from marketplace.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def connection_kept_between_requests():
    """As Django's test client does: the WSGI handler would otherwise close
    the database connection after each request, and with it the test's
    transaction (on PostgreSQL)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def real_parameters(path: str, world) -> dict:
    """Path parameters naming the seeded objects, for the operation at ``path``."""
    kwargs = world.kwargs
    table = [
        ("/api/v1/artists/{slug}", {"slug": kwargs["artist_slug"]["slug"]}),
        ("/api/v1/staff/artists/{slug}", {"slug": kwargs["artist_slug"]["slug"]}),
        ("/api/v1/items/{", {"pk": kwargs["item"]["pk"], "id": kwargs["item"]["pk"]}),
        (
            "/api/v1/shop/items/{",
            {
                "pk": kwargs["item"]["pk"],
                "id": kwargs["item"]["pk"],
                "photo_pk": kwargs["item_photo"]["photo_pk"],
            },
        ),
        (
            "/api/v1/shop/variants/{",
            {"pk": kwargs["variant"]["pk"], "id": kwargs["variant"]["pk"]},
        ),
        (
            "/api/v1/cart/lines/{",
            {"pk": kwargs["cart_line"]["pk"], "id": kwargs["cart_line"]["pk"]},
        ),
        ("/api/v1/orders/{", {"number": kwargs["order_number"]["number"]}),
        (
            "/api/v1/shop/payouts/{",
            {"pk": kwargs["payout"]["pk"], "id": kwargs["payout"]["pk"]},
        ),
        ("/api/v1/shop/statements/{", {"month": kwargs["month"]["month"]}),
        (
            "/api/v1/artist-orders/{",
            {"pk": kwargs["artist_order"]["pk"], "id": kwargs["artist_order"]["pk"]},
        ),
        (
            "/api/v1/threads/{",
            {"pk": kwargs["thread"]["pk"], "id": kwargs["thread"]["pk"]},
        ),
        (
            "/api/v1/returns/{",
            {
                "pk": kwargs["return_request"]["pk"],
                "id": kwargs["return_request"]["pk"],
                "photo": kwargs["return_photo"]["pk"],
            },
        ),
    ]
    for prefix, values in table:
        if path.startswith(prefix):
            return values
    return {}


def assert_money_and_stock_safe():
    for artist_order in ArtistOrder.objects.all():
        live = artist_order.refunds.exclude(status=RefundStatus.FAILED)
        total = live.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
        assert total == artist_order.refunded <= artist_order.paid
    assert not Variant.objects.filter(stock__lt=0).exists()


# On PostgreSQL only (as in production): CI runs it once, in its PostgreSQL run.
@pytest.mark.postgres
@pytest.mark.parametrize("role", ["anonymous", "buyer", "artist"])
@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept_between_requests")
def test_every_operation_answers_hostile_input_without_5xx_and_as_documented(role):
    world = build_world()
    user = {
        "anonymous": None,
        "buyer": world.users["owner_buyer"],
        "artist": world.users["owning_artist"],
    }[role]
    headers = {}
    if user is not None:
        key = Token.objects.get_or_create(user=user)[0].key
        headers["Authorization"] = f"Token {key}"
    api = schema()
    examples = examples_per_operation()
    failures: dict[str, str] = {}
    operations = 0
    requests = Counter()

    for result in api.get_all_operations():
        operation = result.ok()
        operations += 1
        label = f"{operation.method.upper()} {operation.path}"
        known = {
            name: value
            for name, value in real_parameters(operation.path, world).items()
            if name in {p.name for p in operation.path_parameters}
        }
        strategies = [
            operation.as_strategy(generation_mode=mode) for mode in GenerationMode
        ]
        if known:
            strategies += [
                operation.as_strategy(generation_mode=mode, path_parameters=known)
                for mode in GenerationMode
            ]

        @settings(
            max_examples=examples * len(strategies) // 2,
            deadline=None,
            database=None,
            derandomize=not os.environ.get(
                "STRESS_ROUNDS"
            ),  # fresh examples under make stress
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(*strategies))
        def call(case):
            response = case.call(headers=headers)
            if user is not None:  # POST auth/logout/ revokes it: give it back
                Token.objects.get_or_create(user=user, defaults={"key": key})
            requests[response.status_code // 100] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            call()
        except (
            Exception,
            BaseExceptionGroup,
        ) as error:  # collected: every operation is tried
            failures[label] = f"{type(error).__name__}: {str(error)[:1500]}"

    assert operations >= 50
    assert not failures, (
        f"{len(failures)} of {operations} operations failed as {role}:\n\n"
        + "\n\n".join(f"{label}\n{message}" for label, message in failures.items())
    )
    assert_money_and_stock_safe()
    print(
        f"[fuzz] as {role}: {operations} operations, {sum(requests.values())} requests "
        f"({', '.join(f'{k}xx: {v}' for k, v in sorted(requests.items()))}), no 5xx, all as documented"
    )
