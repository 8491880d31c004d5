"""Refunds: recorded once per key, capped at what was paid, paid by the
provider after commit, retried while the provider is away, freed when it
declines for good."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.errors import DomainError
from orders import jobs
from orders.models import ArtistOrder, Refund, RefundReason, RefundStatus
from orders.payments import TestPaymentProvider
from orders.services import artist_order_refuse, refund_create, refund_process
from tests.factories import UserFactory

from .factories import make_artist
from .lifecycle_factories import paid_artist_order


@pytest.fixture
def artist(db):
    return make_artist("potter")


@pytest.fixture
def artist_order(artist):
    """57.30 € paid: 2 × 26.15 € and 5 € shipping."""
    artist_order, _variant = paid_artist_order(artist=artist, price="26.15", quantity=2)
    return artist_order


@pytest.fixture
def staff(db):
    return UserFactory(username="support", email="support@example.com", is_staff=True)


def paid_by_provider(artist_order):
    """The refunds the test provider paid for this artist order's payment."""
    reference = artist_order.order.payments.get().reference
    return [
        (key, amount)
        for ref, key, amount in TestPaymentProvider.refunds_paid
        if ref == reference
    ]


def refunded(artist_order):
    return ArtistOrder.objects.values_list("refunded", flat=True).get(
        pk=artist_order.pk
    )


def staff_refund(artist_order, amount, key, by=None):
    return refund_create(
        artist_order=artist_order,
        amount=amount,
        reason=RefundReason.STAFF,
        idempotency_key=key,
        by=by,
    )


class TestRecording:
    def test_a_refund_is_paid_after_commit_and_counted_on_the_artist_order(
        self, artist_order, staff, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            refund = staff_refund(artist_order, "20.10", "goodwill:1", by=staff)

        refund.refresh_from_db()
        assert (refund.amount, refund.status, refund.created_by, refund.attempts) == (
            Decimal("20.10"),
            RefundStatus.SUCCEEDED,
            staff,
            1,
        )
        assert refund.succeeded_at is not None
        assert refunded(artist_order) == Decimal("20.10")
        assert paid_by_provider(artist_order) == [("goodwill:1", Decimal("20.10"))]

    def test_the_same_key_twice_records_and_pays_one_refund(
        self, artist_order, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = staff_refund(artist_order, "10.00", "goodwill:1")
        with django_capture_on_commit_callbacks(execute=True):
            second = staff_refund(artist_order, "10.00", "goodwill:1")

        assert first.pk == second.pk
        assert Refund.objects.count() == 1
        assert refunded(artist_order) == Decimal("10.00")
        assert len(paid_by_provider(artist_order)) == 1

    def test_refunds_up_to_the_cent_of_what_was_paid_are_accepted(self, artist_order):
        staff_refund(artist_order, "20.10", "part:1")
        staff_refund(artist_order, "37.20", "part:2")

        assert refunded(artist_order) == Decimal("57.30")

    def test_a_refund_beyond_what_is_left_is_refused_and_says_how_much_is_left(
        self, artist_order
    ):
        staff_refund(artist_order, "20.10", "part:1")

        with pytest.raises(DomainError) as error:
            staff_refund(artist_order, "37.21", "part:2")

        assert error.value.field == "amount"
        assert "37.20" in str(error.value.message)
        assert refunded(artist_order) == Decimal("20.10")
        assert Refund.objects.count() == 1

    @pytest.mark.parametrize("amount", ["0", "-5", "abc", None, "NaN"])
    def test_an_amount_that_is_not_a_positive_number_is_refused(
        self, artist_order, amount
    ):
        with pytest.raises(DomainError) as error:
            staff_refund(artist_order, amount, "bad")

        assert error.value.field == "amount"
        assert not Refund.objects.exists()

    def test_an_unknown_reason_is_refused(self, artist_order):
        with pytest.raises(DomainError) as error:
            refund_create(
                artist_order=artist_order,
                amount="1.00",
                reason="whim",
                idempotency_key="k",
            )

        assert error.value.field == "reason"

    def test_a_refusal_after_a_partial_refund_refunds_what_is_left(
        self, artist_order, artist, django_capture_on_commit_callbacks
    ):
        staff_refund(artist_order, "7.30", "goodwill:1")

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="Broken."
            )

        refusal = Refund.objects.get(reason=RefundReason.REFUSAL)
        assert refusal.amount == Decimal("50.00")
        assert refunded(artist_order) == Decimal("57.30")


class TestProviderTrouble:
    def test_an_unreachable_provider_leaves_the_refund_pending_and_the_job_pays_it_later(
        self, artist_order, artist, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(TestPaymentProvider, "refund_outage", True)
        with django_capture_on_commit_callbacks(execute=True):
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="Broken."
            )

        refund = Refund.objects.get()
        assert (refund.status, refund.attempts) == (RefundStatus.PENDING, 1)
        assert "ConnectionError" in refund.last_error
        assert refund.next_attempt_at > timezone.now()
        assert refunded(artist_order) == Decimal("57.30")
        assert jobs.retry_pending_refunds() == 0  # not before its back-off

        monkeypatch.setattr(TestPaymentProvider, "refund_outage", False)
        later = timezone.now() + timedelta(minutes=2)
        assert jobs.retry_pending_refunds(now=later) == 1

        refund.refresh_from_db()
        assert (refund.status, refund.attempts) == (RefundStatus.SUCCEEDED, 2)
        assert paid_by_provider(artist_order) == [
            (f"refusal:{artist_order.pk}", Decimal("57.30"))
        ]
        assert jobs.retry_pending_refunds(now=later + timedelta(hours=1)) == 0

    def test_the_back_off_grows_with_each_failed_attempt(
        self, artist_order, monkeypatch
    ):
        monkeypatch.setattr(TestPaymentProvider, "refund_outage", True)
        refund = staff_refund(artist_order, "5.00", "goodwill:1")
        waits = []
        now = timezone.now()
        for _attempt in range(3):
            now = Refund.objects.get(pk=refund.pk).next_attempt_at
            refund_process(refund_id=refund.pk, now=now)
            waits.append(Refund.objects.get(pk=refund.pk).next_attempt_at - now)

        assert waits[0] < waits[1] < waits[2]
        assert Refund.objects.get(pk=refund.pk).status == RefundStatus.PENDING

    def test_a_declined_refund_is_failed_and_its_amount_can_be_refunded_again(
        self, artist_order, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(TestPaymentProvider, "refund_decline", True)
        with django_capture_on_commit_callbacks(execute=True):
            refund = staff_refund(artist_order, "57.30", "goodwill:1")

        refund.refresh_from_db()
        assert refund.status == RefundStatus.FAILED
        assert refund.last_error
        assert refunded(artist_order) == Decimal("0.00")

        monkeypatch.setattr(TestPaymentProvider, "refund_decline", False)
        with django_capture_on_commit_callbacks(execute=True):
            again = staff_refund(artist_order, "57.30", "goodwill:2")

        again.refresh_from_db()
        assert again.status == RefundStatus.SUCCEEDED
        assert refunded(artist_order) == Decimal("57.30")
        assert jobs.retry_pending_refunds(now=timezone.now() + timedelta(days=1)) == 0

    def test_running_the_task_twice_pays_once(
        self, artist_order, django_capture_on_commit_callbacks
    ):
        from orders.tasks import process_refund

        with django_capture_on_commit_callbacks(execute=True):
            refund = staff_refund(artist_order, "12.00", "goodwill:1")
        process_refund.apply(kwargs={"refund_id": refund.pk})
        Refund.objects.filter(pk=refund.pk).update(
            status=RefundStatus.PENDING, next_attempt_at=timezone.now()
        )
        process_refund.apply(kwargs={"refund_id": refund.pk})  # a redelivered task

        assert paid_by_provider(artist_order) == [("goodwill:1", Decimal("12.00"))]
        assert Refund.objects.get(pk=refund.pk).status == RefundStatus.SUCCEEDED

    def test_with_the_broker_down_the_refund_waits_for_the_retry_job(
        self, artist_order, broker_down, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            refund = staff_refund(artist_order, "9.99", "goodwill:1")

        refund.refresh_from_db()
        assert (refund.status, refund.attempts) == (RefundStatus.PENDING, 0)
        assert jobs.retry_pending_refunds() == 1
        refund.refresh_from_db()
        assert refund.status == RefundStatus.SUCCEEDED
