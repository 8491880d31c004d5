"""The buyer's "Change this order" page: reachable from the order page
while the artist has not accepted, it lowers quantities (refunded at once),
changes the address and adds a gift message; bad input shows an error and
changes nothing; once accepted it sends the buyer to a cancellation request."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from orders.models import ArtistOrder, Refund
from tests.factories import UserFactory
from tests.orders.factories import ADDRESS, make_artist_order, make_variant


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def order_url(artist_order):
    return reverse("account:order", kwargs={"number": artist_order.order.number})


def change_url(artist_order):
    return reverse(
        "account:artist_order_change",
        kwargs={"number": artist_order.order.number, "pk": artist_order.pk},
    )


def form_data(artist_order, **overrides):
    data = {
        **ADDRESS,
        "line2": "",
        "gift_message": "",
        **{f"quantity_{line.pk}": line.quantity for line in artist_order.lines.all()},
    }
    return {**data, **overrides}


@pytest.fixture
def two_pieces(buyer, artist):
    variant = make_variant(artist, price="30.00", stock=4)
    return make_artist_order(buyer=buyer, artist=artist, variant=variant, quantity=2)


class TestChangePage:
    def test_the_order_page_offers_the_change_only_before_acceptance(
        self, buyer, artist, two_pieces
    ):
        accepted = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        waiting_html = logged_in(buyer).get(order_url(two_pieces)).content.decode()
        accepted_html = logged_in(buyer).get(order_url(accepted)).content.decode()

        assert change_url(two_pieces) in waiting_html
        assert change_url(accepted) not in accepted_html
        assert 'data-testid="change-after-acceptance"' in accepted_html

    def test_lowering_a_quantity_refunds_it_and_says_how_much(self, buyer, two_pieces):
        line = two_pieces.lines.get()
        client = logged_in(buyer)

        response = client.post(
            change_url(two_pieces),
            form_data(two_pieces, **{f"quantity_{line.pk}": 1}),
            follow=True,
        )

        html = response.content.decode()
        assert "You will be refunded 30.00 €" in html
        assert ArtistOrder.objects.get(pk=two_pieces.pk).lines.get().quantity == 1
        assert Refund.objects.get().amount == Decimal("30.00")

    def test_address_and_gift_message_show_on_the_order_page(self, buyer, two_pieces):
        client = logged_in(buyer)

        client.post(
            change_url(two_pieces),
            form_data(two_pieces, line1="3 quai Est", gift_message="Bon anniversaire"),
        )

        html = client.get(order_url(two_pieces)).content.decode()
        assert 'data-testid="changed-address"' in html
        assert "3 quai Est" in html
        assert "Bon anniversaire" in html

    def test_raising_a_quantity_is_a_form_error_and_changes_nothing(
        self, buyer, two_pieces
    ):
        line = two_pieces.lines.get()

        response = logged_in(buyer).post(
            change_url(two_pieces),
            form_data(two_pieces, **{f"quantity_{line.pk}": 3}, gift_message="Hi"),
        )

        assert response.status_code == 400
        assert "You can only lower a quantity" in response.content.decode()
        fresh = ArtistOrder.objects.get(pk=two_pieces.pk)
        assert (fresh.lines.get().quantity, fresh.gift_message) == (2, "")

    def test_an_unserved_country_is_an_error_on_the_country(
        self, buyer, artist, two_pieces
    ):
        artist.ships_worldwide = False
        artist.save()

        response = logged_in(buyer).post(
            change_url(two_pieces), form_data(two_pieces, country="JP")
        )

        assert response.status_code == 400
        html = response.content.decode()
        country_row = html.split('data-field="country"')[1].split("</div>")[0]
        assert "does not ship to" in country_row
        assert ArtistOrder.objects.get(pk=two_pieces.pk).changed_address == {}

    def test_once_accepted_the_page_points_to_a_cancellation_request(
        self, buyer, artist
    ):
        accepted = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        response = logged_in(buyer).get(change_url(accepted), follow=True)

        assert "ask the artist to cancel it" in response.content.decode()

    def test_the_page_is_in_french_for_a_french_buyer(self, french_buyer, artist):
        artist_order = make_artist_order(buyer=french_buyer, artist=artist)

        with translation.override("fr"):
            response = logged_in(french_buyer).get(
                change_url(artist_order), HTTP_ACCEPT_LANGUAGE="fr"
            )

        assert response.status_code == 200
        assert 'lang="fr"' in response.content.decode()

    def test_another_buyer_gets_a_404(self, two_pieces):
        response = logged_in(UserFactory()).get(change_url(two_pieces))

        assert response.status_code == 404
