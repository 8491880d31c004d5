"""Signing up does not tell whether an email already has an account (issue
19): the page and the API answer as for a new address, and the address's
owner is told by email."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from marketplace.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "a-quiet-kiln-at-dawn"
REGISTER = "/api/v1/auth/register/"
ALREADY = "already exists"


def signup_form(username: str, email: str) -> dict:
    return {
        "username": username,
        "email": email,
        "password1": STRONG,
        "password2": STRONG,
        "language": "en",
        "role": "buyer",
        "shop_name": "",
    }


def sign_up_on_the_page(client, username, email, capture):
    with capture(execute=True):
        response = client.post(reverse("accounts:signup"), signup_form(username, email))
    return response, [str(m) for m in get_messages(response.wsgi_request)]


def register(username, email, capture, **extra):
    with capture(execute=True):
        return APIClient().post(
            REGISTER,
            {
                "username": username,
                "email": email,
                "password": STRONG,
                "language": "en",
                "role": "buyer",
            },
            format="json",
            **extra,
        )


class TestSignupPage:
    def test_a_known_email_gets_the_same_answer_as_a_new_one(
        self, client, django_capture_on_commit_callbacks
    ):
        UserFactory(username="claire", email="claire@example.com", language="fr")

        new, new_messages = sign_up_on_the_page(
            Client(),
            "newcomer",
            "fresh@example.com",
            django_capture_on_commit_callbacks,
        )
        known, known_messages = sign_up_on_the_page(
            client, "impostor", "CLAIRE@example.com", django_capture_on_commit_callbacks
        )

        assert (new.status_code, new.url) == (known.status_code, known.url)
        assert new_messages == known_messages == ["Welcome! Your account is ready."]
        assert client.session[SESSION_KEY] == str(
            User.objects.get(username="impostor").pk
        )
        assert ALREADY not in known.content.decode()

    def test_the_owner_of_the_address_is_told_in_their_language(
        self, client, mailoutbox, django_capture_on_commit_callbacks, settings
    ):
        settings.SITE_URL = "https://atelier.example"
        UserFactory(username="claire", email="claire@example.com", language="fr")

        sign_up_on_the_page(
            client, "impostor", "Claire@Example.com", django_capture_on_commit_callbacks
        )

        notice = Notification.objects.get(event="signup_existing_email")
        assert notice.recipient.username == "claire"
        assert notice.language == "fr"
        [email] = mailoutbox
        assert email.to == ["claire@example.com"]
        assert "impostor" in email.body and "claire" in email.body
        assert "https://atelier.example/accounts/login/" in email.body
        assert "https://atelier.example/accounts/password/reset/" in email.body
        assert "&#x27;" not in email.subject and "&quot;" not in email.subject

    def test_a_new_address_sends_no_email(
        self, client, mailoutbox, django_capture_on_commit_callbacks
    ):
        UserFactory(username="claire", email="claire@example.com")

        sign_up_on_the_page(
            client, "newcomer", "fresh@example.com", django_capture_on_commit_callbacks
        )

        assert mailoutbox == []
        assert not Notification.objects.exists()

    def test_a_form_with_errors_tells_nothing_about_the_email_and_sends_nothing(
        self, client, mailoutbox, django_capture_on_commit_callbacks
    ):
        UserFactory(username="claire", email="claire@example.com")

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:signup"),
                {**signup_form("impostor", "claire@example.com"), "password2": "x"},
            )

        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"password2"}
        assert mailoutbox == []


class TestRegisterApi:
    def test_a_known_email_gets_201_with_the_user_like_a_new_one(
        self, django_capture_on_commit_callbacks
    ):
        UserFactory(username="claire", email="claire@example.com")

        new = register(
            "newcomer", "fresh@example.com", django_capture_on_commit_callbacks
        )
        known = register(
            "impostor",
            "CLAIRE@example.com",
            django_capture_on_commit_callbacks,
            REMOTE_ADDR="10.1.1.1",
        )

        assert new.status_code == known.status_code == 201
        assert set(new.json()) == set(known.json())
        assert known.json()["username"] == "impostor"
        assert known.json()["email"] == "CLAIRE@example.com"
        assert Notification.objects.get(
            event="signup_existing_email"
        ).recipient.username == ("claire")

    def test_the_owner_gets_at_most_three_notices_an_hour(
        self, mailoutbox, django_capture_on_commit_callbacks
    ):
        UserFactory(username="claire", email="claire@example.com")

        answers = [
            register(
                f"impostor{n}",
                "claire@example.com",
                django_capture_on_commit_callbacks,
                REMOTE_ADDR=f"10.2.2.{n}",
            )
            for n in range(5)
        ]

        assert {answer.status_code for answer in answers} == {201}
        assert len(mailoutbox) == 3
