import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import User
from artists.models import Artist
from tests.factories import ArtistFactory, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "a-quiet-kiln-at-dawn"


def signup_data(**overrides):
    return {
        "username": "camille",
        "email": "camille@example.com",
        "password1": STRONG,
        "password2": STRONG,
        "language": "en",
        "role": "buyer",
        "shop_name": "",
        **overrides,
    }


class TestSignupPage:
    def test_shows_the_form_with_both_roles_and_the_shop_name(self, client):
        response = client.get(reverse("accounts:signup"))

        assert response.status_code == 200
        page = response.content.decode()
        assert 'name="username"' in page
        assert 'value="buyer"' in page and 'value="artist"' in page
        assert 'name="shop_name"' in page

    def test_signs_a_buyer_up_logs_them_in_and_sends_them_shopping(self, client):
        response = client.post(reverse("accounts:signup"), signup_data())

        assert response.status_code == 302
        assert response.url == reverse("catalog:home")
        user = User.objects.get(username="camille")
        assert not user.is_artist
        assert client.session[SESSION_KEY] == str(user.pk)

    def test_signs_an_artist_up_with_a_shop_awaiting_approval(self, client):
        response = client.post(
            reverse("accounts:signup"),
            signup_data(role="artist", shop_name="Les Tisserandes"),
        )

        assert response.status_code == 302
        assert response.url == reverse("dashboard:home")
        shop = Artist.objects.get(user__username="camille")
        assert shop.slug == "les-tisserandes"
        assert shop.approved_at is None
        assert not Artist.objects.visible().exists()

    def test_goes_to_a_safe_next_page_after_signing_up(self, client):
        response = client.post(
            reverse("accounts:signup") + "?next=/accounts/", signup_data()
        )

        assert response.url == "/accounts/"

    def test_ignores_a_next_page_on_another_site(self, client):
        response = client.post(
            reverse("accounts:signup"),
            {**signup_data(), "next": "https://evil.example/"},
        )

        assert response.url == reverse("catalog:home")

    def test_shows_field_errors_and_creates_nothing_for_bad_input(self, client):
        UserFactory(username="camille", email="taken@example.com")

        response = client.post(
            reverse("accounts:signup"),
            signup_data(
                email="taken@example.com", password2="something-else", role="artist"
            ),
        )

        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["password2"]
        assert form.errors["shop_name"]
        assert User.objects.count() == 1
        assert SESSION_KEY not in client.session

    def test_shows_the_service_errors_on_the_fields(self, client):
        UserFactory(username="Camille", email="taken@example.com")

        response = client.post(
            reverse("accounts:signup"),
            signup_data(
                email="TAKEN@example.com", password1="12345678", password2="12345678"
            ),
        )

        assert response.status_code == 200
        errors = response.context["form"].errors
        # A taken email is no error: that would tell who has an account.
        assert set(errors) == {"username", "password1"}
        assert "This username is already taken." in response.content.decode()
        assert "already exists" not in response.content.decode()
        assert User.objects.count() == 1


class TestLoginAndLogout:
    def test_logs_in_with_the_right_password(self, client, buyer):
        response = client.post(
            reverse("accounts:login"),
            {"username": "buyer", "password": "correct-horse-battery"},
        )

        assert response.status_code == 302
        assert response.url == reverse("accounts:home")
        assert client.session[SESSION_KEY] == str(buyer.pk)

    def test_an_artist_lands_on_the_seller_dashboard(self, client):
        shop = ArtistFactory(user=UserFactory(username="potter"))

        response = client.post(
            reverse("accounts:login"),
            {"username": "potter", "password": "correct-horse-battery"},
        )

        assert response.status_code == 302
        assert response.url == reverse("dashboard:home")
        assert client.session[SESSION_KEY] == str(shop.user.pk)

    def test_an_artist_goes_to_the_next_page_when_one_is_given(self, client):
        ArtistFactory(user=UserFactory(username="potter"))

        response = client.post(
            reverse("accounts:login") + "?next=/account/orders/",
            {"username": "potter", "password": "correct-horse-battery"},
        )

        assert response.url == "/account/orders/"

    def test_keeps_the_users_language_after_logging_out(self, client, french_buyer):
        client.post(
            reverse("accounts:login"),
            {"username": "acheteuse", "password": "correct-horse-battery"},
        )
        client.post(reverse("accounts:logout"))

        response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")

        assert response.headers["Content-Language"] == "fr"

    def test_shows_an_error_for_a_wrong_password(self, client, buyer):
        response = client.post(
            reverse("accounts:login"), {"username": "buyer", "password": "nope"}
        )

        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert SESSION_KEY not in client.session

    def test_shows_the_login_page(self, client):
        response = client.get(reverse("accounts:login"))

        assert response.status_code == 200
        assert 'name="password"' in response.content.decode()

    def test_logs_out_on_post_only(self, client, buyer):
        client.force_login(buyer)

        refused = client.get(reverse("accounts:logout"))
        response = client.post(reverse("accounts:logout"))

        assert refused.status_code == 405
        assert response.status_code == 302
        assert SESSION_KEY not in client.session


class TestAccountHome:
    def test_asks_anonymous_visitors_to_log_in(self, client):
        response = client.get(reverse("accounts:home"))

        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    def test_shows_the_profile(self, client, buyer):
        client.force_login(buyer)

        response = client.get(reverse("accounts:home"))

        page = response.content.decode()
        assert "buyer@example.com" in page
        assert "English" in page
        assert 'data-testid="shop-status"' not in page

    def test_tells_an_artist_their_shop_is_pending_approval(self, client):
        shop = ArtistFactory(approved_at=None, name="Verre Soufflé")
        client.force_login(shop.user)

        response = client.get(reverse("accounts:home"))

        page = response.content.decode()
        assert "Pending approval" in page
        assert shop.get_absolute_url() not in page
        assert reverse("dashboard:home") in page

    def test_links_an_approved_artist_to_their_public_shop_and_dashboard(
        self, client, artist
    ):
        client.force_login(artist.user)

        response = client.get(reverse("accounts:home"))

        page = response.content.decode()
        assert artist.get_absolute_url() in page
        assert reverse("dashboard:home") in page
        assert "Pending approval" not in page

    def test_changes_language_at_once_and_email_once_confirmed(self, client, buyer):
        client.force_login(buyer)

        response = client.post(
            reverse("accounts:home"),
            {
                "email": "new@example.com",
                "current_password": "correct-horse-battery",
                "language": "fr",
                "first_name": "",
                "last_name": "",
            },
            follow=True,
        )

        buyer.refresh_from_db()
        assert (buyer.email, buyer.language) == ("buyer@example.com", "fr")
        assert buyer.pending_email == "new@example.com"
        assert response.headers["Content-Language"] == "fr"
        assert '<html lang="fr">' in response.content.decode()

    def test_refuses_an_email_of_another_account(self, client, buyer):
        UserFactory(username="other", email="other@example.com")
        client.force_login(buyer)

        response = client.post(
            reverse("accounts:home"),
            {
                "email": "other@example.com",
                "current_password": "correct-horse-battery",
                "language": "fr",
                "first_name": "",
                "last_name": "",
            },
        )

        assert response.status_code == 200
        assert response.context["form"].errors["email"]
        buyer.refresh_from_db()
        assert (buyer.email, buyer.language) == ("buyer@example.com", "en")


class TestLanguage:
    def test_pages_follow_a_logged_in_users_preference_over_the_browser(
        self, client, french_buyer
    ):
        client.force_login(french_buyer)

        response = client.get(reverse("accounts:home"), HTTP_ACCEPT_LANGUAGE="en")

        assert response.headers["Content-Language"] == "fr"
        assert '<html lang="fr">' in response.content.decode()

    def test_api_answers_follow_the_users_preference(self, client, french_buyer):
        client.force_login(french_buyer)

        response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

        assert response.headers["Content-Language"] == "fr"

    def test_switcher_saves_the_preference_of_a_logged_in_user(self, client, buyer):
        client.force_login(buyer)

        response = client.post(
            reverse("accounts:set_language"), {"language": "fr", "next": "/accounts/"}
        )

        assert response.status_code == 302
        assert response.url == "/accounts/"
        buyer.refresh_from_db()
        assert buyer.language == "fr"
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
        page = client.get("/accounts/")
        assert page.headers["Content-Language"] == "fr"

    def test_switcher_sets_a_cookie_for_an_anonymous_visitor(self, client):
        response = client.post(
            reverse("accounts:set_language"),
            {"language": "fr", "next": "/accounts/login/"},
        )

        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
        page = client.get(reverse("accounts:login"))
        assert page.headers["Content-Language"] == "fr"
        assert '<html lang="fr">' in page.content.decode()

    def test_switcher_ignores_an_unknown_language_and_an_outside_next(
        self, client, buyer
    ):
        client.force_login(buyer)

        response = client.post(
            reverse("accounts:set_language"),
            {"language": "xx", "next": "https://evil.example/"},
        )

        assert response.url == "/"
        buyer.refresh_from_db()
        assert buyer.language == "en"

    def test_header_switcher_posts_to_the_saving_view(self, client):
        page = client.get(reverse("accounts:login")).content.decode()

        assert f'action="{reverse("accounts:set_language")}"' in page
