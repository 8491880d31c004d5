"""A declined payment leaves no order for an artist: no artist sees it (pages,
queues, API), nobody can start a conversation about it, and the buyer reads
"payment declined" (nothing charged), never "cancelled" or "refunded"."""

import pytest
from django.urls import reverse

from orders.models import ArtistOrder, Order
from tests.factories import UserFactory

from .factories import checkout_body, make_artist_order
from .helpers import client_for, logged_in


@pytest.fixture
def declined(buyer_api, full_cart):
    """A checkout from three shops whose card was declined."""
    response = buyer_api.post(
        "/api/v1/checkout/", checkout_body(token="fail"), format="json"
    )
    assert response.status_code == 402
    return Order.objects.get(number=response.json()["order"])


class TestTheBuyerSeesAPaymentDeclined:
    def test_the_order_list_says_payment_declined(self, buyer, declined):
        page = logged_in(buyer).get(reverse("account:orders")).content.decode()

        assert declined.number in page
        assert "payment declined" in page
        assert ">cancelled<" not in page

    def test_the_order_page_says_nothing_was_charged_nor_refunded(
        self, buyer, declined
    ):
        page = logged_in(buyer).get(declined.get_absolute_url()).content.decode()

        assert 'data-testid="order-status">payment declined<' in page
        assert page.count('data-testid="payment-declined"') == 3
        assert "nothing was charged" in page
        assert "refunded" not in page.lower()
        assert "This part of the order is cancelled." not in page
        assert 'data-testid="contact-artist"' not in page

    def test_the_api_gives_the_new_status(self, buyer_api, declined):
        body = buyer_api.get(f"/api/v1/orders/{declined.number}/").json()

        assert body["status"] == "payment_declined"
        assert {ao["state"] for ao in body["artist_orders"]} == {"cancelled"}

    def test_no_conversation_can_start_about_it(self, buyer_api, declined):
        artist_order = declined.artist_orders.order_by("id").first()

        response = buyer_api.post(
            "/api/v1/threads/",
            {
                "artist": artist_order.artist.slug,
                "artist_order": artist_order.pk,
                "subject": "My order",
                "body": "Did you get it?",
            },
            format="json",
        )

        assert response.status_code == 400
        assert "declined" in str(response.json()["artist_order"])
        assert not artist_order.message_threads.exists()


class TestNoArtistSeesIt:
    @pytest.fixture
    def paid_one(self, three_artists):
        """A paid order of another buyer from the first shop, which its artist
        does see (the filter hides only what was never paid)."""
        potter = three_artists[0]
        return make_artist_order(buyer=UserFactory(), artist=potter)

    def test_not_in_the_dashboard_list_home_or_page(
        self, three_artists, declined, paid_one
    ):
        for artist in three_artists:
            client = logged_in(artist.user)
            artist_order = declined.artist_orders.get(artist=artist)

            listed = client.get(reverse("dashboard:orders")).content.decode()
            cancelled = client.get(
                reverse("dashboard:orders"), {"state": "cancelled"}
            ).content.decode()
            home = client.get(reverse("dashboard:home")).content.decode()
            detail = client.get(
                reverse("dashboard:order", kwargs={"pk": artist_order.pk})
            )

            assert declined.number not in listed + cancelled + home
            assert declined.shipping_line1 not in listed + cancelled + home
            assert detail.status_code == 404
        potter_list = logged_in(three_artists[0].user).get(reverse("dashboard:orders"))
        assert paid_one.order.number in potter_list.content.decode()

    def test_not_in_the_api(self, three_artists, declined, paid_one):
        for artist in three_artists:
            api = client_for(artist.user)
            artist_order = declined.artist_orders.get(artist=artist)

            listed = api.get("/api/v1/artist-orders/", {"as": "artist"}).json()
            both_sides = api.get("/api/v1/artist-orders/").json()
            detail = api.get(f"/api/v1/artist-orders/{artist_order.pk}/")

            ids = {row["id"] for row in listed["results"] + both_sides["results"]}
            assert artist_order.pk not in ids
            assert detail.status_code == 404
        potter_ids = {
            row["id"]
            for row in client_for(three_artists[0].user)
            .get("/api/v1/artist-orders/")
            .json()["results"]
        }
        assert potter_ids == {paid_one.pk}

    def test_staff_and_the_buyer_still_see_it(self, buyer_api, declined):
        staff = client_for(UserFactory(is_staff=True))
        ids = set(declined.artist_orders.values_list("id", flat=True))

        as_staff = staff.get("/api/v1/artist-orders/", {"as": "staff"}).json()
        as_buyer = buyer_api.get("/api/v1/artist-orders/").json()

        assert ids <= {row["id"] for row in as_staff["results"]}
        assert ids == {row["id"] for row in as_buyer["results"]}
        assert set(ArtistOrder.objects.values_list("state", flat=True)) == {"cancelled"}
