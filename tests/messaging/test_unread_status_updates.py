"""Status updates show in the conversation but are not unread mail: after
nothing but their own actions and the changes they cause, neither the buyer
nor the artist has anything unread; and opening the order page, which
shows the order's conversation, marks it read."""

import re

from django.urls import reverse

from messaging import services as messaging
from messaging.models import Thread
from orders import services as order_services
from orders.models import ArtistOrder
from returns import services as return_services
from tests.orders.helpers import client_for, logged_in

from .factories import make_artist_order, make_shop


def badge(client, url, testid) -> int:
    html = client.get(url).content.decode()
    match = re.search(rf'data-testid="{testid}"[^>]*>(\d+)<', html)
    return int(match.group(1)) if match else 0


def unread_in_api(user) -> list[int]:
    body = client_for(user).get("/api/v1/threads/").json()
    rows = body["results"] if isinstance(body, dict) else body
    return [row["unread"] for row in rows]


def order_page(artist_order) -> str:
    return reverse("account:order", kwargs={"number": artist_order.order.number})


def dashboard_order_page(artist_order) -> str:
    return reverse("dashboard:order", kwargs={"pk": artist_order.pk})


def fresh(artist_order) -> ArtistOrder:
    return ArtistOrder.objects.get(pk=artist_order.pk)


class TestStatusUpdates:
    def test_leave_nothing_unread_after_the_readers_own_actions(self, buyer):
        shop = make_shop("claire", language="fr")
        artist_order = make_artist_order(buyer=buyer, artist=shop)

        order_services.artist_order_accept(
            artist_order=fresh(artist_order), by=shop.user
        )
        order_services.artist_order_ship(
            artist_order=fresh(artist_order),
            by=shop.user,
            carrier="Colissimo",
            tracking_number="6A12345678901",
        )
        order_services.artist_order_confirm_delivery(
            artist_order=fresh(artist_order), by=buyer
        )
        line = artist_order.lines.get()
        return_services.return_request_create(
            buyer=buyer, line=line, quantity=1, kind="return", reason="changed_mind"
        )

        assert Thread.objects.filter(messages__system=True).exists()
        home = reverse("catalog:home")
        assert badge(logged_in(buyer), home, "unread-messages") == 0
        artist = logged_in(shop.user)
        assert badge(artist, reverse("dashboard:home"), "shop-unread-messages") == 0
        assert badge(artist, home, "unread-messages") == 0
        assert set(unread_in_api(buyer)) == set(unread_in_api(shop.user)) == {0}

    def test_a_message_written_by_the_other_side_still_counts(self, buyer):
        shop = make_shop("claire")
        artist_order = make_artist_order(buyer=buyer, artist=shop)
        order_services.artist_order_accept(
            artist_order=fresh(artist_order), by=shop.user
        )

        messaging.artist_order_message_post(
            artist_order=artist_order, author=shop.user, body="Any colour wish?"
        )

        home = reverse("catalog:home")
        assert badge(logged_in(buyer), home, "unread-messages") == 1
        assert unread_in_api(buyer) == [1]


class TestOpeningTheOrderPage:
    def test_marks_the_conversation_read_for_the_buyer(self, buyer):
        shop = make_shop("claire")
        artist_order = make_artist_order(buyer=buyer, artist=shop)
        messaging.artist_order_message_post(
            artist_order=artist_order, author=shop.user, body="Any colour wish?"
        )
        client = logged_in(buyer)
        home = reverse("catalog:home")
        assert badge(client, home, "unread-messages") == 1

        page = client.get(order_page(artist_order))

        assert "Any colour wish?" in page.content.decode()
        assert badge(client, home, "unread-messages") == 0

    def test_marks_the_conversation_read_for_the_artist(self, buyer):
        shop = make_shop("claire")
        artist_order = make_artist_order(buyer=buyer, artist=shop)
        messaging.artist_order_message_post(
            artist_order=artist_order, author=buyer, body="Could you gift-wrap it?"
        )
        client = logged_in(shop.user)
        dashboard = reverse("dashboard:home")
        assert badge(client, dashboard, "shop-unread-messages") == 1

        page = client.get(dashboard_order_page(artist_order))

        assert "Could you gift-wrap it?" in page.content.decode()
        assert badge(client, dashboard, "shop-unread-messages") == 0

    def test_leaves_the_other_sides_unread_count_alone(self, buyer):
        shop = make_shop("claire")
        artist_order = make_artist_order(buyer=buyer, artist=shop)
        messaging.artist_order_message_post(
            artist_order=artist_order, author=shop.user, body="Any colour wish?"
        )
        messaging.artist_order_message_post(
            artist_order=artist_order, author=buyer, body="Blue, please."
        )

        logged_in(buyer).get(order_page(artist_order))

        assert unread_in_api(buyer) == [0]
        assert unread_in_api(shop.user) == [1]
