"""In a real browser: a buyer asks an artist a question from an item page,
the artist answers from the seller dashboard, the buyer reads the answer and
the unread badge clears."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from messaging.models import Message, Thread
from tests.factories import ArtistFactory, ItemFactory, UserFactory, VariantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def bowl(db):
    shop = ArtistFactory(
        name="Clay Corner", slug="clay-corner", user=UserFactory(username="clay")
    )
    UserFactory(username="camille", email="camille@example.com")
    return VariantFactory(
        item=ItemFactory(artist=shop, title="Blue bowl", price=Decimal("30.00")),
        name="Large",
        stock=3,
    ).item


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("login-form").get_by_role("button", name="Log in").click()
    expect(page.get_by_text(username).first).to_be_visible()


def test_buyer_asks_from_an_item_page_and_reads_the_artists_answer(
    browser, live_server, bowl
):
    buyer_page = browser.new_context().new_page()
    artist_page = browser.new_context().new_page()

    # The buyer asks a question from the item page.
    log_in(buyer_page, live_server.url, "camille")
    buyer_page.goto(f"{live_server.url}{bowl.get_absolute_url()}")
    buyer_page.get_by_test_id("contact-artist").click()
    expect(
        buyer_page.get_by_role("heading", name="Write to Clay Corner")
    ).to_be_visible()
    buyer_page.get_by_label("Your message").fill("Is the blue bowl dishwasher safe?")
    buyer_page.get_by_test_id("contact-form").get_by_role("button", name="Send").click()
    thread = Thread.objects.get()
    expect(buyer_page).to_have_url(re.compile(rf"/messages/{thread.pk}/$"))
    expect(buyer_page.get_by_test_id("message-body")).to_have_text(
        "Is the blue bowl dishwasher safe?"
    )
    assert thread.item == bowl

    # The artist sees it waiting in the dashboard and answers there.
    log_in(artist_page, live_server.url, "clay")
    artist_page.goto(f"{live_server.url}/dashboard/")
    expect(artist_page.get_by_test_id("shop-unread-messages")).to_have_text("1")
    artist_page.get_by_test_id("dash-messages-link").click()
    artist_page.get_by_role("link", name="Blue bowl").click()
    expect(artist_page.get_by_text("Is the blue bowl dishwasher safe?")).to_be_visible()
    expect(artist_page.get_by_test_id("shop-unread-messages")).to_have_count(0)
    artist_page.get_by_label("Your message").fill("Yes, and microwave safe too.")
    artist_page.get_by_test_id("message-form").get_by_role(
        "button", name="Send"
    ).click()
    expect(artist_page.get_by_text("Yes, and microwave safe too.")).to_be_visible()
    assert Message.objects.filter(author__username="clay").count() == 1

    # The buyer sees the badge, reads the answer, and the badge clears.
    buyer_page.goto(f"{live_server.url}/")
    expect(buyer_page.get_by_test_id("unread-messages")).to_have_text("1")
    buyer_page.get_by_test_id("messages-link").click()
    buyer_page.get_by_role("link", name="Blue bowl").click()
    expect(buyer_page.get_by_text("Yes, and microwave safe too.")).to_be_visible()
    expect(buyer_page.get_by_test_id("unread-messages")).to_have_count(0)
