"""In a real browser: an artist accepts and ships an order, its buyer follows
the parcel and confirms delivery; another buyer cancels an accepted order,
the artist refuses it, and that buyer sees the refund."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import ArtistOrder, Refund
from tests.factories import ArtistFactory, UserFactory
from tests.orders.factories import make_artist_order, make_variant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def log_in(browser, live_server, username):
    """A fresh browser page logged in as ``username``."""
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()
    return page


@pytest.fixture
def shop(db):
    return ArtistFactory(
        name="Clay Corner", slug="clay-corner", user=UserFactory(username="clay")
    )


def test_artist_accepts_and_ships_and_the_buyer_confirms_delivery(
    browser, live_server, shop
):
    camille = UserFactory(username="camille")
    bowl = make_variant(shop, price="30.00", stock=3)
    artist_order = make_artist_order(buyer=camille, artist=shop, variant=bowl)
    number = artist_order.order.number

    artist = log_in(browser, live_server, "clay")
    artist.goto(f"{live_server.url}/dashboard/")
    to_accept = artist.get_by_test_id("queue-to-accept")
    expect(to_accept).to_contain_text(number)
    expect(to_accept).to_contain_text("left to accept")
    to_accept.get_by_role("link", name=number).click()
    artist.get_by_role("button", name="Accept the order").click()
    expect(artist.get_by_text(f"Order {number} accepted.")).to_be_visible()
    artist.get_by_label("Carrier").fill("Colissimo")
    artist.get_by_label("Tracking number").fill("6A12345678901")
    artist.get_by_role("button", name="Mark as shipped").click()
    expect(artist.get_by_text(f"Order {number} is shipped.")).to_be_visible()
    expect(artist.get_by_test_id("artist-order-state")).to_have_text("shipped")

    buyer = log_in(browser, live_server, "camille")
    buyer.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My orders"
    ).click()
    buyer.get_by_role("link", name=number).click()
    block = buyer.get_by_test_id("artist-order")
    expect(block.get_by_test_id("tracking")).to_contain_text("6A12345678901")
    expect(block.get_by_test_id("tracking-link")).to_have_attribute(
        "href", re.compile(r"laposte\.fr/.*6A12345678901")
    )
    expect(block.get_by_role("button", name="Ask to cancel")).to_have_count(0)
    block.get_by_role("button", name="I received it").click()
    expect(buyer.get_by_text("The delivery is confirmed.")).to_be_visible()
    expect(buyer.get_by_test_id("artist-order-state")).to_have_text("delivered")
    expect(buyer.get_by_test_id("order-status")).to_have_text("delivered")
    expect(buyer.get_by_test_id("timeline")).to_contain_text("Delivered")
    expect(buyer.get_by_role("button", name="I received it")).to_have_count(0)

    artist_order.refresh_from_db()
    assert artist_order.state == "delivered"
    assert (artist_order.carrier, artist_order.tracking_number) == (
        "Colissimo",
        "6A12345678901",
    )


def test_buyer_cancels_an_accepted_order_the_artist_refuses_it_and_the_buyer_sees_the_refund(
    browser, live_server, shop
):
    dominique = UserFactory(username="dominique")
    vase = make_variant(shop, price="42.00", stock=2)
    artist_order = make_artist_order(
        buyer=dominique, artist=shop, variant=vase, state="accepted"
    )
    number = artist_order.order.number

    buyer = log_in(browser, live_server, "dominique")
    buyer.goto(f"{live_server.url}/account/orders/{number}/")
    block = buyer.get_by_test_id("artist-order")
    block.get_by_text("Ask to cancel").click()
    block.get_by_label("Why do you cancel?").fill("Bought it twice by mistake.")
    block.get_by_role("button", name="Send the cancellation request").click()
    expect(
        buyer.get_by_text("Your cancellation request was sent to Clay Corner")
    ).to_be_visible()
    expect(buyer.get_by_test_id("cancellation-request")).to_contain_text(
        "You asked to cancel"
    )

    artist = log_in(browser, live_server, "clay")
    artist.goto(f"{live_server.url}/dashboard/")
    requests = artist.get_by_test_id("queue-cancellation-requests")
    expect(requests).to_contain_text("Bought it twice by mistake.")
    requests.get_by_role("link", name=number).click()
    expect(artist.get_by_test_id("open-cancellation")).to_be_visible()
    refuse = artist.get_by_test_id("action-refuse")
    refuse.get_by_text("Refuse the order").click()
    refuse.get_by_label("Reason").fill("Cancelled at your request.")
    refuse.get_by_role("button", name="Refuse and refund").click()
    expect(artist.get_by_text("the buyer is refunded 47.00 €")).to_be_visible()
    expect(artist.get_by_test_id("artist-order-state")).to_have_text("refused")

    buyer.reload()
    expect(buyer.get_by_test_id("artist-order-state")).to_have_text("refused")
    expect(buyer.get_by_test_id("cancellation-request")).to_contain_text("accepted")
    refunds = buyer.get_by_test_id("refunds")
    expect(refunds).to_contain_text("47.00 €")
    expect(refunds).to_contain_text("refused by the artist")
    expect(refunds).to_contain_text("succeeded")
    expect(buyer.get_by_test_id("order-refunded")).to_have_text("47.00 €")

    refund = Refund.objects.get(artist_order=artist_order)
    assert (refund.amount, refund.reason, refund.status) == (
        Decimal("47.00"),
        "refusal",
        "succeeded",
    )
    assert ArtistOrder.objects.get(pk=artist_order.pk).state == "refused"
    vase.refresh_from_db()
    assert vase.stock == 2
