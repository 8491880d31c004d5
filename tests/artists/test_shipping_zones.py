"""The zones a shop serves beyond its own country (``ships_to_eu``,
``ships_worldwide``): set on the dashboard's terms page and through the
API's ``shop/``, shown in the shop's public terms, and obeyed by the
catalogue's "ships to" filter (page and API)."""

import pytest
from django.urls import reverse

from artists.models import Artist

from .catalogue import make_catalogue
from .helpers import client_for
from .test_catalogue_filters import page_titles, titles
from .test_dashboard import TERMS

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return make_catalogue()


def serve(artist, *, eu: bool, world: bool):
    Artist.objects.filter(pk=artist.pk).update(ships_to_eu=eu, ships_worldwide=world)


class TestShipsToFilter:
    def test_leaves_out_a_shop_that_ships_only_within_its_country(
        self, api_client, client, catalogue
    ):
        serve(catalogue.weaver, eu=False, world=False)  # Belgium only

        for found in (
            titles(api_client, ships_to="FR"),
            page_titles(client, ships_to="FR"),
        ):
            assert found == ["Speckled teapot", "Stoneware bowl"]
        assert titles(api_client, ships_to="BE") == [
            "Wool blanket",
            "Herringbone scarf",
            "Speckled teapot",
            "Stoneware bowl",
        ]

    def test_leaves_out_a_shop_that_ships_only_within_the_eu(
        self, api_client, client, catalogue
    ):
        serve(catalogue.clay, eu=True, world=False)

        for found in (
            titles(api_client, ships_to="US"),
            page_titles(client, ships_to="US"),
        ):
            assert found == ["Wool blanket", "Herringbone scarf"]
        assert len(titles(api_client, ships_to="DE")) == 4
        # The shop's own country is always served.
        serve(catalogue.clay, eu=False, world=False)
        assert titles(api_client, ships_to="FR") == titles(api_client)

    def test_keeps_every_shop_by_default_and_without_a_country(
        self, api_client, catalogue
    ):
        assert len(titles(api_client, ships_to="JP")) == 4
        serve(catalogue.clay, eu=False, world=False)
        assert len(titles(api_client)) == 4

    def test_is_one_query_whatever_the_shops(
        self, api_client, catalogue, django_assert_max_num_queries
    ):
        serve(catalogue.clay, eu=True, world=False)
        with django_assert_max_num_queries(12):
            api_client.get("/api/v1/items/", {"ships_to": "US"})


class TestTerms:
    def test_saved_on_the_dashboard_terms_page(self, client, artist):
        client.force_login(artist.user)

        response = client.post(
            "/dashboard/terms/", {**TERMS, "ships_to_eu": "on"}, follow=True
        )

        assert response.status_code == 200
        artist.refresh_from_db()
        assert (artist.ships_to_eu, artist.ships_worldwide) == (True, False)
        page = client.get("/dashboard/terms/").content.decode()
        assert 'name="ships_to_eu"' in page and 'name="ships_worldwide"' in page

    def test_saved_through_the_api_and_shown_to_buyers(self, artist_api, artist):
        response = artist_api.patch(
            "/api/v1/shop/",
            {"terms": {"ships_to_eu": False, "ships_worldwide": False}},
            format="json",
        )

        assert response.status_code == 200, response.content
        assert response.json()["terms"]["ships_to_eu"] is False
        assert response.json()["terms"]["ships_worldwide"] is False
        artist.refresh_from_db()
        assert (artist.ships_to_eu, artist.ships_worldwide) == (False, False)
        # The other terms are kept.
        assert artist.return_window_days == 14
        public = client_for(artist.user).get(f"/api/v1/artists/{artist.slug}/")
        assert public.json()["terms"]["ships_to_eu"] is False

    def test_a_bad_value_is_a_400_and_changes_nothing(self, artist_api, artist):
        response = artist_api.patch(
            "/api/v1/shop/", {"terms": {"ships_to_eu": "maybe"}}, format="json"
        )

        assert response.status_code == 400
        assert "ships_to_eu" in response.json()["terms"]
        artist.refresh_from_db()
        assert artist.ships_to_eu is True


class TestPublicTerms:
    @pytest.mark.parametrize(
        "eu, world, wording",
        [
            (True, True, "Ships to: worldwide"),
            (True, False, "Ships to: France and the rest of the European Union"),
            (False, False, "Ships to: France only"),
            (False, True, "Ships to: France and outside the European Union"),
        ],
    )
    def test_the_shop_page_says_where_it_ships(
        self, client, artist, eu, world, wording
    ):
        serve(artist, eu=eu, world=world)

        html = client.get(
            reverse("catalog:artist", args=[artist.slug])
        ).content.decode()

        assert wording in html
        assert ("Rest of the world" in html) is world
