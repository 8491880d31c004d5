"""The buyer's order page across the artist order lifecycle: one block per
artist with its state, timeline, tracking and refunds, exactly the buttons
allowed now, the actions themselves, and who may open or post what."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from orders import services as order_services
from orders.models import ArtistOrder, CancellationRequest, NotReceivedReport
from tests.factories import UserFactory

from .factories import make_artist_order

BUYER_BUTTONS = [
    "action-cancel",
    "action-request-cancellation",
    "action-confirm-delivery",
    "action-report-not-received",
    "cancel-order",
]


@pytest.fixture(autouse=True)
def _report_at_once(settings):
    settings.NOT_RECEIVED_AFTER_DAYS = 0


def logged_in(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def order_url(artist_order):
    return reverse("account:order", kwargs={"number": artist_order.order.number})


def action_url(name, artist_order):
    return reverse(
        f"account:artist_order_{name}",
        kwargs={"number": artist_order.order.number, "pk": artist_order.pk},
    )


def buttons_on(html) -> set[str]:
    return {name for name in BUYER_BUTTONS if f'data-testid="{name}"' in html}


def messages_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


class TestButtonsPerState:
    @pytest.mark.parametrize(
        ("state", "expected"),
        [
            ("awaiting_payment", set()),
            ("awaiting_acceptance", {"action-cancel", "cancel-order"}),
            ("accepted", {"action-request-cancellation", "cancel-order"}),
            ("shipped", {"action-confirm-delivery", "action-report-not-received"}),
            ("delivered", set()),
            ("completed", set()),
            ("refused", set()),
            ("cancelled", set()),
        ],
    )
    def test_shows_exactly_the_buttons_allowed_now(
        self, buyer, artist, state, expected
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state=state)

        html = logged_in(buyer).get(order_url(artist_order)).content.decode()

        assert buttons_on(html) == expected
        assert f'data-state="{state}"' in html

    def test_no_second_request_once_one_is_open(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        order_services.artist_order_cancel(
            artist_order=artist_order, by=buyer, reason=""
        )

        html = logged_in(buyer).get(order_url(artist_order)).content.decode()

        assert buttons_on(html) == set()
        assert 'data-testid="cancellation-request" data-status="open"' in html

    def test_not_received_waits_for_the_expected_delay(self, buyer, artist, settings):
        settings.NOT_RECEIVED_AFTER_DAYS = 14
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")

        html = logged_in(buyer).get(order_url(artist_order)).content.decode()

        assert buttons_on(html) == {"action-confirm-delivery"}
        assert 'data-testid="report-later"' in html

    def test_one_block_per_artist_each_with_its_own_buttons(
        self, buyer, artist, other_artist
    ):
        waiting = make_artist_order(buyer=buyer, artist=artist)
        shipped = make_artist_order(
            buyer=buyer, artist=other_artist, state="shipped", order=waiting.order
        )

        html = logged_in(buyer).get(order_url(waiting)).content.decode()

        blocks = re.split(r'data-testid="artist-order"', html)[1:]
        by_artist = {
            re.search(r'data-artist="([^"]+)"', b).group(1): buttons_on(b)
            for b in blocks
        }
        assert by_artist[artist.slug] == {"action-cancel"}
        assert by_artist[other_artist.slug] == {
            "action-confirm-delivery",
            "action-report-not-received",
        }
        assert 'data-testid="cancel-order"' in html
        assert shipped.tracking_number in html


class TestWhatTheBuyerSees:
    def test_the_tracking_number_with_the_carriers_link_and_the_timeline(
        self, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")

        response = logged_in(buyer).get(order_url(artist_order))

        html = response.content.decode()
        assert f"tracking number {artist_order.tracking_number}" in html
        assert (
            f'href="https://www.laposte.fr/outils/suivre-vos-envois?code={artist_order.tracking_number}"'
            in html
        )
        timeline = html.split('data-testid="timeline"')[1].split("</ol>")[0]
        assert [
            label
            for label in ("Paid", "Accepted by the artist", "Shipped")
            if label in timeline
        ] == [
            "Paid",
            "Accepted by the artist",
            "Shipped",
        ]
        assert artist.name in timeline
        contact = reverse("messaging:contact_order", kwargs={"pk": artist_order.pk})
        assert f'href="{contact}" data-testid="contact-artist"' in html

    def test_a_refusal_with_its_reason_and_refund(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="refused")

        response = logged_in(buyer).get(order_url(artist_order))

        html = response.content.decode()
        assert "Out of clay." in html
        refunds = html.split('data-testid="refunds"')[1].split("</table>")[0]
        assert "29.00 €" in refunds
        assert "refused by the artist" in refunds
        assert 'data-testid="order-refunded">29.00 €<' in html
        assert 'data-testid="order-status">cancelled<' in html


class TestBuyerActions:
    def test_cancelling_a_waiting_part_refunds_it_and_says_so(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(buyer)

        response = client.post(
            action_url("cancel", artist_order),
            {"reason": "Changed my mind."},
            follow=True,
        )

        artist_order.refresh_from_db()
        assert artist_order.state == "cancelled"
        assert response.redirect_chain[-1][0].startswith(order_url(artist_order))
        assert any("cancelled" in m and "29.00" in m for m in messages_on(response))
        assert 'data-testid="refund"' in response.content.decode()

    def test_asking_to_cancel_an_accepted_part_files_a_request(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        response = logged_in(buyer).post(
            action_url("cancel", artist_order), {"reason": ""}, follow=True
        )

        request = CancellationRequest.objects.get(artist_order=artist_order)
        assert request.status == "open"
        assert any("cancellation request was sent" in m for m in messages_on(response))
        assert 'data-status="open"' in response.content.decode()

    def test_confirming_delivery(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")

        response = logged_in(buyer).post(
            action_url("confirm_delivery", artist_order), follow=True
        )

        artist_order.refresh_from_db()
        assert artist_order.state == "delivered"
        assert any("delivery is confirmed" in m for m in messages_on(response))
        assert buttons_on(response.content.decode()) == set()

    def test_reporting_a_parcel_not_received(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")

        response = logged_in(buyer).post(
            action_url("report_not_received", artist_order),
            {"note": "Nothing came."},
            follow=True,
        )

        report = NotReceivedReport.objects.get(artist_order=artist_order)
        assert (report.status, report.note) == ("open", "Nothing came.")
        html = response.content.decode()
        assert 'data-testid="not-received-report" data-status="open"' in html
        assert "action-report-not-received" not in html

    def test_cancel_my_order_does_the_right_thing_for_every_part(
        self, buyer, artist, other_artist
    ):
        waiting = make_artist_order(buyer=buyer, artist=artist)
        accepted = make_artist_order(
            buyer=buyer, artist=other_artist, state="accepted", order=waiting.order
        )
        url = reverse("account:order_cancel", kwargs={"number": waiting.order.number})

        response = logged_in(buyer).post(url, {"reason": ""}, follow=True)

        waiting.refresh_from_db()
        assert waiting.state == "cancelled"
        assert CancellationRequest.objects.get(artist_order=accepted).status == "open"
        assert len(messages_on(response)) == 2
        assert 'data-testid="cancel-order"' not in response.content.decode()

    @pytest.mark.parametrize(
        ("state", "action"),
        [
            ("accepted", "confirm_delivery"),
            ("shipped", "cancel"),
            ("delivered", "report_not_received"),
            ("completed", "cancel"),
        ],
    )
    def test_a_button_that_is_not_shown_is_refused_by_the_server_too(
        self, buyer, artist, state, action
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state=state)

        response = logged_in(buyer).post(
            action_url(action, artist_order), {}, follow=True
        )

        assert response.status_code == 200
        assert len(messages_on(response)) == 1
        assert "message error" in response.content.decode()
        artist_order.refresh_from_db()
        assert artist_order.state == state

    def test_cancel_my_order_when_nothing_can_be_cancelled_says_so(self, buyer, artist):
        shipped = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        url = reverse("account:order_cancel", kwargs={"number": shipped.order.number})

        response = logged_in(buyer).post(url, {}, follow=True)

        assert messages_on(response) == [
            "Nothing in this order can be cancelled any more."
        ]
        shipped.refresh_from_db()
        assert shipped.state == "shipped"

    def test_actions_answer_only_post(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)

        response = logged_in(buyer).get(action_url("cancel", artist_order))

        assert response.status_code == 405


# Who may open or post what ----------------------------------------------------------

ROLES = ["buyer", "other_buyer", "artist", "other_artist", "staff", "anonymous"]


@pytest.fixture
def people(buyer, artist, other_artist):
    return {
        "buyer": buyer,
        "other_buyer": UserFactory(username="other-buyer"),
        "artist": artist.user,
        "other_artist": other_artist.user,
        "staff": UserFactory(username="support", is_staff=True),
        "anonymous": None,
    }


PAGES = {
    # page: (state the artist order is in, method, state after success)
    "order": ("awaiting_acceptance", "get", None),
    "order_cancel": ("awaiting_acceptance", "post", "cancelled"),
    "cancel": ("awaiting_acceptance", "post", "cancelled"),
    "confirm_delivery": ("shipped", "post", "delivered"),
    "report_not_received": ("shipped", "post", "shipped"),
}


class TestWhoMayOpenWhat:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("page", list(PAGES))
    def test_only_the_buyer_succeeds_others_get_a_404_and_visitors_the_login(
        self, people, buyer, artist, page, role
    ):
        state, method, after = PAGES[page]
        artist_order = make_artist_order(buyer=buyer, artist=artist, state=state)
        if page == "order":
            url = order_url(artist_order)
        elif page == "order_cancel":
            url = reverse(
                "account:order_cancel", kwargs={"number": artist_order.order.number}
            )
        else:
            url = action_url(page, artist_order)
        client = logged_in(people[role])

        response = client.get(url) if method == "get" else client.post(url, {})

        state_now = ArtistOrder.objects.get(pk=artist_order.pk).state
        if role == "buyer":
            if method == "get":
                assert response.status_code == 200
            else:
                assert response.status_code == 302
                assert response["Location"].startswith(order_url(artist_order))
                assert state_now == after
        elif role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
            assert state_now == state
        else:
            assert response.status_code == 404
            assert state_now == state


class TestQueryBudget:
    @pytest.mark.parametrize("parts", [1, 4])
    def test_the_order_page_costs_the_same_whatever_its_size(
        self, buyer, parts, django_assert_max_num_queries
    ):
        from .factories import make_artist

        states = ["refused", "shipped", "accepted", "awaiting_acceptance"][:parts]
        first = None
        for index, state in enumerate(states):
            shop = make_artist(f"budget-{parts}-{index}")
            made = make_artist_order(
                buyer=buyer, artist=shop, state=state, order=first and first.order
            )
            first = first or made
        if parts > 1:
            order_services.artist_order_cancel(
                artist_order=ArtistOrder.objects.get(
                    order=first.order, state="accepted"
                ),
                by=buyer,
            )
        client = logged_in(buyer)

        # 13: the return requests of every line, for their return eligibility;
        # up to 16: the conversations (threads, their messages, photos).
        with django_assert_max_num_queries(16):
            response = client.get(order_url(first))

        assert response.status_code == 200
        assert response.content.decode().count('data-testid="artist-order"') == parts
