"""Amounts in email contexts are written as the pages write them in the
reader's language (Django's localization of a Decimal)."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from marketplace.notifications.formatting import format_amount, format_values

AMOUNTS = ["0.00", "5.00", "70.00", "143.04", "1234.50", "1234567.89", "-3.10"]


def on_a_page(value: Decimal) -> str:
    """How a page template writes ``value`` in the active language."""
    return engines["django"].from_string("{{ value }}").render({"value": value})


@pytest.mark.parametrize(
    "grouping", [False, True], ids=["ungrouped", "grouped by thousands"]
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_amount_reads_as_on_the_pages_in_every_language(
    settings, language, grouping
):
    settings.USE_THOUSAND_SEPARATOR = grouping
    with translation.override(language):
        for amount in map(Decimal, AMOUNTS):
            assert format_amount(amount) == on_a_page(amount)


def test_french_amounts_have_a_decimal_comma_and_english_ones_a_point():
    with translation.override("fr"):
        assert format_amount(Decimal("1234.50")) == "1234,50"
    with translation.override("en"):
        assert format_amount(Decimal("1234.50")) == "1234.50"
    assert format_amount(None) is None


def test_extra_values_of_a_context_are_formatted_by_type():
    with translation.override("fr"):
        values = format_values(
            {
                "refund_amount": Decimal("24.00"),
                "day": date(2026, 12, 24),
                "count": 3,
                "note": "1.50",
            }
        )
    assert values["refund_amount"] == "24,00"
    assert values["day"] == "24 décembre 2026"
    # Counts and text stay as they are, even text that looks like a number.
    assert values["count"] == 3
    assert values["note"] == "1.50"
