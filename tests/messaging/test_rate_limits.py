"""Login lockout (django-axes) and the message burst limit (django-ratelimit),
each answering with a clear error."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from messaging import services
from messaging.models import Message

from .conftest import api_as

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


class TestLoginLockout:
    def test_five_failures_lock_the_login_page_with_a_clear_error(self, client, buyer):
        login = reverse("accounts:login")
        for _attempt in range(4):
            response = client.post(login, {"username": "buyer", "password": "wrong"})
            assert response.status_code == 200

        locked = client.post(login, {"username": "buyer", "password": "wrong"})
        right_password = client.post(login, {"username": "buyer", "password": PASSWORD})

        assert locked.status_code == 429
        assert "Too many failed login attempts" in locked.content.decode()
        assert right_password.status_code == 429
        assert "Too many failed login attempts" in right_password.content.decode()
        assert 'name="username"' in right_password.content.decode()
        assert "_auth_user_id" not in client.session

    def test_the_lockout_is_per_username_and_address(self, client, buyer, artist):
        login = reverse("accounts:login")
        for _attempt in range(5):
            client.post(login, {"username": "buyer", "password": "wrong"})

        other_user = client.post(login, {"username": "potter", "password": PASSWORD})
        other_address = client.post(
            login, {"username": "buyer", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
        )

        assert other_user.status_code == 302
        assert other_address.status_code == 302

    def test_the_lockout_ends_after_the_cool_off(self, client, buyer, settings):
        from datetime import timedelta

        from axes.models import AccessAttempt

        login = reverse("accounts:login")
        for _attempt in range(5):
            client.post(login, {"username": "buyer", "password": "wrong"})
        AccessAttempt.objects.update(
            attempt_time=AccessAttempt.objects.first().attempt_time
            - timedelta(minutes=16)
        )

        response = client.post(login, {"username": "buyer", "password": PASSWORD})

        assert response.status_code == 302

    def test_the_token_endpoint_answers_429_with_a_detail(self, buyer):
        client = APIClient()
        url = "/api/v1/auth/token/"
        for _attempt in range(4):
            assert (
                client.post(url, {"username": "buyer", "password": "wrong"}).status_code
                == 400
            )

        locked = client.post(url, {"username": "buyer", "password": "wrong"})
        right_password = client.post(url, {"username": "buyer", "password": PASSWORD})

        assert locked.status_code == 429
        assert "Too many failed login attempts" in locked.json()["detail"]
        assert right_password.status_code == 429
        assert "token" not in right_password.json()

    def test_a_successful_login_before_the_limit_starts_the_count_again(
        self, client, buyer
    ):
        login = reverse("accounts:login")
        for _attempt in range(4):
            client.post(login, {"username": "buyer", "password": "wrong"})
        assert (
            client.post(login, {"username": "buyer", "password": PASSWORD}).status_code
            == 302
        )
        client.post(reverse("accounts:logout"))

        for _attempt in range(4):
            client.post(login, {"username": "buyer", "password": "wrong"})

        assert (
            client.post(login, {"username": "buyer", "password": PASSWORD}).status_code
            == 302
        )


class TestMessageBurstLimit:
    def test_the_eleventh_message_in_a_minute_is_a_429_with_a_detail(
        self, buyer, artist
    ):
        thread = services.thread_start(buyer=buyer, artist=artist, body="Start")
        client = api_as(buyer)
        url = f"/api/v1/threads/{thread.pk}/messages/"
        for number in range(10):
            assert client.post(url, {"body": f"Message {number}"}).status_code == 201

        refused = client.post(url, {"body": "One too many"})

        assert refused.status_code == 429
        assert "too fast" in refused.json()["detail"]
        assert refused.has_header("Retry-After")
        assert not Message.objects.filter(body="One too many").exists()

    def test_the_limit_is_per_user(self, buyer, artist):
        thread = services.thread_start(buyer=buyer, artist=artist, body="Start")
        url = f"/api/v1/threads/{thread.pk}/messages/"
        buyer_api = api_as(buyer)
        for number in range(11):
            buyer_api.post(url, {"body": f"Message {number}"})

        answer = api_as(artist.user).post(url, {"body": "Calm down"})

        assert answer.status_code == 201

    def test_the_page_shows_a_form_error_and_keeps_the_text(
        self, client, settings, buyer, artist
    ):
        settings.MESSAGE_BURST_RATE = "2/m"
        thread = services.thread_start(buyer=buyer, artist=artist, body="Start")
        client.force_login(buyer)
        for number in range(2):
            assert (
                client.post(
                    thread.get_absolute_url(), {"body": f"N{number}"}
                ).status_code
                == 302
            )

        refused = client.post(thread.get_absolute_url(), {"body": "Please answer"})

        assert refused.status_code == 400
        html = refused.content.decode()
        assert "You are sending messages too fast" in html
        assert "Please answer</textarea>" in html
        assert thread.messages.count() == 3

    def test_starting_threads_counts_too(self, settings, buyer, artist, other_artist):
        settings.MESSAGE_BURST_RATE = "1/m"
        client = api_as(buyer)
        assert (
            client.post(
                "/api/v1/threads/", {"artist": artist.slug, "body": "A"}
            ).status_code
            == 201
        )

        refused = client.post(
            "/api/v1/threads/", {"artist": other_artist.slug, "body": "B"}
        )

        assert refused.status_code == 429
        assert not Message.objects.filter(body="B").exists()
