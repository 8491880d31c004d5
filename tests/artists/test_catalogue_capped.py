"""The catalogue counts at most 10,001 pieces (docs/performance.md,
"Catalogue"): past that the page says "more than 10,000 pieces", its facets
show no numbers and say why, and its pages stop numbering the last one;
under it every number is exact. A facet that would count more than the cap
(its own filter left out) loses its numbers alone. The API's ``count`` stays
exact. The cap is lowered to 3 here, over a catalogue of 4 pieces."""

import pytest
from django.urls import reverse

from artists import facets, views
from marketplace import pagination

from .catalogue import make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return make_catalogue()


@pytest.fixture
def cap(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    monkeypatch.setattr(facets, "COUNT_CAP", 3)
    return 3


def get(client, **params):
    response = client.get(reverse("catalog:items"), params)
    assert response.status_code == 200
    return response


def test_past_the_cap_the_page_says_more_than_and_shows_no_numbers(
    client, catalogue, cap, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(views, "CATALOGUE_PAGE_SIZE", 2)

    # The tree, the capped count, the rows, their photos and variants: the
    # facets, past the cap like the results, are not counted at all.
    with django_assert_num_queries(5):
        response = get(client)
    html = response.content.decode()

    assert "More than 3 pieces" in html
    assert "4 pieces" not in html
    assert 'data-testid="facets-capped"' in html
    assert "narrow the search to see the numbers" in html
    assert 'class="muted facet-count"' not in html
    assert "In stock only <span" not in html
    assert 'data-testid="artist-facets"' not in html
    # The categories stay as links to narrow the search.
    assert 'href="?category=textiles"' in html
    # "Page 1", not "Page 1 of 2" (there may be more pages than counted).
    assert "Page 1<" in html and "Page 1 of" not in html
    assert response.context["facets"].in_stock is None


def test_under_the_cap_the_count_and_facets_are_exact(client, catalogue, cap):
    response = get(client, category="textiles")
    html = response.content.decode()
    facets = response.context["facets"]

    assert "2 pieces" in html and "More than" not in html
    # The shop and check-box facets count the two textiles exactly...
    assert [(f.slug, f.count) for f in facets.artists] == [("loom-weaves", 2)]
    assert facets.personalisable is not None
    # ...the category facet, which leaves the category out, would count all
    # four pieces: past the cap, it alone shows no numbers.
    assert {node.count for node in facets.tree.flat()} == {None}
    assert facets.capped == {"category"}
    assert 'data-testid="facets-capped"' in html


def test_the_api_count_stays_exact(client, catalogue, cap):
    response = client.get(reverse("api-items"))

    assert response.json()["count"] == 4


def test_the_country_list_renders_the_chosen_country(client, catalogue):
    html = get(client, ships_to="BE").content.decode()

    assert '<select name="ships_to"' in html
    assert '<option value="BE" selected>Belgium</option>' in html
    assert html.count("<option value=") > 240
