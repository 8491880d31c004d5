"""Helpers of the orders tests of the API and the seller dashboard: an API
client for a user, the URLs of an artist order (API, dashboard), a logged-in
client, a parcel reported as not received, and a cart line added through
the API."""

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from orders import services as order_services
from orders.models import ArtistOrder

SHIP_BODY = {"carrier": "Colissimo", "tracking_number": "6A12345678901"}


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(artist_order, action=None):
    base = f"/api/v1/artist-orders/{artist_order.pk}/"
    return f"{base}{action}/" if action else base


def logged_in(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def detail_url(artist_order):
    return reverse("dashboard:order", kwargs={"pk": artist_order.pk})


def report_not_received(artist_order, buyer):
    order_services.artist_order_report_not_received(
        artist_order=ArtistOrder.objects.get(pk=artist_order.pk),
        by=buyer,
        note="Nothing came.",
    )


def add(client, variant, quantity=1, **extra):
    response = client.post(
        "/api/v1/cart/lines/",
        {"variant": variant.pk, "quantity": quantity, **extra},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()
