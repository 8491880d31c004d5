"""Helpers of the artists tests: an API client logged in as a user."""

from rest_framework.test import APIClient


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client
