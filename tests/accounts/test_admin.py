import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from rest_framework.authtoken.models import Token

from marketplace.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory(username="support", is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.staff = staff
    return client


class TestUserAdmin:
    def test_lists_users_with_their_language_and_finds_them_by_email(self, staff_client, french_buyer):
        response = staff_client.get(reverse("admin:accounts_user_changelist"), {"q": "acheteuse@"})

        page = response.content.decode()
        assert response.status_code == 200
        assert "acheteuse@example.com" in page
        assert "French" in page

    def test_edits_a_users_language(self, staff_client, buyer):
        response = staff_client.get(reverse("admin:accounts_user_change", args=[buyer.pk]))

        assert response.status_code == 200
        assert 'name="language"' in response.content.decode()

    def test_suspends_accounts_revokes_their_tokens_and_logs_who_did_it(self, staff_client, buyer):
        Token.objects.create(user=buyer)

        response = staff_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "suspend_accounts", "_selected_action": [buyer.pk]},
        )

        assert response.status_code == 302
        buyer.refresh_from_db()
        assert buyer.is_active is False
        assert not Token.objects.filter(user=buyer).exists()
        entry = LogEntry.objects.get(object_id=str(buyer.pk))
        assert entry.user == staff_client.staff
        assert "Suspended" in entry.change_message

    def test_does_not_let_staff_suspend_themselves(self, staff_client):
        staff_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "suspend_accounts", "_selected_action": [staff_client.staff.pk]},
        )

        assert User.objects.get(pk=staff_client.staff.pk).is_active is True

    def test_reactivates_a_suspended_account(self, staff_client, buyer):
        buyer.is_active = False
        buyer.save(update_fields=["is_active"])

        staff_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "reactivate_accounts", "_selected_action": [buyer.pk]},
        )

        buyer.refresh_from_db()
        assert buyer.is_active is True
        assert LogEntry.objects.filter(object_id=str(buyer.pk), change_message="Reactivated.").exists()
