"""The artist order lifecycle: the actions each person is offered in each
state, and when a parcel may be reported as not received."""

from datetime import timedelta

from django.utils import timezone

from orders.rules import allowed_actions
from orders.services import (
    artist_order_cancel,
    artist_order_confirm_delivery,
    artist_order_report_not_received,
    artist_order_ship,
)

from .helpers import accepted, fresh, shipped


class TestAllowedActions:
    def test_each_person_sees_only_their_actions_in_each_state(
        self, placed, buyer, artist, other_artist, other_buyer, staff, settings
    ):
        settings.NOT_RECEIVED_AFTER_DAYS = 0
        artist_order, _variant = placed

        def actions(user):
            return allowed_actions(artist_order=fresh(artist_order), user=user)

        assert actions(buyer) == {"cancel", "change"}
        assert actions(artist.user) == {"accept", "refuse"}
        assert actions(staff) == {"accept", "refuse"}
        assert actions(other_buyer) == set()
        assert actions(other_artist.user) == set()

        accepted(artist_order, artist)
        assert actions(buyer) == {"request_cancellation"}
        assert actions(artist.user) == {"refuse", "ship"}
        artist_order_cancel(artist_order=artist_order, by=buyer)
        assert actions(buyer) == {"withdraw_cancellation"}

        artist_order_ship(
            artist_order=artist_order,
            by=artist.user,
            carrier="UPS",
            tracking_number="1Z",
        )
        assert actions(buyer) == {"confirm_delivery", "report_not_received"}
        assert actions(artist.user) == set()
        artist_order_report_not_received(artist_order=artist_order, by=buyer)
        assert actions(buyer) == {"confirm_delivery"}
        assert actions(artist.user) == {"reship", "refund_lost"}
        assert actions(other_artist.user) == set()

        artist_order_confirm_delivery(artist_order=artist_order, by=buyer)
        assert actions(buyer) == set()
        assert actions(artist.user) == set()

    def test_a_parcel_is_reportable_only_after_the_delay(
        self, placed, buyer, artist, settings
    ):
        settings.NOT_RECEIVED_AFTER_DAYS = 14
        artist_order, _variant = placed
        shipped(artist_order, artist)

        assert allowed_actions(artist_order=fresh(artist_order), user=buyer) == {
            "confirm_delivery"
        }
        later = timezone.now() + timedelta(days=14, minutes=1)
        assert "report_not_received" in allowed_actions(
            artist_order=fresh(artist_order), user=buyer, now=later
        )
