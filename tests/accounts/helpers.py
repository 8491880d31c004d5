"""What the account security tests share: the factories' password, a client
holding a real API token (as a thief would), and the links in emails."""

import re

from rest_framework.test import APIClient

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
NEW_PASSWORD = "a-brand-new-glaze-42"
TOKEN = "/api/v1/auth/token/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"


def token_of(user, password: str = PASSWORD) -> str:
    response = APIClient().post(
        TOKEN, {"username": user.username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def token_client(key: str) -> APIClient:
    """A client that presents only ``Authorization: Token <key>``."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def link_path(body: str, settings, pattern: str) -> str:
    """The path of the first link in ``body`` whose path matches ``pattern``."""
    site = re.escape(settings.SITE_URL.rstrip("/"))
    match = re.search(site + r"(" + pattern + r")", body)
    assert match, body
    return match.group(1)
