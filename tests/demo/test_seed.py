"""The demo shows every state at first login: both demo buyers and all
three shops have orders awaiting acceptance, accepted, shipped, delivered,
completed, refused, cancelled, with a cancellation request and a parcel
reported not received, a return on its way and an exchange, a conversation;
and running the seed again changes nothing."""

import pytest
from django.core.management import call_command

from marketplace.notifications.models import Notification
from messaging.models import Message, Thread
from orders.models import (
    ArtistOrder,
    CancellationRequest,
    CartLine,
    NotReceivedReport,
    Order,
    Refund,
)
from returns.models import ReturnRequest

pytestmark = pytest.mark.django_db

STATES = {
    "awaiting_acceptance",
    "accepted",
    "shipped",
    "delivered",
    "completed",
    "refused",
    "cancelled",
}
# Whose orders: a buyer's username or a shop's slug, and the field to match.
PEOPLE = {
    "buyer": "order__buyer__username",
    "acheteuse": "order__buyer__username",
    "atelier-claire": "artist__slug",
    "jonas-weaves": "artist__slug",
    "mika-silver": "artist__slug",
}
RUNNING_RETURN = {"requested", "accepted", "in_transit", "received"}


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Order,
            ArtistOrder,
            Refund,
            CancellationRequest,
            NotReceivedReport,
            ReturnRequest,
            Thread,
            Message,
            CartLine,
            Notification,
        )
    }


def _missing_for(person: str, field: str) -> list[str]:
    """What ``person`` (a buyer's username or a shop's slug) lacks."""
    states = set(
        ArtistOrder.objects.filter(**{field: person}).values_list("state", flat=True)
    )
    missing = sorted(STATES - states)
    if not CancellationRequest.objects.filter(
        status="open", **{f"artist_order__{field}": person}
    ).exists():
        missing.append("an open cancellation request")
    if not NotReceivedReport.objects.filter(
        status="open", **{f"artist_order__{field}": person}
    ).exists():
        missing.append("a parcel reported not received")
    return missing


def _buyer_missing(username: str) -> list[str]:
    missing = []
    requests = ReturnRequest.objects.filter(
        buyer__username=username, state__in=RUNNING_RETURN
    )
    if not requests.filter(kind="return").exists():
        missing.append("a return in progress")
    if not requests.filter(kind="exchange").exists():
        missing.append("an exchange")
    written = Message.objects.filter(
        thread__buyer__username=username,
        thread__artist_order__isnull=False,
        author__isnull=False,
    )
    if written.count() < 3 or not written.exclude(author__username=username):
        missing.append("a conversation with a shop")
    if not CartLine.objects.filter(cart__user__username=username).exists():
        missing.append("a piece in the cart")
    return missing


def test_the_demo_has_every_state_and_a_second_run_adds_nothing(capsys):
    call_command("seed_demo")

    missing = {person: _missing_for(person, field) for person, field in PEOPLE.items()}
    for username in ("buyer", "acheteuse"):
        missing[username] += _buyer_missing(username)
    assert {person: gaps for person, gaps in missing.items() if gaps} == {}
    assert set(
        ReturnRequest.objects.filter(
            buyer__username__in=["buyer", "acheteuse"]
        ).values_list("artist__slug", flat=True)
    ) == {"atelier-claire", "jonas-weaves", "mika-silver"}
    assert "(22 new demo orders)" in capsys.readouterr().out
    before = _counts()

    call_command("seed_demo")

    assert _counts() == before
    assert "(0 new demo orders)" in capsys.readouterr().out
