"""Helpers of the returns tests of the pages, the dashboard and the API: a
logged-in client, the flash messages of a response, the URLs of a request
(the buyer's page, the dashboard's page and actions, the API's), and the
tracking of a parcel sent back."""

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient


def logged_in(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def messages_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# A request's page for the buyer, and for the artist in the dashboard.
def detail(return_request):
    return reverse("returns:detail", kwargs={"pk": return_request.pk})


def page(return_request):
    return reverse("dashboard:return", kwargs={"pk": return_request.pk})


def action(name, return_request):
    return reverse(f"dashboard:return_{name}", kwargs={"pk": return_request.pk})


# The API.
TRACKING = {"carrier": "Colissimo", "tracking_number": "8R123456789"}


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(return_request, action=None):
    base = f"/api/v1/returns/{return_request.pk}/"
    return f"{base}{action}/" if action else base
