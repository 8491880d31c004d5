"""Checkout through the API: one order split per artist, money to the cent,
stock, emails, history; declines and bad input change nothing."""

import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from artists.models import Variant
from marketplace.notifications.models import Notification
from orders.jobs import fail_stale_payments
from orders.models import (
    ArtistOrder,
    ArtistOrderEvent,
    Cart,
    CartLine,
    DiscountCode,
    Order,
    OrderLine,
    OrderNumberCounter,
    Payment,
)
from orders.services.checkout import _reserve, validate_shipping_address
from tests.factories import DiscountCodeFactory, UserFactory

from .factories import ADDRESS, checkout_body, make_artist, make_variant, photo_upload


def add(client, variant, quantity=1, **extra):
    response = client.post(
        "/api/v1/cart/lines/",
        {"variant": variant.pk, "quantity": quantity, **extra},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def full_cart(buyer_api, three_variants):
    """2 bowls (potter), 2 scarves (weaver, free shipping from 50 €) and 3
    copper rings (smith, shipped from Belgium)."""
    bowl, scarf, ring = three_variants
    add(buyer_api, bowl, 2)
    add(buyer_api, scarf, 2)
    add(buyer_api, ring, 3)
    return three_variants


class TestCheckoutOfThreeArtists:
    def test_creates_one_order_split_into_three_paid_artist_orders_with_totals_to_the_cent(
        self,
        buyer_api,
        buyer,
        full_cart,
        django_capture_on_commit_callbacks,
        mailoutbox,
    ):
        DiscountCodeFactory(code="WELCOME10", kind="percent", value=Decimal("10"))
        assert (
            buyer_api.post("/api/v1/cart/discount/", {"code": "welcome10"}).status_code
            == 200
        )

        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_api.post(
                "/api/v1/checkout/", checkout_body(), format="json"
            )

        assert response.status_code == 201, response.content
        body = response.json()
        year = timezone.localdate().year
        assert body["number"] == f"MP-{year}-000001"
        assert body["status"] == "paid"
        # Items 48.00 + 60.00 + 37.05; shipping 5.00 + free + 7.50 (Belgium → France);
        # 10 % of 145.05 = 14.505 → 14.51, split 4.80 / 6.00 / 3.71.
        assert body["items_total"] == "145.05"
        assert body["shipping_total"] == "12.50"
        assert body["discount_total"] == "14.51"
        assert body["total"] == "143.04"
        blocks = {ao["artist_name"]: ao for ao in body["artist_orders"]}
        assert [ao["artist_name"] for ao in body["artist_orders"]] == [
            "Atelier Argile",
            "Brins de Laine",
            "Cuivre & Co",
        ]
        assert blocks["Atelier Argile"]["shipping_fee"] == "5.00"
        assert blocks["Atelier Argile"]["discount"] == "4.80"
        assert blocks["Atelier Argile"]["total"] == "48.20"
        assert blocks["Brins de Laine"]["shipping_fee"] == "0.00"
        assert blocks["Brins de Laine"]["total"] == "54.00"
        assert blocks["Cuivre & Co"]["shipping_fee"] == "7.50"
        assert blocks["Cuivre & Co"]["shipping_zone"] == "eu"
        assert blocks["Cuivre & Co"]["total"] == "40.84"
        for block in body["artist_orders"]:
            assert block["state"] == "awaiting_acceptance"
            assert block["paid"] == block["total"]
            assert block["refunds"] == []
            assert block["cancellation_request"] is None
            assert block["acceptance_deadline"] is not None
            assert [(h["from"], h["to"], h["by"]) for h in block["history"]] == [
                ("awaiting_payment", "awaiting_acceptance", "buyer")
            ]
            assert block["terms"]["processing_days"] == 3

        bowl, scarf, ring = (Variant.objects.get(pk=v.pk) for v in full_cart)
        assert (bowl.stock, scarf.stock, ring.stock) == (3, 1, 7)
        assert Order.objects.count() == 1
        assert ArtistOrder.objects.filter(state="awaiting_acceptance").count() == 3
        assert ArtistOrderEvent.objects.filter(transition="pay").count() == 3
        assert Payment.objects.get().status == "captured"
        assert Payment.objects.get().amount == Decimal("143.04")
        assert DiscountCode.objects.get().times_used == 1
        assert not CartLine.objects.exists()
        assert Cart.objects.get(user=buyer).discount_code is None

        recipients = sorted(m.to[0] for m in mailoutbox)
        assert recipients == [
            "buyer@example.com",
            "potter@example.com",
            "smith@example.com",
            "weaver@example.com",
        ]
        confirmation = next(m for m in mailoutbox if m.to == ["buyer@example.com"])
        assert f"MP-{year}-000001" in confirmation.subject
        for name in ("Atelier Argile", "Brins de Laine", "Cuivre & Co"):
            assert name in confirmation.body
        assert "143.04 €" in confirmation.body
        assert "customs" not in confirmation.body
        to_weaver = Notification.objects.get(recipient__username="weaver")
        assert to_weaver.event == "new_order"
        assert to_weaver.language == "fr"
        assert to_weaver.status == "sent"
        weaver_mail = next(m for m in mailoutbox if m.to == ["weaver@example.com"])
        assert "Brins de Laine" in weaver_mail.body
        assert "Atelier Argile" not in weaver_mail.body
        assert "12 rue des Tisserands" in weaver_mail.body
        # Amounts written as French pages write them, in both parts.
        html = weaver_mail.alternatives[0][0]
        for part in (weaver_mail.body, html):
            assert re.search(r"\d,\d\d €", part)
            assert not re.search(r"\d\.\d\d €", part)

    def test_a_fixed_code_of_one_artist_only_discounts_that_artist(
        self, buyer_api, three_artists, full_cart
    ):
        potter = three_artists[0]
        DiscountCodeFactory(
            code="ARGILE5", artist=potter, kind="fixed", value=Decimal("5.00")
        )
        assert (
            buyer_api.post("/api/v1/cart/discount/", {"code": "ARGILE5"}).status_code
            == 200
        )

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 201
        blocks = {ao["artist"]: ao for ao in response.json()["artist_orders"]}
        assert blocks[potter.slug]["discount"] == "5.00"
        assert blocks[potter.slug]["total"] == "48.00"
        assert sorted(ao["discount"] for ao in blocks.values()) == [
            "0.00",
            "0.00",
            "5.00",
        ]
        assert response.json()["total"] == "152.55"

    def test_delivery_outside_the_eu_uses_world_fees_and_says_so(
        self, buyer_api, full_cart, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_api.post(
                "/api/v1/checkout/", checkout_body(country="CH"), format="json"
            )

        assert response.status_code == 201
        body = response.json()
        assert body["customs_notice"] is True
        assert {ao["shipping_zone"] for ao in body["artist_orders"]} == {"world"}
        # 18.00 + free (60 € ≥ 50 €) + 18.00
        assert body["shipping_total"] == "36.00"
        confirmation = next(m for m in mailoutbox if m.to == ["buyer@example.com"])
        assert "customs duties" in confirmation.body

    def test_personalisation_text_and_photo_follow_the_line_into_the_order(
        self, buyer_api, artist
    ):
        variant = make_variant(artist, personalisable=True)
        response = buyer_api.post(
            "/api/v1/cart/lines/",
            {
                "variant": variant.pk,
                "quantity": 1,
                "personalisation": "Pour Lou",
                "personalisation_photo": photo_upload(),
            },
            format="multipart",
        )
        assert response.status_code == 201, response.content

        order = buyer_api.post(
            "/api/v1/checkout/", checkout_body(), format="json"
        ).json()

        line = OrderLine.objects.get()
        assert line.personalised
        assert line.personalisation_text == "Pour Lou"
        assert line.personalisation_photo.storage.exists(
            line.personalisation_photo.name
        )
        api_line = order["artist_orders"][0]["lines"][0]
        assert api_line["personalisation"] == "Pour Lou"
        assert (
            api_line["personalisation_photo"]
            == f"/account/order-lines/{line.pk}/photo/"
        )


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
        assert order.status == "cancelled"

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
        assert Order.objects.get().status == "cancelled"

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
