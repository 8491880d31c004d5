"""The packing slip the artist prints from the dashboard: pieces,
quantities and the address; a gift order shows the gift message and no
prices, any other order shows the prices; another shop's order is a 404."""

import pytest
from django.urls import reverse

from orders.services import artist_order_change

from .factories import ADDRESS, make_artist, make_artist_order
from .helpers import detail_url, logged_in


def slip_url(artist_order):
    return reverse("dashboard:order_packing_slip", kwargs={"pk": artist_order.pk})


@pytest.fixture
def waiting(buyer, artist):
    return make_artist_order(buyer=buyer, artist=artist, quantity=2, price="38.50")


class TestPackingSlip:
    def test_an_ordinary_order_lists_pieces_address_and_prices(self, artist, waiting):
        response = logged_in(artist.user).get(slip_url(waiting))

        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-gift="false"' in html
        assert waiting.lines.get().title in html
        assert ADDRESS["line1"] in html
        assert "38.50 €" in html
        assert "@media print" in html

    def test_a_gift_order_shows_the_message_and_no_price(self, buyer, artist, waiting):
        artist_order_change(
            artist_order=waiting,
            by=buyer,
            gift_message="Joyeux anniversaire, Léa !",
            shipping_address={**ADDRESS, "line1": "3 quai Est"},
        )

        html = logged_in(artist.user).get(slip_url(waiting)).content.decode()

        assert 'data-gift="true"' in html
        assert "Joyeux anniversaire, Léa !" in html
        assert "3 quai Est" in html
        assert "38.50" not in html
        assert "€" not in html.split('data-testid="packing-slip"')[1]

    def test_the_order_page_links_to_the_slip_and_shows_the_change(
        self, buyer, artist, waiting
    ):
        artist_order_change(artist_order=waiting, by=buyer, gift_message="For you")

        html = logged_in(artist.user).get(detail_url(waiting)).content.decode()

        assert slip_url(waiting) in html
        assert "For you" in html

    def test_another_artist_gets_a_404(self, waiting):
        stranger = make_artist("stranger")

        response = logged_in(stranger.user).get(slip_url(waiting))

        assert response.status_code == 404
