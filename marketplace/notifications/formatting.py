"""Values formatted for email contexts (the outbox stores them as text, in
the recipient's language): dates, country names and amounts, written as
the site's pages write them in that language.

Formatting a date goes through the locale's format and the translated
month and day names: a tenth of a millisecond each, and a checkout's emails
format the same few dates dozens of times (every artist's block carries the
same deadline). Results are kept per language and time zone; the cache is
emptied whenever a setting changes (tests override formats and zones).
"""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.formats import date_format, get_format, number_format
from django_countries import countries


def format_date(value) -> str:
    """``value`` (a date, or a datetime shown in the current time zone) in
    the active language's format; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _format(
            value,
            True,
            translation.get_language(),
            timezone.get_current_timezone_name(),
        )
    return _format(value, False, translation.get_language(), "")


@lru_cache(maxsize=1024)
def _format(value: date, with_time: bool, language: str | None, zone: str) -> str:
    # The key holds what the result depends on: the value, the language
    # (already active) and the time zone (already current).
    if with_time:
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return date_format(value, "DATE_FORMAT")


def country_name(code: str) -> str:
    """The name of the country ``code`` in the active language."""
    return _country_name(str(code), translation.get_language())


@lru_cache(maxsize=1024)
def _country_name(code: str, language: str | None) -> str:
    return str(countries.name(code))


def amount_formatter() -> Callable[[Decimal | None], str | None]:
    """A function writing an amount (a Decimal) as the active language
    writes it on the pages, Django's localization: "1234.50" in English,
    "1234,50" in French, grouped by thousands when the site groups them
    (``USE_THOUSAND_SEPARATOR``); None stays None. For the amounts of one
    context: the language's separator is looked up once."""
    if settings.USE_THOUSAND_SEPARATOR:
        return _grouped
    separator = _decimal_separator(translation.get_language())

    def money(value):
        return None if value is None else format(value, "f").replace(".", separator)

    return money


def format_amount(value: Decimal | None) -> str | None:
    """One amount, see ``amount_formatter``."""
    return amount_formatter()(value)


def format_values(values: dict) -> dict:
    """``values`` with the dates, datetimes and amounts (Decimals) among
    them formatted in the active language (other values as they are)."""
    money = amount_formatter()
    return {
        key: format_date(value)
        if isinstance(value, date)
        else money(value)
        if isinstance(value, Decimal)
        else value
        for key, value in values.items()
    }


def _grouped(value):
    return None if value is None else number_format(value, use_l10n=True)


@lru_cache(maxsize=64)
def _decimal_separator(language: str | None) -> str:
    return get_format("DECIMAL_SEPARATOR", language, use_l10n=True)


@receiver(setting_changed)
def _forget(**kwargs):
    _format.cache_clear()
    _country_name.cache_clear()
    _decimal_separator.cache_clear()
