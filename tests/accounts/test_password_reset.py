import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from marketplace.notifications.models import Notification

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-glaze-42"


def ask_for_reset(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:password_reset"), {"email": email})


class TestPasswordReset:
    def test_sends_the_link_through_the_outbox_in_the_users_language(
        self,
        client,
        french_buyer,
        mailoutbox,
        django_capture_on_commit_callbacks,
        settings,
    ):
        settings.SITE_URL = "https://atelier.example"

        response = ask_for_reset(
            client, "ACHETEUSE@example.com", django_capture_on_commit_callbacks
        )

        assert response.status_code == 302
        assert response.url == reverse("accounts:password_reset_done")
        notification = Notification.objects.get(event="password_reset")
        assert notification.recipient == french_buyer
        assert notification.language == "fr"
        assert notification.status == "sent"
        assert len(mailoutbox) == 1
        email = mailoutbox[0]
        assert email.to == ["acheteuse@example.com"]
        assert re.search(
            r"https://atelier\.example/accounts/password/reset/[^/\s]+/[^/\s]+/",
            email.body,
        )
        assert (
            "https://atelier.example/accounts/password/reset/"
            in email.alternatives[0][0]
        )

    def test_the_link_lets_the_user_choose_a_new_password_once(
        self, client, buyer, mailoutbox, django_capture_on_commit_callbacks, settings
    ):
        ask_for_reset(client, "buyer@example.com", django_capture_on_commit_callbacks)
        link = re.search(
            r"https?://\S+/accounts/password/reset/\S+/", mailoutbox[0].body
        ).group(0)
        path = link.removeprefix(settings.SITE_URL.rstrip("/"))

        form_page = client.get(path, follow=True)
        set_password_url = form_page.redirect_chain[-1][0]
        done = client.post(
            set_password_url,
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        again = client.get(path, follow=True)

        assert form_page.context["validlink"] is True
        assert done.status_code == 302
        assert done.url == reverse("accounts:password_reset_complete")
        buyer.refresh_from_db()
        assert buyer.check_password(NEW_PASSWORD)
        assert again.context["validlink"] is False
        client.logout()
        login = client.post(
            reverse("accounts:login"), {"username": "buyer", "password": NEW_PASSWORD}
        )
        assert login.status_code == 302
        assert client.session[SESSION_KEY] == str(buyer.pk)

    def test_says_the_same_and_sends_nothing_for_an_unknown_email(
        self, client, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        response = ask_for_reset(
            client, "nobody@example.com", django_capture_on_commit_callbacks
        )

        assert response.status_code == 302
        assert response.url == reverse("accounts:password_reset_done")
        assert not Notification.objects.exists()
        assert mailoutbox == []

    def test_pages_of_the_flow_render(self, client, buyer):
        for name in (
            "password_reset",
            "password_reset_done",
            "password_reset_complete",
        ):
            assert client.get(reverse(f"accounts:{name}")).status_code == 200

    def test_a_logged_in_user_can_change_their_password(self, client, buyer):
        client.force_login(buyer)

        response = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": "correct-horse-battery",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

        assert response.status_code == 302
        assert response.url == reverse("accounts:home")
        buyer.refresh_from_db()
        assert buyer.check_password(NEW_PASSWORD)
