"""The ``/items/`` page as a buyer sees it: the header's search box and link
on every page, facet counts beside the filters, shops on holiday, the
highlighted words, and a number of queries that does not grow."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from artists.models import Artist
from tests.factories import ItemFactory, VariantFactory

from .catalogue import item, make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return make_catalogue()


def get(client, **params):
    response = client.get(reverse("catalog:items"), params)
    assert response.status_code == 200
    return response


class TestHeader:
    @pytest.mark.parametrize("path", ["/", "/artists/", "/cart/"])
    def test_every_page_has_the_search_box_and_the_catalogue_link(self, client, path):
        html = client.get(path).content.decode()

        assert 'data-testid="header-search"' in html
        assert f'action="{reverse("catalog:items")}"' in html
        assert 'data-testid="catalogue-link"' in html

    def test_the_header_search_lands_on_the_results(self, client, catalogue):
        response = get(client, q="teapot")

        assert [i.title for i in response.context["page_obj"].object_list] == [
            "Speckled teapot"
        ]
        assert 'value="teapot"' in response.content.decode()


class TestFacets:
    def test_count_each_category_with_its_sub_categories_and_each_shop(
        self, client, catalogue
    ):
        facets = get(client).context["facets"]

        counts = {node.slug: node.count for node in facets.tree.flat()}
        assert counts == {"ceramics": 2, "bowls": 1, "teapots": 1, "textiles": 2}
        assert [(f.slug, f.count) for f in facets.artists] == [
            ("atelier-clay", 2),
            ("loom-weaves", 2),
        ]
        assert (facets.in_stock, facets.personalisable) == (3, 1)

    def test_follow_the_search_and_the_other_filters(self, client, catalogue):
        facets = get(client, max_price="100", category="textiles").context["facets"]

        # The category facet keeps the price but not the category chosen...
        counts = {node.slug: node.count for node in facets.tree.flat()}
        assert counts == {"ceramics": 2, "bowls": 1, "teapots": 1, "textiles": 1}
        # ...the shop facet keeps both.
        assert [(f.slug, f.count) for f in facets.artists] == [("loom-weaves", 1)]
        assert (facets.in_stock, facets.personalisable) == (0, 0)

    def test_are_shown_beside_the_filters_as_links_keeping_the_search(
        self, client, catalogue
    ):
        html = get(client, q="wool").content.decode()

        assert 'href="?q=wool&amp;category=textiles"' in html
        assert 'href="?q=wool&amp;artist=loom-weaves"' in html


class TestResults:
    def test_a_shop_on_holiday_stays_listed_and_says_so(self, client, catalogue):
        today = timezone.localdate()
        Artist.objects.filter(pk=catalogue.weaver.pk).update(
            holiday_start_date=today, holiday_end_date=today + timedelta(days=10)
        )

        response = get(client, artist="loom-weaves")

        assert len(response.context["page_obj"].object_list) == 2
        assert response.content.decode().count('data-testid="result-holiday"') == 2

    def test_show_the_category_rating_and_breadcrumb_in_the_readers_language(
        self, client, catalogue
    ):
        catalogue.teapot.rating_count = 3
        catalogue.teapot.rating_average = "4.67"
        catalogue.teapot.save()
        client.cookies["django_language"] = "fr"

        with override("fr"):
            html = get(client, category="teapots").content.decode()

        assert "Théières" in html and "Céramique" in html
        assert "★ 4,7" in html or "★ 4.7" in html

    def test_highlight_the_words_found_escaping_the_title(self, client, catalogue):
        item(catalogue.clay, "<script>alert(1)</script> Bowl", "20.00", category=None)

        html = get(client, q="bowl").content.decode()

        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Bowl</mark>" in html

    def test_accents_and_case_do_not_matter(self, client, catalogue):
        item(catalogue.clay, "Théière en grès", "50.00", category=catalogue.teapots)

        found = get(client, q="THEIERE").context["page_obj"].object_list

        # The title's match first, then the piece in the "Théières" category.
        assert [i.title for i in found] == ["Théière en grès", "Speckled teapot"]

    def test_tell_the_delivery_fee_to_the_country_chosen(self, client, catalogue):
        html = get(client, ships_to="FR", artist="loom-weaves").content.decode()

        assert "Delivery to France: 9.00 €" in html
        assert "Free delivery to France" in html

    def test_say_when_nothing_matches(self, client, catalogue):
        html = get(client, q="submarine").content.decode()

        assert 'data-testid="no-results"' in html


class TestQueries:
    def test_the_page_makes_as_many_queries_for_many_pieces_as_for_few(
        self, client, catalogue, django_assert_max_num_queries
    ):
        params = {"q": "bowl", "category": "ceramics", "ships_to": "US"}
        with django_assert_max_num_queries(9):
            get(client, **params)
        for number in range(40):
            piece = ItemFactory(
                artist=catalogue.weaver if number % 2 else catalogue.clay,
                title=f"Bowl {number}",
                category=catalogue.bowls,
            )
            VariantFactory(item=piece)

        with django_assert_max_num_queries(9):
            response = get(client, **params)

        assert len(response.context["page_obj"].object_list) == 24

    def test_the_api_makes_as_many_queries_for_many_pieces_as_for_few(
        self, api_client, catalogue, django_assert_max_num_queries
    ):
        for number in range(30):
            VariantFactory(item__artist=catalogue.clay, item__title=f"Bowl {number}")

        with django_assert_max_num_queries(5):
            response = api_client.get("/api/v1/items/", {"q": "bowl", "in_stock": "1"})

        assert response.json()["count"] == 31
