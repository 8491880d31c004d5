import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

from .factories import make_shop


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    """Each test starts with no message counted against the burst limit and
    new-message emails sent at once (tests of grouping set a window)."""
    cache.clear()
    settings.MESSAGE_EMAIL_GROUP_SECONDS = 0
    yield
    cache.clear()


@pytest.fixture
def french_artist(db):
    return make_shop(
        "tisserande", language="fr", name="Brins de Laine", slug="brins-de-laine"
    )


@pytest.fixture
def staff(db):
    return UserFactory(
        username="moderator",
        email="moderator@example.com",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def other_buyer(db):
    return UserFactory(username="other-buyer", email="other-buyer@example.com")


def api_as(user):
    """An API client authenticated the way integrations are: by token."""
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
