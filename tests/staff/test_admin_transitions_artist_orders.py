"""Staff run the transitions of artist orders from the admin: buttons
opening a small form that call the same services as the dashboard, so the
refund, the history row and the emails are exactly those the dashboard
produces (refuse, the other buttons, a staff refund); each run is logged
with its author."""

import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from marketplace.notifications.models import Notification
from messaging.models import Message
from orders.models import ArtistOrderEvent, Refund
from tests.orders.factories import make_artist, make_artist_order

from .helpers import change_url, logged_in, outbox_by_role, transition_url

pytestmark = pytest.mark.django_db


def history(artist_order):
    return list(
        ArtistOrderEvent.objects.filter(artist_order=artist_order)
        .order_by("at", "id")
        .values_list("transition", "from_state", "to_state", "note")
    )


def system_events(artist_order):
    return list(
        Message.objects.filter(thread__artist_order=artist_order, system=True)
        .order_by("created_at", "id")
        .values_list("event", flat=True)
    )


class TestRefuseFromTheAdmin:
    def test_refund_history_and_emails_are_those_of_the_dashboard(
        self, twins, staff, staff_client, django_capture_on_commit_callbacks, mailoutbox
    ):
        from_admin, from_dashboard = twins
        page = staff_client.get(change_url(from_admin))
        assert page.status_code == 200
        assert transition_url(from_admin, "refuse") in page.content.decode()
        form = staff_client.get(transition_url(from_admin, "refuse"))
        assert form.status_code == 200
        assert 'name="reason"' in form.content.decode()

        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                transition_url(from_admin, "refuse"),
                {"reason": "The kiln broke."},
                follow=True,
            )
        with django_capture_on_commit_callbacks(execute=True):
            logged_in(from_dashboard.artist.user).post(
                reverse("dashboard:order_refuse", args=[from_dashboard.pk]),
                {"reason": "The kiln broke."},
            )

        assert response.redirect_chain[-1][0] == change_url(from_admin)
        assert "refused" in response.content.decode()
        admin_refund = Refund.objects.get(artist_order=from_admin)
        dashboard_refund = Refund.objects.get(artist_order=from_dashboard)
        assert (
            (admin_refund.amount, admin_refund.reason, admin_refund.status)
            == (
                dashboard_refund.amount,
                dashboard_refund.reason,
                dashboard_refund.status,
            )
            == (Decimal("95.00"), "refusal", "succeeded")
        )
        assert admin_refund.created_by == staff
        assert history(from_admin) == history(from_dashboard)
        assert (
            ArtistOrderEvent.objects.filter(
                artist_order=from_admin, transition="refuse"
            )
            .get()
            .by
            == staff
        )
        assert outbox_by_role(from_admin) == outbox_by_role(from_dashboard)
        assert ("order_refused", "buyer") in outbox_by_role(from_admin)
        assert (
            system_events(from_admin)
            == system_events(from_dashboard)
            == ["order_refused"]
        )
        for artist_order in twins:
            artist_order.refresh_from_db()
            assert artist_order.state == "refused"
            assert artist_order.refunded == Decimal("95.00")
            assert artist_order.lines.get().variant.stock == 7
        entry = LogEntry.objects.get(object_id=str(from_admin.pk))
        assert entry.user == staff
        assert "The kiln broke." in entry.change_message

    def test_a_missing_reason_is_a_form_error_and_changes_nothing(
        self, twins, staff_client
    ):
        artist_order = twins[0]

        response = staff_client.post(
            transition_url(artist_order, "refuse"), {"reason": "  "}
        )

        assert response.status_code == 200
        assert "errornote" in response.content.decode()
        artist_order.refresh_from_db()
        assert artist_order.state == "awaiting_acceptance"
        assert not Refund.objects.exists()
        assert not LogEntry.objects.exists()

    def test_an_order_changed_meanwhile_answers_with_a_message_and_changes_nothing(
        self, twins, staff_client
    ):
        artist_order = twins[0]
        form = staff_client.get(transition_url(artist_order, "accept"))
        assert form.status_code == 200
        staff_client.post(transition_url(artist_order, "refuse"), {"reason": "Gone."})

        response = staff_client.post(
            transition_url(artist_order, "accept"), {}, follow=True
        )

        assert "not possible" in response.content.decode()
        artist_order.refresh_from_db()
        assert artist_order.state == "refused"
        assert not ArtistOrderEvent.objects.filter(transition="accept").exists()


class TestOtherArtistOrderButtons:
    def test_the_buttons_are_those_the_state_allows(
        self, camille, potter, staff_client
    ):
        expected = {
            "awaiting_acceptance": {"accept", "refuse", "cancel", "refund"},
            "accepted": {"refuse", "ship", "refund"},
            "shipped": {"confirm_delivery", "refund"},
            "refused": set(),
        }
        for index, (state, buttons) in enumerate(expected.items()):
            shop = make_artist(f"shop{index}")
            artist_order = make_artist_order(buyer=camille, artist=shop, state=state)
            page = staff_client.get(change_url(artist_order)).content.decode()
            shown = set(re.findall(r'data-transition="([a-z_]+)"', page))
            assert shown == buttons, state
            # The page is a record: no save button, no editable state.
            assert 'name="_save"' not in page
            assert 'name="state"' not in page

    def test_ship_then_confirm_delivery_for_the_buyer(
        self, camille, potter, staff, staff_client, django_capture_on_commit_callbacks
    ):
        artist_order = make_artist_order(buyer=camille, artist=potter, state="accepted")

        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(
                transition_url(artist_order, "ship"),
                {"carrier": "Colissimo", "tracking_number": "6A999"},
            )
            staff_client.post(
                transition_url(artist_order, "confirm_delivery"),
                {"note": "Buyer phoned."},
            )

        artist_order.refresh_from_db()
        assert artist_order.state == "delivered"
        assert artist_order.tracking_number == "6A999"
        rows = ArtistOrderEvent.objects.filter(artist_order=artist_order, by=staff)
        assert list(rows.values_list("transition", "note")) == [
            ("ship", "Colissimo 6A999"),
            ("confirm_delivery", "Buyer phoned."),
        ]
        assert sorted(
            Notification.objects.filter(recipient=camille).values_list(
                "event", flat=True
            )
        ) == [
            "order_accepted",
            "order_delivered",
            "order_shipped",
            "review_invitation",  # "how was it?" (reviews)
        ]
        assert (
            LogEntry.objects.filter(user=staff, object_id=str(artist_order.pk)).count()
            == 2
        )

    def test_cancel_for_the_buyer_is_the_buyers_cancellation(
        self, twins, staff, staff_client, django_capture_on_commit_callbacks
    ):
        from_admin, from_buyer = twins
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(
                transition_url(from_admin, "cancel"),
                {"reason": "The buyer asked by email."},
            )
        with django_capture_on_commit_callbacks(execute=True):
            from rest_framework.test import APIClient

            client = APIClient()
            client.force_authenticate(from_buyer.order.buyer)
            client.post(
                f"/api/v1/artist-orders/{from_buyer.pk}/cancel/",
                {"reason": "The buyer asked by email."},
                format="json",
            )

        for artist_order in twins:
            artist_order.refresh_from_db()
            assert artist_order.state == "cancelled"
        assert outbox_by_role(from_admin) == outbox_by_role(from_buyer)
        assert ("order_cancelled_by_buyer", "artist") in outbox_by_role(from_admin)
        admin_refund, buyer_refund = (
            Refund.objects.get(artist_order=ao) for ao in twins
        )
        assert (admin_refund.amount, admin_refund.reason) == (
            buyer_refund.amount,
            buyer_refund.reason,
        )
        assert history(from_admin) == history(from_buyer)
        assert (
            ArtistOrderEvent.objects.get(
                artist_order=from_admin, transition="cancel"
            ).by
            == staff
        )

    def test_not_received_then_reship_and_refund_lost(
        self, camille, potter, staff, staff_client
    ):
        from orders import services as order_services

        artist_order = make_artist_order(buyer=camille, artist=potter, state="shipped")
        order_services.artist_order_report_not_received(
            artist_order=artist_order, by=camille
        )
        page = staff_client.get(change_url(artist_order)).content.decode()
        assert {"reship", "refund_lost"} <= set(
            re.findall(r'data-transition="([a-z_]+)"', page)
        )

        staff_client.post(
            transition_url(artist_order, "reship"),
            {"carrier": "DHL", "tracking_number": "JD1"},
        )
        order_services.artist_order_report_not_received(
            artist_order=artist_order, by=camille
        )
        staff_client.post(transition_url(artist_order, "refund_lost"), {})

        artist_order.refresh_from_db()
        assert artist_order.state == "completed"
        refund = Refund.objects.get(artist_order=artist_order)
        assert (refund.reason, refund.amount, refund.created_by) == (
            "lost_parcel",
            artist_order.paid,
            staff,
        )


class TestStaffRefund:
    def test_refunds_the_amount_once_even_when_the_form_is_sent_twice(
        self,
        camille,
        potter,
        staff,
        staff_client,
        django_capture_on_commit_callbacks,
        mailoutbox,
    ):
        artist_order = make_artist_order(
            buyer=camille, artist=potter, state="shipped", price="40.00"
        )
        form = staff_client.get(transition_url(artist_order, "refund")).content.decode()
        token = re.search(r'name="token" value="([0-9a-f]+)"', form).group(1)
        body = {
            "amount": "12.50",
            "note": "Chipped rim, goodwill gesture.",
            "token": token,
        }

        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(transition_url(artist_order, "refund"), body)
            staff_client.post(transition_url(artist_order, "refund"), body)

        refund = Refund.objects.get()
        assert (refund.amount, refund.reason, refund.status, refund.created_by) == (
            Decimal("12.50"),
            "staff",
            "succeeded",
            staff,
        )
        assert refund.note == "Chipped rim, goodwill gesture."
        artist_order.refresh_from_db()
        assert artist_order.state == "shipped"
        assert artist_order.refunded == Decimal("12.50")
        event = ArtistOrderEvent.objects.get(transition="staff_refund")
        assert (event.by, event.from_state, event.to_state) == (
            staff,
            "shipped",
            "shipped",
        )
        assert sorted(
            Notification.objects.filter(event__startswith="staff_refund").values_list(
                "event", "to_email"
            )
        ) == [
            ("staff_refund", "camille@example.com"),
            ("staff_refund_artist", "potter@example.com"),
        ]
        refund_emails = [email for email in mailoutbox if "12.50" in email.subject]
        assert len(refund_emails) == 2
        assert "Chipped rim" in refund_emails[0].body
        assert system_events(artist_order)[-1] == "order_refunded"
        assert Message.objects.get(event="order_refunded").context["amount"] == "12.50"

    def test_more_than_what_is_left_is_refused_on_the_form(
        self, camille, potter, staff_client
    ):
        artist_order = make_artist_order(
            buyer=camille, artist=potter, state="delivered", price="40.00"
        )

        response = staff_client.post(
            transition_url(artist_order, "refund"),
            {"amount": "45.01", "note": "Too much", "token": "abc"},
        )

        assert response.status_code == 200
        assert (
            "45.00" in response.content.decode()
        )  # "at most 45.00 € can still be refunded"
        assert not Refund.objects.exists()
