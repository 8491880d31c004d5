"""Who sells, as the buyers' receipts print it: the artist gives a legal
name and a business address on the dashboard's shop page or through
``PATCH shop/``, staff on the artist's admin page; empty, the receipt
falls back to the shop's name and its location."""

import pytest
from django.contrib.auth.models import Permission

from orders.receipts import seller_of
from tests.factories import ArtistFactory, UserFactory

from .helpers import client_for

pytestmark = pytest.mark.django_db

ADDRESS = "3 impasse des Potiers\n69001 Lyon\nFrance"


class TestSellerOfAReceipt:
    def test_is_the_legal_name_and_the_business_address(self):
        artist = ArtistFactory(
            name="Atelier Argile",
            legal_name="Claire Martin EI",
            business_address=ADDRESS,
        )

        seller = seller_of(artist)

        assert seller.name == "Claire Martin EI"
        assert seller.shop_name == "Atelier Argile"
        assert seller.address == ["3 impasse des Potiers", "69001 Lyon", "France"]

    def test_falls_back_to_the_shop_name_and_its_location(self):
        artist = ArtistFactory(name="Brins de Laine", location="Roubaix, Belgium")

        seller = seller_of(artist)

        assert seller.name == "Brins de Laine"
        assert seller.address == ["Roubaix, Belgium"]

    def test_without_a_location_names_the_country_it_ships_from(self):
        artist = ArtistFactory(name="Brins de Laine", location="", country="BE")

        assert seller_of(artist).address == ["Belgium"]


class TestDashboardShopPage:
    def test_shows_and_saves_the_legal_name_and_business_address(self, client, artist):
        client.force_login(artist.user)

        page = client.get("/dashboard/shop/").content.decode()
        response = client.post(
            "/dashboard/shop/",
            {
                "action": "profile",
                "name": artist.name,
                "location": "Lyon",
                "country": "FR",
                "legal_name": "  Claire Martin EI ",
                "business_address": ADDRESS,
            },
            follow=True,
        )

        assert 'name="legal_name"' in page
        assert 'name="business_address"' in page
        assert "Your shop page was saved." in response.content.decode()
        artist.refresh_from_db()
        assert artist.legal_name == "Claire Martin EI"
        assert artist.business_address == ADDRESS

    def test_refuses_a_too_long_address(self, client, artist):
        client.force_login(artist.user)

        response = client.post(
            "/dashboard/shop/",
            {
                "action": "profile",
                "name": artist.name,
                "country": "FR",
                "business_address": "x" * 501,
            },
        )

        assert response.status_code == 200
        artist.refresh_from_db()
        assert artist.business_address == ""


class TestShopAPI:
    def test_shows_and_changes_the_legal_name_and_business_address(
        self, artist_api, artist
    ):
        response = artist_api.patch(
            "/api/v1/shop/",
            {"legal_name": "Claire Martin EI", "business_address": ADDRESS},
            format="json",
        )

        assert response.status_code == 200, response.content
        assert response.json()["legal_name"] == "Claire Martin EI"
        assert response.json()["business_address"] == ADDRESS
        artist.refresh_from_db()
        assert (artist.legal_name, artist.business_address) == (
            "Claire Martin EI",
            ADDRESS,
        )

    def test_are_not_in_the_public_shop(self, api_client, artist):
        body = api_client.get(f"/api/v1/artists/{artist.slug}/").json()

        assert "legal_name" not in body
        assert "business_address" not in body

    def test_refuses_a_too_long_legal_name(self, artist):
        response = client_for(artist.user).patch(
            "/api/v1/shop/", {"legal_name": "x" * 201}, format="json"
        )

        assert response.status_code == 400
        assert "legal_name" in response.json()


class TestAdmin:
    def test_staff_edit_them_on_the_artist_page(self, client, artist):
        staff = UserFactory(username="support", is_staff=True)
        staff.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_artist", "change_artist"])
        )
        client.force_login(staff)

        page = client.get(f"/admin/artists/artist/{artist.pk}/change/")

        assert page.status_code == 200
        assert 'name="legal_name"' in page.content.decode()
        assert 'name="business_address"' in page.content.decode()
