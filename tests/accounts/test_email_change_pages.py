"""Changing the email address on the account page: the current password, a
link to the new address, a notice to the old one (issue 19, item 1)."""

import pytest
from django.urls import reverse

from marketplace.notifications.models import Notification
from tests.accounts.helpers import PASSWORD, link_path
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = r"/accounts/email/confirm/[^/\s]+/"


@pytest.fixture
def owner(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def send(owner, django_capture_on_commit_callbacks):
    """Send the profile form, the emails it causes sent."""

    def send(client=owner, **fields):
        data = {"language": "en", "first_name": "", "last_name": "", **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:home"), data, follow=True)

    return send


def confirm_link(mailoutbox, settings) -> str:
    (mail,) = [m for m in mailoutbox if m.to == ["new@example.com"]]
    return link_path(mail.body, settings, LINK)


class TestAccountPage:
    def test_a_new_email_without_the_password_is_refused(self, send, buyer, mailoutbox):
        response = send(email="thief@example.com")

        assert response.status_code == 200
        assert response.context["form"].errors["current_password"]
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == ("buyer@example.com", "")
        assert not Notification.objects.exists()
        assert mailoutbox == []

    def test_a_wrong_password_is_refused(self, send, buyer, mailoutbox):
        response = send(email="thief@example.com", current_password="guess")

        assert "Your current password is not correct." in (response.content.decode())
        buyer.refresh_from_db()
        assert buyer.email == "buyer@example.com"
        assert mailoutbox == []

    def test_with_the_password_the_page_shows_the_address_waiting(
        self, send, buyer, mailoutbox
    ):
        response = send(email="new@example.com", current_password=PASSWORD)

        page = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("accounts:home")
        assert "We sent a link to new@example.com" in page
        assert 'data-testid="pending-email"' in page
        assert reverse("accounts:email_cancel") in page
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == (
            "buyer@example.com",
            "new@example.com",
        )
        assert sorted(m.to[0] for m in mailoutbox) == [
            "buyer@example.com",
            "new@example.com",
        ]

    def test_the_language_changes_without_a_password(self, send, buyer):
        response = send(email="buyer@example.com", language="fr")

        assert response.status_code == 200
        buyer.refresh_from_db()
        assert (buyer.email, buyer.language) == ("buyer@example.com", "fr")

    def test_the_cancel_button_makes_the_link_stale(
        self, send, owner, buyer, mailoutbox, settings
    ):
        send(email="new@example.com", current_password=PASSWORD)
        link = confirm_link(mailoutbox, settings)

        owner.post(reverse("accounts:email_cancel"))
        response = owner.post(link)

        assert response.status_code == 400
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == ("buyer@example.com", "")


class TestConfirmationLink:
    def test_opening_it_asks_to_confirm_and_confirming_changes_the_email(
        self,
        send,
        owner,
        buyer,
        mailoutbox,
        settings,
        django_capture_on_commit_callbacks,
    ):
        send(email="new@example.com", current_password=PASSWORD)
        link = confirm_link(mailoutbox, settings)
        mailoutbox.clear()

        shown = owner.get(link)
        buyer.refresh_from_db()
        email_after_opening = buyer.email
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = owner.post(link, follow=True)

        assert shown.status_code == 200
        assert "new@example.com" in shown.content.decode()
        assert email_after_opening == "buyer@example.com"
        assert "Your email address is now new@example.com." in (
            confirmed.content.decode()
        )
        buyer.refresh_from_db()
        assert (buyer.email, buyer.pending_email) == ("new@example.com", "")
        (notice,) = mailoutbox
        assert notice.to == ["buyer@example.com"]
        assert "has changed" in notice.subject

    def test_asks_an_anonymous_visitor_to_log_in_first(
        self, send, buyer, mailoutbox, settings, client
    ):
        send(email="new@example.com", current_password=PASSWORD)
        link = confirm_link(mailoutbox, settings)
        client.logout()

        response = client.post(link)

        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
        buyer.refresh_from_db()
        assert buyer.email == "buyer@example.com"

    def test_a_used_link_shows_why_and_changes_nothing(
        self, send, owner, buyer, mailoutbox, settings
    ):
        send(email="new@example.com", current_password=PASSWORD)
        link = confirm_link(mailoutbox, settings)
        owner.post(link)

        again = owner.get(link)

        assert again.status_code == 400
        assert "already used" in again.content.decode()
        buyer.refresh_from_db()
        assert buyer.email == "new@example.com"

    def test_another_account_cannot_use_it(
        self, send, buyer, mailoutbox, settings, client
    ):
        send(email="new@example.com", current_password=PASSWORD)
        link = confirm_link(mailoutbox, settings)
        other = UserFactory(username="other")
        client.force_login(other)

        response = client.post(link)

        assert response.status_code == 400
        assert "for another account" in response.content.decode()
        other.refresh_from_db()
        buyer.refresh_from_db()
        assert (other.email, buyer.email) == (
            "other@example.com",
            "buyer@example.com",
        )

    def test_a_damaged_link_shows_why(self, owner):
        response = owner.get(reverse("accounts:email_confirm", args=["abc:def"]))

        assert response.status_code == 400
        assert "not valid" in response.content.decode()


class TestAdmin:
    def test_staff_see_the_address_waiting_for_confirmation(self, send, client, buyer):
        send(email="new@example.com", current_password=PASSWORD)
        client.force_login(
            UserFactory(username="support", is_staff=True, is_superuser=True)
        )

        page = client.get(reverse("admin:accounts_user_change", args=[buyer.pk]))

        assert "new@example.com" in page.content.decode()
