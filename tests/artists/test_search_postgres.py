"""The full-text search on PostgreSQL (artists/search.py, migration 0006):
English and French stemming with accents ignored, ranking, escaped
highlights, the index kept current, and used."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from artists import search, services
from artists.models import Artist, Category, Item
from tests.factories import ItemFactory, VariantFactory

from .catalogue import CategoryFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def found(api_client, query, **params):
    response = api_client.get("/api/v1/items/", {"q": query, **params})
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


class TestLanguages:
    @pytest.mark.parametrize(
        "title, query",
        [
            ("Speckled teapots", "teapot"),
            ("Speckled teapot", "teapots"),
            ("Hand-thrown bowls", "BOWL"),
            ("Théière en grès", "theiere"),
            ("Théière en grès", "théières"),
            ("Theiere en gres", "théière"),
            ("Bol à matcha", "bols"),
            ("Écharpe tissée", "echarpes"),
            ("Tasses émaillées", "tasse émaillée"),
        ],
    )
    def test_stems_and_ignores_accents_in_english_and_french(
        self, api_client, title, query
    ):
        ItemFactory(title=title)
        ItemFactory(title="Wool blanket")

        assert found(api_client, query) == [title]

    def test_finds_the_shop_and_the_category_in_both_languages(self, api_client):
        parent = CategoryFactory(slug="ceramics", name="Ceramics", name_fr="Céramique")
        bowls = CategoryFactory(slug="bowls", name="Bowls", parent=parent)
        ItemFactory(title="Moon jar", category=bowls, artist__name="Atelier Lune")
        ItemFactory(title="Wool blanket")

        assert found(api_client, "céramiques") == ["Moon jar"]
        assert found(api_client, "ceramic") == ["Moon jar"]
        assert found(api_client, "lune") == ["Moon jar"]


class TestRanking:
    def test_a_title_match_comes_above_a_description_match(self, api_client):
        ItemFactory(title="Serving plate", description="Pairs well with our teapot.")
        ItemFactory(title="Stoneware teapot", description="Four cups.")

        assert found(api_client, "teapot") == ["Stoneware teapot", "Serving plate"]

    def test_an_explicit_ordering_wins_over_the_rank(self, api_client):
        ItemFactory(title="Serving plate", description="With a teapot.", price=10)
        ItemFactory(title="Stoneware teapot", price=50)

        assert found(api_client, "teapot", ordering="-price") == [
            "Stoneware teapot",
            "Serving plate",
        ]


class TestHighlight:
    def test_marks_the_words_found_in_title_and_description(self, api_client):
        ItemFactory(title="Bols à soupe", description="Deux bols en grès émaillé.")

        item = api_client.get("/api/v1/items/", {"q": "bol"}).json()["results"][0]

        assert item["highlight"]["title"] == "<mark>Bols</mark> à soupe"
        assert "<mark>bols</mark>" in item["highlight"]["description"]

    def test_a_title_cannot_inject_html(self, api_client, client):
        ItemFactory(
            title='<script>alert("x")</script> teapot <img src=x onerror=alert(1)>',
            description="<b>bold</b> teapot",
        )

        item = api_client.get("/api/v1/items/", {"q": "teapot"}).json()["results"][0]
        page = client.get("/items/", {"q": "teapot"}).content.decode()

        assert item["highlight"]["title"] == (
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>teapot</mark> "
            "&lt;img src=x onerror=alert(1)&gt;"
        )
        assert "<b>" not in item["highlight"]["description"]
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "<mark>teapot</mark>" in page

    def test_no_highlight_without_words(self, api_client):
        ItemFactory(title="Teapot")

        assert (
            api_client.get("/api/v1/items/").json()["results"][0]["highlight"] is None
        )


class TestTheIndexStaysCurrent:
    def test_after_editing_an_item_through_the_service(self, api_client):
        piece = ItemFactory(title="Jug")

        services.item_update(item=piece, title="Milk pitcher")

        assert found(api_client, "pitcher") == ["Milk pitcher"]
        assert found(api_client, "jug") == []

    def test_after_renaming_a_shop_or_a_category(self, api_client):
        category = CategoryFactory(name="Jugs", name_fr="Pichets")
        ItemFactory(title="Milk pitcher", category=category, artist__name="Old name")

        Artist.objects.update(name="Atelier Nouveau")
        Category.objects.filter(pk=category.pk).update(name_fr="Cruches")

        assert found(api_client, "nouveau") == ["Milk pitcher"]
        assert found(api_client, "cruche") == ["Milk pitcher"]
        assert found(api_client, "pichet") == []

    def test_bulk_created_items_are_searchable_and_refresh_vectors_recomputes(
        self, api_client
    ):
        artist = ItemFactory().artist
        Item.objects.bulk_create(
            [Item(artist=artist, title=f"Carafe {n}", price=10) for n in range(3)]
        )
        Item.objects.update(search_vector=None)  # as if written without the trigger

        assert (
            search.refresh_vectors(Item.objects.filter(title__startswith="Carafe")) == 3
        )

        assert sorted(found(api_client, "carafes")) == [f"Carafe {n}" for n in range(3)]
        assert not Item.objects.filter(search_vector__isnull=True).exists()


class TestSpeed:
    def test_the_index_can_answer_a_search(self):
        ItemFactory(title="Teapot")
        # No ORDER BY: with one row the planner may otherwise walk the
        # "newest" index and filter, whatever the statistics say that day.
        items = search.search(Item.objects.order_by(), "teapot")

        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = items.explain()

        assert "artists_item_search_gin" in plan

    @pytest.mark.parametrize("pieces", [2, 40])
    def test_queries_do_not_grow_with_the_pieces_found(
        self, api_client, client, pieces
    ):
        for number in range(pieces):
            VariantFactory(item__title=f"Teapot {number}", item__category=None)

        with CaptureQueriesContext(connection) as api_queries:
            api_client.get("/api/v1/items/", {"q": "teapot", "in_stock": "true"})
        with CaptureQueriesContext(connection) as page_queries:
            client.get("/items/", {"q": "teapot", "ships_to": "US"})

        # count, page, photos, variants, highlights
        assert len(api_queries) == 5
        # + the tree and three facet queries
        assert len(page_queries) == 9
