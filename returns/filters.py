"""The filters of the return requests' API list (django-filter)."""

from django_filters import rest_framework as filters

from .models import ReturnRequest, ReturnState


class ReturnRequestFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=ReturnState.choices)

    class Meta:
        model = ReturnRequest
        fields = ["state"]
