"""The escalation queue lists what waits on the team, oldest first, with a
link to each object's admin page, in a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artists.models import Artist
from messaging import services as messaging
from messaging.models import Message
from orders import services as order_services
from orders.models import ArtistOrder, CancellationRequest, NotReceivedReport
from returns.models import ReturnRequest
from staff.escalations import KINDS
from tests.factories import ArtistFactory
from tests.orders.factories import make_artist, make_artist_order
from tests.returns.factories import make_line, make_return

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:escalations")


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def make_queue(buyer, *, tag: str, base: int):
    """One row of each kind (and some that must not show), each kind older
    by one day than the next: shops awaiting approval oldest, then returns,
    not received, cancellations, acceptances, messages. Returns the objects
    expected."""
    shop = make_artist(f"shop-{tag}", name=f"Shop {tag}")

    pending = ArtistFactory(name=f"New shop {tag}", approved_at=None)
    Artist.objects.filter(pk=pending.pk).update(created_at=days_ago(base + 6))
    ArtistFactory(approved_at=None, user__is_active=False)  # suspended account

    escalated = make_return(line=make_line(buyer=buyer, artist=shop), state="escalated")
    ReturnRequest.objects.filter(pk=escalated.pk).update(
        escalated_at=days_ago(base + 5)
    )
    make_return(
        line=make_line(buyer=buyer, artist=shop), state="rejected"
    )  # not escalated

    shipped = make_artist_order(buyer=buyer, artist=shop, state="shipped")
    report = order_services.artist_order_report_not_received(
        artist_order=shipped, by=buyer
    )
    NotReceivedReport.objects.filter(pk=report.pk).update(created_at=days_ago(base + 4))

    accepted = make_artist_order(buyer=buyer, artist=shop, state="accepted")
    order_services.artist_order_cancel(
        artist_order=accepted, by=buyer, reason="Changed my mind"
    )
    CancellationRequest.objects.filter(artist_order=accepted).update(
        created_at=days_ago(base + 3)
    )
    fresh = make_artist_order(buyer=buyer, artist=shop, state="accepted")
    order_services.artist_order_cancel(
        artist_order=fresh, by=buyer
    )  # too recent to show

    overdue = make_artist_order(buyer=buyer, artist=shop)
    ArtistOrder.objects.filter(pk=overdue.pk).update(
        paid_at=days_ago(base + 2),
        acceptance_deadline=timezone.now() + timedelta(hours=2),
    )
    make_artist_order(buyer=buyer, artist=shop)  # deadline in three days: not shown

    thread = messaging.thread_start(
        buyer=buyer, artist=shop, body="You are all crooks!"
    )
    message = thread.messages.get()
    messaging.message_flag(message=message, by=shop.user, reason="Insults")
    Message.objects.filter(pk=message.pk).update(flagged_at=days_ago(base + 1))
    hidden = messaging.message_post(thread=thread, author=buyer, body="Still crooks.")
    messaging.message_flag(message=hidden, by=shop.user)
    return {
        "shops": pending,
        "returns": escalated,
        "not_received": shipped,
        "cancellation": accepted,
        "acceptance": overdue,
        "messages": message,
        "hidden": hidden,
    }


def admin_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


class TestEscalationQueue:
    def test_lists_the_right_rows_oldest_first_with_links(
        self, camille, staff, staff_client
    ):
        expected = make_queue(camille, tag="a", base=0)
        messaging.message_hide(message=expected["hidden"], by=staff)

        response = staff_client.get(QUEUE)

        assert response.status_code == 200
        rows = response.context["rows"]
        assert [row.kind for row in rows] == [
            "shops",
            "returns",
            "not_received",
            "cancellation",
            "acceptance",
            "messages",
        ]
        assert [row.url for row in rows] == [
            admin_url(expected["shops"]),
            admin_url(expected["returns"]),
            admin_url(expected["not_received"]),
            admin_url(expected["cancellation"]),
            admin_url(expected["acceptance"]),
            admin_url(expected["messages"]),
        ]
        assert [row.since for row in rows] == sorted(row.since for row in rows)
        page = response.content.decode()
        for row in rows:
            assert row.url in page
        assert "Insults" in page
        assert "5\xa0days" in page or "5 days" in page

    def test_filters_one_kind_and_counts_each_on_the_index(self, camille, staff_client):
        make_queue(camille, tag="a", base=0)

        only_returns = staff_client.get(QUEUE + "?kind=returns").context["rows"]
        index = staff_client.get(reverse("admin:index"))

        assert [row.kind for row in only_returns] == ["returns"]
        assert index.status_code == 200
        assert dict(
            (kind, count) for kind, _label, count in index.context["escalation_counts"]
        ) == {
            "shops": 1,
            "returns": 1,
            "acceptance": 1,
            "not_received": 1,
            "cancellation": 1,
            "messages": 2,
            "refunds": 0,
            "payouts": 0,
            "emails": 0,
            "support": 0,
            "late_refunds": 0,
            "stuck_returns": 0,
            "shipping": 0,
        }
        assert QUEUE in index.content.decode()

    def test_an_answered_row_leaves_the_queue(self, camille, staff, staff_client):
        expected = make_queue(camille, tag="a", base=0)
        order_services.artist_order_refuse(
            artist_order=expected["cancellation"],
            by=staff,
            reason="Cancelled as asked.",
        )
        order_services.artist_order_accept(
            artist_order=expected["acceptance"], by=staff
        )

        kinds = [row.kind for row in staff_client.get(QUEUE).context["rows"]]

        assert "cancellation" not in kinds
        assert "acceptance" not in kinds

    def test_costs_the_same_number_of_queries_whatever_its_length(
        self, camille, staff_client
    ):
        make_queue(camille, tag="a", base=0)
        staff_client.get(QUEUE)  # warm the session and content types
        with CaptureQueriesContext(connection) as small:
            assert staff_client.get(QUEUE).status_code == 200
        make_queue(camille, tag="b", base=10)
        make_queue(camille, tag="c", base=20)
        with CaptureQueriesContext(connection) as large:
            response = staff_client.get(QUEUE)

        assert len(response.context["rows"]) == 21
        assert len(large) == len(small)
        assert len(large) <= 2 + 2 * len(KINDS)  # session, user; 2 per kind

    def test_a_shop_awaiting_approval_links_to_its_approve_button(self, staff_client):
        pending = ArtistFactory(name="Terre & Feu", location="Lyon", approved_at=None)

        rows = staff_client.get(QUEUE, {"kind": "shops"}).context["rows"]

        assert [row.title for row in rows] == [
            f"Shop Terre & Feu (Lyon) — {pending.user.email}"
        ]
        approve = reverse(
            "admin:artists_artist_transition",
            kwargs={"object_id": pending.pk, "action": "approve"},
        )
        assert ("approve", approve) in rows[0].links

    def test_an_empty_queue_says_so(self, staff_client):
        response = staff_client.get(QUEUE)

        assert response.status_code == 200
        assert "Nothing waits on the team" in response.content.decode()
