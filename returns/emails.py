"""Contexts and links of the return emails: JSON-serialisable, dates
already formatted in the recipient's language (the outbox stores the
context as JSON)."""

from __future__ import annotations

from datetime import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format


def _first_url(candidates, default: str) -> str:
    for name, kwargs in candidates:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return default


def buyer_url(return_request) -> str:
    """The buyer's page of ``return_request`` (or the list of returns)."""
    return _first_url(
        (
            ("account:return", {"pk": return_request.pk}),
            ("account:returns", {}),
            ("account:orders", {}),
        ),
        "/account/returns/",
    )


def dashboard_url(return_request) -> str:
    """The artist's page of ``return_request`` in the dashboard (or its queue)."""
    return _first_url(
        (
            ("dashboard:return", {"pk": return_request.pk}),
            ("dashboard:returns", {}),
            ("dashboard:home", {}),
        ),
        "/dashboard/",
    )


def format_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return date_format(value, "DATE_FORMAT")
