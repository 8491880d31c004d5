"""The filters of the money API's lists (django-filter), and the month
(``YYYY-MM``) a query or a path names."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from .models import EntryKind, LedgerEntry
from .selectors import month_bounds, parse_month

MONTH_PATTERN = re.compile(r"\d{4}-\d{2}")


class MonthField(forms.CharField):
    """``YYYY-MM``, cleaned to the first day of that month. A month whose
    bounds cannot be written as instants (year 1, year 9999's December) is
    as invalid as ``2026-13``: it could only fail further down."""

    default_error_messages = {
        "invalid": _("Enter a month as YYYY-MM, for example 2026-03."),
    }

    def to_python(self, value) -> datetime.date | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        month = parse_month(value) if MONTH_PATTERN.fullmatch(value) else None
        if month is None or not _has_bounds(month):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return month


def _has_bounds(month: datetime.date) -> bool:
    try:
        for instant in month_bounds(month):
            instant.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        return False
    return True


def month_or_none(value: str) -> datetime.date | None:
    """The month ``value`` names (``YYYY-MM``), or None when it names none."""
    try:
        return MonthField(required=False).clean(value)
    except ValidationError:
        return None


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}$",
        "example": "2026-03",
        "description": "A month, YYYY-MM (in the marketplace's time zone).",
    }
)
class MonthFilter(filters.Filter):
    field_class = MonthField


class LedgerEntryFilter(filters.FilterSet):
    month = MonthFilter(method="filter_month")
    kind = filters.ChoiceFilter(choices=EntryKind.choices)

    class Meta:
        model = LedgerEntry
        fields = ["month", "kind"]

    def filter_month(self, queryset, name, value):
        start, end = month_bounds(value)
        return queryset.filter(created_at__gte=start, created_at__lt=end)
