"""Who may use the admin's transition buttons (not buyers, artists or
anonymous visitors, nor staff without the permission), and suspending a
user from the admin with a reason and its author."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

from .helpers import change_url, logged_in, transition_url

pytestmark = pytest.mark.django_db


class TestWhoMayUseTheAdmin:
    @pytest.mark.parametrize("who", ["anonymous", "buyer", "artist"])
    def test_non_staff_are_sent_to_the_login_and_change_nothing(
        self, twins, camille, who
    ):
        artist_order = twins[0]
        client = {
            "anonymous": Client(),
            "buyer": logged_in(camille),
            "artist": logged_in(artist_order.artist.user),
        }[who]

        for url in (
            change_url(artist_order),
            transition_url(artist_order, "refuse"),
            reverse("admin:escalations"),
            reverse("admin:index"),
        ):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
        response = client.post(
            transition_url(artist_order, "refuse"), {"reason": "Nope"}
        )
        assert response.status_code == 302
        artist_order.refresh_from_db()
        assert artist_order.state == "awaiting_acceptance"

    def test_staff_without_the_permission_see_no_button_and_may_not_run_one(
        self, twins
    ):
        from django.contrib.auth.models import Permission

        viewer = UserFactory(username="trainee", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_artistorder"))
        artist_order = twins[0]
        client = logged_in(viewer)

        page = client.get(change_url(artist_order))
        assert page.status_code == 200
        assert "data-transition" not in page.content.decode()
        assert (
            client.post(
                transition_url(artist_order, "refuse"), {"reason": "x"}
            ).status_code
            == 403
        )
        artist_order.refresh_from_db()
        assert artist_order.state == "awaiting_acceptance"


class TestSuspension:
    def test_suspending_from_the_user_page_asks_a_reason_and_records_its_author(
        self, potter, staff, staff_client
    ):
        from messaging.models import StaffAction

        user_page = staff_client.get(
            reverse("admin:accounts_user_change", args=[potter.user.pk])
        )
        suspend_url = reverse("admin:staff_user_suspend", args=[potter.user.pk])
        assert suspend_url in user_page.content.decode()
        assert (
            staff_client.post(suspend_url, {"reason": ""}).status_code == 200
        )  # reason required

        staff_client.post(suspend_url, {"reason": "Sells copies of others' work."})

        potter.user.refresh_from_db()
        assert potter.user.is_active is False
        action = StaffAction.objects.get(action="suspend")
        assert (action.by, action.reason) == (staff, "Sells copies of others' work.")
        assert LogEntry.objects.filter(
            user=staff, object_id=str(potter.user.pk)
        ).exists()
        assert not Client().login(username="potter", password="correct-horse-battery")

        staff_client.post(
            reverse("admin:staff_user_reinstate", args=[potter.user.pk]),
            {"reason": "Appeal accepted."},
        )
        potter.user.refresh_from_db()
        assert potter.user.is_active is True
        assert StaffAction.objects.filter(action="reinstate", by=staff).exists()
