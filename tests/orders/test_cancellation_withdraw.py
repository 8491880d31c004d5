"""The buyer withdraws an open cancellation request, from its order page and
the API: the artist is told, the history says so, the request no longer
holds the artist's money nor shows in staff's queue."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.notifications.models import Notification
from orders import services as order_services
from orders.models import CancellationRequest

from .factories import make_artist_order
from .helpers import logged_in, url

WITHDRAW = "cancellation-request/withdraw"
BALANCE = "/api/v1/shop/balance/"


@pytest.fixture
def asked(buyer, artist):
    """An accepted artist order whose buyer asked to cancel it."""
    artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
    order_services.artist_order_cancel(
        artist_order=artist_order, by=buyer, reason="Ordered twice."
    )
    return artist_order


def page_withdraw_url(artist_order):
    return reverse(
        "account:artist_order_withdraw_cancellation",
        kwargs={"number": artist_order.order.number, "pk": artist_order.pk},
    )


class TestWithdrawThroughTheApi:
    def test_withdraws_the_request_tells_the_artist_and_writes_the_history(
        self, buyer_api, asked, artist
    ):
        response = buyer_api.post(url(asked, WITHDRAW), format="json")

        assert response.status_code == 200
        body = response.json()
        assert body["state"] == "accepted"
        assert body["cancellation_request"]["status"] == "withdrawn"
        assert "request_cancellation" in body["allowed_actions"]
        assert "withdraw_cancellation" not in body["allowed_actions"]
        assert body["history"][-1]["transition"] == "withdraw_cancellation"
        assert Notification.objects.filter(
            recipient=artist.user, event="cancellation_withdrawn"
        ).exists()

    def test_the_open_request_offers_the_withdrawal(self, buyer_api, asked):
        body = buyer_api.get(url(asked)).json()

        assert body["allowed_actions"] == ["withdraw_cancellation"]

    def test_without_an_open_request_it_is_a_409_that_changes_nothing(
        self, buyer_api, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        response = buyer_api.post(url(artist_order, WITHDRAW), format="json")

        assert response.status_code == 409
        assert response.json()["state"] == "accepted"
        assert not Notification.objects.filter(event="cancellation_withdrawn").exists()

    def test_once_the_artist_refused_the_order_it_is_too_late(
        self, buyer_api, asked, artist
    ):
        order_services.artist_order_refuse(
            artist_order=asked, by=artist.user, reason="As asked."
        )

        response = buyer_api.post(url(asked, WITHDRAW), format="json")

        assert response.status_code == 409
        assert CancellationRequest.objects.get().status == "accepted"

    def test_the_artist_cannot_withdraw_the_buyers_request(self, artist_api, asked):
        response = artist_api.post(url(asked, WITHDRAW), format="json")

        assert response.status_code == 403
        assert CancellationRequest.objects.get().status == "open"

    def test_the_buyer_may_ask_again_afterwards(self, buyer_api, asked):
        buyer_api.post(url(asked, WITHDRAW), format="json")

        response = buyer_api.post(url(asked, "cancel"), {}, format="json")

        assert response.status_code == 200
        assert response.json()["cancellation_request"]["status"] == "open"


class TestWithdrawFromTheOrderPage:
    def test_the_page_offers_the_button_and_withdraws(self, buyer, asked):
        client = logged_in(buyer)
        page = client.get(reverse("account:order", args=[asked.order.number]))
        assert 'data-testid="action-withdraw-cancellation"' in page.content.decode()

        response = client.post(page_withdraw_url(asked), follow=True)

        text = response.content.decode()
        assert "Your cancellation request is withdrawn" in text
        assert "Your cancellation request was withdrawn." in text
        assert "Cancellation request withdrawn" in text  # the history row
        assert 'data-testid="action-request-cancellation"' in text
        assert CancellationRequest.objects.get().status == "withdrawn"

    def test_a_second_click_says_why_and_changes_nothing(self, buyer, asked):
        client = logged_in(buyer)
        client.post(page_withdraw_url(asked))

        response = client.post(page_withdraw_url(asked), follow=True)

        assert "no open cancellation request" in response.content.decode()
        assert Notification.objects.filter(event="cancellation_withdrawn").count() == 1

    def test_the_page_is_in_french_for_a_french_buyer(self, french_buyer, artist):
        artist_order = make_artist_order(
            buyer=french_buyer, artist=artist, state="accepted"
        )
        order_services.artist_order_cancel(artist_order=artist_order, by=french_buyer)
        client = logged_in(french_buyer)

        page = client.get(reverse("account:order", args=[artist_order.order.number]))

        assert 'data-testid="action-withdraw-cancellation"' in page.content.decode()


class TestWhatAWithdrawnRequestNoLongerDoes:
    def test_it_no_longer_holds_the_artists_money(self, buyer_api, artist_api, asked):
        held = artist_api.get(BALANCE).json()["holds"]
        assert [(h["artist_order"], h["reason"]) for h in held] == [
            (asked.pk, "cancellation")
        ]

        buyer_api.post(url(asked, WITHDRAW), format="json")

        assert artist_api.get(BALANCE).json()["holds"] == []

    def test_it_leaves_the_staff_queue(self, buyer_api, asked, admin_client):
        CancellationRequest.objects.update(
            created_at=timezone.now() - timedelta(days=3)
        )
        queue = reverse("admin:escalations")
        kinds = [row.kind for row in admin_client.get(queue).context["rows"]]
        assert "cancellation" in kinds

        buyer_api.post(url(asked, WITHDRAW), format="json")

        kinds = [row.kind for row in admin_client.get(queue).context["rows"]]
        assert "cancellation" not in kinds
