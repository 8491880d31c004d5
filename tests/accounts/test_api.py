import pytest
from rest_framework.authtoken.models import Token

from accounts.models import User
from artists.models import Artist
from tests.factories import ArtistFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
STRONG = "a-quiet-kiln-at-dawn"


def buyer_payload(**overrides):
    return {
        "username": "camille",
        "email": "camille@example.com",
        "password": STRONG,
        "language": "fr",
        "role": "buyer",
        **overrides,
    }


class TestRegister:
    def test_creates_a_buyer_and_answers_201_with_the_user(self, api_client):
        response = api_client.post(REGISTER, buyer_payload(), format="json")

        assert response.status_code == 201
        body = response.json()
        assert body["username"] == "camille"
        assert body["email"] == "camille@example.com"
        assert body["language"] == "fr"
        assert body["is_artist"] is False
        assert body["artist"] is None
        assert "password" not in body
        user = User.objects.get(username="camille")
        assert user.check_password(STRONG)
        assert user.language == "fr"

    def test_creates_an_artist_with_an_unapproved_shop_that_buyers_cannot_see(
        self, api_client
    ):
        response = api_client.post(
            REGISTER,
            buyer_payload(role="artist", shop_name="Terre & Feu"),
            format="json",
        )

        assert response.status_code == 201
        assert response.json()["is_artist"] is True
        assert response.json()["artist"] == "terre-feu"
        shop = Artist.objects.get(slug="terre-feu")
        assert shop.name == "Terre & Feu"
        assert shop.user.username == "camille"
        assert shop.approved_at is None
        assert not Artist.objects.visible().filter(pk=shop.pk).exists()

    def test_gives_a_second_shop_with_the_same_name_a_numbered_address(
        self, api_client
    ):
        ArtistFactory(name="Terre & Feu", slug="terre-feu")

        response = api_client.post(
            REGISTER,
            buyer_payload(role="artist", shop_name="Terre & Feu"),
            format="json",
        )

        assert response.status_code == 201
        assert response.json()["artist"] == "terre-feu-2"

    def test_requires_a_shop_name_for_an_artist(self, api_client):
        response = api_client.post(
            REGISTER, buyer_payload(role="artist"), format="json"
        )

        assert response.status_code == 400
        assert "shop_name" in response.json()
        assert not User.objects.filter(username="camille").exists()

    def test_refuses_a_taken_username_whatever_its_case_and_creates_nothing(
        self, api_client
    ):
        UserFactory(username="Camille", email="someone@example.com")

        response = api_client.post(
            REGISTER, buyer_payload(role="artist", shop_name="Kiln"), format="json"
        )

        assert response.status_code == 400
        assert list(response.json()) == ["username"]
        assert User.objects.count() == 1
        assert not Artist.objects.exists()

    def test_does_not_tell_that_an_email_is_taken(self, api_client):
        # Its owner is told by email (tests/accounts/test_signup_enumeration.py).
        UserFactory(username="someone", email="camille@example.com")

        response = api_client.post(
            REGISTER, buyer_payload(email="CAMILLE@Example.com"), format="json"
        )

        assert response.status_code == 201
        assert response.json()["username"] == "camille"
        assert User.objects.count() == 2

    @pytest.mark.parametrize(
        "password", ["12345678", "password", "short", "camille123"]
    )
    def test_refuses_a_weak_password(self, api_client, password):
        response = api_client.post(
            REGISTER, buyer_payload(password=password), format="json"
        )

        assert response.status_code == 400
        assert response.json()["password"]
        assert not User.objects.exists()

    def test_reports_every_bad_field_at_once(self, api_client):
        response = api_client.post(
            REGISTER,
            {
                "username": "bad name!",
                "email": "not-an-email",
                "password": STRONG,
                "language": "de",
            },
            format="json",
        )

        assert response.status_code == 400
        assert {"username", "email", "language"} <= set(response.json())
        assert not User.objects.exists()

    def test_works_without_csrf_for_a_browser_that_is_logged_in(self, buyer):
        from rest_framework.test import APIClient

        client = APIClient(enforce_csrf_checks=True)
        client.force_login(buyer)

        response = client.post(REGISTER, buyer_payload(), format="json")

        assert response.status_code == 201


class TestToken:
    def test_gives_a_token_that_authenticates_the_user(self, api_client, buyer):
        response = api_client.post(
            TOKEN,
            {"username": "buyer", "password": "correct-horse-battery"},
            format="json",
        )

        assert response.status_code == 200
        token = response.json()["token"]
        assert token == Token.objects.get(user=buyer).key
        me = api_client.get(ME, HTTP_AUTHORIZATION=f"Token {token}")
        assert me.status_code == 200
        assert me.json()["username"] == "buyer"

    def test_gives_the_same_token_twice(self, api_client, buyer):
        credentials = {"username": "buyer", "password": "correct-horse-battery"}

        first = api_client.post(TOKEN, credentials, format="json").json()["token"]
        second = api_client.post(TOKEN, credentials, format="json").json()["token"]

        assert first == second

    def test_answers_400_with_an_error_for_a_wrong_password(self, api_client, buyer):
        response = api_client.post(
            TOKEN, {"username": "buyer", "password": "wrong"}, format="json"
        )

        assert response.status_code == 400
        assert response.json()["non_field_errors"]
        assert not Token.objects.exists()

    def test_answers_400_with_field_errors_when_fields_are_missing(self, api_client):
        response = api_client.post(TOKEN, {}, format="json")

        assert response.status_code == 400
        assert set(response.json()) == {"username", "password"}

    def test_refuses_a_suspended_account(self, api_client, buyer):
        buyer.is_active = False
        buyer.save(update_fields=["is_active"])

        response = api_client.post(
            TOKEN,
            {"username": "buyer", "password": "correct-horse-battery"},
            format="json",
        )

        assert response.status_code == 400


class TestMe:
    def test_answers_401_with_a_www_authenticate_header_to_anonymous_callers(
        self, api_client
    ):
        response = api_client.get(ME)

        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Token"

    def test_answers_401_to_an_unknown_token(self, api_client):
        response = api_client.get(ME, HTTP_AUTHORIZATION="Token nope")

        assert response.status_code == 401

    def test_shows_the_user_with_their_shop(self, artist):
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(artist.user)

        body = client.get(ME).json()

        assert body == {
            "id": artist.user.pk,
            "username": "potter",
            "email": "potter@example.com",
            "first_name": "",
            "last_name": "",
            "language": "en",
            "is_artist": True,
            "artist": artist.slug,
            "is_staff": False,
            "pending_email": None,
        }

    def test_changes_the_language_and_answers_in_it(self, buyer_api, buyer):
        response = buyer_api.patch(ME, {"language": "fr"}, format="json")

        assert response.status_code == 200
        assert response.json()["language"] == "fr"
        buyer.refresh_from_db()
        assert buyer.language == "fr"

    def test_changes_names_at_once_and_email_once_confirmed(self, buyer_api, buyer):
        response = buyer_api.patch(
            ME,
            {
                "email": "new@example.com",
                "current_password": "correct-horse-battery",
                "first_name": "Jo",
                "last_name": "March",
            },
            format="json",
        )

        assert response.status_code == 200
        assert response.json()["pending_email"] == "new@example.com"
        buyer.refresh_from_db()
        assert (buyer.email, buyer.first_name, buyer.last_name) == (
            "buyer@example.com",
            "Jo",
            "March",
        )

    def test_refuses_an_email_used_by_another_account_and_changes_nothing(
        self, buyer_api, buyer
    ):
        UserFactory(username="other", email="other@example.com")

        response = buyer_api.patch(
            ME,
            {
                "email": "Other@example.com",
                "current_password": "correct-horse-battery",
                "language": "fr",
            },
            format="json",
        )

        assert response.status_code == 400
        assert list(response.json()) == ["email"]
        buyer.refresh_from_db()
        assert (buyer.email, buyer.language) == ("buyer@example.com", "en")

    def test_refuses_an_unknown_language(self, buyer_api, buyer):
        response = buyer_api.patch(ME, {"language": "de"}, format="json")

        assert response.status_code == 400
        assert "language" in response.json()

    def test_ignores_fields_a_user_may_not_change(self, buyer_api, buyer):
        response = buyer_api.patch(
            ME, {"is_staff": True, "username": "boss"}, format="json"
        )

        assert response.status_code == 200
        buyer.refresh_from_db()
        assert (buyer.is_staff, buyer.username) == (False, "buyer")

    def test_does_not_accept_put(self, buyer_api):
        response = buyer_api.put(ME, {"language": "fr"}, format="json")

        assert response.status_code == 405
