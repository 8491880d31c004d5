"""A new buyer, in a real browser, buys from two artists and sees the split."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import ArtistOrder, Order
from tests.factories import ArtistFactory, ItemFactory, UserFactory, VariantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_shops(db):
    potter = ArtistFactory(
        name="Clay Corner", slug="clay-corner", user=UserFactory(username="clay")
    )
    weaver = ArtistFactory(
        name="Loom Room", slug="loom-room", user=UserFactory(username="loom")
    )
    bowl = VariantFactory(
        item=ItemFactory(artist=potter, title="Blue bowl", price=Decimal("30.00")),
        name="Large",
        stock=3,
    )
    scarf = VariantFactory(
        item=ItemFactory(artist=weaver, title="Wool scarf", price=Decimal("55.00")),
        name="Natural",
        stock=2,
    )
    return bowl, scarf


def test_new_buyer_signs_up_buys_from_two_artists_and_sees_the_order_split(
    page, live_server, two_shops
):
    bowl, scarf = two_shops

    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("newbuyer")
    page.get_by_label("Email address").fill("newbuyer@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-secret-2026")
    page.get_by_label("Password again").fill("a-long-secret-2026")
    page.get_by_test_id("signup-form").get_by_role("button").click()
    expect(page.get_by_text("newbuyer")).to_be_visible()

    page.goto(f"{live_server.url}{bowl.item.get_absolute_url()}")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_test_id("cart-size")).to_have_text("2")
    page.goto(f"{live_server.url}{scarf.item.get_absolute_url()}")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_test_id("cart-size")).to_have_text("3")

    page.get_by_test_id("cart-link").click()
    expect(page.get_by_text("Clay Corner").first).to_be_visible()
    expect(page.get_by_text("Loom Room").first).to_be_visible()
    page.get_by_test_id("checkout-button").click()
    page.get_by_label("Full name").fill("Camille Martin")
    page.get_by_label("Address", exact=True).fill("12 rue des Tisserands")
    page.get_by_label("Postcode").fill("44000")
    page.get_by_label("City").fill("Nantes")
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("Test card that pays").check()
    page.get_by_test_id("pay-button").click()

    order = Order.objects.get(buyer__username="newbuyer")
    expect(page).to_have_url(re.compile(rf"/account/orders/{order.number}/$"))
    expect(page.get_by_role("heading", name="Clay Corner")).to_be_visible()
    expect(page.get_by_role("heading", name="Loom Room")).to_be_visible()
    expect(page.get_by_text("awaiting acceptance")).to_have_count(2)
    # 2 × 30 + 5 shipping, and 55 + 5 shipping (both domestic).
    assert order.total == Decimal("125.00")
    assert sorted(
        ArtistOrder.objects.filter(order=order).values_list("state", flat=True)
    ) == [
        "awaiting_acceptance",
        "awaiting_acceptance",
    ]
    bowl.refresh_from_db()
    scarf.refresh_from_db()
    assert (bowl.stock, scarf.stock) == (1, 1)
