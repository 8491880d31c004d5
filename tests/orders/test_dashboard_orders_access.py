"""The orders part of the seller dashboard, who may open what: only the
artist opens and runs its order's pages; another artist, the buyer and
staff get a 404 (an artist never reaches another shop's orders), an
anonymous visitor the login page, and nothing changes."""

import pytest
from django.urls import reverse

from orders.models import ArtistOrder
from tests.factories import UserFactory

from .factories import make_artist, make_artist_order
from .helpers import detail_url, logged_in, report_not_received

pytestmark = pytest.mark.usefixtures("_report_at_once")


ROLES = ["artist", "other_artist", "buyer", "staff", "anonymous"]

PAGES = {
    # page: (state, POST data or None for a GET, state after success)
    "order": ("awaiting_acceptance", None, "awaiting_acceptance"),
    "order_accept": ("awaiting_acceptance", {}, "accepted"),
    "order_refuse": ("awaiting_acceptance", {"reason": "Sorry."}, "refused"),
    "order_ship": (
        "accepted",
        {"ship-carrier": "DHL", "ship-tracking_number": "1"},
        "shipped",
    ),
    "order_reship": (
        "reported",
        {"reship-carrier": "DHL", "reship-tracking_number": "2"},
        "shipped",
    ),
    "order_refund_lost": ("reported", {}, "completed"),
}


@pytest.fixture
def people(buyer, artist, other_artist):
    return {
        "artist": artist.user,
        "other_artist": other_artist.user,
        "buyer": buyer,
        "staff": UserFactory(username="support", is_staff=True),
        "anonymous": None,
    }


class TestWhoMayOpenWhat:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("page", list(PAGES))
    def test_only_the_artist_succeeds_others_get_a_404_and_visitors_the_login(
        self, people, buyer, artist, page, role
    ):
        state, data, after = PAGES[page]
        artist_order = make_artist_order(
            buyer=buyer,
            artist=artist,
            state="shipped" if state == "reported" else state,
        )
        if state == "reported":
            report_not_received(artist_order, buyer)
        before = ArtistOrder.objects.get(pk=artist_order.pk).state
        url = reverse(f"dashboard:{page}", kwargs={"pk": artist_order.pk})
        client = logged_in(people[role])

        response = client.get(url) if data is None else client.post(url, data)

        state_now = ArtistOrder.objects.get(pk=artist_order.pk).state
        if role == "artist":
            assert response.status_code == (200 if data is None else 302)
            assert state_now == after
        elif role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
            assert state_now == before
        else:
            assert response.status_code == 404
            assert state_now == before

    @pytest.mark.parametrize("role", ["buyer", "staff"])
    def test_people_without_a_shop_have_no_orders_list(self, people, role):
        response = logged_in(people[role]).get(reverse("dashboard:orders"))

        assert response.status_code == 404

    def test_an_artist_who_also_buys_does_not_see_its_purchases_in_the_dashboard(
        self, artist, other_artist
    ):
        bought = make_artist_order(buyer=artist.user, artist=other_artist)
        sold = make_artist_order(buyer=UserFactory(username="fan"), artist=artist)
        make_artist("third")

        response = logged_in(artist.user).get(reverse("dashboard:orders"))

        numbers = [ao.order.number for ao in response.context["artist_orders"]]
        assert numbers == [sold.order.number]
        assert logged_in(artist.user).get(detail_url(bought)).status_code == 404
