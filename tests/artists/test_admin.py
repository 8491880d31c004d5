import pytest
from django.contrib.admin.models import LogEntry

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


class TestApproveButton:
    def test_a_shop_awaiting_approval_has_an_approve_button_that_approves_it(
        self, staff_client, django_capture_on_commit_callbacks, mailoutbox
    ):
        pending = ArtistFactory(
            approved_at=None,
            user=UserFactory(username="camille", email="camille@example.com"),
        )
        approve = f"/admin/artists/artist/{pending.pk}/do/approve/"

        page = staff_client.get(f"/admin/artists/artist/{pending.pk}/change/")
        confirm = staff_client.get(approve)
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(approve, follow=True)

        html = page.content.decode()
        assert f'href="{approve}"' in html and 'data-transition="approve"' in html
        assert 'name="_save"' in html  # the shop's page stays editable
        assert confirm.status_code == 200
        assert "approved" in response.content.decode()
        pending.refresh_from_db()
        assert pending.approved_by == staff_client.staff
        assert [email.to for email in mailoutbox] == [["camille@example.com"]]
        assert (
            LogEntry.objects.get(object_id=str(pending.pk)).user == staff_client.staff
        )

    def test_an_approved_shop_has_none(self, staff_client, artist):
        page = staff_client.get(f"/admin/artists/artist/{artist.pk}/change/")

        assert 'data-transition="approve"' not in page.content.decode()
        assert (
            staff_client.post(
                f"/admin/artists/artist/{artist.pk}/do/approve/"
            ).status_code
            == 302
        )


class TestShopAddress:
    def test_the_list_shows_the_public_address_under_a_clear_label(
        self, staff_client, artist
    ):
        html = staff_client.get("/admin/artists/artist/").content.decode()

        assert "Shop address (URL)" in html
        assert f'<a href="/artists/{artist.slug}/">/artists/{artist.slug}/</a>' in html
        assert ">Address<" not in html

    def test_the_shop_page_labels_the_slug_as_the_shop_address(
        self, staff_client, artist
    ):
        html = staff_client.get(
            f"/admin/artists/artist/{artist.pk}/change/"
        ).content.decode()

        assert "Shop address (URL):" in html
