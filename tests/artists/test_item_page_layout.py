"""The item page and the shop page put first what a buyer decides on: on
the item page the title, price, option and Add to cart come before the
description (a phone shows the page in this order), and a shop's holiday is
said beside the price and at the top of the shop page, not only in the
terms of sale further down."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ItemFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(artist):
    item = ItemFactory(
        artist=artist,
        title="Linen apron",
        description="Washed linen, cut and sewn in Lyon.",
        size_guide="S fits 36-38",
    )
    VariantFactory(item=item, name="Small", stock=3)
    VariantFactory(item=item, name="Large", stock=2)
    return item


@pytest.fixture
def on_holiday(artist):
    today = timezone.localdate()
    artist.holiday_start_date = today - timedelta(days=1)
    artist.holiday_end_date = today + timedelta(days=5)
    artist.holiday_message = "Gone to the sea."
    artist.save()
    return artist


def positions(html, *markers):
    """Where each marker first occurs in ``html`` (each must occur)."""
    found = [html.find(marker) for marker in markers]
    assert -1 not in found, dict(zip(markers, found, strict=True))
    return found


class TestItemPageOrder:
    def test_title_price_options_and_add_to_cart_come_before_the_description(
        self, client, item
    ):
        html = client.get(item.get_absolute_url()).content.decode()

        title, price, option, add, description, size_guide = positions(
            html,
            "<h1>Linen apron</h1>",
            'data-testid="item-price"',
            'name="variant"',
            "Add to cart",
            "Washed linen, cut and sewn in Lyon.",
            "S fits 36-38",
        )
        assert title < price < option < add < description < size_guide


class TestHolidayNotice:
    def test_the_item_page_says_it_beside_the_price_once(
        self, client, item, on_holiday
    ):
        html = client.get(item.get_absolute_url()).content.decode()

        price, notice, add, terms = positions(
            html,
            'data-testid="item-price"',
            'data-testid="holiday-notice"',
            'id="add-to-cart"',
            "Terms of sale of",
        )
        assert price < notice < add < terms
        assert html.count('data-testid="holiday-notice"') == 1
        assert "Gone to the sea." in html

    def test_the_shop_page_says_it_under_the_shops_name_before_its_terms(
        self, client, on_holiday
    ):
        html = client.get(on_holiday.get_absolute_url()).content.decode()

        name, notice, terms = positions(
            html,
            f"<h1>{on_holiday.name}</h1>",
            'data-testid="holiday-notice"',
            "Terms of sale of",
        )
        assert name < notice < terms
        assert html.count('data-testid="holiday-notice"') == 1

    def test_a_shop_not_on_holiday_says_nothing(self, client, item):
        html = client.get(item.get_absolute_url()).content.decode()

        assert 'data-testid="holiday-notice"' not in html
