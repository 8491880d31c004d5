"""Checkout through the API: one order split per artist, money to the cent,
stock, emails, history."""

import re
from decimal import Decimal

from django.utils import timezone

from artists.models import Variant
from marketplace.notifications.models import Notification
from orders.models import (
    ArtistOrder,
    ArtistOrderEvent,
    Cart,
    CartLine,
    DiscountCode,
    Order,
    OrderLine,
    Payment,
)
from tests.factories import DiscountCodeFactory

from .factories import checkout_body, make_variant, photo_upload


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
