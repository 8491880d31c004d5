"""Staff run the transitions of artist orders and return requests from the
admin: buttons opening a small form that call the same services as the
dashboard, so the refund, the history row and the emails are exactly those
the dashboard produces; each run is logged with its author."""

import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from marketplace.notifications.models import Notification
from messaging.models import Message
from orders.models import ArtistOrder, ArtistOrderEvent, Refund
from returns.models import ReturnEvent, ReturnRequest
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order
from tests.returns.factories import make_line, make_return

pytestmark = pytest.mark.django_db


def transition_url(obj, action):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_transition",
        kwargs={"object_id": obj.pk, "action": action},
    )


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def outbox_by_role(artist_order):
    """(event, buyer|artist) of every outbox row about ``artist_order``."""
    roles = {
        artist_order.order.buyer_id: "buyer",
        artist_order.artist.user_id: "artist",
    }
    return sorted(
        (event, roles[recipient_id])
        for event, recipient_id in Notification.objects.filter(
            context__order_number=artist_order.order.number
        ).values_list("event", "recipient_id")
    )


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


@pytest.fixture
def twins(camille, potter):
    """Two identical paid artist orders of the same buyer and shop."""
    weaver = make_artist("weaver", name="Brins de Laine")
    first = make_artist_order(buyer=camille, artist=potter, price="45.00", quantity=2)
    second = make_artist_order(buyer=camille, artist=weaver, price="45.00", quantity=2)
    return first, second


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


class TestReturnsFromTheAdmin:
    def test_refunding_a_received_return_is_what_the_dashboard_does(
        self, camille, potter, staff, staff_client, django_capture_on_commit_callbacks
    ):
        weaver = make_artist("weaver", name="Brins de Laine")
        from_admin = make_return(
            line=make_line(buyer=camille, artist=potter), state="received"
        )
        from_dashboard = make_return(
            line=make_line(buyer=camille, artist=weaver), state="received"
        )
        page = staff_client.get(change_url(from_admin)).content.decode()
        assert 'data-transition="refund"' in page
        form = staff_client.get(transition_url(from_admin, "refund")).content.decode()
        assert 'value="24.00"' in form  # the computed amount is proposed

        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(
                transition_url(from_admin, "refund"), {"amount": "24.00", "note": ""}
            )
        with django_capture_on_commit_callbacks(execute=True):
            logged_in(weaver.user).post(
                reverse("dashboard:return_refund", args=[from_dashboard.pk]),
                {"refund-amount": "24.00", "refund-note": ""},
            )

        admin_rr, dashboard_rr = (
            ReturnRequest.objects.get(pk=rr.pk) for rr in (from_admin, from_dashboard)
        )
        assert admin_rr.state == dashboard_rr.state == "refunded"
        admin_refund, dashboard_refund = admin_rr.refund, dashboard_rr.refund
        assert (
            (admin_refund.amount, admin_refund.reason, admin_refund.status)
            == (
                dashboard_refund.amount,
                dashboard_refund.reason,
                dashboard_refund.status,
            )
            == (Decimal("24.00"), "return", "succeeded")
        )
        assert admin_refund.idempotency_key == f"return:{admin_rr.pk}"
        admin_history, dashboard_history = (
            list(
                ReturnEvent.objects.filter(request=rr).values_list(
                    "transition", "from_state", "to_state", "note"
                )
            )
            for rr in (admin_rr, dashboard_rr)
        )
        assert admin_history == dashboard_history
        assert (
            ReturnEvent.objects.get(request=admin_rr, transition="refund").by == staff
        )
        assert outbox_by_role(admin_rr.artist_order) == outbox_by_role(
            dashboard_rr.artist_order
        )
        assert ("return_refund_confirmed", "buyer") in outbox_by_role(
            admin_rr.artist_order
        )
        assert LogEntry.objects.get(object_id=str(admin_rr.pk)).user == staff

    def test_the_staff_decision_on_an_escalated_request(
        self, camille, potter, staff, staff_client, django_capture_on_commit_callbacks
    ):
        refunded = make_return(
            line=make_line(buyer=camille, artist=potter), state="escalated"
        )
        closed = make_return(
            line=make_line(buyer=camille, artist=make_artist("smith")),
            state="escalated",
        )
        page = staff_client.get(change_url(refunded)).content.decode()
        assert set(re.findall(r'data-transition="([a-z_]+)"', page)) == {
            "accept",
            "refund",
            "close",
        }

        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(
                transition_url(refunded, "refund"),
                {"amount": "20.00", "note": "Partly worn."},
            )
            staff_client.post(
                transition_url(closed, "close"), {"note": "No fault found."}
            )

        refunded.refresh_from_db()
        closed.refresh_from_db()
        assert (refunded.state, refunded.refund.amount, refunded.refund.reason) == (
            "refunded",
            Decimal("20.00"),
            "return",
        )
        assert closed.state == "closed"
        decided = Notification.objects.filter(event="return_decided")
        assert decided.count() == 4  # buyer and artist of each
        assert (
            ReturnEvent.objects.get(request=closed, transition="staff_close").by
            == staff
        )

    def test_accepting_an_escalated_request_sends_the_instructions(
        self, camille, potter, staff_client
    ):
        rr = make_return(
            line=make_line(buyer=camille, artist=potter), state="escalated"
        )

        staff_client.post(
            transition_url(rr, "accept"),
            {
                "instructions": "Send it to the team: 1 rue Neuve, Paris.",
                "ship_back_deadline": "",
            },
        )

        rr.refresh_from_db()
        assert rr.state == "accepted"
        assert rr.instructions == "Send it to the team: 1 rue Neuve, Paris."
        assert Notification.objects.filter(
            event="return_accepted", recipient=camille
        ).exists()


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


def test_returns_admin_lists_with_search_by_order_number(camille, potter, staff_client):
    rr = make_return(line=make_line(buyer=camille, artist=potter), state="requested")
    url = (
        reverse("admin:returns_returnrequest_changelist")
        + f"?q={rr.artist_order.order.number}"
    )

    page = staff_client.get(url)

    assert page.status_code == 200
    assert change_url(rr) in page.content.decode()
    assert ArtistOrder.objects.count() == 1
