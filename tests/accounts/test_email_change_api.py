"""Changing the email address through the API: the current password, a link
to the new address, a notice to the old one (issue 19, item 1)."""

import time
from types import SimpleNamespace

import pytest
from django.core import signing
from rest_framework.test import APIClient

from accounts.models import User
from marketplace.notifications.models import Notification
from tests.accounts.helpers import (
    ME,
    NEW_PASSWORD,
    PASSWORD,
    link_path,
    token_client,
    token_of,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONFIRM = "/api/v1/me/email/confirm/"
CANCEL = "/api/v1/me/email/cancel/"
LINK = r"/accounts/email/confirm/[^/\s]+/"


@pytest.fixture
def thief(buyer):
    """Someone holding the buyer's API token, and nothing else."""
    return token_client(token_of(buyer))


@pytest.fixture
def ask(thief, django_capture_on_commit_callbacks):
    """PATCH me/ with the token, the emails it causes sent."""

    def ask(client=thief, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.patch(ME, data, format="json")

    return ask


def mail_to(mailoutbox, address):
    return [m for m in mailoutbox if m.to == [address]]


def the_token(mailoutbox, settings, address="new@example.com"):
    (mail,) = mail_to(mailoutbox, address)
    path = link_path(mail.body, settings, LINK)
    return path.removeprefix("/accounts/email/confirm/").rstrip("/")


class TestRequest:
    def test_the_token_alone_cannot_change_the_email(self, ask, buyer, mailoutbox):
        response = ask(email="thief@example.com")

        assert response.status_code == 400
        assert list(response.json()) == ["current_password"]
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == ("buyer@example.com", "")
        assert not Notification.objects.filter(to_email="thief@example.com").exists()
        assert mailoutbox == []

    def test_a_wrong_password_changes_nothing(self, ask, buyer, mailoutbox):
        response = ask(
            email="thief@example.com", current_password="guess", language="fr"
        )

        assert response.status_code == 400
        assert "current_password" in response.json()
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email, buyer.language) == (
            "buyer@example.com",
            "",
            "en",
        )
        assert mailoutbox == []

    def test_the_password_cannot_be_guessed_with_the_token(
        self, ask, buyer, mailoutbox
    ):
        for guess in range(5):
            ask(email="thief@example.com", current_password=f"guess-{guess}")

        response = ask(email="thief@example.com", current_password=PASSWORD)

        assert response.status_code == 400
        assert "Too many wrong passwords" in response.json()["current_password"][0]
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == ("buyer@example.com", "")
        assert mailoutbox == []

    def test_with_the_password_it_waits_for_the_new_address_and_tells_the_old(
        self, ask, thief, buyer, mailoutbox, settings
    ):
        response = ask(email="new@example.com", current_password=PASSWORD)

        assert response.status_code == 200
        assert response.json()["email"] == "buyer@example.com"
        assert response.json()["pending_email"] == "new@example.com"
        assert thief.get(ME).json()["pending_email"] == "new@example.com"
        buyer.refresh_from_db()
        assert buyer.email == "buyer@example.com"
        (link,) = mail_to(mailoutbox, "new@example.com")
        assert link_path(link.body, settings, LINK)
        assert link_path(link.alternatives[0][0], settings, LINK)
        (notice,) = mail_to(mailoutbox, "buyer@example.com")
        assert "new@example.com" in notice.body
        assert "If it was not you" in notice.body
        assert settings.SITE_URL.rstrip("/") + "/accounts/password/reset/" in (
            notice.body
        )
        assert "/accounts/email/confirm/" not in notice.body

    def test_other_fields_keep_working_without_a_password(self, ask, buyer):
        response = ask(language="fr", first_name="Jo")

        assert response.status_code == 200
        buyer.refresh_from_db()
        assert (buyer.language, buyer.first_name) == ("fr", "Jo")

    def test_the_current_email_sent_back_needs_no_password(self, ask, buyer):
        response = ask(email="buyer@example.com", language="fr")

        assert response.status_code == 200
        buyer.refresh_from_db()
        assert (buyer.email, buyer.language) == ("buyer@example.com", "fr")

    def test_emails_go_out_in_the_users_language(
        self, french_buyer, django_capture_on_commit_callbacks, mailoutbox
    ):
        client = token_client(token_of(french_buyer))
        with django_capture_on_commit_callbacks(execute=True):
            client.patch(
                ME,
                {"email": "nouvelle@example.com", "current_password": PASSWORD},
                format="json",
            )

        assert {m.to[0] for m in mailoutbox} == {
            "nouvelle@example.com",
            "acheteuse@example.com",
        }
        assert set(
            Notification.objects.filter(recipient=french_buyer).values_list(
                "language", flat=True
            )
        ) == {"fr"}


class TestConfirm:
    def test_the_email_changes_only_when_the_link_is_used(
        self,
        ask,
        thief,
        buyer,
        mailoutbox,
        settings,
        django_capture_on_commit_callbacks,
    ):
        ask(email="new@example.com", current_password=PASSWORD)
        token = the_token(mailoutbox, settings)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            response = thief.post(CONFIRM, {"token": token}, format="json")

        assert response.status_code == 200
        assert response.json()["email"] == "new@example.com"
        assert response.json()["pending_email"] is None
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == ("new@example.com", "")
        (changed,) = mailoutbox
        assert changed.to == ["buyer@example.com"]
        assert "is now new@example.com" in changed.body

    def test_a_used_link_does_not_work_again(
        self, ask, thief, buyer, mailoutbox, settings
    ):
        ask(email="new@example.com", current_password=PASSWORD)
        token = the_token(mailoutbox, settings)
        thief.post(CONFIRM, {"token": token}, format="json")

        response = thief.post(CONFIRM, {"token": token}, format="json")

        assert response.status_code == 400
        assert "already used" in response.json()["token"][0]
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == ("new@example.com", "")

    def test_an_expired_link_changes_nothing(
        self, ask, thief, buyer, mailoutbox, settings, monkeypatch
    ):
        ask(email="new@example.com", current_password=PASSWORD)
        token = the_token(mailoutbox, settings)
        later = time.time() + 4 * 24 * 3600
        monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))

        response = thief.post(CONFIRM, {"token": token}, format="json")

        assert response.status_code == 400
        assert "expired" in response.json()["token"][0]
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == (
            "buyer@example.com",
            "new@example.com",
        )

    def test_another_users_link_changes_nothing(self, ask, buyer, mailoutbox, settings):
        ask(email="new@example.com", current_password=PASSWORD)
        other = UserFactory(username="other")
        other_client = APIClient()
        other_client.force_authenticate(other)

        response = other_client.post(
            CONFIRM, {"token": the_token(mailoutbox, settings)}, format="json"
        )

        assert response.status_code == 400
        assert "another account" in response.json()["token"][0]
        other.refresh_from_db()
        buyer.refresh_from_db()
        assert other.email == "other@example.com"
        assert buyer.email == "buyer@example.com"

    def test_the_link_reveals_neither_address(self, ask, mailoutbox, settings):
        ask(email="new@example.com", current_password=PASSWORD)

        payload = signing.b64_decode(
            the_token(mailoutbox, settings).split(":")[0].encode()
        )

        assert b"@" not in payload

    def test_a_forged_link_changes_nothing(self, thief, buyer):
        forged = signing.dumps(
            {"user": buyer.pk, "email": "thief@example.com"}, salt="not-ours"
        )

        response = thief.post(CONFIRM, {"token": forged}, format="json")

        assert response.status_code == 400
        assert "not valid" in response.json()["token"][0]

    def test_a_newer_request_makes_the_older_link_stale(
        self, ask, thief, buyer, mailoutbox, settings
    ):
        ask(email="new@example.com", current_password=PASSWORD)
        first = the_token(mailoutbox, settings)
        ask(email="newer@example.com", current_password=PASSWORD)

        response = thief.post(CONFIRM, {"token": first}, format="json")

        assert response.status_code == 400
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == (
            "buyer@example.com",
            "newer@example.com",
        )

    def test_an_address_taken_meanwhile_is_refused(
        self, ask, thief, buyer, mailoutbox, settings
    ):
        ask(email="new@example.com", current_password=PASSWORD)
        UserFactory(username="quick", email="NEW@example.com")

        response = thief.post(
            CONFIRM, {"token": the_token(mailoutbox, settings)}, format="json"
        )

        assert response.status_code == 400
        assert list(response.json()) == ["email"]
        buyer.refresh_from_db()
        assert buyer.email == "buyer@example.com"


class TestCancel:
    def test_cancelling_makes_the_link_stale(
        self, ask, thief, buyer, mailoutbox, settings
    ):
        ask(email="new@example.com", current_password=PASSWORD)

        response = thief.post(CANCEL)
        confirm = thief.post(
            CONFIRM, {"token": the_token(mailoutbox, settings)}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["pending_email"] is None
        assert confirm.status_code == 400
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == ("buyer@example.com", "")

    def test_a_new_password_cancels_the_change(
        self, ask, client, buyer, mailoutbox, settings
    ):
        ask(email="new@example.com", current_password=PASSWORD)
        token = the_token(mailoutbox, settings)
        client.force_login(buyer)
        client.post(
            "/accounts/password/change/",
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

        response = client.post(f"/accounts/email/confirm/{token}/")

        assert response.status_code == 400
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == ("buyer@example.com", "")
        assert User.objects.get(pk=buyer.pk).check_password(NEW_PASSWORD)
