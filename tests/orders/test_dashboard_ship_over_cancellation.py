"""Shipping from the dashboard while the buyer's cancellation request is
open: the ship form says that it declines the request and asks for an
explicit confirmation; without it nothing changes."""

import pytest
from django.urls import reverse

from orders import services as order_services
from orders.models import CancellationRequest

from .factories import make_artist_order
from .helpers import detail_url

SHIP = {"ship-carrier": "Colissimo", "ship-tracking_number": "6A12345678901"}
CONFIRMATION = "I have read the buyer&#x27;s request; ship anyway"


@pytest.fixture
def asked_to_cancel(buyer, artist):
    artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
    order_services.artist_order_cancel(
        artist_order=artist_order, by=buyer, reason="Wrong colour."
    )
    return artist_order


def ship(client, artist_order, data):
    return client.post(
        reverse("dashboard:order_ship", kwargs={"pk": artist_order.pk}), data
    )


class TestShippingOverACancellationRequest:
    def test_the_ship_form_says_it_declines_the_request_and_asks_to_confirm(
        self, artist_client, asked_to_cancel
    ):
        html = artist_client.get(detail_url(asked_to_cancel)).content.decode()

        form = html.split('data-testid="action-ship"')[1].split("</form>")[0]
        assert 'data-testid="ship-declines-cancellation"' in form
        assert "Shipping it declines their request" in form
        assert CONFIRMATION in form
        assert 'type="checkbox" name="ship-decline_cancellation"' in form

    def test_without_the_confirmation_nothing_changes(
        self, artist_client, asked_to_cancel, mailoutbox
    ):
        response = ship(artist_client, asked_to_cancel, SHIP)

        assert response.status_code == 200
        assert set(response.context["ship_form"].errors) == {"decline_cancellation"}
        assert "tick the box to ship anyway" in response.content.decode()
        asked_to_cancel.refresh_from_db()
        assert (asked_to_cancel.state, asked_to_cancel.tracking_number) == (
            "accepted",
            "",
        )
        assert CancellationRequest.objects.get().status == "open"
        assert mailoutbox == []

    def test_with_the_confirmation_it_ships_and_declines_the_request(
        self, artist_client, asked_to_cancel
    ):
        response = ship(
            artist_client, asked_to_cancel, {**SHIP, "ship-decline_cancellation": "on"}
        )

        assert response.status_code == 302
        asked_to_cancel.refresh_from_db()
        assert asked_to_cancel.state == "shipped"
        assert CancellationRequest.objects.get().status == "declined"

    def test_a_request_filed_after_the_page_was_opened_still_needs_it(
        self, artist_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        page = artist_client.get(detail_url(artist_order)).content.decode()
        assert "ship-decline_cancellation" not in page
        order_services.artist_order_cancel(artist_order=artist_order, by=buyer)

        response = ship(artist_client, artist_order, SHIP)

        assert set(response.context["ship_form"].errors) == {"decline_cancellation"}
        artist_order.refresh_from_db()
        assert artist_order.state == "accepted"

    def test_without_a_request_no_confirmation_is_asked(
        self, artist_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        html = artist_client.get(detail_url(artist_order)).content.decode()
        response = ship(artist_client, artist_order, SHIP)

        assert "ship-decline_cancellation" not in html
        assert response.status_code == 302
        artist_order.refresh_from_db()
        assert artist_order.state == "shipped"
