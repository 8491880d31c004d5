"""Staff run the transitions of return requests from the admin, with the
same services, history and emails as the dashboard; the returns admin list
searched by order number."""

import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from marketplace.notifications.models import Notification
from orders.models import ArtistOrder
from returns.models import ReturnEvent, ReturnRequest
from tests.orders.factories import make_artist
from tests.returns.factories import make_line, make_return

from .helpers import change_url, logged_in, outbox_by_role, transition_url

pytestmark = pytest.mark.django_db


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
