"""The catalogue's filters, sorting and pages, through the API's ``items/``
and the ``/items/`` page, which share one FilterSet (api.md, "Catalog")."""

from decimal import Decimal

import pytest
from django.urls import reverse

from artists.models import Item
from tests.factories import ItemFactory

from .catalogue import make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return make_catalogue()


def titles(api_client, **params):
    response = api_client.get("/api/v1/items/", params)
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def page_titles(client, **params):
    response = client.get(reverse("catalog:items"), params)
    assert response.status_code == 200
    return [item.title for item in response.context["page_obj"].object_list]


class TestFilters:
    def test_lists_every_piece_on_sale_newest_first(self, api_client, catalogue):
        ItemFactory(artist=catalogue.clay, title="Hidden jug", is_active=False)

        assert titles(api_client) == [
            "Wool blanket",
            "Herringbone scarf",
            "Speckled teapot",
            "Stoneware bowl",
        ]

    def test_a_category_includes_its_sub_categories(self, api_client, catalogue):
        assert titles(api_client, category="ceramics") == [
            "Speckled teapot",
            "Stoneware bowl",
        ]
        assert titles(api_client, category="bowls") == ["Stoneware bowl"]

    def test_filters_by_shop(self, api_client, catalogue):
        assert titles(api_client, artist="loom-weaves") == [
            "Wool blanket",
            "Herringbone scarf",
        ]

    def test_filters_by_price_range(self, api_client, catalogue):
        assert titles(api_client, min_price="50", max_price="95") == [
            "Herringbone scarf",
            "Speckled teapot",
        ]

    def test_in_stock_only_leaves_out_pieces_with_no_option_in_stock(
        self, api_client, catalogue
    ):
        assert "Herringbone scarf" not in titles(api_client, in_stock="true")
        assert "Herringbone scarf" in titles(api_client, in_stock="false")

    def test_personalisable_only(self, api_client, catalogue):
        assert titles(api_client, personalisable="true") == ["Speckled teapot"]

    def test_ships_to_gives_each_piece_its_delivery_fee_there(
        self, api_client, catalogue
    ):
        response = api_client.get("/api/v1/items/", {"ships_to": "FR"})

        fees = {
            item["title"]: item["shipping_fee"] for item in response.json()["results"]
        }
        # The potter ships from France (domestic), the weaver from Belgium
        # (EU), free from 100 €.
        assert fees == {
            "Stoneware bowl": "5.00",
            "Speckled teapot": "5.00",
            "Herringbone scarf": "9.00",
            "Wool blanket": "0.00",
        }
        worldwide = api_client.get("/api/v1/items/", {"ships_to": "US"}).json()
        assert {i["shipping_fee"] for i in worldwide["results"]} == {"18.00", "0.00"}
        assert (
            api_client.get("/api/v1/items/").json()["results"][0]["shipping_fee"]
            is None
        )

    def test_filters_combine(self, api_client, catalogue):
        assert titles(
            api_client, category="ceramics", max_price="50", in_stock="true"
        ) == ["Stoneware bowl"]

    def test_the_page_filters_as_the_api_does(self, client, catalogue):
        assert page_titles(client, category="ceramics", ordering="price") == [
            "Stoneware bowl",
            "Speckled teapot",
        ]
        assert page_titles(client, in_stock="true", artist="loom-weaves") == [
            "Wool blanket"
        ]


class TestBadFilters:
    @pytest.mark.parametrize(
        "params, field",
        [
            ({"category": "nope"}, "category"),
            ({"category": "not a slug"}, "category"),
            ({"min_price": "cheap"}, "min_price"),
            ({"min_price": "-1"}, "min_price"),
            ({"min_price": "90", "max_price": "10"}, "max_price"),
            ({"ships_to": "XX"}, "ships_to"),
            ({"ordering": "title"}, "ordering"),
            ({"artist": "a b"}, "artist"),
            ({"q": "x" * 201}, "q"),
        ],
    )
    def test_are_a_400_with_the_field_in_the_api_and_an_error_on_the_page(
        self, api_client, client, catalogue, params, field
    ):
        response = api_client.get("/api/v1/items/", params)

        assert response.status_code == 400
        assert field in response.json()
        page = client.get(reverse("catalog:items"), params)
        assert page.status_code == 200
        assert field in page.context["form"].errors
        assert 'data-testid="filter-errors"' in page.content.decode()
        assert page.context["page_obj"].object_list == []


class TestSorting:
    def test_by_price_up_and_down(self, api_client, catalogue):
        assert titles(api_client, ordering="price") == [
            "Stoneware bowl",
            "Herringbone scarf",
            "Speckled teapot",
            "Wool blanket",
        ]
        assert titles(api_client, ordering="-price") == [
            "Wool blanket",
            "Speckled teapot",
            "Herringbone scarf",
            "Stoneware bowl",
        ]

    def test_best_rated_first_then_the_most_reviewed_and_unrated_last(
        self, api_client, catalogue
    ):
        Item.objects.filter(pk=catalogue.bowl.pk).update(
            rating_average=Decimal("4.50"), rating_count=2
        )
        Item.objects.filter(pk=catalogue.scarf.pk).update(
            rating_average=Decimal("4.50"), rating_count=9
        )
        Item.objects.filter(pk=catalogue.teapot.pk).update(
            rating_average=Decimal("3.00"), rating_count=40
        )

        assert titles(api_client, ordering="rating") == [
            "Herringbone scarf",
            "Stoneware bowl",
            "Speckled teapot",
            "Wool blanket",
        ]
        scarf = api_client.get("/api/v1/items/", {"ordering": "rating"}).json()[
            "results"
        ][0]
        assert scarf["rating"] == {"average": "4.50", "count": 9}

    def test_newest_on_request(self, api_client, catalogue):
        assert titles(api_client, ordering="newest")[0] == "Wool blanket"


class TestPages:
    def test_the_api_pages_keep_the_filters(self, api_client, catalogue):
        first = api_client.get(
            "/api/v1/items/", {"ordering": "price", "page_size": 3}
        ).json()

        assert first["count"] == 4
        assert [i["title"] for i in first["results"]][0] == "Stoneware bowl"
        assert "ordering=price" in first["next"]
        second = api_client.get(first["next"]).json()
        assert [i["title"] for i in second["results"]] == ["Wool blanket"]

    def test_the_page_shows_24_pieces_and_links_to_the_next_with_the_filters(
        self, client, catalogue
    ):
        for number in range(30):
            ItemFactory(artist=catalogue.clay, title=f"Cup {number}", category=None)

        response = client.get(
            reverse("catalog:items"), {"q": "cup", "ordering": "newest"}
        )

        page = response.context["page_obj"]
        assert len(page.object_list) == 24
        assert page.paginator.count == 30
        html = response.content.decode()
        assert 'href="?q=cup&amp;ordering=newest&amp;page=2"' in html
        second = client.get(reverse("catalog:items"), {"q": "cup", "page": "2"})
        assert len(second.context["page_obj"].object_list) == 6

    def test_a_page_number_out_of_range_shows_the_last_page(self, client, catalogue):
        response = client.get(reverse("catalog:items"), {"page": "99"})

        assert response.status_code == 200
        assert response.context["page_obj"].number == 1
