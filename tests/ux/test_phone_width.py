"""At 390 × 844 px (a phone), the pages a buyer and an artist use most fit
the screen: no sideways scrolling, the tables read as one card per row, and
the item page shows the title, price and Add to cart before the
description."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from orders.models import Cart
from orders.services import cart_add_line
from tests.factories import ItemFactory, VariantFactory
from tests.orders.factories import make_artist, make_artist_order, make_variant
from tests.returns.factories import make_line, make_return

from .helpers import assert_fits, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(db):
    return make_artist("clay", name="Atelier Claire — céramique")


@pytest.fixture
def other_shop(db):
    return make_artist("weaver", name="Jonas Weaves", country="BE")


def fill_cart(user, shop, other_shop):
    cart, _created = Cart.objects.get_or_create(user=user)
    plate = make_variant(shop, price="58.00", stock=5, personalisable=True)
    cart_add_line(
        cart=cart,
        variant_id=plate.pk,
        quantity=1,
        personalisation_text="For Lou, with love from the whole family",
    )
    cart_add_line(cart=cart, variant_id=make_variant(shop).pk, quantity=2)
    cart_add_line(cart=cart, variant_id=make_variant(other_shop).pk, quantity=1)


@pytest.mark.parametrize("who", ["buyer", "french_buyer"])
def test_the_cart_fits_and_shows_each_piece_as_a_card(
    browser, live_server, request, shop, other_shop, who
):
    user = request.getfixturevalue(who)
    fill_cart(user, shop, other_shop)

    page = phone_page(browser, live_server, user.username)

    assert_fits(page, f"{live_server.url}/cart/")
    line = page.get_by_test_id("cart-line").first
    expect(line.get_by_role("spinbutton")).to_be_visible()
    # One card per line: the cells are stacked, not side by side.
    cells = line.locator("td")
    first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1


def test_the_buyers_order_page_fits(browser, live_server, buyer, shop, other_shop):
    line = make_line(buyer=buyer, artist=shop, quantity=2, price="30.00")
    make_return(line=line, quantity=1, reason="changed_mind")
    make_artist_order(
        buyer=buyer, artist=other_shop, order=line.artist_order.order, state="accepted"
    )

    page = phone_page(browser, live_server, buyer.username)

    assert_fits(
        page, f"{live_server.url}/account/orders/{line.artist_order.order.number}/"
    )
    expect(page.get_by_test_id("return-line")).to_be_visible()


def test_the_dashboard_order_page_fits(browser, live_server, buyer, shop):
    artist_order = make_artist_order(buyer=buyer, artist=shop)

    page = phone_page(browser, live_server, shop.user.username)

    assert_fits(page, f"{live_server.url}/dashboard/orders/{artist_order.pk}/")
    expect(page.get_by_role("button", name="Accept the order")).to_be_visible()


def test_the_dashboard_items_list_fits(browser, live_server, shop):
    for title in ("Speckled stoneware bowl", "Personalised serving plate"):
        item = ItemFactory(artist=shop, title=title)
        for name, stock in (("Small (12 cm)", 3), ("Large (18 cm)", 0)):
            VariantFactory(item=item, name=name, stock=stock)

    page = phone_page(browser, live_server, shop.user.username)

    assert_fits(page, f"{live_server.url}/dashboard/items/")
    expect(page.get_by_role("button", name="Take off sale").first).to_be_visible()


def test_the_return_pages_fit_for_the_buyer_and_the_artist(
    browser, live_server, buyer, shop
):
    return_request = make_return(
        line=make_line(buyer=buyer, artist=shop), state="accepted"
    )

    buyer_page = phone_page(browser, live_server, buyer.username)
    artist_page = phone_page(browser, live_server, shop.user.username)

    assert_fits(
        buyer_page,
        live_server.url + reverse("returns:detail", kwargs={"pk": return_request.pk}),
    )
    assert_fits(
        artist_page,
        live_server.url + reverse("dashboard:return", kwargs={"pk": return_request.pk}),
    )


def test_the_item_page_shows_title_price_and_add_to_cart_before_the_description(
    browser, live_server, buyer, shop
):
    item = ItemFactory(
        artist=shop,
        title="Personalised serving plate",
        description="A 28 cm plate; the name of your choice is written by hand.",
        personalisable=True,
    )
    VariantFactory(item=item, name="Standard", stock=5)

    page = phone_page(browser, live_server, buyer.username)

    assert_fits(page, live_server.url + item.get_absolute_url())
    title = page.get_by_role("heading", level=1).bounding_box()
    price = page.get_by_test_id("item-price").bounding_box()
    add = page.get_by_role("button", name="Add to cart").bounding_box()
    description = page.get_by_text("A 28 cm plate").bounding_box()
    assert title["y"] < price["y"] < add["y"] < description["y"]
    assert price["y"] + price["height"] <= 844  # on the first screen


def test_the_return_form_says_photos_are_required_once_damaged_is_chosen(
    browser, live_server, buyer, shop
):
    line = make_line(buyer=buyer, artist=shop)

    page = phone_page(browser, live_server, buyer.username)
    assert_fits(
        page, live_server.url + reverse("returns:create", kwargs={"line_pk": line.pk})
    )
    form = page.get_by_test_id("return-form")
    form.get_by_label("Reason").select_option("damaged")

    photos = form.locator('[data-field="photos"] label')
    expect(photos).to_be_visible()
    expect(photos).to_have_text("Photos (required)")
    form.get_by_label("Reason").select_option("changed_mind")
    expect(photos).to_be_hidden()


def test_the_main_navigation_keeps_every_link_in_sight(browser, live_server):
    french_artist = make_artist("claire", language="fr", name="Atelier Claire")

    page = phone_page(browser, live_server, french_artist.user.username)

    assert_fits(page, f"{live_server.url}/dashboard/")
    links = page.get_by_role("navigation", name="Principale", exact=True).get_by_role(
        "link"
    )
    # Catalogue, Artists, My orders, Messages, Seller dashboard.
    assert links.count() == 5
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, links.nth(index)
