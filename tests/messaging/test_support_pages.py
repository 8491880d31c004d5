"""The "Contact the marketplace team" pages: reachable from the account,
the seller dashboard, the order pages and the return pages (prefilled);
the thread opens on the usual thread page, for its opener and staff only."""

import pytest
from django.urls import reverse

from marketplace.notifications.models import Notification
from messaging.models import Thread
from messaging.services import support_thread_open
from tests.returns.factories import make_line, make_return

from .factories import make_artist_order, make_shop

pytestmark = pytest.mark.django_db

SUPPORT = reverse("messaging:support")


def support_link(html: str) -> str:
    start = html.index('data-testid="contact-support"')
    href = html.rindex('href="', 0, start) + len('href="')
    return html[href : html.index('"', href)].replace("&amp;", "&")


class TestBuyer:
    def test_from_the_account_to_a_thread_with_the_team(self, client, buyer, staff):
        client.force_login(buyer)
        account = client.get(reverse("accounts:home")).content.decode()
        url = support_link(account)

        form = client.get(url)
        sent = client.post(url, {"subject": "My account", "body": "How do I…?"})

        assert url == SUPPORT
        assert "Contact the marketplace team" in form.content.decode()
        thread = Thread.objects.get(kind="support")
        assert sent.status_code == 302
        assert sent["Location"] == thread.get_absolute_url()
        page = client.get(thread.get_absolute_url()).content.decode()
        assert "Conversation with the Atelier team" in page
        assert "How do I…?" in page
        assert Notification.objects.filter(
            event="support_message", recipient=staff
        ).exists()
        inbox = client.get(reverse("messaging:inbox")).content.decode()
        assert "My account" in inbox
        assert "Atelier team" in inbox

    def test_the_order_page_prefills_the_order(self, client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client.force_login(buyer)
        order_page = client.get(
            reverse("account:order", args=[artist_order.order.number])
        ).content.decode()
        url = support_link(order_page)

        form = client.get(url).content.decode()
        client.post(url, {"subject": "Invoice", "body": "An invoice, please."})

        assert url == f"{SUPPORT}?artist_order={artist_order.pk}"
        assert f"About order {artist_order.order.number}." in form
        thread = Thread.objects.get(kind="support")
        assert thread.artist_order == artist_order
        assert thread.opened_as == "buyer"
        page = client.get(thread.get_absolute_url()).content.decode()
        assert reverse("account:order", args=[artist_order.order.number]) in page

    def test_the_return_page_prefills_the_return_request(self, client, buyer, artist):
        return_request = make_return(line=make_line(buyer=buyer, artist=artist))
        client.force_login(buyer)
        page = client.get(return_request.get_absolute_url()).content.decode()
        url = support_link(page)

        form = client.get(url).content.decode()

        assert url == f"{SUPPORT}?return_request={return_request.pk}"
        assert f"About return request #{return_request.pk}" in form

    def test_another_buyers_order_or_return_is_a_404(
        self, client, buyer, other_buyer, artist
    ):
        artist_order = make_artist_order(buyer=other_buyer, artist=artist)
        return_request = make_return(line=make_line(buyer=other_buyer, artist=artist))
        client.force_login(buyer)

        by_order = client.get(f"{SUPPORT}?artist_order={artist_order.pk}")
        by_return = client.post(
            f"{SUPPORT}?return_request={return_request.pk}",
            {"subject": "Hi", "body": "Hello"},
        )

        assert by_order.status_code == 404
        assert by_return.status_code == 404
        assert not Thread.objects.filter(kind="support").exists()

    def test_a_missing_subject_is_a_form_error(self, client, buyer):
        client.force_login(buyer)

        response = client.post(SUPPORT, {"subject": "", "body": "Hello"})

        assert response.status_code == 400
        assert "Say in a few words what it is about." in response.content.decode()
        assert not Thread.objects.exists()


class TestArtist:
    def test_from_the_dashboard_in_the_dashboard_and_the_shop_inbox(
        self, client, artist
    ):
        client.force_login(artist.user)
        home = client.get(reverse("dashboard:home")).content.decode()
        url = support_link(home)

        form = client.get(url).content.decode()
        client.post(url, {"subject": "Payouts", "body": "When am I paid?"})

        assert url == f"{SUPPORT}?side=artist"
        assert 'class="dash-nav"' in form
        thread = Thread.objects.get(kind="support")
        assert thread.opened_as == "artist"
        shop_inbox = client.get(reverse("messaging:shop_inbox")).content.decode()
        assert "Payouts" in shop_inbox
        page = client.get(thread.get_absolute_url()).content.decode()
        assert 'class="dash-nav"' in page

    def test_the_dashboard_order_and_return_pages_link_with_them(
        self, client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        return_request = make_return(line=make_line(buyer=buyer, artist=artist))
        client.force_login(artist.user)

        order_page = client.get(reverse("dashboard:order", args=[artist_order.pk]))
        return_page = client.get(reverse("dashboard:return", args=[return_request.pk]))

        assert support_link(order_page.content.decode()) == (
            f"{SUPPORT}?artist_order={artist_order.pk}"
        )
        assert support_link(return_page.content.decode()) == (
            f"{SUPPORT}?return_request={return_request.pk}"
        )
        form = client.get(f"{SUPPORT}?artist_order={artist_order.pk}")
        assert 'class="dash-nav"' in form.content.decode()


class TestAccess:
    def test_only_its_opener_and_staff_read_the_thread(
        self, client, buyer, other_buyer, artist, staff
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        thread = support_thread_open(
            opener=buyer, subject="Invoice", body="Please", artist_order=artist_order
        )
        url = thread.get_absolute_url()

        for user in (other_buyer, artist.user, make_shop("stranger").user):
            client.force_login(user)
            assert client.get(url).status_code == 404
            assert client.post(url, {"body": "Me too"}).status_code == 404
        client.force_login(staff)
        staff_page = client.get(url).content.decode()

        assert "Support request from" in staff_page
        assert reverse("admin:messaging_supportthread_change", args=[thread.pk]) in (
            staff_page
        )

    def test_staff_answer_on_the_thread_page_reaches_the_opener(
        self, client, buyer, staff, mailoutbox, django_capture_on_commit_callbacks
    ):
        thread = support_thread_open(opener=buyer, subject="Invoice", body="Please")
        client.force_login(staff)

        with django_capture_on_commit_callbacks(execute=True):
            client.post(thread.get_absolute_url(), {"body": "Sent by email."})

        assert thread.messages.last().is_staff_post
        assert [m.to for m in mailoutbox if "answered" in m.subject] == [
            ["buyer@example.com"]
        ]
