"""Shared by the fault suite."""

import os
import time
from collections import Counter
from decimal import Decimal

from rest_framework.test import APIClient

from marketplace.notifications.models import Notification, NotificationStatus
from tests.factories import UserFactory
from tests.orders.factories import checkout_body, make_artist, make_variant


def outage_seconds() -> float:
    """How long Redis stays down: ``FAULT_OUTAGE_SECONDS``, else 60 s under
    ``make stress`` (STRESS_ROUNDS set) and a few seconds in a normal run."""
    if os.environ.get("FAULT_OUTAGE_SECONDS"):
        return float(os.environ["FAULT_OUTAGE_SECONDS"])
    return 60.0 if os.environ.get("STRESS_ROUNDS") else 4.0


def wait_until(
    predicate, *, timeout: float, what: str, interval: float = 0.1, details=lambda: ""
):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}\n{details()}")
        time.sleep(interval)


def outbox_by_status() -> Counter:
    return Counter(Notification.objects.values_list("status", flat=True))


def all_sent() -> bool:
    statuses = outbox_by_status()
    return bool(statuses) and set(statuses) == {NotificationStatus.SENT}


def assert_each_email_sent_once(workers) -> int:
    """Every outbox row is sent and each address received exactly as many
    emails as it has rows. Returns how many emails were sent."""
    rows = Counter(Notification.objects.values_list("to_email", flat=True))
    assert set(Notification.objects.values_list("status", flat=True)) == {
        NotificationStatus.SENT
    }
    received = {address: len(workers.emails_to(address)) for address in rows}
    assert received == dict(rows), (received, dict(rows))
    return sum(rows.values())


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class Shop:
    """A buyer and an artist working through the API."""

    def __init__(self, *, prefix: str = ""):
        self.buyer = UserFactory(
            username=f"{prefix}camille", email=f"{prefix}camille@example.com"
        )
        self.artist = make_artist(f"{prefix}potter")
        self.variant = make_variant(self.artist, price="45.00", stock=10_000)
        self.as_buyer = client_for(self.buyer)
        self.as_artist = client_for(self.artist.user)

    def place_order(self) -> int:
        """Cart and checkout through the API; returns the artist order id."""
        response = self.as_buyer.post(
            "/api/v1/cart/lines/",
            {"variant": self.variant.pk, "quantity": 1},
            format="json",
        )
        assert response.status_code == 201, response.content
        response = self.as_buyer.post(
            "/api/v1/checkout/", checkout_body(), format="json"
        )
        assert response.status_code == 201, response.content
        [part] = response.json()["artist_orders"]
        assert Decimal(part["total"]) == Decimal("50.00")
        return part["id"]

    def act(self, client, artist_order_id: int, action: str, data=None) -> dict:
        response = client.post(
            f"/api/v1/artist-orders/{artist_order_id}/{action}/",
            data or {},
            format="json",
        )
        assert response.status_code == 200, (
            action,
            response.status_code,
            response.content,
        )
        return response.json()

    def move(self, artist_order_id: int, step: int) -> None:
        """Take an order a little further: accept, ship and confirm, or refuse."""
        if step % 4 == 3:
            self.act(
                self.as_artist, artist_order_id, "refuse", {"reason": "Kiln broke."}
            )
            return
        self.act(self.as_artist, artist_order_id, "accept")
        self.act(
            self.as_artist,
            artist_order_id,
            "ship",
            {"carrier": "Colissimo", "tracking_number": f"6A{artist_order_id:09d}"},
        )
        self.act(self.as_buyer, artist_order_id, "confirm-delivery")
