"""A leaked API token stops working when its owner changes or resets the
password, or logs out of the API (issue 19, item 1)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.accounts.helpers import (
    LOGOUT,
    ME,
    NEW_PASSWORD,
    PASSWORD,
    link_path,
    token_client,
    token_of,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestPasswordChangeRevokesTokens:
    def test_a_change_on_the_account_page_revokes_the_token_and_keeps_this_session(
        self, client, buyer
    ):
        thief = token_client(token_of(buyer))
        other_browser = APIClient()
        other_browser.force_login(buyer)
        assert thief.get(ME).status_code == 200
        client.force_login(buyer)

        response = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

        assert response.status_code == 302
        assert thief.get(ME).status_code == 401
        assert not Token.objects.filter(user=buyer).exists()
        assert client.get(reverse("accounts:home")).status_code == 200
        assert other_browser.get(ME).status_code == 401  # its session ended

    def test_a_reset_from_the_emailed_link_revokes_the_token(
        self, client, buyer, mailoutbox, django_capture_on_commit_callbacks, settings
    ):
        thief = token_client(token_of(buyer))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("accounts:password_reset"), {"email": "buyer@example.com"}
            )
        path = link_path(
            mailoutbox[0].body, settings, r"/accounts/password/reset/\S+?/\S+?/"
        )
        set_password_url = client.get(path, follow=True).redirect_chain[-1][0]

        done = client.post(
            set_password_url,
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        assert done.status_code == 302
        assert thief.get(ME).status_code == 401

    def test_a_password_set_by_staff_in_the_admin_revokes_the_token(
        self, client, buyer
    ):
        thief = token_client(token_of(buyer))
        client.force_login(
            UserFactory(username="support", is_staff=True, is_superuser=True)
        )

        response = client.post(
            reverse("admin:auth_user_password_change", args=[buyer.pk]),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

        assert response.status_code == 302
        assert thief.get(ME).status_code == 401

    def test_the_new_password_gives_a_new_token_that_works(self, client, buyer):
        old_key = token_of(buyer)
        client.force_login(buyer)
        client.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

        new_key = token_of(buyer, NEW_PASSWORD)

        assert new_key != old_key
        assert token_client(new_key).get(ME).status_code == 200
        assert token_client(old_key).get(ME).status_code == 401

    def test_a_stronger_hash_made_at_login_is_not_a_change_and_keeps_the_token(
        self, buyer
    ):
        # Stored with a hasher that is not the preferred one: logging in
        # rewrites the hash (Django's upgrade), the password stays the same.
        buyer.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        buyer.save(update_fields=["password"])
        key = token_of(buyer)
        buyer.refresh_from_db()
        assert not buyer.password.startswith("pbkdf2_sha256$")

        assert token_client(key).get(ME).status_code == 200


class TestApiLogout:
    def test_revokes_the_token_presented(self, buyer):
        key = token_of(buyer)
        holder = token_client(key)

        response = holder.post(LOGOUT)

        assert response.status_code == 204
        assert holder.get(ME).status_code == 401
        assert not Token.objects.filter(key=key).exists()

    def test_logging_in_again_gives_a_new_token(self, buyer):
        old_key = token_of(buyer)
        token_client(old_key).post(LOGOUT)

        new_key = token_of(buyer)

        assert new_key != old_key
        assert token_client(new_key).get(ME).status_code == 200

    def test_ends_a_browser_session_calling_the_api(self, buyer):
        browser = APIClient(enforce_csrf_checks=False)
        browser.force_login(buyer)

        response = browser.post(LOGOUT)

        assert response.status_code == 204
        assert browser.get(ME).status_code == 401

    def test_answers_401_without_credentials(self, api_client):
        assert api_client.post(LOGOUT).status_code == 401

    def test_a_revoked_token_cannot_log_out_again(self, buyer):
        holder = token_client(token_of(buyer))
        holder.post(LOGOUT)

        assert holder.post(LOGOUT).status_code == 401

    def test_the_web_logout_still_logs_out(self, client, buyer):
        client.force_login(buyer)

        response = client.post(reverse("accounts:logout"))

        assert response.status_code == 302
        home = client.get(reverse("accounts:home"))
        assert home.status_code == 302
        assert reverse("accounts:login") in home.url
