"""Staff and stuck returns: late refunds (seed 002), returns sent back and
not marked received, and orders not shipped long after their dispatch date
wait in the escalation queue; staff refund a return the artist left stuck
from the admin or the API, recorded against the artist in the ledger, the
buyer and the artist emailed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.notifications.models import Notification
from orders.models import ArtistOrder
from payouts.models import LedgerEntry
from returns import jobs
from returns.models import ReturnRequest
from staff.escalations import escalation_counts, escalation_queue
from tests.orders.factories import make_artist_order
from tests.returns.factories import make_line, make_return

from .conftest import api_as
from .helpers import change_url, transition_url

pytestmark = pytest.mark.django_db


def stuck_escalated(buyer, artist, *, state="in_transit") -> ReturnRequest:
    """A return left ``state`` by the artist, passed to staff by the job."""
    rr = make_return(line=make_line(buyer=buyer, artist=artist), state=state)
    jobs.escalate_stuck_returns(now=timezone.now() + timedelta(days=11))
    rr = ReturnRequest.objects.get(pk=rr.pk)
    assert rr.state == "escalated"
    return rr


def refund_entries(rr) -> list[tuple[str, Decimal]]:
    return list(
        LedgerEntry.objects.filter(
            artist_order=rr.artist_order, kind="refund", artist=rr.artist
        ).values_list("account", "amount")
    )


class TestStaffRefundAStuckReturn:
    def test_from_the_admin_recorded_against_the_artist_and_both_emailed(
        self, camille, potter, staff_client
    ):
        rr = stuck_escalated(camille, potter)
        page = staff_client.get(change_url(rr)).content.decode()
        assert 'data-transition="refund"' in page
        assert 'data-transition="close"' in page
        assert 'data-transition="accept"' not in page  # sent back: no new instructions

        staff_client.post(transition_url(rr, "refund"), {"amount": "24.00", "note": ""})

        rr = ReturnRequest.objects.get(pk=rr.pk)
        assert rr.state == "refunded"
        assert rr.refund.amount == Decimal("24.00")
        assert rr.history.last().transition == "staff_refund"
        assert refund_entries(rr)  # the artist's ledger carries the refund
        assert sorted(
            Notification.objects.filter(event="return_decided").values_list(
                "recipient__username", "context__decision"
            )
        ) == [("camille", "refund"), ("potter", "refund")]

    def test_through_the_api_and_accept_is_refused(self, camille, potter, staff):
        rr = stuck_escalated(camille, potter, state="received")
        api = api_as(staff)

        refused = api.post(
            f"/api/v1/returns/{rr.pk}/accept/", {"instructions": "Send it again."}
        )
        refunded = api.post(f"/api/v1/returns/{rr.pk}/refund/", {})

        assert refused.status_code == 409
        assert refunded.status_code == 200
        rr = ReturnRequest.objects.get(pk=rr.pk)
        assert rr.state == "refunded"
        assert refund_entries(rr)

    def test_the_artist_and_the_buyer_cannot(self, camille, potter):
        rr = stuck_escalated(camille, potter)
        artist = api_as(potter.user).post(f"/api/v1/returns/{rr.pk}/refund/", {})
        buyer = api_as(camille).post(f"/api/v1/returns/{rr.pk}/refund/", {})
        assert artist.status_code == 409
        assert buyer.status_code in (403, 404)
        assert ReturnRequest.objects.get(pk=rr.pk).state == "escalated"


class TestQueue:
    def test_late_refunds_and_stuck_returns_are_listed(
        self, camille, potter, staff_client
    ):
        received = make_return(
            line=make_line(buyer=camille, artist=potter), state="received"
        )
        sent = make_return(
            line=make_line(buyer=camille, artist=potter), state="in_transit"
        )
        on_time = make_return(
            line=make_line(buyer=camille, artist=potter), state="received"
        )
        now = timezone.now()
        ReturnRequest.objects.filter(pk=received.pk).update(
            refund_due_at=now - timedelta(hours=1)
        )
        ReturnRequest.objects.filter(pk=sent.pk).update(
            shipped_back_at=now - timedelta(days=10, hours=1)
        )

        counts = escalation_counts()
        rows = escalation_queue()

        assert counts["late_refunds"] == 1 and counts["stuck_returns"] == 1
        titles = {row.kind: row.title for row in rows}
        assert f"Return #{received.pk} " in titles["late_refunds"]
        assert f"Return #{sent.pk} " in titles["stuck_returns"]
        assert not any(f"#{on_time.pk} " in row.title for row in rows)
        html = staff_client.get(reverse("admin:index")).content.decode()
        assert "Return refunds overdue" in html

    def test_a_stuck_escalation_says_why(self, camille, potter):
        rr = stuck_escalated(camille, potter)
        row = next(row for row in escalation_queue(kind="returns"))
        assert f"#{rr.pk} " in row.title
        assert "not marked received by the artist in time" in row.detail

    def test_orders_not_shipped_a_week_after_their_dispatch_date(self, camille, potter):
        late = make_artist_order(buyer=camille, artist=potter, state="accepted")
        recent = make_artist_order(buyer=camille, artist=potter, state="accepted")
        today = timezone.localdate()
        ArtistOrder.objects.filter(pk=late.pk).update(
            dispatch_date=today - timedelta(days=9)
        )
        ArtistOrder.objects.filter(pk=recent.pk).update(
            dispatch_date=today - timedelta(days=2)
        )

        rows = escalation_queue(kind="shipping")

        assert [row.url for row in rows] == [change_url(late)]
        assert transition_url(late, "refuse") in dict(rows[0].links).values()
