"""A refund the provider declines for good, or one still pending after many
attempts, waits in the staff's escalation queue until a member of staff has
acted (refunded again, contacted the buyer) and marks it handled from the
refund list; that mark is recorded with its author."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.errors import Conflict
from orders.models import Refund, RefundReason, RefundStatus
from orders.payments import TestPaymentProvider
from orders.services.refunds import ALERT_AFTER_ATTEMPTS, refund_create
from orders.services.staff import refund_mark_handled
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:escalations")
REFUNDS = reverse("admin:orders_refund_changelist")


def refund_log(refund):
    """The admin log lines about ``refund`` (other objects share its id)."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Refund), object_id=str(refund.pk)
    )


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def refund_rows(client):
    response = client.get(QUEUE + "?kind=refunds")
    assert response.status_code == 200
    return response.context["rows"]


def mark_handled(client, *refunds):
    """Tick ``refunds`` in the refund list and run the admin action."""
    return client.post(
        REFUNDS,
        {
            "action": "mark_handled",
            "_selected_action": [refund.pk for refund in refunds],
            "index": 0,
        },
        follow=True,
    )


def shown_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def _provider_forgets_earlier_refunds(monkeypatch):
    """The test provider remembers each refund's answer by payment and key,
    and ids repeat between tests: start each test with a fresh memory."""
    monkeypatch.setattr(TestPaymentProvider, "_refunds", {})


@pytest.fixture
def declined_refund(camille, potter, monkeypatch, django_capture_on_commit_callbacks):
    """The artist refused a 29 € order (24 € + 5 € shipping) and the provider
    declined its refund for good."""
    monkeypatch.setattr(TestPaymentProvider, "refund_decline", True)
    with django_capture_on_commit_callbacks(execute=True):
        artist_order = make_artist_order(
            buyer=camille, artist=potter, state="refused", price="24.00"
        )
    monkeypatch.setattr(TestPaymentProvider, "refund_decline", False)
    refund = Refund.objects.get(artist_order=artist_order)
    assert refund.status == RefundStatus.FAILED
    return refund


def pending_refund(
    artist_order, *, attempts, key, error="ConnectionError: provider unreachable"
):
    """A refund the provider could not be reached for, ``attempts`` times."""
    refund = refund_create(
        artist_order=artist_order,
        amount="5.00",
        reason=RefundReason.STAFF,
        idempotency_key=key,
    )
    Refund.objects.filter(pk=refund.pk).update(attempts=attempts, last_error=error)
    return refund


class TestAFailedRefundInTheQueue:
    def test_is_shown_to_staff_with_its_order_artist_amount_and_error(
        self, declined_refund, staff_client
    ):
        order = declined_refund.artist_order.order

        response = staff_client.get(QUEUE)

        page = response.content.decode()
        [row] = [row for row in response.context["rows"] if row.kind == "refunds"]
        assert (
            row.title
            == f"Refund #{declined_refund.pk} — order {order.number}, Atelier Argile, 29.00 €"
        )
        assert "declined by the provider" in row.detail
        assert "The refund was refused." in row.detail
        assert row.url == change_url(declined_refund)
        assert change_url(declined_refund.artist_order) in [
            url for _label, url in row.links
        ]
        assert row.url in page
        assert "Refunds failed or stuck (1)" in page
        assert 'id="refunds-help"' in page
        index = staff_client.get(reverse("admin:index"))
        assert (
            dict(
                (kind, count)
                for kind, _label, count in index.context["escalation_counts"]
            )["refunds"]
            == 1
        )

    def test_leaves_the_queue_once_refunded_again_and_marked_handled(
        self, declined_refund, staff, staff_client, django_capture_on_commit_callbacks
    ):
        artist_order = declined_refund.artist_order
        refund_form = reverse(
            "admin:orders_artistorder_transition",
            kwargs={"object_id": artist_order.pk, "action": "refund"},
        )
        token = re.search(
            r'name="token" value="([0-9a-f]+)"',
            staff_client.get(refund_form).content.decode(),
        )
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(
                refund_form,
                {
                    "amount": "29.00",
                    "note": "Your refund failed at the bank; sent again.",
                    "token": token.group(1),
                },
            )
        assert len(refund_rows(staff_client)) == 1  # refunded again, not yet marked

        response = mark_handled(staff_client, declined_refund)

        assert response.status_code == 200
        assert (
            "1 failed refund marked as handled: it leaves the escalation queue."
            in shown_messages(response)
        )
        assert refund_rows(staff_client) == []
        declined_refund.refresh_from_db()
        assert declined_refund.handled_by == staff
        assert declined_refund.handled_at is not None
        assert declined_refund.status == RefundStatus.FAILED
        entry = refund_log(declined_refund).get()
        assert (entry.user, entry.change_message) == (staff, "Marked as handled.")
        artist_order.refresh_from_db()
        assert artist_order.refunded == Decimal("29.00")
        assert artist_order.refunds.filter(status=RefundStatus.SUCCEEDED).count() == 1

    def test_shows_who_handled_it_on_its_page_and_in_the_handled_filter(
        self, declined_refund, staff, staff_client
    ):
        refund_mark_handled(
            refund=declined_refund, by=staff, note="Buyer paid back by bank transfer."
        )

        page = staff_client.get(change_url(declined_refund)).content.decode()
        handled = staff_client.get(REFUNDS + "?handled=yes").context["cl"].result_list
        waiting = staff_client.get(REFUNDS + "?handled=no").context["cl"].result_list

        assert "support" in page  # handled by
        assert list(handled) == [declined_refund]
        assert list(waiting) == []
        handled_log = refund_log(declined_refund).get()
        assert (
            handled_log.change_message
            == "Marked as handled. Buyer paid back by bank transfer."
        )

    def test_cannot_be_marked_twice(self, declined_refund, staff, staff_client):
        refund_mark_handled(refund=declined_refund, by=staff)
        first = Refund.objects.get(pk=declined_refund.pk).handled_at

        response = mark_handled(staff_client, declined_refund)

        assert "1 refund was already marked as handled." in shown_messages(response)
        assert Refund.objects.get(pk=declined_refund.pk).handled_at == first
        assert refund_log(declined_refund).count() == 1
        with pytest.raises(Conflict):
            refund_mark_handled(refund=declined_refund, by=staff)


class TestAStuckRefundInTheQueue:
    def test_a_refund_pending_after_many_attempts_is_shown_and_a_recent_one_is_not(
        self, camille, potter, staff_client
    ):
        artist_order = make_artist_order(
            buyer=camille, artist=potter, state="shipped", price="40.00"
        )
        stuck = pending_refund(artist_order, attempts=ALERT_AFTER_ATTEMPTS, key="stuck")
        pending_refund(
            artist_order, attempts=ALERT_AFTER_ATTEMPTS - 1, key="still-trying"
        )

        rows = refund_rows(staff_client)

        assert [row.url for row in rows] == [change_url(stuck)]
        assert f"Still pending after {ALERT_AFTER_ATTEMPTS} attempts" in rows[0].detail
        assert "ConnectionError" in rows[0].detail

    def test_cannot_be_marked_handled_while_pending(
        self, camille, potter, staff_client
    ):
        artist_order = make_artist_order(
            buyer=camille, artist=potter, state="shipped", price="40.00"
        )
        stuck = pending_refund(artist_order, attempts=ALERT_AFTER_ATTEMPTS, key="stuck")

        response = mark_handled(staff_client, stuck)

        assert (
            "1 refund was not failed (pending or paid) and was left as it is."
            in shown_messages(response)
        )
        assert Refund.objects.get(pk=stuck.pk).handled_at is None
        assert len(refund_rows(staff_client)) == 1

    def test_rows_come_oldest_first_in_a_constant_number_of_queries(
        self, camille, staff_client
    ):
        def failed_refund(tag, days_ago):
            shop = make_artist(f"shop-{tag}", name=f"Shop {tag}")
            artist_order = make_artist_order(
                buyer=camille, artist=shop, state="shipped"
            )
            refund = pending_refund(artist_order, attempts=1, key=f"declined-{tag}")
            Refund.objects.filter(pk=refund.pk).update(
                status=RefundStatus.FAILED,
                updated_at=timezone.now() - timedelta(days=days_ago),
            )
            return refund

        newer = failed_refund("a", 1)
        staff_client.get(QUEUE)  # warm the session and content types
        with CaptureQueriesContext(connection) as small:
            staff_client.get(QUEUE)
        older = failed_refund("b", 3)
        oldest = failed_refund("c", 5)
        with CaptureQueriesContext(connection) as large:
            rows = staff_client.get(QUEUE).context["rows"]

        assert [row.url for row in rows] == [
            change_url(oldest),
            change_url(older),
            change_url(newer),
        ]
        assert len(large) == len(small)


class TestMarkingARefundThatDidNotFail:
    def test_a_paid_refund_is_refused_and_nothing_changes(
        self, camille, potter, staff, staff_client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            artist_order = make_artist_order(
                buyer=camille, artist=potter, state="refused"
            )
        paid = Refund.objects.get(artist_order=artist_order)
        assert paid.status == RefundStatus.SUCCEEDED

        response = mark_handled(staff_client, paid)

        assert (
            "1 refund was not failed (pending or paid) and was left as it is."
            in shown_messages(response)
        )
        paid.refresh_from_db()
        assert (paid.status, paid.handled_at, paid.handled_by) == (
            RefundStatus.SUCCEEDED,
            None,
            None,
        )
        assert not refund_log(paid).exists()
        with pytest.raises(Conflict):
            refund_mark_handled(refund=paid, by=staff)


class TestWhoMayMarkARefund:
    def test_a_buyer_sees_neither_the_queue_nor_the_action(
        self, declined_refund, camille, client
    ):
        client.force_login(camille)

        queue = client.get(QUEUE)
        action = mark_handled(client, declined_refund)

        assert queue.status_code == 302
        assert reverse("admin:login") in queue["Location"]
        assert (
            action.redirect_chain
            and reverse("admin:login") in action.redirect_chain[-1][0]
        )
        assert Refund.objects.get(pk=declined_refund.pk).handled_at is None
        assert not refund_log(declined_refund).exists()

    def test_the_service_refuses_someone_who_is_not_staff(
        self, declined_refund, camille
    ):
        with pytest.raises(PermissionDenied):
            refund_mark_handled(refund=declined_refund, by=camille)

        assert Refund.objects.get(pk=declined_refund.pk).handled_at is None

    def test_staff_without_the_refund_permission_cannot_run_the_action(
        self, declined_refund
    ):
        agent = UserFactory(username="agent", email="agent@example.com", is_staff=True)
        agent.user_permissions.add(Permission.objects.get(codename="view_refund"))
        client = Client()
        client.force_login(agent)

        mark_handled(client, declined_refund)

        assert Refund.objects.get(pk=declined_refund.pk).handled_at is None
        assert not refund_log(declined_refund).exists()
