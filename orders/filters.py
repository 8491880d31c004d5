"""The filters of the orders' API lists (django-filter)."""

from django_filters import rest_framework as filters

from .models import ArtistOrder, ArtistOrderState


class ArtistOrderFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=ArtistOrderState.choices)

    class Meta:
        model = ArtistOrder
        fields = ["state"]
