"""Abuse the per-account login lockout does not cover, from one address:
password spraying, password-reset floods and sign-up floods (issue 19),
through the login, reset and sign-up pages and the API."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from marketplace.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
STRONG = "a-quiet-kiln-at-dawn"
TOKEN = "/api/v1/auth/token/"
REGISTER = "/api/v1/auth/register/"
LOCKED = "Too many failed login attempts"


@pytest.fixture
def ten_accounts(db):
    return [UserFactory(username=f"member{n}") for n in range(10)]


def spray(post, accounts, attempts: int) -> list:
    """``attempts`` wrong passwords, round-robin over ``accounts``."""
    return [
        post(accounts[n % len(accounts)].username, "wrong-guess")
        for n in range(attempts)
    ]


class TestPasswordSpraying:
    def test_forty_failures_across_ten_accounts_lock_the_address_on_the_page(
        self, client, ten_accounts
    ):
        login = reverse("accounts:login")

        answers = spray(
            lambda name, password: client.post(
                login, {"username": name, "password": password}
            ),
            ten_accounts,
            40,
        )
        right_password = client.post(
            login, {"username": "member9", "password": PASSWORD}
        )

        statuses = [answer.status_code for answer in answers]
        assert statuses[:19] == [200] * 19
        assert statuses[19:] == [429] * 21
        assert LOCKED in answers[-1].content.decode()
        assert right_password.status_code == 429
        assert LOCKED in right_password.content.decode()
        assert SESSION_KEY not in client.session

    def test_the_token_endpoint_locks_the_address_with_a_429(self, ten_accounts):
        api = APIClient()

        answers = spray(
            lambda name, password: api.post(
                TOKEN, {"username": name, "password": password}
            ),
            ten_accounts,
            40,
        )
        right_password = api.post(TOKEN, {"username": "member0", "password": PASSWORD})

        statuses = [answer.status_code for answer in answers]
        assert statuses[:19] == [400] * 19
        assert statuses[19:] == [429] * 21
        assert right_password.status_code == 429
        assert LOCKED in right_password.json()["detail"]
        assert "token" not in right_password.json()

    def test_page_and_api_failures_add_up_and_other_addresses_log_in(
        self, client, ten_accounts
    ):
        login = reverse("accounts:login")
        api = APIClient()
        spray(
            lambda name, password: client.post(
                login, {"username": name, "password": password}
            ),
            ten_accounts,
            10,
        )
        spray(
            lambda name, password: api.post(
                TOKEN, {"username": name, "password": password}
            ),
            ten_accounts,
            10,
        )

        here = api.post(TOKEN, {"username": "member3", "password": PASSWORD})
        elsewhere = client.post(
            login,
            {"username": "member3", "password": PASSWORD},
            REMOTE_ADDR="10.9.8.7",
        )

        assert here.status_code == 429
        assert elsewhere.status_code == 302

    def test_an_office_whose_people_mistype_then_log_in_is_not_locked(
        self, client, ten_accounts
    ):
        """One address, ten people who each mistype four times and then get
        it right: their successes wipe their own failures."""
        login = reverse("accounts:login")
        for member in ten_accounts:
            for _attempt in range(4):
                assert (
                    client.post(
                        login, {"username": member.username, "password": "typo"}
                    ).status_code
                    == 200
                )
            assert (
                client.post(
                    login, {"username": member.username, "password": PASSWORD}
                ).status_code
                == 302
            )
            client.post(reverse("accounts:logout"))

        assert (
            client.post(
                login, {"username": "member0", "password": PASSWORD}
            ).status_code
            == 302
        )

    def test_the_address_lockout_ends_after_the_cool_off(self, client, ten_accounts):
        login = reverse("accounts:login")
        spray(
            lambda name, password: client.post(
                login, {"username": name, "password": password}
            ),
            ten_accounts,
            20,
        )
        AccessAttempt.objects.update(
            attempt_time=AccessAttempt.objects.first().attempt_time
            - timedelta(minutes=16)
        )

        response = client.post(login, {"username": "member1", "password": PASSWORD})

        assert response.status_code == 302


def ask_for_reset(client, email, capture, **extra):
    with capture(execute=True):
        return client.post(
            reverse("accounts:password_reset"), {"email": email}, **extra
        )


class TestPasswordResetFlood:
    def test_eight_requests_for_one_victim_send_three_emails_and_look_the_same(
        self, client, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        answers = [
            # From eight addresses: the limit per victim holds on its own.
            ask_for_reset(
                client,
                "buyer@example.com",
                django_capture_on_commit_callbacks,
                REMOTE_ADDR=f"10.0.0.{n}",
            )
            for n in range(8)
        ]

        assert {(a.status_code, a.url) for a in answers} == {
            (302, reverse("accounts:password_reset_done"))
        }
        assert len(mailoutbox) == 3
        assert Notification.objects.filter(event="password_reset").count() == 3
        done = client.get(reverse("accounts:password_reset_done"))
        assert done.status_code == 200

    def test_one_address_asking_for_many_victims_sends_ten_emails(
        self, client, mailoutbox, django_capture_on_commit_callbacks
    ):
        for n in range(12):
            UserFactory(username=f"victim{n}")

        answers = [
            ask_for_reset(
                client, f"victim{n}@example.com", django_capture_on_commit_callbacks
            )
            for n in range(12)
        ]

        assert {a.status_code for a in answers} == {302}
        assert len(mailoutbox) == 10
        assert {m.to[0] for m in mailoutbox} == {
            f"victim{n}@example.com" for n in range(10)
        }

    def test_other_people_can_still_reset_from_elsewhere(
        self,
        client,
        buyer,
        french_buyer,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        for _attempt in range(8):
            ask_for_reset(
                client, "buyer@example.com", django_capture_on_commit_callbacks
            )

        ask_for_reset(
            client,
            "acheteuse@example.com",
            django_capture_on_commit_callbacks,
            REMOTE_ADDR="10.7.7.7",
        )

        assert [m.to[0] for m in mailoutbox].count("acheteuse@example.com") == 1


def register(api, n: int, **extra):
    return api.post(
        REGISTER,
        {
            "username": f"newcomer{n}",
            "email": f"newcomer{n}@example.com",
            "password": STRONG,
            "language": "en",
            "role": "buyer",
        },
        format="json",
        **extra,
    )


def signup_form(n: int) -> dict:
    return {
        "username": f"walkin{n}",
        "email": f"walkin{n}@example.com",
        "password1": STRONG,
        "password2": STRONG,
        "language": "en",
        "role": "buyer",
        "shop_name": "",
    }


class TestSignupFlood:
    def test_thirty_api_sign_ups_from_one_address_create_ten_then_429(self):
        api = APIClient()

        answers = [register(api, n) for n in range(30)]

        statuses = [answer.status_code for answer in answers]
        assert statuses == [201] * 10 + [429] * 20
        refused = answers[-1]
        assert 0 < int(refused["Retry-After"]) <= 3600
        assert (
            "Too many accounts were created from your connection"
            in (refused.json()["detail"])
        )
        assert User.objects.count() == 10

    def test_the_sign_up_page_answers_with_a_form_error_once_the_address_is_spent(
        self, client
    ):
        signup = reverse("accounts:signup")
        for n in range(10):
            assert client.post(signup, signup_form(n)).status_code == 302
            client.post(reverse("accounts:logout"))

        refused = client.post(signup, signup_form(10))

        assert refused.status_code == 429
        assert refused.context["form"].non_field_errors() == [
            "Too many accounts were created from your connection. "
            "Please try again in 60 minutes."
        ]
        assert "Too many accounts were created" in refused.content.decode()
        assert not User.objects.filter(username="walkin10").exists()
        assert SESSION_KEY not in client.session

    def test_the_page_and_the_api_share_one_count_per_address(self, client):
        api = APIClient()
        for n in range(10):
            assert register(api, n).status_code == 201

        page = client.post(reverse("accounts:signup"), signup_form(0))
        elsewhere = register(api, 99, REMOTE_ADDR="10.5.5.5")

        assert page.status_code == 429
        assert elsewhere.status_code == 201

    def test_a_form_with_mistakes_does_not_use_up_the_page_count(self, client):
        signup = reverse("accounts:signup")
        for _attempt in range(12):
            client.post(signup, {**signup_form(0), "password2": "other"})

        assert client.post(signup, signup_form(0)).status_code == 302


class TestCacheDown:
    def test_sign_ups_and_resets_go_on_when_the_cache_is_down(
        self, client, buyer, settings, mailoutbox, django_capture_on_commit_callbacks
    ):
        """The limits count in the cache: without it they let requests
        through rather than refuse everyone."""
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6399/0",  # nothing listens
            }
        }

        registered = register(APIClient(), 1)
        reset = ask_for_reset(
            client, "buyer@example.com", django_capture_on_commit_callbacks
        )
        page = client.post(reverse("accounts:signup"), signup_form(1))

        assert registered.status_code == 201
        assert reset.status_code == 302
        assert len(mailoutbox) == 1
        assert page.status_code == 302
