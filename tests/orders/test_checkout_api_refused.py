"""Checkout through the API, refused: a declined payment, bad input and a
payment provider that is down change nothing."""

from decimal import Decimal

import pytest

from artists.models import Variant
from orders.models import (
    ArtistOrder,
    ArtistOrderEvent,
    CartLine,
    DiscountCode,
    Order,
    OrderNumberCounter,
    Payment,
)
from tests.factories import DiscountCodeFactory

from .factories import checkout_body


class TestDeclinedPayment:
    def test_answers_402_releases_everything_and_gives_the_cart_back(
        self,
        buyer_api,
        buyer,
        full_cart,
        django_capture_on_commit_callbacks,
        mailoutbox,
    ):
        code = DiscountCodeFactory(
            code="ONCE", kind="fixed", value=Decimal("3"), usage_limit=1
        )
        buyer_api.post("/api/v1/cart/discount/", {"code": "ONCE"})

        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_api.post(
                "/api/v1/checkout/", checkout_body(token="fail"), format="json"
            )

        assert response.status_code == 402
        order = Order.objects.get()
        assert response.json()["order"] == order.number
        assert response.json()["detail"]
        assert [v.stock for v in Variant.objects.order_by("pk")] == [5, 3, 10]
        assert set(ArtistOrder.objects.values_list("state", flat=True)) == {"cancelled"}
        assert ArtistOrderEvent.objects.filter(transition="fail_payment").count() == 3
        assert not Payment.objects.filter(status="captured").exists()
        assert Payment.objects.get().status == "declined"
        code.refresh_from_db()
        assert code.times_used == 0
        assert mailoutbox == []
        cart = buyer_api.get("/api/v1/cart/").json()
        assert sorted(
            (line["variant"], line["quantity"])
            for g in cart["artists"]
            for line in g["lines"]
        ) == sorted((v.pk, q) for v, q in zip(full_cart, (2, 2, 3), strict=True))
        assert cart["discount"]["code"] == "ONCE"

        retry = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert retry.status_code == 201
        assert retry.json()["discount_total"] == "3.00"
        assert Order.objects.get(number=retry.json()["number"]).status == "paid"
        assert order.status == "payment_declined"

    def test_an_unknown_test_token_is_declined_with_a_clear_message(
        self, buyer_api, full_cart
    ):
        response = buyer_api.post(
            "/api/v1/checkout/", checkout_body(token="4242"), format="json"
        )

        assert response.status_code == 402
        assert '"ok"' in response.json()["detail"]


class TestBadCheckoutInput:
    @pytest.fixture
    def snapshot(self):
        def take():
            return (
                Order.objects.count(),
                list(Variant.objects.order_by("pk").values_list("stock", flat=True)),
                CartLine.objects.count(),
                OrderNumberCounter.objects.filter(last_number__gt=0).count(),
            )

        return take

    def test_an_empty_cart_cannot_be_checked_out(self, buyer_api, snapshot):
        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 400
        assert "cart" in response.json()
        assert Order.objects.count() == 0

    def test_an_unknown_country_is_a_field_error_of_the_address(
        self, buyer_api, full_cart, snapshot
    ):
        before = snapshot()

        response = buyer_api.post(
            "/api/v1/checkout/", checkout_body(country="XX"), format="json"
        )

        assert response.status_code == 400
        assert "country" in response.json()["shipping_address"]
        assert snapshot() == before

    def test_a_missing_address_field_is_a_field_error(
        self, buyer_api, full_cart, snapshot
    ):
        before = snapshot()
        body = checkout_body()
        del body["shipping_address"]["city"]

        response = buyer_api.post("/api/v1/checkout/", body, format="json")

        assert response.status_code == 400
        assert "city" in response.json()["shipping_address"]
        assert snapshot() == before

    def test_an_unknown_payment_provider_is_refused(
        self, buyer_api, full_cart, snapshot
    ):
        before = snapshot()
        body = checkout_body()
        body["payment"]["provider"] = "bank-of-nowhere"

        response = buyer_api.post("/api/v1/checkout/", body, format="json")

        assert response.status_code == 400
        assert "payment" in response.json()
        assert snapshot() == before

    def test_stock_sold_meanwhile_stops_the_whole_checkout(
        self, buyer_api, full_cart, snapshot
    ):
        bowl, scarf, ring = full_cart
        Variant.objects.filter(pk=ring.pk).update(stock=2)
        before = snapshot()

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 400
        assert "only 2" in response.json()["quantity"][0]
        assert snapshot() == before

    def test_a_code_exhausted_meanwhile_stops_the_checkout(
        self, buyer_api, full_cart, snapshot
    ):
        code = DiscountCodeFactory(code="LAST", usage_limit=1)
        buyer_api.post("/api/v1/cart/discount/", {"code": "LAST"})
        DiscountCode.objects.filter(pk=code.pk).update(times_used=1)
        before = snapshot()

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 400
        assert "code" in response.json()
        assert snapshot() == before


class TestAProviderOutage:
    def test_is_a_402_and_leaves_nothing_taken(self, buyer_api, full_cart, monkeypatch):
        from orders.payments import TestPaymentProvider

        def unreachable(self, **kwargs):
            raise ConnectionError("timeout")

        monkeypatch.setattr(TestPaymentProvider, "charge", unreachable)

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 402
        assert Payment.objects.get().status == "error"
        assert [v.stock for v in Variant.objects.order_by("pk")] == [5, 3, 10]
        assert CartLine.objects.count() == 3
