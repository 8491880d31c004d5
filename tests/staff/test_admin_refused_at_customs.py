"""Staff record a parcel refused at customs from the artist order's admin
page: the same service as the dashboard (refund of the pieces less the
return postage, the order closed), with the author logged."""

import re
from decimal import Decimal

import pytest

from orders.models import ArtistOrder, Order, Refund
from tests.orders.factories import make_artist_order

from .helpers import change_url, transition_url

pytestmark = pytest.mark.django_db


class TestRefusedAtCustomsFromTheAdmin:
    def test_the_button_refunds_the_pieces_less_the_return_postage(
        self, camille, potter, staff, staff_client
    ):
        artist_order = make_artist_order(buyer=camille, artist=potter, state="shipped")
        Order.objects.filter(pk=artist_order.order_id).update(shipping_country="US")
        page = staff_client.get(change_url(artist_order)).content.decode()
        assert "refused_at_customs" in re.findall(r'data-transition="([a-z_]+)"', page)

        staff_client.post(
            transition_url(artist_order, "refused_at_customs"),
            {"return_postage": "4.00"},
        )

        assert ArtistOrder.objects.get(pk=artist_order.pk).state == "completed"
        refund = Refund.objects.get(artist_order=artist_order)
        assert (refund.reason, refund.amount, refund.created_by) == (
            "customs_refusal",
            Decimal("20.00"),
            staff,
        )

    def test_a_parcel_within_the_eu_has_no_such_button(
        self, camille, potter, staff_client
    ):
        artist_order = make_artist_order(buyer=camille, artist=potter, state="shipped")

        page = staff_client.get(change_url(artist_order)).content.decode()

        assert "refused_at_customs" not in re.findall(
            r'data-transition="([a-z_]+)"', page
        )
