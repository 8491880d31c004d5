"""At 390 px, the catalogue fits the phone: the header's search box, the
filters, the category tree with its counts and the results, in English and
French, with a long title and a long category name."""

import pytest
from playwright.sync_api import expect

from tests.artists.catalogue import CategoryFactory, item, make_catalogue

from .helpers import assert_fits, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("who", ["buyer", "french_buyer"])
def test_the_catalogue_fits_a_phone_and_searches_from_the_header(
    browser, live_server, request, who
):
    user = request.getfixturevalue(who)
    catalogue = make_catalogue()
    long_name = CategoryFactory(
        slug="long", name="Hand-thrown and wood-fired stoneware", parent=catalogue.bowls
    )
    item(
        catalogue.clay,
        "Extraordinarily-long-hand-thrown-teapot-with-a-woven-cane-handle",
        "120.00",
        category=long_name,
    )
    page = phone_page(browser, live_server, user.username)

    assert_fits(page, f"{live_server.url}/items/?category=long&ships_to=US")
    assert_fits(page, f"{live_server.url}/")
    page.get_by_test_id("header-search").get_by_role("searchbox").fill("teapot")
    page.get_by_test_id("header-search").get_by_role("button").click()

    expect(page.get_by_test_id("result")).to_have_count(2)
    expect(page.locator("mark").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
