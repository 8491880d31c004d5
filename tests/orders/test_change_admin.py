"""Staff see, on the artist order's admin page, what the buyer changed
before acceptance: the new address and the gift message."""

from django.urls import reverse

from orders.services import artist_order_change
from tests.factories import UserFactory

from .factories import ADDRESS, make_artist_order
from .helpers import logged_in


def test_staff_see_the_changed_address_and_the_gift_message(buyer, artist):
    artist_order = make_artist_order(buyer=buyer, artist=artist)
    artist_order_change(
        artist_order=artist_order,
        by=buyer,
        shipping_address={**ADDRESS, "line1": "3 quai Est"},
        gift_message="Happy birthday, Léa!",
    )
    staff = UserFactory(is_staff=True, is_superuser=True)

    response = logged_in(staff).get(
        reverse("admin:orders_artistorder_change", args=[artist_order.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "3 quai Est" in html
    assert "Happy birthday, Léa!" in html
