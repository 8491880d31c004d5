"""What an inbox row and a thread tell: the order or return number and the
pieces it is about, the buyer as the artist's orders name them, and dates
with the month's name in both languages."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from messaging import services
from messaging.models import Thread
from tests.orders.factories import make_artist
from tests.returns.factories import make_line, make_return

from .conftest import api_as

pytestmark = pytest.mark.django_db

# 13:00 in Paris, the marketplace's time zone.
NOON_UTC = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.fixture
def line(buyer, artist):
    """A delivered line of the buyer's order with the artist; its order's
    thread holds the status updates."""
    return make_line(buyer=buyer, artist=artist, quantity=2)


def rows(html):
    return re.findall(r'<tr class="[^"]*" data-testid="thread-row".*?</tr>', html, re.S)


class TestInboxRows:
    def test_a_return_row_names_the_return_the_order_and_the_piece(
        self, client, artist, line
    ):
        return_request = make_return(line=line)
        number = line.artist_order.order.number
        client.force_login(artist.user)

        html = client.get(reverse("messaging:shop_inbox")).content.decode()

        row = next(row for row in rows(html) if "Return #" in row)
        assert f"Return #{return_request.pk}, order {number}" in row
        assert f"1 × {line.title}" in row
        assert "A return request" not in html

    def test_an_order_row_names_the_order_and_its_pieces(self, client, buyer, line):
        number = line.artist_order.order.number
        client.force_login(buyer)

        html = client.get(reverse("messaging:inbox")).content.decode()

        (row,) = rows(html)
        assert f"Order {number}" in row
        assert line.title in row
        assert "An order" not in row

    def test_the_artist_reads_the_buyers_name_as_on_its_orders(
        self, client, buyer, artist, line
    ):
        thread = Thread.objects.get(artist_order=line.artist_order)
        services.message_post(thread=thread, author=buyer, body="Any news?")
        client.force_login(artist.user)

        inbox = client.get(reverse("messaging:shop_inbox")).content.decode()
        page = client.get(thread.get_absolute_url()).content.decode()

        shipping_name = line.artist_order.order.shipping_name
        assert shipping_name in rows(inbox)[0]
        assert f"Conversation with {shipping_name}" in page
        assert f"<strong>{shipping_name}</strong>" in page
        assert f">{buyer.username}<" not in inbox + page

    def test_the_email_to_the_artist_names_the_buyer_the_same_way(
        self, buyer, artist, line, mailoutbox, django_capture_on_commit_callbacks
    ):
        thread = Thread.objects.get(artist_order=line.artist_order)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            services.message_post(thread=thread, author=buyer, body="Any news?")

        (mail,) = [m for m in mailoutbox if m.to == [artist.user.email]]
        shipping_name = line.artist_order.order.shipping_name
        assert f"New message from {shipping_name}" in mail.subject
        assert f"— {shipping_name}," in mail.body

    def test_the_api_names_the_buyer_the_same_way(self, buyer, artist, line):
        thread = Thread.objects.get(artist_order=line.artist_order)
        services.message_post(thread=thread, author=buyer, body="Any news?")

        body = api_as(artist.user).get(f"/api/v1/threads/{thread.pk}/").json()

        (mine,) = [m for m in body["messages"] if m["body"] == "Any news?"]
        assert mine["author_name"] == line.artist_order.order.shipping_name


class TestDates:
    def test_lists_write_the_month_in_english(self, client, buyer, line):
        Thread.objects.update(last_message_at=NOON_UTC)
        client.force_login(buyer)

        html = client.get(reverse("messaging:inbox")).content.decode()

        assert "7 Dec 2026, 13:00" in rows(html)[0]
        assert "12/07/2026" not in html

    def test_lists_write_the_month_in_french(self, client):
        shop = make_artist("tisserande", language="fr", name="Brins de Laine")
        buyer = make_artist("acheteuse", language="fr").user
        make_line(buyer=buyer, artist=shop)
        Thread.objects.update(last_message_at=NOON_UTC)
        client.force_login(shop.user)

        html = client.get(reverse("messaging:shop_inbox")).content.decode()

        assert "7 déc. 2026 13:00" in rows(html)[0]
        assert "07/12/2026" not in html

    def test_a_message_shows_its_local_time_with_the_month(
        self, client, buyer, artist, line
    ):
        thread = Thread.objects.get(artist_order=line.artist_order)
        thread.messages.update(created_at=NOON_UTC)
        client.force_login(buyer)

        html = client.get(thread.get_absolute_url()).content.decode()

        assert ">7 Dec 2026, 13:00</time>" in html
