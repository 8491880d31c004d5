"""The artist order lifecycle services, cancelling: the buyer's cancellation
(at once while awaiting acceptance, a request once accepted) with its
history, refund, stock and emails, and cancelling a whole order of several
artists."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from marketplace.errors import Conflict
from orders.models import (
    CancellationRequest,
    CancellationStatus,
    Refund,
    RefundReason,
    RefundStatus,
)
from orders.services import (
    artist_order_cancel,
    artist_order_refuse,
    artist_order_ship,
    order_cancel,
)

from ..factories import make_artist, make_variant
from ..lifecycle_factories import place_order
from .helpers import S, accepted, emails_to, events_to, fresh, shipped


class TestCancel:
    def test_cancelling_before_acceptance_is_instant_refunded_restocked_and_both_told(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, variant = placed

        with django_capture_on_commit_callbacks(execute=True):
            outcome = artist_order_cancel(
                artist_order=artist_order, by=buyer, reason="Ordered twice."
            )

        assert outcome == "cancelled"
        artist_order = fresh(artist_order)
        assert artist_order.state == S.CANCELLED
        [refund] = artist_order.refunds.all()
        assert (refund.amount, refund.reason, refund.status) == (
            Decimal("95.00"),
            RefundReason.CANCELLATION,
            RefundStatus.SUCCEEDED,
        )
        variant.refresh_from_db()
        assert variant.stock == 5
        assert len(emails_to(mailoutbox, buyer.email)) == 1
        [artist_email] = emails_to(mailoutbox, artist.user.email)
        assert "Ordered twice." in artist_email.body
        assert "order_cancelled_by_buyer" in events_to(artist.user)

    def test_cancelling_an_accepted_order_files_a_request_and_emails_the_artist(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, variant = placed
        accepted(artist_order, artist)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            outcome = artist_order_cancel(
                artist_order=artist_order, by=buyer, reason="Changed my mind."
            )

        assert outcome == "requested"
        assert fresh(artist_order).state == S.ACCEPTED
        request = CancellationRequest.objects.get(artist_order=artist_order)
        assert (request.status, request.requested_by, request.reason) == (
            CancellationStatus.OPEN,
            buyer,
            "Changed my mind.",
        )
        [email] = emails_to(mailoutbox, artist.user.email)
        assert "Changed my mind." in email.body
        assert not Refund.objects.exists()
        variant.refresh_from_db()
        assert variant.stock == 3

    def test_a_second_request_while_one_is_open_is_a_conflict(
        self, placed, artist, buyer
    ):
        artist_order, _variant = placed
        accepted(artist_order, artist)
        artist_order_cancel(artist_order=artist_order, by=buyer)

        with pytest.raises(Conflict) as error:
            artist_order_cancel(artist_order=artist_order, by=buyer)

        assert error.value.state == S.ACCEPTED
        assert CancellationRequest.objects.count() == 1

    def test_the_artist_refusing_resolves_the_request_as_accepted_and_refunds(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, variant = placed
        accepted(artist_order, artist)
        artist_order_cancel(artist_order=artist_order, by=buyer)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="As you asked."
            )

        request = CancellationRequest.objects.get(artist_order=artist_order)
        assert request.status == CancellationStatus.ACCEPTED
        assert request.resolved_at is not None
        assert fresh(artist_order).refunds.get().status == RefundStatus.SUCCEEDED
        [email] = emails_to(mailoutbox, buyer.email)
        assert (
            "demande d'annulation a été acceptée" in email.body
        )  # the buyer reads French
        variant.refresh_from_db()
        assert variant.stock == 5

    def test_the_artist_shipping_first_declines_the_request_and_points_the_buyer_to_returns(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, _variant = placed
        accepted(artist_order, artist)
        artist_order_cancel(artist_order=artist_order, by=buyer)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_ship(
                artist_order=artist_order,
                by=artist.user,
                carrier="Chronopost",
                tracking_number="XY123",
            )

        request = CancellationRequest.objects.get(artist_order=artist_order)
        assert request.status == CancellationStatus.DECLINED
        buyer_emails = emails_to(mailoutbox, buyer.email)
        assert len(buyer_emails) == 2
        declined = next(m for m in buyer_emails if "avait déjà expédié" in m.subject)
        assert "demander un retour" in declined.body  # the buyer reads French
        assert not Refund.objects.exists()

    @pytest.mark.parametrize("state_maker", ["shipped", "refused"])
    def test_shipped_or_refused_orders_cannot_be_cancelled(
        self, placed, artist, buyer, state_maker
    ):
        artist_order, _variant = placed
        if state_maker == "shipped":
            shipped(artist_order, artist)
        else:
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="No clay."
            )

        with pytest.raises(Conflict) as error:
            artist_order_cancel(artist_order=artist_order, by=buyer)

        assert error.value.state == fresh(artist_order).state
        assert not CancellationRequest.objects.exists()

    def test_another_buyer_cannot_cancel(self, placed, other_buyer):
        artist_order, _variant = placed

        with pytest.raises(PermissionDenied):
            artist_order_cancel(artist_order=artist_order, by=other_buyer)

        assert fresh(artist_order).state == S.AWAITING_ACCEPTANCE


class TestOrderCancel:
    @pytest.fixture
    def three_parts(self, buyer, artist, other_artist, mailoutbox):
        smith = make_artist("smith")
        order = place_order(
            buyer,
            (make_variant(artist, price="20.00"), 1),
            (make_variant(other_artist, price="30.00"), 1),
            (make_variant(smith, price="12.00"), 1),
        )
        waiting = order.artist_orders.get(artist=artist)
        to_request = order.artist_orders.get(artist=other_artist)
        gone = order.artist_orders.get(artist=smith)
        accepted(to_request, other_artist)
        shipped(gone, smith)
        mailoutbox.clear()
        return order, waiting, to_request, gone

    def test_cancel_my_order_cancels_what_waits_requests_what_is_accepted_and_leaves_what_shipped(
        self, three_parts, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        order, waiting, to_request, gone = three_parts

        with django_capture_on_commit_callbacks(execute=True):
            outcomes = order_cancel(order=order, by=buyer, reason="Moving abroad.")

        assert outcomes == {waiting.pk: "cancelled", to_request.pk: "requested"}
        assert fresh(waiting).state == S.CANCELLED
        assert fresh(waiting).refunded == Decimal("25.00")
        assert (
            fresh(to_request).cancellation_requests.get().status
            == CancellationStatus.OPEN
        )
        assert fresh(gone).state == S.SHIPPED
        assert not fresh(gone).refunds.exists()
        assert {m.to[0] for m in mailoutbox} == {
            buyer.email,
            waiting.artist.user.email,
            to_request.artist.user.email,
        }

    def test_cancel_my_order_again_is_a_conflict_when_nothing_more_can_be_cancelled(
        self, three_parts, buyer
    ):
        order, *_parts = three_parts
        order_cancel(order=order, by=buyer)

        with pytest.raises(Conflict) as error:
            order_cancel(order=order, by=buyer)

        assert error.value.state == "partially_refunded"

    def test_only_the_buyer_may_cancel_the_order(self, three_parts, other_buyer):
        order, waiting, *_parts = three_parts

        with pytest.raises(PermissionDenied):
            order_cancel(order=order, by=other_buyer)

        assert fresh(waiting).state == S.AWAITING_ACCEPTANCE
