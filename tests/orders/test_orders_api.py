"""Reading orders and artist orders through the API: each person sees only
their own, in a constant number of queries."""

import pytest
from rest_framework.test import APIClient

from orders.models import ArtistOrder
from tests.factories import UserFactory

from .factories import checkout_body, make_artist, make_variant


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def place_order(client, variants, quantity=1):
    for variant in variants:
        response = client.post(
            "/api/v1/cart/lines/",
            {"variant": variant.pk, "quantity": quantity},
            format="json",
        )
        assert response.status_code == 201, response.content
    response = client.post("/api/v1/checkout/", checkout_body(), format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def orders(buyer_api, three_artists, three_variants):
    """The buyer's order from three artists, and a stranger's order from the first."""
    mine = place_order(buyer_api, three_variants)
    stranger = client_for(UserFactory(username="stranger"))
    theirs = place_order(stranger, three_variants[:1])
    return mine, theirs


class TestBuyerOrders:
    def test_lists_only_the_buyers_orders_with_their_status(self, buyer_api, orders):
        mine, theirs = orders

        response = buyer_api.get("/api/v1/orders/")

        assert response.status_code == 200
        numbers = [o["number"] for o in response.json()["results"]]
        assert numbers == [mine["number"]]
        first = response.json()["results"][0]
        assert first["status"] == "paid"
        assert len(first["artist_orders"]) == 3
        assert first["shipping_address"]["city"] == "Nantes"

    def test_shows_one_of_the_buyers_orders(self, buyer_api, orders):
        mine, _ = orders

        response = buyer_api.get(f"/api/v1/orders/{mine['number']}/")

        assert response.status_code == 200
        assert response.json()["total"] == mine["total"]
        line = response.json()["artist_orders"][0]["lines"][0]
        assert set(line) >= {"id", "title", "variant", "unit_price", "quantity"}

    def test_another_buyers_order_is_not_found(self, buyer_api, orders):
        _, theirs = orders

        response = buyer_api.get(f"/api/v1/orders/{theirs['number']}/")

        assert response.status_code == 404


class TestArtistOrders:
    def test_a_buyer_sees_the_artist_orders_of_its_orders_only(self, buyer_api, orders):
        mine, _ = orders

        response = buyer_api.get("/api/v1/artist-orders/")

        assert {ao["order"] for ao in response.json()["results"]} == {mine["number"]}
        assert response.json()["count"] == 3

    def test_an_artist_sees_its_own_artist_orders_only(self, three_artists, orders):
        potter, weaver, _ = three_artists

        response = client_for(weaver.user).get("/api/v1/artist-orders/")

        assert response.status_code == 200
        assert {ao["artist"] for ao in response.json()["results"]} == {weaver.slug}
        assert response.json()["count"] == 1
        assert (
            response.json()["results"][0]["shipping_address"]["line1"]
            == "12 rue des Tisserands"
        )

    def test_filters_by_state(self, three_artists, orders):
        potter = three_artists[0]
        client = client_for(potter.user)

        waiting = client.get("/api/v1/artist-orders/?state=awaiting_acceptance")
        shipped = client.get("/api/v1/artist-orders/?state=shipped")
        unknown = client.get("/api/v1/artist-orders/?state=lost")

        assert waiting.json()["count"] == 2
        assert shipped.json()["count"] == 0
        assert unknown.status_code == 400

    def test_a_user_both_buyer_and_artist_can_narrow_to_one_role(
        self, orders, three_variants
    ):
        maker = make_artist("maker")
        maker_client = client_for(maker.user)
        place_order(maker_client, three_variants[1:2])
        sold = make_variant(maker)
        place_order(client_for(UserFactory(username="fan")), [sold])

        both = maker_client.get("/api/v1/artist-orders/").json()
        as_buyer = maker_client.get("/api/v1/artist-orders/?as=buyer").json()
        as_artist = maker_client.get("/api/v1/artist-orders/?as=artist").json()

        assert both["count"] == 2
        assert [ao["artist"] for ao in as_buyer["results"]] == [
            three_variants[1].item.artist.slug
        ]
        assert [ao["artist"] for ao in as_artist["results"]] == [maker.slug]

    def test_one_artist_order_is_seen_by_its_buyer_its_artist_and_staff_only(
        self, buyer_api, three_artists, orders
    ):
        potter, weaver, _ = three_artists
        mine, _ = orders
        artist_order = ArtistOrder.objects.get(
            order__number=mine["number"], artist=potter
        )
        url = f"/api/v1/artist-orders/{artist_order.pk}/"
        staff = client_for(UserFactory(username="support", is_staff=True))

        assert buyer_api.get(url).status_code == 200
        assert client_for(potter.user).get(url).status_code == 200
        assert staff.get(url).status_code == 200
        assert client_for(weaver.user).get(url).status_code == 404
        assert client_for(UserFactory(username="nosy")).get(url).status_code == 404
        history = buyer_api.get(url).json()["history"]
        assert history[0]["from"] == "awaiting_payment"
        assert history[0]["to"] == "awaiting_acceptance"


class TestQueryBudgets:
    @pytest.mark.parametrize("orders_count", [1, 4])
    def test_order_list_and_detail_use_a_constant_number_of_queries(
        self, buyer_api, orders_count, django_assert_max_num_queries
    ):
        artists = [make_artist(f"budget{orders_count}-{i}") for i in range(3)]
        variants = [make_variant(a, stock=50) for a in artists]
        numbers = [
            place_order(buyer_api, variants, 2)["number"] for _ in range(orders_count)
        ]

        with django_assert_max_num_queries(9):
            listed = buyer_api.get("/api/v1/orders/")
        with django_assert_max_num_queries(9):
            detail = buyer_api.get(f"/api/v1/orders/{numbers[0]}/")
        with django_assert_max_num_queries(9):
            artist_orders = buyer_api.get("/api/v1/artist-orders/")

        assert listed.json()["count"] == orders_count
        assert len(detail.json()["artist_orders"]) == 3
        assert artist_orders.json()["count"] == 3 * orders_count
