"""Two pages say only what is true: the checkout's summary shows each
piece's personalisation (the buyer checks the text before paying), and the
artist's order page gives an expected dispatch date only while the parcel
has yet to leave (not for a refused or cancelled order)."""

import re

import pytest
from django.urls import reverse

from orders.models import Cart
from orders.services import cart_add_line

from .factories import make_artist_order, make_variant, photo_upload
from .helpers import detail_url, logged_in

pytestmark = pytest.mark.django_db


def summary_of(html) -> str:
    return re.search(r'data-testid="checkout-summary".*?</section>', html, re.S).group(
        0
    )


class TestCheckoutSummary:
    def test_shows_the_personalisation_text_and_photo_of_each_piece(
        self, buyer, artist
    ):
        plate = make_variant(artist, personalisable=True)
        cart = Cart.objects.create(user=buyer)
        line = cart_add_line(
            cart=cart,
            variant_id=plate.pk,
            quantity=1,
            personalisation_text="For Lou, 12 May",
            personalisation_photo=photo_upload(),
        )

        summary = summary_of(
            logged_in(buyer).get(reverse("cart:checkout")).content.decode()
        )

        assert "Personalisation: “For Lou, 12 May”" in summary
        assert reverse("cart:line_photo", args=[line.pk]) in summary

    def test_says_nothing_of_a_piece_without_personalisation(self, buyer, artist):
        cart = Cart.objects.create(user=buyer)
        cart_add_line(cart=cart, variant_id=make_variant(artist).pk, quantity=1)

        summary = summary_of(
            logged_in(buyer).get(reverse("cart:checkout")).content.decode()
        )

        assert "Personalisation" not in summary


class TestExpectedDispatchOnTheDashboard:
    @pytest.mark.parametrize("state", ["awaiting_acceptance", "accepted"])
    def test_shown_while_the_parcel_has_yet_to_leave(self, buyer, artist, state):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state=state)

        html = logged_in(artist.user).get(detail_url(artist_order)).content.decode()

        assert "Expected dispatch:" in html

    @pytest.mark.parametrize("state", ["refused", "cancelled", "shipped"])
    def test_hidden_once_refused_cancelled_or_shipped(self, buyer, artist, state):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state=state)

        html = logged_in(artist.user).get(detail_url(artist_order)).content.decode()

        assert "Expected dispatch" not in html
