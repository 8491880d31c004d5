"""Staff approving a shop through the API: the shop becomes visible and its
artist is emailed; refused to anyone else."""

import pytest

from artists.models import Artist
from tests.factories import ArtistFactory, UserFactory

from .helpers import client_for

pytestmark = pytest.mark.django_db


class TestStaffApprove:
    def test_makes_the_shop_visible_and_emails_the_artist(
        self, api_client, django_capture_on_commit_callbacks, mailoutbox
    ):
        staff = UserFactory(username="staff", is_staff=True)
        pending = ArtistFactory(
            approved_at=None,
            name="Terre & Feu",
            user=UserFactory(username="camille", email="camille@example.com"),
        )

        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(staff).post(
                f"/api/v1/staff/artists/{pending.slug}/approve/"
            )

        assert response.status_code == 200
        assert response.json()["is_approved"] is True
        pending.refresh_from_db()
        assert pending.approved_by == staff
        assert api_client.get(f"/api/v1/artists/{pending.slug}/").status_code == 200
        assert len(mailoutbox) == 1
        assert mailoutbox[0].to == ["camille@example.com"]
        assert "Terre & Feu" in mailoutbox[0].subject
        assert f"/artists/{pending.slug}/" in mailoutbox[0].body

    def test_is_refused_to_non_staff_and_unknown_shops_answer_404(self, buyer_api):
        pending = ArtistFactory(approved_at=None)
        staff = client_for(UserFactory(username="staff", is_staff=True))

        assert (
            buyer_api.post(f"/api/v1/staff/artists/{pending.slug}/approve/").status_code
            == 403
        )
        assert (
            staff.post("/api/v1/staff/artists/no-such-shop/approve/").status_code == 404
        )
        pending.refresh_from_db()
        assert pending.approved_at is None
        assert Artist.objects.visible().count() == 0
