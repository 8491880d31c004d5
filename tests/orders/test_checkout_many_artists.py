"""A checkout of many artists: the first piece short of stock is the one
reported and nothing is taken, each artist order is paid with its own
deadline, history and email (in its reader's language), and a decline
gives everything back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from artists.models import Variant
from marketplace.notifications.models import Notification
from orders.models import ArtistOrder, ArtistOrderEvent, Cart, CartLine, OrderLine

from .factories import checkout_body, make_artist, make_variant


@pytest.fixture
def shops(db):
    """Ten shops with two pieces each (5 in stock)."""
    shops = []
    for n in range(10):
        artist = make_artist(f"maker{n}", name=f"Atelier {n:02d}")
        shops.append(
            (
                artist,
                [
                    make_variant(artist, price="20.00"),
                    make_variant(artist, price="12.50"),
                ],
            )
        )
    return shops


def fill(client, variants, quantity=1):
    for variant in variants:
        response = client.post(
            "/api/v1/cart/lines/",
            {"variant": variant.pk, "quantity": quantity},
            format="json",
        )
        assert response.status_code == 201, response.content


def fill_shops(client, shops, artists):
    fill(client, [v for _artist, variants in shops[:artists] for v in variants])


def pay(client, artists):
    response = client.post("/api/v1/checkout/", checkout_body(), format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()["artist_orders"]) == artists


class TestStock:
    def test_different_quantities_of_many_pieces_are_all_taken(self, buyer_api, shops):
        (_a, (bowl, cup)), (_b, (scarf, _hat)) = shops[:2]
        fill(buyer_api, [bowl], 3)
        fill(buyer_api, [cup, scarf], 2)

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 201, response.content
        stock = dict(Variant.objects.values_list("pk", "stock"))
        assert (stock[bowl.pk], stock[cup.pk], stock[scarf.pk], stock[_hat.pk]) == (
            2,
            3,
            3,
            5,
        )

    def test_the_first_piece_short_of_stock_is_reported_and_nothing_is_taken(
        self, buyer_api, shops
    ):
        variants = [v for _artist, vs in shops[:3] for v in vs]
        fill(buyer_api, variants, 2)
        short, shorter = variants[2], variants[4]
        Variant.objects.filter(pk=short.pk).update(stock=1)
        Variant.objects.filter(pk=shorter.pk).update(stock=0)

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 400
        assert response.json()["quantity"] == [
            f"Sorry, only 1 of {short.item.title} ({short.name}) left: you asked for 2."
        ]
        stock = dict(Variant.objects.values_list("pk", "stock"))
        assert [stock[v.pk] for v in variants] == [5, 5, 1, 5, 0, 5]
        assert not ArtistOrder.objects.exists()
        assert CartLine.objects.count() == len(variants)

    def test_a_piece_sold_out_is_reported_as_no_longer_available(
        self, buyer_api, shops
    ):
        (_artist, (bowl, cup)) = shops[0]
        fill(buyer_api, [bowl, cup])
        Variant.objects.filter(pk=cup.pk).update(stock=0)

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 400
        assert response.json()["quantity"] == [
            f"Sorry, {cup.item.title} ({cup.name}) is no longer available."
        ]
        assert Variant.objects.get(pk=bowl.pk).stock == 5


class TestPaying:
    def test_every_artist_order_is_paid_with_its_history_and_emails(
        self, buyer_api, buyer, shops, django_capture_on_commit_callbacks, mailoutbox
    ):
        fill(buyer_api, [v for _artist, variants in shops[:4] for v in variants])

        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_api.post(
                "/api/v1/checkout/", checkout_body(), format="json"
            )

        assert response.status_code == 201
        artist_orders = list(ArtistOrder.objects.order_by("id"))
        assert len(artist_orders) == 4
        for artist_order in artist_orders:
            assert artist_order.state == "awaiting_acceptance"
            assert artist_order.paid == artist_order.total == Decimal("37.50")
            assert artist_order.paid_at is not None
            assert artist_order.acceptance_deadline > artist_order.paid_at
        events = list(ArtistOrderEvent.objects.order_by("artist_order_id"))
        assert [
            (e.artist_order_id, e.transition, e.by_id, e.note_text()) for e in events
        ] == [(ao.pk, "pay", buyer.pk, "Paid 37.50 €.") for ao in artist_orders]
        assert sorted(Notification.objects.values_list("event", flat=True)) == [
            "new_order",
            "new_order",
            "new_order",
            "new_order",
            "order_confirmation",
        ]
        assert sorted(m.to[0] for m in mailoutbox) == sorted(
            [buyer.email] + [f"maker{n}@example.com" for n in range(4)]
        )

    def test_the_emails_of_a_large_order_go_out_unencoded_within_the_mail_line_limit(
        self, buyer_api, db, django_capture_on_commit_callbacks, mailoutbox
    ):
        """One line of HTML per piece: the emails of an order of many pieces
        have no line over the 998 characters mail allows, so they go out as
        they are (8bit), not re-encoded as quoted-printable."""
        artist = make_artist("maker", name="Atelier")
        fill(buyer_api, [make_variant(artist, price="20.00") for _ in range(12)])

        with django_capture_on_commit_callbacks(execute=True):
            pay(buyer_api, 1)

        assert len(mailoutbox) == 2  # the buyer's and the artist's
        for email in mailoutbox:
            raw = email.message().as_bytes()
            assert max(len(line) for line in raw.splitlines()) <= 998
            assert b"quoted-printable" not in raw
            assert (
                raw.count(b"Content-Transfer-Encoding: 8bit") == 2
            )  # the text and the HTML

    def test_each_email_is_written_in_its_readers_language(
        self, buyer_api, buyer, shops, django_capture_on_commit_callbacks, mailoutbox
    ):
        buyer.language = "fr"
        buyer.save(update_fields=["language"])
        (english_artist, english_variants), (french_artist, french_variants) = shops[:2]
        type(french_artist.user).objects.filter(pk=french_artist.user_id).update(
            language="fr"
        )
        fill(buyer_api, [*english_variants, *french_variants], 2)

        with django_capture_on_commit_callbacks(execute=True):
            pay(buyer_api, 2)

        contexts = {
            key: context
            for key, context in Notification.objects.values_list(
                "dedupe_key", "context"
            )
        }
        english_order = ArtistOrder.objects.get(artist=english_artist)
        french_order = ArtistOrder.objects.get(artist=french_artist)
        assert contexts[f"new-order:{english_order.pk}"]["total"] == "70.00"
        assert contexts[f"new-order:{french_order.pk}"]["total"] == "70,00"
        confirmation = next(
            c for k, c in contexts.items() if k.startswith("order-confirmation:")
        )
        assert confirmation["total"] == "140,00"
        assert [block["total"] for block in confirmation["artists"]] == [
            "70,00",
            "70,00",
        ]

    def test_an_artist_on_holiday_keeps_its_own_acceptance_deadline(
        self, buyer_api, shops
    ):
        away, _variants = shops[1]
        today = timezone.localdate()
        away.holiday_start_date = today
        away.holiday_end_date = today + timedelta(days=10)
        away.save()
        fill(buyer_api, [v for _artist, variants in shops[:3] for v in variants])

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 201
        deadlines = {
            ao.artist_id: ao.acceptance_deadline for ao in ArtistOrder.objects.all()
        }
        at_home = {deadlines[artist.pk] for artist, _v in (shops[0], shops[2])}
        assert len(at_home) == 1
        assert deadlines[away.pk].date() > today + timedelta(days=10)
        assert deadlines[away.pk] > at_home.pop()

    def test_a_declined_payment_gives_back_the_stock_of_every_artist_and_the_cart(
        self, buyer_api, buyer, shops
    ):
        variants = [v for _artist, vs in shops for v in vs]
        fill(buyer_api, variants)

        response = buyer_api.post(
            "/api/v1/checkout/", checkout_body(token="fail"), format="json"
        )

        assert response.status_code == 402
        assert set(Variant.objects.values_list("stock", flat=True)) == {5}
        assert set(ArtistOrder.objects.values_list("state", flat=True)) == {"cancelled"}
        assert ArtistOrderEvent.objects.filter(transition="fail_payment").count() == 10
        cart = Cart.objects.get(user=buyer)
        assert sorted(cart.lines.values_list("variant_id", flat=True)) == sorted(
            v.pk for v in variants
        )
        assert OrderLine.objects.count() == 20
