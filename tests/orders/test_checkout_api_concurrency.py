"""Checkout through the API, at the same time or too late: a checkout sent
twice makes one order, orders left awaiting payment are cancelled and
their stock released (a payment that succeeds after that is refunded), and
buyers racing for the last piece make one order."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from artists.models import Variant
from orders.jobs import fail_stale_payments
from orders.models import ArtistOrder, ArtistOrderEvent, Cart, Order, Payment
from orders.services.checkout import _reserve, validate_shipping_address
from tests.factories import UserFactory

from .factories import ADDRESS, checkout_body, make_artist, make_variant
from .helpers import add


class TestDoubleSubmission:
    def test_submitting_twice_creates_one_order(self, buyer_api, full_cart):
        first = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")
        second = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert first.status_code == 201
        assert second.status_code == 400
        assert Order.objects.count() == 1
        assert Payment.objects.count() == 1

    def test_the_same_idempotency_key_returns_the_same_order(
        self, buyer_api, full_cart
    ):
        first = buyer_api.post(
            "/api/v1/checkout/",
            checkout_body(),
            format="json",
            HTTP_IDEMPOTENCY_KEY="k-1",
        )
        second = buyer_api.post(
            "/api/v1/checkout/",
            checkout_body(),
            format="json",
            HTTP_IDEMPOTENCY_KEY="k-1",
        )

        assert first.status_code == second.status_code == 201
        assert first.json()["number"] == second.json()["number"]
        assert Order.objects.count() == 1


class TestStalePayments:
    def test_orders_left_awaiting_payment_are_cancelled_and_their_stock_released(
        self, buyer, full_cart
    ):
        # The process dies after the first transaction, before the charge.
        _reserve(
            cart=Cart.objects.get(user=buyer),
            buyer=buyer,
            address=validate_shipping_address(ADDRESS),
            checkout_key=None,
        )
        assert set(ArtistOrder.objects.values_list("state", flat=True)) == {
            "awaiting_payment"
        }
        assert [v.stock for v in Variant.objects.order_by("pk")] == [3, 1, 7]

        assert fail_stale_payments() == 0  # not old enough yet
        ArtistOrder.objects.update(created_at=timezone.now() - timedelta(hours=1))

        assert fail_stale_payments() == 3
        assert fail_stale_payments() == 0

        assert set(ArtistOrder.objects.values_list("state", flat=True)) == {"cancelled"}
        assert [v.stock for v in Variant.objects.order_by("pk")] == [5, 3, 10]
        event = ArtistOrderEvent.objects.filter(transition="fail_payment").first()
        assert event.by is None
        assert Order.objects.get().status == "payment_declined"

    def test_a_payment_that_succeeds_after_the_timeout_is_refunded(
        self, buyer_api, full_cart, monkeypatch
    ):
        from orders.payments import TestPaymentProvider

        original_charge = TestPaymentProvider.charge
        refunds = []

        def slow_charge(self, **kwargs):
            ArtistOrder.objects.update(created_at=timezone.now() - timedelta(hours=1))
            fail_stale_payments()  # the job runs while the provider is answering
            return original_charge(self, **kwargs)

        original_refund = TestPaymentProvider.refund

        def refund(self, **kwargs):
            refunds.append(kwargs["amount"])
            return original_refund(self, **kwargs)

        monkeypatch.setattr(TestPaymentProvider, "charge", slow_charge)
        monkeypatch.setattr(TestPaymentProvider, "refund", refund)

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 402
        assert refunds == [Decimal("157.55")]
        assert set(ArtistOrder.objects.values_list("state", flat=True)) == {"cancelled"}
        assert not Payment.objects.filter(status="captured").exists()
        assert [v.stock for v in Variant.objects.order_by("pk")] == [5, 3, 10]


def _run_in_threads(functions):
    results = [None] * len(functions)
    barrier = threading.Barrier(len(functions))

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestRaces:
    def test_ten_buyers_racing_for_the_last_piece_make_one_order(self):
        artist = make_artist("lastpiece")
        variant = make_variant(artist, stock=1)
        clients = []
        for index in range(10):
            client = APIClient()
            client.force_authenticate(UserFactory(username=f"racer{index}"))
            add(client, variant, 1)
            clients.append(client)

        responses = _run_in_threads(
            [
                lambda c=c: c.post("/api/v1/checkout/", checkout_body(), format="json")
                for c in clients
            ]
        )

        codes = sorted(r.status_code for r in responses)
        assert codes == [201] + [400] * 9
        assert Variant.objects.get(pk=variant.pk).stock == 0
        assert Order.objects.count() == 1
        assert ArtistOrder.objects.get().state == "awaiting_acceptance"

    def test_a_double_submitted_checkout_makes_one_order(self):
        artist = make_artist("double")
        variant = make_variant(artist, stock=5)
        client = APIClient()
        client.force_authenticate(UserFactory(username="doubleclick"))
        add(client, variant, 2)

        responses = _run_in_threads(
            [lambda: client.post("/api/v1/checkout/", checkout_body(), format="json")]
            * 2
        )

        assert sorted(r.status_code for r in responses) == [201, 400]
        assert Order.objects.count() == 1
        assert Variant.objects.get(pk=variant.pk).stock == 3
