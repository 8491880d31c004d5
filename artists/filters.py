"""The filters of the catalogue's API lists (django-filter)."""

from django import forms
from django_filters import rest_framework as filters

from .models import Item


class SlugFilter(filters.CharFilter):
    """A shop's address: anything else (spaces, a NUL byte...) is a 400 that
    says so, never a query."""

    field_class = forms.SlugField


class ItemFilter(filters.FilterSet):
    artist = SlugFilter(
        field_name="artist__slug",
        max_length=80,
        help_text="Only this shop's items (slug).",
    )

    class Meta:
        model = Item
        fields = ["artist"]
