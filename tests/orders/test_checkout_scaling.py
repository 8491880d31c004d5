"""Checkout costs the same number of queries whatever the number of artists
in the cart (the stock of every line taken in two statements, the artist
orders paid in one), and still behaves as before: the first piece short of
stock is the one reported and nothing is taken, each artist order is paid
with its own deadline, history and email, a decline gives everything back,
and the cached pages of the shops and the order are drawn afresh."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from artists.models import Variant
from marketplace import pagecache
from marketplace.notifications.models import Notification
from orders.models import ArtistOrder, ArtistOrderEvent, Cart, CartLine, OrderLine
from tests.factories import UserFactory

from .factories import checkout_body, make_artist, make_variant

# Queries of one checkout through the API (cart, pricing, stock,
# numbering, inserts, payment, history, emails, the response), measured at
# one artist; the same budget holds at ten.
QUERY_BUDGET = 36


@pytest.fixture
def shops(db):
    """Ten shops with two pieces each (5 in stock)."""
    shops = []
    for n in range(10):
        artist = make_artist(f"maker{n}", name=f"Atelier {n:02d}")
        shops.append((artist, [make_variant(artist, price="20.00"), make_variant(artist, price="12.50")]))
    return shops


def fill(client, variants, quantity=1):
    for variant in variants:
        response = client.post(
            "/api/v1/cart/lines/", {"variant": variant.pk, "quantity": quantity}, format="json"
        )
        assert response.status_code == 201, response.content


def fill_shops(client, shops, artists):
    fill(client, [v for _artist, variants in shops[:artists] for v in variants])


def pay(client, artists):
    response = client.post("/api/v1/checkout/", checkout_body(), format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()["artist_orders"]) == artists


@pytest.fixture
def second_buyer_api(db):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(UserFactory(username="ines", email="ines@example.com"))
    return client


class TestQueries:
    def test_a_checkout_of_ten_artists_runs_no_more_queries_than_one_of_a_single_artist(
        self, buyer_api, second_buyer_api, shops, django_assert_max_num_queries
    ):
        fill_shops(buyer_api, shops, 1)
        with CaptureQueriesContext(connection) as captured:
            pay(buyer_api, 1)
        one = len(captured)  # now: the next request empties the query log
        fill_shops(second_buyer_api, shops, 10)

        with django_assert_max_num_queries(one):
            pay(second_buyer_api, 10)

        assert one <= QUERY_BUDGET, "\n".join(q["sql"][:110] for q in captured.captured_queries)

    def test_the_stock_of_every_line_is_taken_by_one_update(self, buyer_api, shops):
        fill(buyer_api, [v for _artist, variants in shops for v in variants])
        with CaptureQueriesContext(connection) as captured:
            response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 201
        stock_updates = [
            q["sql"] for q in captured.captured_queries
            if q["sql"].startswith(f'UPDATE "{Variant._meta.db_table}"')
        ]
        paying = [
            q["sql"] for q in captured.captured_queries
            if q["sql"].startswith(f'UPDATE "{ArtistOrder._meta.db_table}"')
        ]
        assert len(stock_updates) == 1
        assert len(paying) == 1
        assert set(Variant.objects.values_list("stock", flat=True)) == {4}


class TestStock:
    def test_different_quantities_of_many_pieces_are_all_taken(self, buyer_api, shops):
        (_a, (bowl, cup)), (_b, (scarf, _hat)) = shops[:2]
        fill(buyer_api, [bowl], 3)
        fill(buyer_api, [cup, scarf], 2)

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 201, response.content
        stock = dict(Variant.objects.values_list("pk", "stock"))
        assert (stock[bowl.pk], stock[cup.pk], stock[scarf.pk], stock[_hat.pk]) == (2, 3, 3, 5)

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

    def test_a_piece_sold_out_is_reported_as_no_longer_available(self, buyer_api, shops):
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
            response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 201
        artist_orders = list(ArtistOrder.objects.order_by("id"))
        assert len(artist_orders) == 4
        for artist_order in artist_orders:
            assert artist_order.state == "awaiting_acceptance"
            assert artist_order.paid == artist_order.total == Decimal("37.50")
            assert artist_order.paid_at is not None
            assert artist_order.acceptance_deadline > artist_order.paid_at
        events = list(ArtistOrderEvent.objects.order_by("artist_order_id"))
        assert [(e.artist_order_id, e.transition, e.by_id, e.note) for e in events] == [
            (ao.pk, "pay", buyer.pk, "Paid 37.50 €.") for ao in artist_orders
        ]
        assert sorted(Notification.objects.values_list("event", flat=True)) == [
            "new_order", "new_order", "new_order", "new_order", "order_confirmation",
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
            assert raw.count(b"Content-Transfer-Encoding: 8bit") == 2  # the text and the HTML

    @pytest.mark.parametrize(
        "languages",
        [("en", "en", "en", "en"), ("fr", "en", "fr", "en")],
        ids=["one language", "buyer and artists in French and English"],
    )
    def test_the_emails_say_what_the_saved_rows_say(self, buyer_api, buyer, shops, languages):
        """The emails are written from the rows checkout has in hand, what
        the buyer's and the artists' emails share made once per language;
        built again one by one from the rows read back, in each reader's
        language, they are the same, to the cent."""
        from django.core.serializers.json import DjangoJSONEncoder

        from orders.emails import new_order_context, order_confirmation_context
        from orders.models import Order

        buyer_language, *artist_languages = languages
        buyer.language = buyer_language
        buyer.save(update_fields=["language"])
        for (artist, _variants), language in zip(shops, artist_languages, strict=False):
            type(artist.user).objects.filter(pk=artist.user_id).update(language=language)
        fill(buyer_api, [v for _artist, variants in shops[:3] for v in variants], 2)
        with CaptureQueriesContext(connection) as captured:
            response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")
        assert response.status_code == 201
        # Artists reading another language than the buyer's cost no query
        # more: within the budget of a one-artist checkout.
        assert len(captured) <= QUERY_BUDGET

        order = Order.objects.get()
        artist_orders = list(
            ArtistOrder.objects.select_related("artist__user", "order")
            .prefetch_related("lines")
            .order_by("id")
        )
        expected = {
            f"order-confirmation:{order.pk}": order_confirmation_context(
                order=order, artist_orders=artist_orders, language=buyer_language
            ),
            **{
                f"new-order:{ao.pk}": new_order_context(artist_order=ao, language=ao.artist.user.language)
                for ao in artist_orders
            },
        }
        recorded = dict(Notification.objects.values_list("dedupe_key", "context"))
        # As stored: Decimals and dates as strings (PostgreSQL's jsonb also
        # reorders keys, so dicts are compared, not text).
        assert recorded == json.loads(DjangoJSONEncoder().encode(expected))
        assert recorded[f"new-order:{artist_orders[0].pk}"]["total"] == "70.00"

    def test_an_artist_on_holiday_keeps_its_own_acceptance_deadline(self, buyer_api, shops):
        away, _variants = shops[1]
        today = timezone.localdate()
        away.holiday_start_date = today
        away.holiday_end_date = today + timedelta(days=10)
        away.save()
        fill(buyer_api, [v for _artist, variants in shops[:3] for v in variants])

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 201
        deadlines = {ao.artist_id: ao.acceptance_deadline for ao in ArtistOrder.objects.all()}
        at_home = {deadlines[artist.pk] for artist, _v in (shops[0], shops[2])}
        assert len(at_home) == 1
        assert deadlines[away.pk].date() > today + timedelta(days=10)
        assert deadlines[away.pk] > at_home.pop()

    def test_a_declined_payment_gives_back_the_stock_of_every_artist_and_the_cart(
        self, buyer_api, buyer, shops
    ):
        variants = [v for _artist, vs in shops for v in vs]
        fill(buyer_api, variants)

        response = buyer_api.post("/api/v1/checkout/", checkout_body(token="fail"), format="json")

        assert response.status_code == 402
        assert set(Variant.objects.values_list("stock", flat=True)) == {5}
        assert set(ArtistOrder.objects.values_list("state", flat=True)) == {"cancelled"}
        assert ArtistOrderEvent.objects.filter(transition="fail_payment").count() == 10
        cart = Cart.objects.get(user=buyer)
        assert sorted(cart.lines.values_list("variant_id", flat=True)) == sorted(v.pk for v in variants)
        assert OrderLine.objects.count() == 20


class TestPageCache:
    def test_the_shops_and_the_order_are_drawn_afresh_after_a_checkout(self, buyer_api, shops):
        artists = [artist for artist, _variants in shops[:3]]
        fill(buyer_api, [v for _artist, variants in shops[:3] for v in variants])
        before = {a.pk: pagecache.versions(("shop", a.pk)) for a in artists}
        untouched = pagecache.versions(("shop", shops[5][0].pk))

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 201
        for artist in artists:
            assert pagecache.versions(("shop", artist.pk)) != before[artist.pk]
        assert pagecache.versions(("shop", shops[5][0].pk)) == untouched
