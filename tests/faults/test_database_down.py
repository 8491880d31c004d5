"""The database goes away: every connection attempt fails, through the real
middleware stack (sessions, authentication, the user's language).

The API answers 503 JSON ``{"detail"}`` with Retry-After, not an HTML 500
page; pages answer a 503 page with Retry-After in the visitor's language,
rendered without the database, the session or the user.
"""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

UNAVAILABLE = "The service is briefly unavailable. Try again in a moment."


@pytest.fixture
def database_down():
    """Every query from now on fails as when PostgreSQL is unreachable."""
    error = OperationalError("connection to server at 127.0.0.1 failed")
    with mock.patch.object(connection, "ensure_connection", side_effect=error):
        yield


def api(user=None):
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.force_authenticate(user)
    return client


def web(user=None):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def assert_api_503(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": UNAVAILABLE}
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    "path", ["/api/v1/items/", "/api/v1/artists/", "/api/v1/items/1/"]
)
def test_an_anonymous_api_call_gets_a_json_503(path, database_down):
    assert_api_503(api().get(path))


@pytest.mark.parametrize("path", ["/api/v1/orders/", "/api/v1/cart/", "/api/v1/me/"])
def test_a_buyers_api_call_gets_a_json_503(buyer, path, database_down):
    assert_api_503(api(buyer).get(path))


def test_a_token_call_gets_a_json_503(buyer):
    """The token itself is looked up in the database."""
    with mock.patch.object(
        connection,
        "ensure_connection",
        side_effect=InterfaceError("connection already closed"),
    ):
        response = APIClient(raise_request_exception=False).get(
            "/api/v1/orders/", HTTP_AUTHORIZATION="Token 0123456789abcdef"
        )

    assert_api_503(response)


def test_a_write_gets_a_json_503(buyer, variant, database_down):
    response = api(buyer).post(
        "/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 1}, format="json"
    )

    assert_api_503(response)


def test_the_french_api_says_it_in_french(database_down):
    response = api().get("/api/v1/items/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 503
    with translation.override("fr"):
        assert response.json()["detail"] == translation.gettext(UNAVAILABLE)


def test_a_page_gets_a_503_page_with_retry_after(database_down):
    response = web().get("/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert int(response["Retry-After"]) > 0
    assert "The site is briefly unavailable" in response.content.decode()


def test_a_logged_in_visitor_gets_the_503_page(buyer):
    """The session and the user cannot be loaded: the page does without."""
    client = web(buyer)
    with mock.patch.object(
        connection, "ensure_connection", side_effect=OperationalError("down")
    ):
        response = client.get("/account/orders/")

    assert response.status_code == 503
    assert "The site is briefly unavailable" in response.content.decode()


def test_the_503_page_speaks_the_visitors_language(database_down):
    response = web().get("/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 503
    assert '<html lang="fr">' in response.content.decode()
    with translation.override("fr"):
        title = translation.gettext("The site is briefly unavailable")
    assert escape(title) in response.content.decode()


def test_other_server_errors_in_the_api_are_json_500s(buyer):
    with mock.patch("orders.api.price_cart", side_effect=RuntimeError("bug")):
        response = api(buyer).get("/api/v1/cart/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert "Retry-After" not in response


def test_an_unknown_api_address_is_a_json_404():
    response = api().get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
