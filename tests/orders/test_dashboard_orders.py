"""The orders part of the seller dashboard: the queues of the overview, the
orders list (state filter, number search, pages), one artist order with its
actions, and that an artist never reaches another shop's orders."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from orders import services as order_services
from orders.models import ArtistOrder, NotReceivedReport, Refund
from tests.factories import UserFactory

from .factories import make_artist, make_artist_order

ARTIST_BUTTONS = [
    "action-accept",
    "action-refuse",
    "action-ship",
    "action-reship",
    "action-refund-lost",
]


@pytest.fixture(autouse=True)
def _report_at_once(settings):
    settings.NOT_RECEIVED_AFTER_DAYS = 0


def logged_in(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def artist_client(artist):
    return logged_in(artist.user)


def detail_url(artist_order):
    return reverse("dashboard:order", kwargs={"pk": artist_order.pk})


def action_url(name, artist_order):
    return reverse(f"dashboard:order_{name}", kwargs={"pk": artist_order.pk})


def buttons_on(html) -> set[str]:
    return {name for name in ARTIST_BUTTONS if f'data-testid="{name}"' in html}


def messages_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def report_not_received(artist_order, buyer):
    order_services.artist_order_report_not_received(
        artist_order=ArtistOrder.objects.get(pk=artist_order.pk),
        by=buyer,
        note="Nothing came.",
    )


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


class TestOrderDetail:
    @pytest.mark.parametrize(
        ("state", "expected"),
        [
            ("awaiting_payment", set()),
            ("awaiting_acceptance", {"action-accept", "action-refuse"}),
            ("accepted", {"action-refuse", "action-ship"}),
            ("shipped", set()),
            ("reported", {"action-reship", "action-refund-lost"}),
            ("delivered", set()),
            ("completed", set()),
            ("refused", set()),
            ("cancelled", set()),
        ],
    )
    def test_shows_exactly_the_buttons_allowed_now(
        self, artist_client, buyer, artist, state, expected
    ):
        artist_order = make_artist_order(
            buyer=buyer,
            artist=artist,
            state="shipped" if state == "reported" else state,
        )
        if state == "reported":
            report_not_received(artist_order, buyer)

        html = artist_client.get(detail_url(artist_order)).content.decode()

        assert buttons_on(html) == expected

    def test_shows_the_artists_part_the_address_the_buyer_and_the_history(
        self, artist_client, buyer, artist, other_artist
    ):
        mine = make_artist_order(buyer=buyer, artist=artist, state="refused")
        theirs = make_artist_order(buyer=buyer, artist=other_artist, order=mine.order)

        response = artist_client.get(detail_url(mine))

        html = response.content.decode()
        assert mine.lines.get().title in html
        assert theirs.lines.get().title not in html
        assert "12 rue des Tisserands" in html
        assert buyer.email in html
        assert "Refused by the artist" in html
        assert "Out of clay." in html
        assert 'data-testid="refund"' in html
        contact = reverse("messaging:contact_order", kwargs={"pk": mine.pk})
        assert f'href="{contact}" data-testid="contact-buyer"' in html

    def test_an_open_cancellation_request_is_explained(
        self, artist_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        order_services.artist_order_cancel(
            artist_order=artist_order, by=buyer, reason="Wrong colour."
        )

        html = artist_client.get(detail_url(artist_order)).content.decode()

        notice = html.split('data-testid="open-cancellation"')[1].split("</div>")[0]
        assert "Wrong colour." in notice
        assert buttons_on(html) == {"action-refuse", "action-ship"}


class TestArtistActions:
    def test_accepting(self, artist_client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)

        response = artist_client.post(action_url("accept", artist_order), follow=True)

        artist_order.refresh_from_db()
        assert artist_order.state == "accepted"
        assert messages_on(response) == [
            f"Order {artist_order.order.number} accepted. The buyer was told."
        ]
        assert buttons_on(response.content.decode()) == {"action-refuse", "action-ship"}

    def test_refusing_needs_a_reason_shown_on_the_form(
        self, artist_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)

        response = artist_client.post(
            action_url("refuse", artist_order), {"reason": ""}
        )

        assert response.status_code == 200
        assert response.context["refuse_form"].errors["reason"]
        assert '<details data-testid="action-refuse" open>' in response.content.decode()
        artist_order.refresh_from_db()
        assert artist_order.state == "awaiting_acceptance"
        assert not Refund.objects.exists()

    def test_refusing_refunds_the_buyer_and_says_how_much(
        self, artist_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        response = artist_client.post(
            action_url("refuse", artist_order),
            {"reason": "Broken in the kiln."},
            follow=True,
        )

        artist_order.refresh_from_db()
        assert (artist_order.state, artist_order.refusal_reason) == (
            "refused",
            "Broken in the kiln.",
        )
        assert "29.00 €" in messages_on(response)[0]

    def test_shipping_needs_a_carrier_and_a_tracking_number(
        self, artist_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        response = artist_client.post(
            action_url("ship", artist_order),
            {"ship-carrier": "DHL", "ship-tracking_number": ""},
        )

        assert response.status_code == 200
        assert set(response.context["ship_form"].errors) == {"tracking_number"}
        artist_order.refresh_from_db()
        assert artist_order.state == "accepted"

    def test_shipping(self, artist_client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        response = artist_client.post(
            action_url("ship", artist_order),
            {"ship-carrier": "Chronopost", "ship-tracking_number": "XY123456789FR"},
            follow=True,
        )

        artist_order.refresh_from_db()
        assert (
            artist_order.state,
            artist_order.carrier,
            artist_order.tracking_number,
        ) == (
            "shipped",
            "Chronopost",
            "XY123456789FR",
        )
        assert "chronopost.fr" in response.content.decode()

    def test_shipping_again_after_a_report(self, artist_client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        report_not_received(artist_order, buyer)

        artist_client.post(
            action_url("reship", artist_order),
            {"reship-carrier": "DHL", "reship-tracking_number": "JD0002"},
        )

        artist_order.refresh_from_db()
        assert (artist_order.state, artist_order.tracking_number) == (
            "shipped",
            "JD0002",
        )
        assert (
            NotReceivedReport.objects.get(artist_order=artist_order).status
            == "reshipped"
        )

    def test_refunding_a_lost_parcel(self, artist_client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        report_not_received(artist_order, buyer)

        response = artist_client.post(
            action_url("refund_lost", artist_order), follow=True
        )

        artist_order.refresh_from_db()
        assert artist_order.state == "completed"
        assert Refund.objects.get(artist_order=artist_order).reason == "lost_parcel"
        assert "29.00 €" in messages_on(response)[0]

    @pytest.mark.parametrize(
        ("state", "action", "data"),
        [
            ("accepted", "accept", {}),
            ("shipped", "refuse", {"reason": "Too late"}),
            (
                "awaiting_acceptance",
                "ship",
                {"ship-carrier": "DHL", "ship-tracking_number": "1"},
            ),
            (
                "shipped",
                "reship",
                {"reship-carrier": "DHL", "reship-tracking_number": "1"},
            ),
            ("shipped", "refund_lost", {}),
            ("cancelled", "accept", {}),
        ],
    )
    def test_an_action_the_state_does_not_allow_is_an_error_message(
        self, artist_client, buyer, artist, state, action, data
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state=state)

        response = artist_client.post(
            action_url(action, artist_order), data, follow=True
        )

        assert response.status_code == 200
        assert "message error" in response.content.decode()
        artist_order.refresh_from_db()
        assert artist_order.state == state
        assert Refund.objects.filter(artist_order=artist_order).count() == (
            1 if state == "cancelled" else 0
        )


# Who may open or post what ----------------------------------------------------------

ROLES = ["artist", "other_artist", "buyer", "staff", "anonymous"]

PAGES = {
    # page: (state, POST data or None for a GET, state after success)
    "order": ("awaiting_acceptance", None, "awaiting_acceptance"),
    "order_accept": ("awaiting_acceptance", {}, "accepted"),
    "order_refuse": ("awaiting_acceptance", {"reason": "Sorry."}, "refused"),
    "order_ship": (
        "accepted",
        {"ship-carrier": "DHL", "ship-tracking_number": "1"},
        "shipped",
    ),
    "order_reship": (
        "reported",
        {"reship-carrier": "DHL", "reship-tracking_number": "2"},
        "shipped",
    ),
    "order_refund_lost": ("reported", {}, "completed"),
}


@pytest.fixture
def people(buyer, artist, other_artist):
    return {
        "artist": artist.user,
        "other_artist": other_artist.user,
        "buyer": buyer,
        "staff": UserFactory(username="support", is_staff=True),
        "anonymous": None,
    }


class TestWhoMayOpenWhat:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("page", list(PAGES))
    def test_only_the_artist_succeeds_others_get_a_404_and_visitors_the_login(
        self, people, buyer, artist, page, role
    ):
        state, data, after = PAGES[page]
        artist_order = make_artist_order(
            buyer=buyer,
            artist=artist,
            state="shipped" if state == "reported" else state,
        )
        if state == "reported":
            report_not_received(artist_order, buyer)
        before = ArtistOrder.objects.get(pk=artist_order.pk).state
        url = reverse(f"dashboard:{page}", kwargs={"pk": artist_order.pk})
        client = logged_in(people[role])

        response = client.get(url) if data is None else client.post(url, data)

        state_now = ArtistOrder.objects.get(pk=artist_order.pk).state
        if role == "artist":
            assert response.status_code == (200 if data is None else 302)
            assert state_now == after
        elif role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
            assert state_now == before
        else:
            assert response.status_code == 404
            assert state_now == before

    @pytest.mark.parametrize("role", ["buyer", "staff"])
    def test_people_without_a_shop_have_no_orders_list(self, people, role):
        response = logged_in(people[role]).get(reverse("dashboard:orders"))

        assert response.status_code == 404

    def test_an_artist_who_also_buys_does_not_see_its_purchases_in_the_dashboard(
        self, artist, other_artist
    ):
        bought = make_artist_order(buyer=artist.user, artist=other_artist)
        sold = make_artist_order(buyer=UserFactory(username="fan"), artist=artist)
        make_artist("third")

        response = logged_in(artist.user).get(reverse("dashboard:orders"))

        numbers = [ao.order.number for ao in response.context["artist_orders"]]
        assert numbers == [sold.order.number]
        assert logged_in(artist.user).get(detail_url(bought)).status_code == 404
