"""Double-clicked buttons on PostgreSQL: the same action posted twice at the
same instant through the API, for every artist order and return action.
One answer is 200 and the other a 409 (never a 500), the object has exactly
one new history row for it, and no email leaves twice."""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.notifications.models import Notification
from orders.models import ArtistOrder, ArtistOrderState
from orders.services import artist_order_report_not_received
from returns.models import ReturnRequest
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order, make_variant
from tests.returns.factories import make_line, make_return

from .helpers import Post, Tally, post_together, statuses, stress_rounds

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TRACKING = {"carrier": "Colissimo", "tracking_number": "6A0000000001"}


@dataclass(frozen=True)
class Click:
    """A button: which object it acts on, who presses it, what it posts and
    the history row it writes."""

    kind: str  # "order" (an artist order) or "return"
    state: str  # the state the object is brought to first
    action: str  # the URL's last segment
    who: str  # buyer, artist or staff
    transition: str
    data: dict | None = None
    exchange: bool = False
    reported: bool = False  # a not-received report is open


CLICKS = [
    Click("order", "awaiting_acceptance", "accept", "artist", "accept"),
    Click(
        "order",
        "awaiting_acceptance",
        "refuse",
        "artist",
        "refuse",
        {"reason": "Out of clay."},
    ),
    Click("order", "accepted", "ship", "artist", "ship", TRACKING),
    Click("order", "awaiting_acceptance", "cancel", "buyer", "cancel"),
    Click(
        "order",
        "accepted",
        "cancel",
        "buyer",
        "request_cancellation",
        {"reason": "Too late."},
    ),
    Click("order", "shipped", "confirm-delivery", "buyer", "confirm_delivery"),
    Click("order", "shipped", "report-not-received", "buyer", "report_not_received"),
    Click("order", "shipped", "reship", "artist", "reship", TRACKING, reported=True),
    Click("order", "shipped", "refund-lost", "staff", "refund_lost", reported=True),
    Click("order", "awaiting_acceptance", "order-cancel", "buyer", "cancel"),
    Click(
        "return",
        "requested",
        "accept",
        "artist",
        "accept",
        {"instructions": "Send it to Lyon."},
    ),
    Click("return", "requested", "reject", "artist", "reject", {"reason": "Worn."}),
    Click("return", "accepted", "ship-back", "buyer", "ship_back", TRACKING),
    Click("return", "in_transit", "receive", "artist", "receive"),
    Click("return", "received", "refund", "artist", "refund"),
    Click(
        "return",
        "received",
        "ship-replacement",
        "artist",
        "ship_replacement",
        TRACKING,
        exchange=True,
    ),
    Click(
        "return",
        "received",
        "convert-to-refund",
        "artist",
        "convert_to_refund",
        exchange=True,
    ),
    Click(
        "return",
        "rejected",
        "escalate",
        "buyer",
        "escalate",
        {"message": "Please look."},
    ),
    Click("return", "requested", "withdraw", "buyer", "withdraw"),
    Click("return", "escalated", "refund", "staff", "staff_refund"),
    Click(
        "return",
        "escalated",
        "accept",
        "staff",
        "accept",
        {"instructions": "Send it to Lyon."},
    ),
]


@pytest.fixture
def people():
    return {
        "buyer": UserFactory(username="camille", email="camille@example.com"),
        "artist": make_artist("potter"),
        "staff": UserFactory(
            username="support", email="support@example.com", is_staff=True
        ),
    }


def prepare(click: Click, people):
    """A fresh object in the click's state; returns (object, path)."""
    buyer, artist = people["buyer"], people["artist"]
    if click.kind == "order":
        variant = make_variant(artist, price="45.00", stock=3)
        artist_order = make_artist_order(
            buyer=buyer, artist=artist, variant=variant, state=click.state
        )
        if click.state == "shipped":
            ArtistOrder.objects.filter(pk=artist_order.pk).update(
                shipped_at=timezone.now() - timedelta(days=60)
            )
        if click.reported:
            artist_order_report_not_received(
                artist_order=ArtistOrder.objects.get(pk=artist_order.pk), by=buyer
            )
        if click.action == "order-cancel":
            return artist_order, f"/api/v1/orders/{artist_order.order.number}/cancel/"
        return artist_order, f"/api/v1/artist-orders/{artist_order.pk}/{click.action}/"
    line = make_line(buyer=buyer, artist=artist, quantity=1)
    rr = make_return(
        line=line,
        state=click.state,
        kind="exchange" if click.exchange else "return",
        reason="wrong_size",
    )
    return rr, f"/api/v1/returns/{rr.pk}/{click.action}/"


def history_of(obj) -> list[tuple[str, str, str]]:
    rows = obj.history.order_by("at", "id").values_list(
        "transition", "from_state", "to_state"
    )
    return list(rows)


def click_twice(click: Click, people) -> str:
    """One round: a fresh object, the button pressed twice at once."""
    user = people[click.who] if click.who != "artist" else people["artist"].user
    obj, path = prepare(click, people)
    before = history_of(obj)
    last_email = (
        Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    )

    responses = post_together(
        Post(user, path, click.data), Post(user, path, click.data)
    )

    codes = statuses(responses)
    assert codes == [200, 409], [getattr(r, "content", r) for r in responses]
    obj.refresh_from_db()
    after = history_of(obj)
    new = after[len(before) :]
    assert after[: len(before)] == before
    assert [row[0] for row in new] == [click.transition], new
    # The history chains: each row starts where the previous one ended.
    for previous, row in zip(after, after[1:], strict=False):
        assert row[1] == previous[2], after
    assert after[-1][2] == obj.state
    emails = Counter(
        Notification.objects.filter(id__gt=last_email).values_list("to_email", "event")
    )
    assert emails and max(emails.values()) == 1, emails
    return " ".join(map(str, codes))


# One test per kind of object rather than one per button: each PostgreSQL
# test with transaction=True empties every table afterwards (about a second).
@pytest.mark.parametrize("kind", ["order", "return"])
def test_every_double_clicked_button_acts_once(kind, people):
    clicks = [click for click in CLICKS if click.kind == kind]
    rounds = stress_rounds(3, share=len(CLICKS) // 2)
    failures = []

    for click in clicks:
        name = f"{click.kind} {click.action} by {click.who} ({click.state} → {click.transition})"
        tally = Tally(f"double click: {name}")
        for _round in range(rounds):
            try:
                tally.add(click_twice(click, people))
            except AssertionError as error:
                failures.append(f"{name}: {error}")
                break
        tally.report()

    assert not failures, "\n".join(failures)


def test_a_double_submitted_return_request_makes_one_request(people):
    buyer, artist = people["buyer"], people["artist"]
    rounds = stress_rounds(5, share=10)
    tally = Tally("double submit: return request for the last piece of a line")

    for _round in range(rounds):
        line = make_line(buyer=buyer, artist=artist, quantity=1)
        body = {
            "line": line.pk,
            "quantity": 1,
            "kind": "return",
            "reason": "changed_mind",
        }

        responses = post_together(
            *[Post(buyer, "/api/v1/returns/", body, format="multipart")] * 2
        )

        codes = statuses(responses)
        assert codes == [201, 400], [getattr(r, "content", r) for r in responses]
        [refused] = [r for r in responses if r.status_code == 400]
        assert "quantity" in refused.json() or "line" in refused.json(), refused.json()
        assert ReturnRequest.objects.filter(line=line).count() == 1
        tally.add(" ".join(map(str, codes)))
    tally.report()


def test_a_lifecycle_clicked_twice_at_every_step_moves_once_per_step(people):
    buyer, artist = people["buyer"], people["artist"].user
    artist_order = make_artist_order(
        buyer=buyer, artist=people["artist"], state="awaiting_acceptance"
    )
    base = f"/api/v1/artist-orders/{artist_order.pk}"

    for user, action, data in [
        (artist, "accept", None),
        (artist, "ship", TRACKING),
        (buyer, "confirm-delivery", None),
    ]:
        codes = statuses(post_together(*[Post(user, f"{base}/{action}/", data)] * 2))
        assert codes == [200, 409]

    artist_order.refresh_from_db()
    assert artist_order.state == ArtistOrderState.DELIVERED
    assert [row[0] for row in history_of(artist_order)] == [
        "pay",
        "accept",
        "ship",
        "confirm_delivery",
    ]
