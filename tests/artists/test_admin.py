import pytest

from artists.models import Artist
from tests.factories import ArtistFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory(username="support", is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.staff = staff
    return client


class TestApproveAction:
    def test_makes_the_selected_shops_visible_and_emails_their_artists(
        self, staff_client, django_capture_on_commit_callbacks, mailoutbox
    ):
        pending = ArtistFactory(
            approved_at=None,
            user=UserFactory(username="camille", email="camille@example.com"),
        )
        other_pending = ArtistFactory(approved_at=None)

        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                "/admin/artists/artist/",
                {"action": "approve_selected", "_selected_action": [pending.pk]},
                follow=True,
            )

        assert response.status_code == 200
        assert "1 shop approved" in response.content.decode()
        pending.refresh_from_db()
        assert pending.approved_by == staff_client.staff
        assert list(Artist.objects.visible()) == [pending]
        assert staff_client.get(f"/artists/{pending.slug}/").status_code == 200
        assert [email.to for email in mailoutbox] == [["camille@example.com"]]
        other_pending.refresh_from_db()
        assert other_pending.approved_at is None

    def test_does_not_email_a_shop_approved_already(
        self, staff_client, artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(
                "/admin/artists/artist/",
                {"action": "approve_selected", "_selected_action": [artist.pk]},
            )

        assert mailoutbox == []


class TestAdminPages:
    def test_search_and_filter_shops(self, staff_client, artist):
        pending = ArtistFactory(approved_at=None, name="Pending workshop")

        by_email = staff_client.get("/admin/artists/artist/", {"q": artist.user.email})
        awaiting = staff_client.get("/admin/artists/artist/", {"approved": "no"})

        assert list(by_email.context["cl"].result_list) == [artist]
        assert list(awaiting.context["cl"].result_list) == [pending]

    def test_item_and_alert_pages_open(self, staff_client, variant):
        assert (
            staff_client.get(
                f"/admin/artists/item/{variant.item.pk}/change/"
            ).status_code
            == 200
        )
        assert (
            staff_client.get(
                "/admin/artists/item/", {"q": variant.item.artist.name}
            ).status_code
            == 200
        )
        assert staff_client.get("/admin/artists/stockalert/").status_code == 200
