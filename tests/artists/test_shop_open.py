"""A user without a shop who opens the seller dashboard is told what it is
and offered to open a shop on the same account (awaiting approval, as at
sign-up), instead of a 404."""

import pytest
from django.urls import reverse

from artists.models import Artist
from tests.factories import ArtistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


class TestTheDashboardForABuyer:
    def test_explains_the_seller_dashboard_and_offers_to_open_a_shop(
        self, buyer_client
    ):
        response = buyer_client.get("/dashboard/")

        page = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="seller-dashboard-offer"' in page
        assert f'action="{reverse("dashboard:shop_open")}"' in page
        assert '<label for="id_shop_name">Shop name</label>' in page
        assert "Open my shop" in page

    def test_opening_a_shop_makes_the_buyer_an_artist_awaiting_approval(
        self, buyer_client, buyer
    ):
        response = buyer_client.post(
            reverse("dashboard:shop_open"), {"shop_name": "Les Tisserandes"}
        )

        assert response.status_code == 302
        assert response.url == reverse("dashboard:home")
        shop = Artist.objects.get(user=buyer)
        assert (shop.name, shop.slug, shop.approved_at) == (
            "Les Tisserandes",
            "les-tisserandes",
            None,
        )
        home = buyer_client.get(response.url).content.decode()
        assert "waiting for approval" in home
        assert 'class="dash-nav"' in home

    def test_a_missing_name_is_a_form_error_and_opens_nothing(self, buyer_client):
        response = buyer_client.post(reverse("dashboard:shop_open"), {"shop_name": ""})

        assert response.status_code == 200
        assert response.context["form"].errors["shop_name"]
        assert not Artist.objects.exists()

    def test_an_artist_cannot_open_a_second_shop(self, client):
        shop = ArtistFactory()
        client.force_login(shop.user)

        response = client.post(
            reverse("dashboard:shop_open"), {"shop_name": "Another one"}
        )

        assert response.url == reverse("dashboard:home")
        assert list(Artist.objects.values_list("name", flat=True)) == [shop.name]

    def test_the_account_page_links_to_it(self, buyer_client):
        page = buyer_client.get(reverse("accounts:home")).content.decode()

        assert 'data-testid="open-shop-offer"' in page
        assert f'href="{reverse("dashboard:home")}"' in page

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get("/dashboard/")

        assert response.status_code == 302
        assert response.url == "/accounts/login/?next=/dashboard/"
