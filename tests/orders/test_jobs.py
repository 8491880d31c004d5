"""The periodic jobs of the artist order lifecycle: deadlines (fractional
ones too), reminders and delays told once, and nothing done twice."""

import time
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from marketplace.notifications.models import Notification
from orders import jobs
from orders.models import (
    ArtistOrder,
    ArtistOrderState,
    Refund,
    RefundReason,
    RefundStatus,
)
from orders.services import (
    artist_order_accept,
    artist_order_confirm_delivery,
    artist_order_report_not_received,
    artist_order_ship,
)
from tests.factories import UserFactory

from .factories import make_artist
from .lifecycle_factories import paid_artist_order

S = ArtistOrderState


@pytest.fixture
def buyer(db):
    return UserFactory(username="camille", email="camille@example.com", language="fr")


@pytest.fixture
def artist(db):
    return make_artist("potter")


def fresh(artist_order):
    return ArtistOrder.objects.get(pk=artist_order.pk)


def events(event):
    return list(
        Notification.objects.filter(event=event).values_list(
            "recipient__username", flat=True
        )
    )


def subjects_to(mailoutbox, address):
    return [m.subject for m in mailoutbox if m.to == [address]]


def ship(artist_order, artist):
    artist_order_accept(artist_order=artist_order, by=artist.user)
    artist_order_ship(
        artist_order=artist_order, by=artist.user, carrier="GLS", tracking_number="GL1"
    )


class TestAcceptanceDeadline:
    def test_a_fractional_deadline_reminds_once_then_refuses_refunds_restocks_and_tells_both(
        self, settings, buyer, artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        settings.ACCEPTANCE_DEADLINE_HOURS = 0.001  # 3.6 seconds
        artist_order, variant = paid_artist_order(
            buyer=buyer, artist=artist, price="45.00", quantity=2
        )
        paid_at = artist_order.paid_at
        assert artist_order.acceptance_deadline == paid_at + timedelta(seconds=3.6)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            reminded = [
                jobs.remind_acceptance_deadlines(now=paid_at + timedelta(seconds=2))
                for _ in range(2)
            ]
        assert reminded == [1, 0]
        assert events("acceptance_reminder") == [artist.user.username]

        after_deadline = paid_at + timedelta(seconds=4)
        with django_capture_on_commit_callbacks(execute=True):
            refused = [
                jobs.refuse_overdue_acceptances(now=after_deadline) for _ in range(2)
            ]
            reminded_after = jobs.remind_acceptance_deadlines(now=after_deadline)

        assert refused == [1, 0]
        assert reminded_after == 0
        artist_order = fresh(artist_order)
        assert artist_order.state == S.REFUSED
        assert artist_order.history.last().transition == "time_out"
        [refund] = artist_order.refunds.all()
        assert (refund.reason, refund.amount, refund.status) == (
            RefundReason.REFUSAL,
            Decimal("95.00"),
            RefundStatus.SUCCEEDED,
        )
        assert artist_order.refunded == artist_order.paid
        variant.refresh_from_db()
        assert variant.stock == 5
        assert events("order_refused") == [buyer.username]
        assert events("order_timed_out") == [artist.user.username]
        assert events("acceptance_reminder") == [artist.user.username]
        assert len(subjects_to(mailoutbox, buyer.email)) == 1
        assert (
            len(subjects_to(mailoutbox, artist.user.email)) == 2
        )  # reminder, time-out
        assert Notification.objects.get(event="order_refused").language == "fr"

    def test_run_due_jobs_refuses_an_order_past_a_fractional_deadline_on_the_real_clock(
        self, settings, buyer, artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        settings.ACCEPTANCE_DEADLINE_HOURS = 0.0001  # 0.36 seconds
        artist_order, variant = paid_artist_order(
            buyer=buyer, artist=artist, quantity=1
        )
        time.sleep(0.5)

        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_due_jobs")
            call_command("run_due_jobs")

        assert fresh(artist_order).state == S.REFUSED
        assert Refund.objects.get().status == RefundStatus.SUCCEEDED
        variant.refresh_from_db()
        assert variant.stock == 5
        assert events("order_refused") == [buyer.username]
        assert events("order_timed_out") == [artist.user.username]

    def test_an_order_accepted_in_time_is_left_alone(self, settings, buyer, artist):
        settings.ACCEPTANCE_DEADLINE_HOURS = 0.001
        artist_order, _variant = paid_artist_order(buyer=buyer, artist=artist)
        artist_order_accept(artist_order=artist_order, by=artist.user)

        later = timezone.now() + timedelta(hours=1)
        assert jobs.remind_acceptance_deadlines(now=later) == 0
        assert jobs.refuse_overdue_acceptances(now=later) == 0
        assert fresh(artist_order).state == S.ACCEPTED
        assert not Refund.objects.exists()

    def test_the_reminder_comes_a_day_before_a_three_day_deadline(
        self, settings, buyer, artist
    ):
        settings.ACCEPTANCE_DEADLINE_HOURS = 72
        artist_order, _variant = paid_artist_order(buyer=buyer, artist=artist)
        deadline = artist_order.acceptance_deadline

        assert jobs.remind_acceptance_deadlines(now=deadline - timedelta(hours=25)) == 0
        assert jobs.remind_acceptance_deadlines(now=deadline - timedelta(hours=23)) == 1
        assert fresh(artist_order).acceptance_reminder_sent_at is not None

    @pytest.mark.parametrize("holiday_starts_in_days", [0, 1])
    def test_the_deadline_counts_from_the_end_of_a_holiday(
        self, settings, buyer, artist, holiday_starts_in_days
    ):
        settings.ACCEPTANCE_DEADLINE_HOURS = 72
        today = timezone.localdate()
        artist.holiday_start_date = today + timedelta(days=holiday_starts_in_days)
        artist.holiday_end_date = today + timedelta(days=10)
        artist.save()

        artist_order, _variant = paid_artist_order(buyer=buyer, artist=artist)

        back = timezone.make_aware(
            datetime.combine(today + timedelta(days=11), datetime.min.time())
        )
        assert artist_order.acceptance_deadline == back + timedelta(hours=72)
        assert artist_order.dispatch_date > today + timedelta(days=10)
        assert (
            jobs.refuse_overdue_acceptances(now=timezone.now() + timedelta(days=4)) == 0
        )
        assert (
            jobs.remind_acceptance_deadlines(now=timezone.now() + timedelta(days=4))
            == 0
        )
        assert jobs.refuse_overdue_acceptances(now=back + timedelta(hours=73)) == 1

    def test_a_holiday_after_the_deadline_does_not_move_it(
        self, settings, buyer, artist
    ):
        settings.ACCEPTANCE_DEADLINE_HOURS = 24
        today = timezone.localdate()
        artist.holiday_start_date = today + timedelta(days=5)
        artist.holiday_end_date = today + timedelta(days=10)
        artist.save()

        artist_order, _variant = paid_artist_order(buyer=buyer, artist=artist)

        assert artist_order.acceptance_deadline == artist_order.paid_at + timedelta(
            hours=24
        )


class TestAutoDelivery:
    @pytest.fixture
    def in_transit(self, settings, buyer, artist):
        settings.AUTO_DELIVERY_DAYS = 0.5
        artist_order, _variant = paid_artist_order(buyer=buyer, artist=artist)
        ship(artist_order, artist)
        return fresh(artist_order)

    def test_a_parcel_shipped_longer_ago_than_the_fractional_delay_is_marked_delivered_once(
        self, in_transit, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        mailoutbox.clear()
        later = in_transit.shipped_at + timedelta(hours=12, seconds=1)

        with django_capture_on_commit_callbacks(execute=True):
            assert (
                jobs.auto_confirm_deliveries(
                    now=in_transit.shipped_at + timedelta(hours=11)
                )
                == 0
            )
            assert [jobs.auto_confirm_deliveries(now=later) for _ in range(2)] == [1, 0]

        artist_order = fresh(in_transit)
        assert artist_order.state == S.DELIVERED
        assert artist_order.history.last().by is None
        # Once: the delivery notice and the invitation to review.
        assert len(subjects_to(mailoutbox, buyer.email)) == 2

    def test_a_parcel_reported_as_not_received_is_not_marked_delivered(
        self, in_transit, buyer, settings
    ):
        settings.NOT_RECEIVED_AFTER_DAYS = 0
        artist_order_report_not_received(artist_order=in_transit, by=buyer)

        assert jobs.auto_confirm_deliveries(now=timezone.now() + timedelta(days=1)) == 0
        assert fresh(in_transit).state == S.SHIPPED


class TestCompletion:
    @pytest.fixture
    def delivered(self, buyer, artist):
        def make(return_window_days):
            artist.return_window_days = return_window_days
            artist.save()
            artist_order, _variant = paid_artist_order(buyer=buyer, artist=artist)
            ship(artist_order, artist)
            artist_order_confirm_delivery(artist_order=artist_order, by=buyer)
            return fresh(artist_order)

        return make

    def test_an_order_is_completed_once_the_return_window_is_over(self, delivered):
        artist_order = delivered(30)
        delivered_at = artist_order.delivered_at

        assert jobs.complete_finished_orders(now=delivered_at + timedelta(days=29)) == 0
        assert [
            jobs.complete_finished_orders(
                now=delivered_at + timedelta(days=30, seconds=1)
            )
            for _ in range(2)
        ] == [1, 0]
        assert fresh(artist_order).state == S.COMPLETED

    def test_a_short_return_window_still_leaves_the_fourteen_days_of_withdrawal(
        self, delivered
    ):
        artist_order = delivered(0)
        delivered_at = artist_order.delivered_at

        assert jobs.complete_finished_orders(now=delivered_at + timedelta(days=13)) == 0
        assert (
            jobs.complete_finished_orders(
                now=delivered_at + timedelta(days=14, seconds=1)
            )
            == 1
        )


class TestOverdueShipping:
    def test_the_buyer_is_told_once_of_an_order_not_dispatched_by_its_date(
        self, buyer, artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, _variant = paid_artist_order(buyer=buyer, artist=artist)
        artist_order_accept(artist_order=artist_order, by=artist.user)
        ArtistOrder.objects.filter(pk=artist_order.pk).update(
            dispatch_date=timezone.localdate() - timedelta(days=1)
        )
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            told = [jobs.flag_overdue_shipping() for _ in range(2)]

        assert told == [1, 0]
        artist_order = fresh(artist_order)
        assert artist_order.delay_notified_at is not None
        assert artist_order.history.last().transition == "delay_notified"
        [subject] = subjects_to(mailoutbox, buyer.email)
        assert artist_order.order.number in subject

    def test_orders_shipped_or_due_later_are_not_flagged(self, buyer, artist):
        late_but_shipped, _variant = paid_artist_order(buyer=buyer, artist=artist)
        ship(late_but_shipped, artist)
        on_time, _other = paid_artist_order(buyer=buyer, artist=artist)
        ArtistOrder.objects.filter(pk=late_but_shipped.pk).update(
            dispatch_date=timezone.localdate() - timedelta(days=3)
        )
        ArtistOrder.objects.filter(pk=on_time.pk).update(
            dispatch_date=timezone.localdate()
        )

        assert jobs.flag_overdue_shipping() == 0
        assert not Notification.objects.filter(event="order_delayed").exists()


def test_every_lifecycle_job_runs_with_the_others():
    for name in [
        "remind_acceptance_deadlines",
        "refuse_overdue_acceptances",
        "auto_confirm_deliveries",
        "complete_finished_orders",
        "flag_overdue_shipping",
        "retry_pending_refunds",
    ]:
        assert f"orders.jobs.{name}" in django_settings.DUE_JOBS
        assert callable(getattr(jobs, name))
