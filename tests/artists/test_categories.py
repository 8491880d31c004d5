"""The category tree: the API lists it, artists file their items in it
(dashboard and ``shop/items/``), staff manage it in the admin."""

import pytest
from django.urls import reverse

from artists.models import Category, Item
from tests.factories import ItemFactory, UserFactory

from .catalogue import CategoryFactory, make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    ceramics = CategoryFactory(slug="ceramics", name="Ceramics", name_fr="Céramique")
    CategoryFactory(slug="teapots", name="Teapots", parent=ceramics, position=2)
    CategoryFactory(
        slug="bowls", name="Bowls", name_fr="Bols", parent=ceramics, position=1
    )
    CategoryFactory(slug="textiles", name="Textiles", position=1)
    return ceramics


class TestCategoriesApi:
    def test_lists_the_tree_in_order_with_slugs_names_and_parents(
        self, api_client, tree
    ):
        response = api_client.get("/api/v1/categories/")

        assert response.status_code == 200
        assert response.json() == [
            {
                "slug": "ceramics",
                "name": "Ceramics",
                "parent": None,
                "children": [
                    {"slug": "bowls", "name": "Bowls", "parent": "ceramics", "children": []},
                    {"slug": "teapots", "name": "Teapots", "parent": "ceramics", "children": []},
                ],
            },
            {"slug": "textiles", "name": "Textiles", "parent": None, "children": []},
        ]  # fmt: skip

    def test_names_are_in_the_readers_language(self, api_client, tree):
        response = api_client.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="fr")

        assert response.json()[0]["name"] == "Céramique"
        # No French name: the English one.
        assert response.json()[0]["children"][1]["name"] == "Teapots"

    def test_items_carry_their_category(self, api_client, tree):
        ItemFactory(category=Category.objects.get(slug="bowls"), title="Bowl")

        item = api_client.get("/api/v1/items/").json()["results"][0]

        assert (item["category"], item["category_name"]) == ("bowls", "Bowls")


class TestArtistsFileTheirItems:
    def test_through_the_api_by_slug(self, artist_api, tree):
        created = artist_api.post(
            "/api/v1/shop/items/",
            {"title": "Bowl", "price": "20.00", "category": "bowls"},
            format="json",
        )

        assert created.status_code == 201
        assert created.json()["category"] == "bowls"
        pk = created.json()["id"]
        moved = artist_api.patch(
            f"/api/v1/shop/items/{pk}/", {"category": "textiles"}, format="json"
        )
        assert moved.json()["category"] == "textiles"
        untouched = artist_api.patch(
            f"/api/v1/shop/items/{pk}/", {"title": "Big bowl"}, format="json"
        )
        assert untouched.json()["category"] == "textiles"
        cleared = artist_api.patch(
            f"/api/v1/shop/items/{pk}/", {"category": None}, format="json"
        )
        assert cleared.json()["category"] is None

    def test_an_unknown_category_is_a_400_that_changes_nothing(
        self, artist_api, artist, tree
    ):
        piece = ItemFactory(artist=artist, category=tree)

        response = artist_api.patch(
            f"/api/v1/shop/items/{piece.pk}/", {"category": "nope"}, format="json"
        )

        assert response.status_code == 400
        assert "category" in response.json()
        piece.refresh_from_db()
        assert piece.category == tree

    def test_on_the_dashboard_form_the_tree_is_indented(self, client, artist, tree):
        client.force_login(artist.user)
        bowls = Category.objects.get(slug="bowls")

        form_page = client.get(reverse("dashboard:item_create")).content.decode()
        response = client.post(
            reverse("dashboard:item_create"),
            {
                "title": "Bowl",
                "description": "",
                "price": "20.00",
                "category": bowls.pk,
                "size_guide": "",
                "is_active": "on",
                "stock": "2",
            },
        )

        assert "\u2003Bowls" in form_page
        assert response.status_code == 302
        assert Item.objects.get(artist=artist).category == bowls


class TestAdmin:
    @pytest.fixture
    def staff_client(self, client):
        client.force_login(
            UserFactory(username="support", is_staff=True, is_superuser=True)
        )
        return client

    def test_shows_the_tree_indented_with_item_counts(self, staff_client):
        catalogue = make_catalogue()

        response = staff_client.get("/admin/artists/category/")

        names = [c.name for c in response.context["cl"].result_list]
        assert names == ["Ceramics", "Bowls", "Teapots", "Textiles"]
        assert "└ Bowls" in response.content.decode()
        assert response.context["cl"].result_list[3].item_count == 2
        assert catalogue.textiles.items.count() == 2

    def test_cannot_delete_a_category_in_use(self, staff_client):
        catalogue = make_catalogue()
        url = f"/admin/artists/category/{catalogue.textiles.pk}/delete/"

        response = staff_client.post(url, {"post": "yes"})

        assert response.status_code == 200
        assert "would require deleting the following protected" in (
            response.content.decode()
        )
        assert Category.objects.filter(pk=catalogue.textiles.pk).exists()

    def test_cannot_put_a_category_under_its_own_sub_category(self, staff_client, tree):
        bowls = Category.objects.get(slug="bowls")

        response = staff_client.post(
            f"/admin/artists/category/{tree.pk}/change/",
            {
                "parent": bowls.pk,
                "name": "Ceramics",
                "name_fr": "",
                "slug": "ceramics",
                "position": 0,
            },
        )

        assert response.status_code == 200
        assert "cannot be placed under itself" in response.content.decode()
        tree.refresh_from_db()
        assert tree.parent is None
