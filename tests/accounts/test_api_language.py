"""An API caller authenticated by token is answered in its own language."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def test_a_french_token_caller_gets_french_errors(french_buyer):
    token = Token.objects.create(user=french_buyer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.post(
        "/api/v1/cart/lines/", {"variant": 999999, "quantity": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.headers["Content-Language"] == "fr"


def test_an_english_token_caller_gets_english_answers(buyer):
    token = Token.objects.create(user=buyer)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="fr")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
