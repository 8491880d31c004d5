"""Values formatted for email contexts: the outbox stores a context as JSON,
written in the recipient's language when the change happens, so dates,
country names and amounts are written here as the site's pages write them
in the active language."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django_countries import countries


def format_date(value) -> str:
    """``value`` (a date, or a datetime shown in the current time zone) in
    the active language's format; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return date_format(value, "DATE_FORMAT")


def country_name(code) -> str:
    """The name of the country ``code`` in the active language."""
    return str(countries.name(str(code)))


def format_amount(value: Decimal | None) -> str | None:
    """An amount as the active language writes it on the pages ("1234.50" in
    English, "1234,50" in French); None stays None."""
    if value is None:
        return None
    return number_format(value, use_l10n=True)


def format_values(values: dict) -> dict:
    """``values`` with the dates, datetimes and amounts (Decimals) among
    them formatted in the active language (other values as they are)."""
    formatted = {}
    for key, value in values.items():
        if isinstance(value, date):
            value = format_date(value)
        elif isinstance(value, Decimal):
            value = format_amount(value)
        formatted[key] = value
    return formatted
