"""Shipping addresses as the API shows them: an order's (checkout's) and an
artist order's (the order's, or the one the buyer changed it to before the
artist accepted)."""

from __future__ import annotations

from rest_framework import serializers


class ShippingAddressOutSerializer(serializers.Serializer):
    name = serializers.CharField(source="shipping_name")
    line1 = serializers.CharField(source="shipping_line1")
    line2 = serializers.CharField(source="shipping_line2")
    city = serializers.CharField(source="shipping_city")
    postcode = serializers.CharField(source="shipping_postcode")
    country = serializers.CharField(source="shipping_country.code")


class ShipToOutSerializer(serializers.Serializer):
    """``ArtistOrder.ship_to``: where this part goes."""

    name = serializers.CharField()
    line1 = serializers.CharField()
    line2 = serializers.CharField()
    city = serializers.CharField()
    postcode = serializers.CharField()
    country = serializers.CharField(source="country.code")
    changed = serializers.BooleanField(
        help_text="Whether the buyer changed it from the order's address."
    )
