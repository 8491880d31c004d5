"""PATCH artist-orders/{id}/: the buyer changes an artist order before the
artist accepts it; refused with a field error for bad input, a 409 once
accepted, a 403 for the artist and a 404 for another buyer."""

import pytest

from marketplace.notifications.models import Notification
from orders.models import Refund
from tests.factories import UserFactory

from .factories import ADDRESS, make_artist_order, make_variant
from .helpers import client_for, url

pytestmark = pytest.mark.usefixtures("_report_at_once")


@pytest.fixture
def two_pieces(buyer, artist):
    variant = make_variant(artist, price="30.00", stock=4)
    artist_order = make_artist_order(
        buyer=buyer, artist=artist, variant=variant, quantity=2
    )
    return artist_order, variant


class TestChange:
    def test_lowering_a_quantity_refunds_it_at_once_and_frees_the_piece(
        self, buyer_api, artist, two_pieces
    ):
        artist_order, variant = two_pieces
        line = artist_order.lines.get()

        response = buyer_api.patch(
            url(artist_order),
            {"lines": [{"id": line.pk, "quantity": 1}]},
            format="json",
        )

        assert response.status_code == 200, response.content
        body = response.json()
        assert body["refund_amount"] == "30.00"
        assert body["state"] == "awaiting_acceptance"
        assert [row["quantity"] for row in body["lines"]] == [1]
        assert (body["total"], body["refunded"]) == ("35.00", "30.00")
        assert [(r["amount"], r["reason"]) for r in body["refunds"]] == [
            ("30.00", "change")
        ]
        variant.refresh_from_db()
        assert variant.stock == 3
        assert Notification.objects.filter(
            recipient=artist.user, event="order_changed_by_buyer"
        ).exists()

    def test_address_and_gift_message_show_in_the_artist_order(
        self, buyer_api, artist_api, two_pieces
    ):
        artist_order, _variant = two_pieces

        response = buyer_api.patch(
            url(artist_order),
            {
                "shipping_address": {**ADDRESS, "line1": "3 quai Est"},
                "gift_message": "Happy birthday!",
            },
            format="json",
        )

        assert response.status_code == 200, response.content
        seen_by_artist = artist_api.get(url(artist_order)).json()
        assert seen_by_artist["shipping_address"]["line1"] == "3 quai Est"
        assert seen_by_artist["shipping_address"]["changed"] is True
        assert seen_by_artist["gift_message"] == "Happy birthday!"

    def test_raising_a_quantity_is_a_400_on_lines(self, buyer_api, two_pieces):
        artist_order, _variant = two_pieces
        line = artist_order.lines.get()

        response = buyer_api.patch(
            url(artist_order),
            {"lines": [{"id": line.pk, "quantity": 5}]},
            format="json",
        )

        assert response.status_code == 400
        assert "lines" in response.json()
        assert not Refund.objects.exists()

    def test_a_country_the_shop_does_not_serve_is_a_400_on_the_country(
        self, buyer_api, artist, two_pieces
    ):
        artist_order, _variant = two_pieces
        artist.ships_worldwide = False
        artist.save()

        response = buyer_api.patch(
            url(artist_order),
            {"shipping_address": {**ADDRESS, "country": "JP"}},
            format="json",
        )

        assert response.status_code == 400
        assert "country" in response.json()["shipping_address"]

    def test_a_gift_message_too_long_and_an_empty_body_are_400s(
        self, buyer_api, two_pieces
    ):
        artist_order, _variant = two_pieces

        too_long = buyer_api.patch(
            url(artist_order), {"gift_message": "x" * 501}, format="json"
        )
        empty = buyer_api.patch(url(artist_order), {}, format="json")

        assert too_long.status_code == 400
        assert "gift_message" in too_long.json()
        assert empty.status_code == 400

    def test_once_accepted_it_is_a_409_with_the_state(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        line = artist_order.lines.get()

        response = client_for(buyer).patch(
            url(artist_order),
            {"lines": [{"id": line.pk, "quantity": 0}]},
            format="json",
        )

        assert response.status_code == 409
        assert response.json()["state"] == "accepted"
        assert "cancel" in response.json()["detail"]


class TestWhoMayChange:
    def test_the_artist_gets_a_403_and_another_buyer_a_404(self, artist, two_pieces):
        artist_order, _variant = two_pieces
        body = {"gift_message": "Hello"}

        as_artist = client_for(artist.user).patch(
            url(artist_order), body, format="json"
        )
        as_stranger = client_for(UserFactory()).patch(
            url(artist_order), body, format="json"
        )

        assert as_artist.status_code == 403
        assert as_stranger.status_code == 404
        artist_order.refresh_from_db()
        assert artist_order.gift_message == ""
