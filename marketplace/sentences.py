"""Sentences stored as what happened and its values, written when read.

A history note or a system message keeps an event name and JSON values
(amounts as "44.30", dates as "2026-12-21"), never a sentence: the reader's
language chooses the words, the way amounts and dates are written, and
free text typed by a person is kept as typed around them.

Values are recognised by their key: ``amount`` or ``*_amount`` is an
amount of euros, ``date``, ``deadline``, ``*_date`` or ``*_deadline`` a
date, ``*_at`` a date and time. Other values are shown as they are.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from marketplace.money import to_money
from marketplace.notifications.formatting import format_amount, format_date

DATE_KEYS = frozenset({"date", "deadline"})


def is_amount_key(key: str) -> bool:
    return key == "amount" or key.endswith("_amount")


def is_date_key(key: str) -> bool:
    return key in DATE_KEYS or key.endswith(("_date", "_deadline"))


def stored_values(**values) -> dict:
    """``values`` as JSON keeps them: amounts as "44.30", dates and
    datetimes in ISO form, the rest as it is."""
    stored = {}
    for key, value in values.items():
        if isinstance(value, Decimal):
            value = str(to_money(value))
        elif isinstance(value, date):
            value = value.isoformat()
        stored[key] = value
    return stored


def _read_amount(value):
    try:
        return format_amount(to_money(value))
    except (InvalidOperation, TypeError, ValueError):
        return value


def _read_date(value, *, with_time: bool):
    if isinstance(value, date):
        return format_date(value)
    try:
        text = str(value).strip()
        parsed = datetime.fromisoformat(text) if with_time else date.fromisoformat(text)
    except (TypeError, ValueError):
        return value
    return format_date(parsed)


def format_stored_values(values: dict) -> dict:
    """``values`` (as stored) with their amounts and dates written the way
    the active language writes them; empty values stay empty."""
    formatted = {}
    for key, value in (values or {}).items():
        if value in (None, ""):
            formatted[key] = value
        elif is_amount_key(key):
            formatted[key] = _read_amount(value)
        elif is_date_key(key):
            formatted[key] = _read_date(value, with_time=False)
        elif key.endswith("_at"):
            formatted[key] = _read_date(value, with_time=True)
        else:
            formatted[key] = value
    return formatted


def render_sentence(sentence, values: dict, *, note: str = "") -> str:
    """``sentence`` (translated in the active language, with ``%(key)s``
    placeholders) filled with ``values`` written for its reader. ``note``
    (free text, kept as typed) fills ``%(note)s`` when the sentence has
    one, else follows it."""
    sentence = str(sentence)
    filled = {**format_stored_values(values), "note": note}
    try:
        text = sentence % filled
    except (KeyError, TypeError, ValueError):
        text = sentence
    if note and "%(note)s" not in sentence:
        text = f"{text} {note}"
    return text
