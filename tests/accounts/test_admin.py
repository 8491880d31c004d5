import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory(username="support", is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.staff = staff
    return client


class TestUserAdmin:
    def test_lists_users_with_their_language_and_finds_them_by_email(
        self, staff_client, french_buyer
    ):
        response = staff_client.get(
            reverse("admin:accounts_user_changelist"), {"q": "acheteuse@"}
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "acheteuse@example.com" in page
        assert "French" in page

    def test_edits_a_users_language(self, staff_client, buyer):
        response = staff_client.get(
            reverse("admin:accounts_user_change", args=[buyer.pk])
        )

        assert response.status_code == 200
        assert 'name="language"' in response.content.decode()
