"""With a real Celery worker and Redis (run by .ci/run): emails recorded in a
committed transaction leave through the worker exactly once, and survive a
broker that is down when the change commits."""

import time
from decimal import Decimal

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from marketplace.notifications import services
from marketplace.notifications.models import Notification, NotificationStatus
from tests.conftest import broker_unreachable
from tests.factories import UserFactory, VariantFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for_status(notification, status, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.status == status:
            return notification
        time.sleep(0.1)
    raise AssertionError(
        f"notification still {notification.status} after {timeout} s, not {status}"
    )


def test_an_email_recorded_in_a_committed_transaction_is_sent_once_by_the_worker(
    celery_worker_process,
):
    recipient = UserFactory(
        username="worker-commit", email="worker-commit@example.com", language="fr"
    )

    with transaction.atomic():
        notification = services.notify(
            recipient=recipient, event="test_note", context={"number": 41}
        )

    wait_for_status(notification, NotificationStatus.SENT)
    time.sleep(0.5)  # a duplicate would show up now
    emails = celery_worker_process.emails_to("worker-commit@example.com")
    assert len(emails) == 1
    assert "Subject: [fr] janvier note 41" in emails[0]
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_a_rolled_back_change_sends_nothing_through_the_worker(celery_worker_process):
    recipient = UserFactory(
        username="worker-rollback", email="worker-rollback@example.com"
    )

    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(recipient=recipient, event="test_note", context={"number": 1})
        raise RuntimeError("rolled back")
    with transaction.atomic():  # a later email proves the worker was listening
        later = services.notify(
            recipient=recipient, event="test_note", context={"number": 2}
        )

    wait_for_status(later, NotificationStatus.SENT)
    emails = celery_worker_process.emails_to("worker-rollback@example.com")
    assert [("note 2" in email) for email in emails] == [True]
    assert Notification.objects.filter(recipient=recipient).count() == 1


def test_with_the_broker_down_the_change_commits_and_the_sweep_sends_it_later(
    celery_worker_process,
):
    recipient = UserFactory(username="worker-down", email="worker-down@example.com")

    with broker_unreachable():
        started = time.monotonic()
        with transaction.atomic():
            recipient.first_name = "Committed"
            recipient.save(update_fields=["first_name"])
            notification = services.notify(
                recipient=recipient, event="test_note", context={"number": 5}
            )
        commit_seconds = time.monotonic() - started

    assert commit_seconds < 3
    recipient.refresh_from_db()
    assert recipient.first_name == "Committed"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 0
    time.sleep(1)
    assert celery_worker_process.emails_to("worker-down@example.com") == []

    services.sweep_pending()
    services.sweep_pending()  # a second sweep while the first is in flight sends nothing more

    wait_for_status(notification, NotificationStatus.SENT)
    time.sleep(0.5)
    assert len(celery_worker_process.emails_to("worker-down@example.com")) == 1


def test_the_sweep_stops_at_the_first_refusal_of_the_broker(celery_worker_process):
    recipient = UserFactory(username="worker-sweep", email="worker-sweep@example.com")
    with broker_unreachable():
        with transaction.atomic():
            for number in range(3):
                services.notify(
                    recipient=recipient, event="test_note", context={"number": number}
                )

        started = time.monotonic()
        dispatched = services.sweep_pending()

    assert dispatched == 0
    assert time.monotonic() - started < 3
    assert (
        Notification.objects.filter(
            recipient=recipient, status=NotificationStatus.PENDING
        ).count()
        == 3
    )

    assert services.sweep_pending() >= 3
    for notification in Notification.objects.filter(recipient=recipient):
        wait_for_status(notification, NotificationStatus.SENT)
    assert len(celery_worker_process.emails_to("worker-sweep@example.com")) == 3


# ---------------------------------------------------------------- checkout
CHECKOUT = {
    "shipping_address": {
        "name": "Camille Martin",
        "line1": "12 rue des Tisserands",
        "city": "Nantes",
        "postcode": "44000",
        "country": "FR",
    },
    "payment": {"provider": "test", "token": "ok"},
}


def buyer_with_a_cart(username):
    buyer = UserFactory(
        username=username, email=f"{username}@example.com", language="en"
    )
    variant = VariantFactory(item__price=Decimal("24.00"), stock=3)
    client = APIClient()
    client.force_authenticate(buyer)
    response = client.post(
        "/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 1}, format="json"
    )
    assert response.status_code == 201, response.content
    return buyer, client


def test_the_order_confirmation_email_is_sent_by_the_worker_after_the_checkout_commits(
    celery_worker_process,
):
    buyer, client = buyer_with_a_cart("worker-checkout")

    response = client.post("/api/v1/checkout/", CHECKOUT, format="json")

    assert response.status_code == 201, response.content
    number = response.json()["number"]
    confirmation = Notification.objects.get(recipient=buyer, event="order_confirmation")
    wait_for_status(confirmation, NotificationStatus.SENT)
    time.sleep(0.5)
    emails = celery_worker_process.emails_to("worker-checkout@example.com")
    assert len(emails) == 1
    assert f"Your order {number} is confirmed" in emails[0]


def test_with_the_broker_down_the_checkout_succeeds_and_the_confirmation_follows_the_sweep(
    celery_worker_process,
):
    buyer, client = buyer_with_a_cart("worker-checkout-down")

    with broker_unreachable():
        started = time.monotonic()
        response = client.post("/api/v1/checkout/", CHECKOUT, format="json")
        elapsed = time.monotonic() - started

    assert response.status_code == 201, response.content
    assert elapsed < 5
    number = response.json()["number"]
    confirmation = Notification.objects.get(recipient=buyer, event="order_confirmation")
    assert confirmation.status == NotificationStatus.PENDING
    time.sleep(1)
    assert celery_worker_process.emails_to("worker-checkout-down@example.com") == []

    services.sweep_pending()

    wait_for_status(confirmation, NotificationStatus.SENT)
    time.sleep(0.5)
    emails = celery_worker_process.emails_to("worker-checkout-down@example.com")
    assert len(emails) == 1
    assert f"Your order {number} is confirmed" in emails[0]
