"""Pricing rules that the pages and the API show: zones, dispatch dates,
acceptance deadlines and the split of a discount."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from orders.models import DiscountCode
from orders.pricing import discount_amount
from orders.rules import (
    EU_COUNTRIES,
    acceptance_deadline,
    add_business_days,
    expected_dispatch_date,
    shipping_zone,
)

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 3, 2)


class TestShippingZones:
    def test_the_eu_has_27_member_states(self):
        assert len(EU_COUNTRIES) == 27
        assert "GB" not in EU_COUNTRIES
        assert "CH" not in EU_COUNTRIES

    def test_zones_from_the_artists_country(self):
        assert shipping_zone(origin="FR", destination="FR") == "domestic"
        assert shipping_zone(origin="FR", destination="DE") == "eu"
        assert shipping_zone(origin="FR", destination="CH") == "world"
        assert shipping_zone(origin="CH", destination="CH") == "domestic"


class TestDispatchDates:
    def test_business_days_skip_weekends(self):
        assert add_business_days(MONDAY, 3) == date(2026, 3, 5)
        assert add_business_days(date(2026, 3, 6), 1) == date(
            2026, 3, 9
        )  # Friday → Monday
        assert add_business_days(date(2026, 3, 7), 0) == date(
            2026, 3, 9
        )  # Saturday → Monday

    def test_a_shop_on_holiday_starts_after_the_holiday(self, artist):
        artist.processing_days = 2
        artist.holiday_start_date = MONDAY - timedelta(days=7)
        artist.holiday_end_date = MONDAY + timedelta(days=4)  # until Friday

        assert expected_dispatch_date(artist, today=MONDAY) == date(2026, 3, 10)

    def test_a_holiday_starting_before_dispatch_pushes_it_after(self, artist):
        artist.processing_days = 3
        artist.holiday_start_date = MONDAY + timedelta(days=2)
        artist.holiday_end_date = MONDAY + timedelta(days=6)

        assert expected_dispatch_date(artist, today=MONDAY) == date(2026, 3, 12)

    def test_the_acceptance_deadline_counts_from_the_end_of_the_holiday(self, artist):
        paid_at = datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)
        artist.holiday_start_date = date(2026, 3, 1)
        artist.holiday_end_date = date(2026, 3, 4)

        deadline = acceptance_deadline(artist, paid_at=paid_at, hours=72)

        assert deadline == datetime(2026, 3, 8, 0, 0, tzinfo=PARIS)
        artist.holiday_end_date = None
        assert acceptance_deadline(
            artist, paid_at=paid_at, hours=72
        ) == paid_at + timedelta(hours=72)


class TestDiscountAmounts:
    def test_percentages_round_half_up_to_the_cent(self):
        code = DiscountCode(kind="percent", value=Decimal("10"))
        assert discount_amount(code, Decimal("145.05")) == Decimal("14.51")

    def test_fixed_amounts_never_exceed_the_items(self):
        code = DiscountCode(kind="fixed", value=Decimal("30"))
        assert discount_amount(code, Decimal("12.00")) == Decimal("12.00")
