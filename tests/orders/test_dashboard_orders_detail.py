"""The orders part of the seller dashboard, one artist order: what it shows
and the actions the artist may run on it."""

import pytest
from django.urls import reverse

from orders import services as order_services
from orders.models import NotReceivedReport, Refund

from .factories import make_artist_order
from .helpers import detail_url, report_not_received

pytestmark = pytest.mark.usefixtures("_report_at_once")


ARTIST_BUTTONS = [
    "action-accept",
    "action-refuse",
    "action-ship",
    "action-reship",
    "action-refund-lost",
]


def action_url(name, artist_order):
    return reverse(f"dashboard:order_{name}", kwargs={"pk": artist_order.pk})


def buttons_on(html) -> set[str]:
    return {name for name in ARTIST_BUTTONS if f'data-testid="{name}"' in html}


def messages_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


class TestOrderDetail:
    @pytest.mark.parametrize(
        ("state", "expected"),
        [
            ("awaiting_payment", set()),
            ("awaiting_acceptance", {"action-accept", "action-refuse"}),
            ("accepted", {"action-refuse", "action-ship"}),
            ("shipped", set()),
            ("reported", {"action-reship", "action-refund-lost"}),
            ("delivered", set()),
            ("completed", set()),
            ("refused", set()),
            ("cancelled", set()),
        ],
    )
    def test_shows_exactly_the_buttons_allowed_now(
        self, artist_client, buyer, artist, state, expected
    ):
        artist_order = make_artist_order(
            buyer=buyer,
            artist=artist,
            state="shipped" if state == "reported" else state,
        )
        if state == "reported":
            report_not_received(artist_order, buyer)

        html = artist_client.get(detail_url(artist_order)).content.decode()

        assert buttons_on(html) == expected

    def test_shows_the_artists_part_the_address_the_buyer_and_the_history(
        self, artist_client, buyer, artist, other_artist
    ):
        mine = make_artist_order(buyer=buyer, artist=artist, state="refused")
        theirs = make_artist_order(buyer=buyer, artist=other_artist, order=mine.order)

        response = artist_client.get(detail_url(mine))

        html = response.content.decode()
        assert mine.lines.get().title in html
        assert theirs.lines.get().title not in html
        assert "12 rue des Tisserands" in html
        assert buyer.email in html
        assert "Refused by the artist" in html
        assert "Out of clay." in html
        assert 'data-testid="refund"' in html
        contact = reverse("messaging:contact_order", kwargs={"pk": mine.pk})
        assert f'href="{contact}" data-testid="contact-buyer"' in html

    def test_an_open_cancellation_request_is_explained(
        self, artist_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        order_services.artist_order_cancel(
            artist_order=artist_order, by=buyer, reason="Wrong colour."
        )

        html = artist_client.get(detail_url(artist_order)).content.decode()

        notice = html.split('data-testid="open-cancellation"')[1].split("</div>")[0]
        assert "Wrong colour." in notice
        assert buttons_on(html) == {"action-refuse", "action-ship"}


class TestArtistActions:
    def test_accepting(self, artist_client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)

        response = artist_client.post(action_url("accept", artist_order), follow=True)

        artist_order.refresh_from_db()
        assert artist_order.state == "accepted"
        assert messages_on(response) == [
            f"Order {artist_order.order.number} accepted. The buyer was told."
        ]
        assert buttons_on(response.content.decode()) == {"action-refuse", "action-ship"}

    def test_refusing_needs_a_reason_shown_on_the_form(
        self, artist_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)

        response = artist_client.post(
            action_url("refuse", artist_order), {"reason": ""}
        )

        assert response.status_code == 200
        assert response.context["refuse_form"].errors["reason"]
        assert '<details data-testid="action-refuse" open>' in response.content.decode()
        artist_order.refresh_from_db()
        assert artist_order.state == "awaiting_acceptance"
        assert not Refund.objects.exists()

    def test_refusing_refunds_the_buyer_and_says_how_much(
        self, artist_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        response = artist_client.post(
            action_url("refuse", artist_order),
            {"reason": "Broken in the kiln."},
            follow=True,
        )

        artist_order.refresh_from_db()
        assert (artist_order.state, artist_order.refusal_reason) == (
            "refused",
            "Broken in the kiln.",
        )
        assert "29.00 €" in messages_on(response)[0]

    def test_shipping_needs_a_carrier_and_a_tracking_number(
        self, artist_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        response = artist_client.post(
            action_url("ship", artist_order),
            {"ship-carrier": "DHL", "ship-tracking_number": ""},
        )

        assert response.status_code == 200
        assert set(response.context["ship_form"].errors) == {"tracking_number"}
        artist_order.refresh_from_db()
        assert artist_order.state == "accepted"

    def test_shipping(self, artist_client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        response = artist_client.post(
            action_url("ship", artist_order),
            {"ship-carrier": "Chronopost", "ship-tracking_number": "XY123456789FR"},
            follow=True,
        )

        artist_order.refresh_from_db()
        assert (
            artist_order.state,
            artist_order.carrier,
            artist_order.tracking_number,
        ) == (
            "shipped",
            "Chronopost",
            "XY123456789FR",
        )
        assert "chronopost.fr" in response.content.decode()

    def test_shipping_again_after_a_report(self, artist_client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        report_not_received(artist_order, buyer)

        artist_client.post(
            action_url("reship", artist_order),
            {"reship-carrier": "DHL", "reship-tracking_number": "JD0002"},
        )

        artist_order.refresh_from_db()
        assert (artist_order.state, artist_order.tracking_number) == (
            "shipped",
            "JD0002",
        )
        assert (
            NotReceivedReport.objects.get(artist_order=artist_order).status
            == "reshipped"
        )

    def test_refunding_a_lost_parcel(self, artist_client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        report_not_received(artist_order, buyer)

        response = artist_client.post(
            action_url("refund_lost", artist_order), follow=True
        )

        artist_order.refresh_from_db()
        assert artist_order.state == "completed"
        assert Refund.objects.get(artist_order=artist_order).reason == "lost_parcel"
        assert "29.00 €" in messages_on(response)[0]

    @pytest.mark.parametrize(
        ("state", "action", "data"),
        [
            ("accepted", "accept", {}),
            ("shipped", "refuse", {"reason": "Too late"}),
            (
                "awaiting_acceptance",
                "ship",
                {"ship-carrier": "DHL", "ship-tracking_number": "1"},
            ),
            (
                "shipped",
                "reship",
                {"reship-carrier": "DHL", "reship-tracking_number": "1"},
            ),
            ("shipped", "refund_lost", {}),
            ("cancelled", "accept", {}),
        ],
    )
    def test_an_action_the_state_does_not_allow_is_an_error_message(
        self, artist_client, buyer, artist, state, action, data
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state=state)

        response = artist_client.post(
            action_url(action, artist_order), data, follow=True
        )

        assert response.status_code == 200
        assert "message error" in response.content.decode()
        artist_order.refresh_from_db()
        assert artist_order.state == state
        assert Refund.objects.filter(artist_order=artist_order).count() == (
            1 if state == "cancelled" else 0
        )
