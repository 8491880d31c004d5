"""Values formatted for email contexts (the outbox stores them as text, in
the recipient's language).

Formatting a date goes through the locale's format and the translated
month and day names: a tenth of a millisecond each, and a checkout's emails
format the same few dates dozens of times (every artist's block carries the
same deadline). Results are kept per language and time zone; the cache is
emptied whenever a setting changes (tests override formats and zones).
"""

from datetime import date, datetime
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.formats import date_format
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


@receiver(setting_changed)
def _forget(**kwargs):
    _format.cache_clear()
    _country_name.cache_clear()
