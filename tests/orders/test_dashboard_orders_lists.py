"""The orders part of the seller dashboard, the lists: the queues of the
overview, and the orders list (state filter, number search, pages)."""

import re

import pytest
from django.urls import reverse

from orders import services as order_services

from .factories import make_artist_order
from .helpers import report_not_received

pytestmark = pytest.mark.usefixtures("_report_at_once")


class TestOverviewQueues:
    def test_lists_what_needs_the_artist_cancellation_requests_first(
        self, artist_client, buyer, artist, other_artist
    ):
        to_accept = make_artist_order(buyer=buyer, artist=artist)
        to_ship = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        late = make_artist_order(
            buyer=buyer, artist=artist, state="accepted", dispatch_in_days=-2
        )
        asked = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        order_services.artist_order_cancel(
            artist_order=asked, by=buyer, reason="Found one elsewhere."
        )
        lost = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        report_not_received(lost, buyer)
        elsewhere = make_artist_order(buyer=buyer, artist=other_artist)

        html = artist_client.get(reverse("dashboard:home")).content.decode()

        queues = [
            q
            for q in re.findall(r'data-testid="(queue-[a-z-]+)"', html)
            if q != "queue-row"
        ]
        assert queues == [
            "queue-cancellation-requests",
            "queue-to-accept",
            "queue-to-ship",
            "queue-not-received",
        ]
        section = {
            name: html.split(f'data-testid="{name}"')[1].split("</ul>")[0]
            for name in queues
        }
        assert asked.order.number in section["queue-cancellation-requests"]
        assert "Found one elsewhere." in section["queue-cancellation-requests"]
        assert to_accept.order.number in section["queue-to-accept"]
        assert "left to accept" in section["queue-to-accept"]
        assert to_ship.order.number in section["queue-to-ship"]
        assert asked.order.number not in section["queue-to-ship"]
        assert section["queue-to-ship"].count('data-testid="overdue"') == 1
        assert (
            late.order.number
            in section["queue-to-ship"]
            .split('data-testid="overdue"')[0]
            .rsplit("<li", 1)[1]
        )
        assert lost.order.number in section["queue-not-received"]
        assert elsewhere.order.number not in html

    def test_says_when_nothing_waits(self, artist_client, buyer, artist):
        make_artist_order(buyer=buyer, artist=artist, state="delivered")

        html = artist_client.get(reverse("dashboard:home")).content.decode()

        assert 'data-testid="queues-empty"' in html
        assert 'data-testid="queue-' not in html

    def test_the_dashboard_menu_leads_to_the_orders(self, artist_client):
        html = artist_client.get(reverse("dashboard:home")).content.decode()

        assert f'href="{reverse("dashboard:orders")}"' in html


class TestOrderList:
    @pytest.fixture
    def orders(self, buyer, artist, other_artist):
        return {
            state: make_artist_order(buyer=buyer, artist=artist, state=state)
            for state in ("awaiting_acceptance", "accepted", "shipped", "refused")
        } | {"elsewhere": make_artist_order(buyer=buyer, artist=other_artist)}

    def numbers_on(self, response) -> list[str]:
        return [ao.order.number for ao in response.context["artist_orders"]]

    def test_lists_the_artists_orders_newest_first_and_only_them(
        self, artist_client, orders
    ):
        response = artist_client.get(reverse("dashboard:orders"))

        assert self.numbers_on(response) == [
            orders[s].order.number
            for s in ("refused", "shipped", "accepted", "awaiting_acceptance")
        ]
        assert orders["elsewhere"].order.number not in response.content.decode()

    def test_filters_by_state(self, artist_client, orders):
        response = artist_client.get(reverse("dashboard:orders"), {"state": "shipped"})

        assert self.numbers_on(response) == [orders["shipped"].order.number]

    def test_searches_by_order_number(self, artist_client, orders):
        number = orders["accepted"].order.number

        response = artist_client.get(reverse("dashboard:orders"), {"q": number[-4:]})

        assert self.numbers_on(response) == [number]

    def test_another_shops_number_finds_nothing(self, artist_client, orders):
        response = artist_client.get(
            reverse("dashboard:orders"), {"q": orders["elsewhere"].order.number}
        )

        assert self.numbers_on(response) == []
        assert 'data-testid="no-orders"' in response.content.decode()

    def test_an_unknown_state_is_ignored_not_an_error(self, artist_client, orders):
        response = artist_client.get(
            reverse("dashboard:orders"), {"state": "lost", "page": "x"}
        )

        assert response.status_code == 200
        assert len(self.numbers_on(response)) == 4

    def test_flags_open_cancellation_requests_and_reports(
        self, artist_client, buyer, orders
    ):
        order_services.artist_order_cancel(artist_order=orders["accepted"], by=buyer)
        report_not_received(orders["shipped"], buyer)

        html = artist_client.get(reverse("dashboard:orders")).content.decode()

        assert html.count('data-testid="flag-cancellation"') == 1
        assert html.count('data-testid="flag-not-received"') == 1

    def test_pages_keep_the_filter(self, artist_client, buyer, artist):
        for _ in range(27):
            make_artist_order(buyer=buyer, artist=artist)

        first = artist_client.get(
            reverse("dashboard:orders"), {"state": "awaiting_acceptance"}
        )
        second = artist_client.get(
            reverse("dashboard:orders"), {"state": "awaiting_acceptance", "page": 2}
        )

        assert len(self.numbers_on(first)) == 25
        assert len(self.numbers_on(second)) == 2
        assert "state=awaiting_acceptance&amp;page=2" in first.content.decode()

    @pytest.mark.parametrize("size", [2, 12])
    def test_costs_the_same_number_of_queries_whatever_its_size(
        self, artist_client, buyer, artist, size, django_assert_max_num_queries
    ):
        for index in range(size):
            made = make_artist_order(
                buyer=buyer, artist=artist, state="accepted" if index % 2 else "shipped"
            )
            if index % 2:
                order_services.artist_order_cancel(artist_order=made, by=buyer)

        with django_assert_max_num_queries(7):
            response = artist_client.get(reverse("dashboard:orders"))

        assert len(response.context["artist_orders"]) == size
