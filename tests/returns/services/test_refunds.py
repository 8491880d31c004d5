"""The refund of a return request (services): the amount rules (unit price
× quantity, original shipping, discounts, the cap across routes, lowering
with a note, staff amounts), the refund paid after commit, and the buyer's
email once the provider confirms it."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from marketplace.errors import DomainError
from marketplace.notifications.models import Notification
from orders.models import ArtistOrder, RefundReason, RefundStatus
from orders.services import refund_create
from returns import rules, services

from ..factories import make_artist, make_line, make_return, staff_user
from .helpers import emails_of, fresh

pytestmark = pytest.mark.django_db


class TestRefundAmount:
    def test_is_the_unit_price_times_the_quantity_for_part_of_the_order(self, line):
        rr = make_return(line=line, state="received", quantity=1)

        assert rules.return_refund_amount(rr) == Decimal("24.00")

    def test_adds_the_original_shipping_when_the_whole_order_comes_back_for_an_artist_fault(
        self, line
    ):
        rr = make_return(line=line, state="received", quantity=2, reason="damaged")

        assert rules.return_refund_amount(rr) == Decimal("53.00")

    def test_adds_no_shipping_for_a_change_of_mind_unless_the_terms_say_so(self, buyer):
        plain = make_line(buyer=buyer, artist=make_artist("plain"), quantity=2)
        generous = make_line(
            buyer=buyer,
            artist=make_artist("generous", refunds_original_shipping=True),
            quantity=2,
        )

        plain_return = make_return(
            line=plain, state="received", quantity=2, reason="changed_mind"
        )
        generous_return = make_return(
            line=generous, state="received", quantity=2, reason="changed_mind"
        )

        assert rules.return_refund_amount(plain_return) == Decimal("48.00")
        assert rules.return_refund_amount(generous_return) == Decimal("53.00")

    def test_the_shipping_is_refunded_once_when_two_requests_bring_everything_back(
        self, line
    ):
        first = make_return(line=line, state="received", quantity=1, reason="damaged")
        second = make_return(line=line, state="received", quantity=1, reason="damaged")

        first_refund = services.return_request_refund(
            return_request=first, by=first.artist_order.artist.user
        )
        second_refund = services.return_request_refund(
            return_request=fresh(second), by=second.artist_order.artist.user
        )

        assert {first_refund.amount, second_refund.amount} == {
            Decimal("29.00"),
            Decimal("24.00"),
        }
        assert ArtistOrder.objects.get(pk=line.artist_order_id).refunded == Decimal(
            "53.00"
        )

    def test_the_artist_may_lower_it_with_a_note(
        self, line, mailoutbox, django_capture_on_commit_callbacks
    ):
        rr = make_return(line=line, state="received", quantity=1)

        with django_capture_on_commit_callbacks(execute=True):
            refund = services.return_request_refund(
                return_request=rr,
                by=rr.artist_order.artist.user,
                amount="20.00",
                note="The box was missing.",
            )

        rr = fresh(rr)
        assert refund.amount == rr.refund_amount == Decimal("20.00")
        assert refund.reason == RefundReason.RETURN
        assert refund.idempotency_key == f"return:{rr.pk}"
        assert rr.refund_note == "The box was missing."
        assert "The box was missing." in rr.history.last().note

    def test_the_artist_must_say_why_the_refund_is_lower(self, line):
        rr = make_return(line=line, state="received", quantity=1)

        with pytest.raises(DomainError) as error:
            services.return_request_refund(
                return_request=rr, by=rr.artist_order.artist.user, amount="20.00"
            )

        assert error.value.field == "note"
        assert fresh(rr).state == "received"
        assert not rr.artist_order.refunds.filter(reason="return").exists()

    def test_the_artist_cannot_raise_it(self, line):
        rr = make_return(line=line, state="received", quantity=1)

        with pytest.raises(DomainError) as error:
            services.return_request_refund(
                return_request=rr,
                by=rr.artist_order.artist.user,
                amount="30.00",
                note="Sorry",
            )

        assert error.value.field == "amount"
        assert fresh(rr).state == "received"

    def test_staff_may_set_any_amount_within_what_was_paid(self, line):
        rr = make_return(line=line, state="escalated", quantity=1)

        refund = services.return_request_staff_decide(
            return_request=rr,
            by=staff_user(),
            decision="refund",
            amount="53.00",
            note="Goodwill",
        )

        assert refund.amount == Decimal("53.00")
        assert fresh(rr).state == "refunded"

    def test_staff_cannot_refund_more_than_what_is_left(self, line):
        rr = make_return(line=line, state="escalated", quantity=1)

        with pytest.raises(DomainError) as error:
            services.return_request_staff_decide(
                return_request=rr, by=staff_user(), decision="refund", amount="53.01"
            )

        assert error.value.field == "amount"
        assert fresh(rr).state == "escalated"
        assert ArtistOrder.objects.get(pk=line.artist_order_id).refunded == Decimal(
            "0.00"
        )

    def test_the_cap_holds_across_the_return_and_staff_routes(self, line):
        artist_order = ArtistOrder.objects.get(pk=line.artist_order_id)
        refund_create(
            artist_order=artist_order,
            amount="40.00",
            reason=RefundReason.STAFF,
            idempotency_key="staff:goodwill",
        )
        rr = make_return(line=line, state="received", quantity=2, reason="damaged")

        # The default is capped to what is left (13.00 of 53.00).
        assert rules.return_refund_amount(rr) == Decimal("13.00")
        refund = services.return_request_refund(
            return_request=rr, by=rr.artist_order.artist.user
        )
        with pytest.raises(DomainError):
            refund_create(
                artist_order=artist_order,
                amount="0.01",
                reason=RefundReason.STAFF,
                idempotency_key="staff:more",
            )

        assert refund.amount == Decimal("13.00")
        total = artist_order.refunds.exclude(status=RefundStatus.FAILED).aggregate(
            s=Sum("amount")
        )["s"]
        assert (
            total
            == Decimal("53.00")
            == ArtistOrder.objects.get(pk=artist_order.pk).paid
        )

    def test_a_discount_is_shared_out_over_the_returned_pieces(self, buyer):
        artist = make_artist("discounted")
        line = make_line(buyer=buyer, artist=artist, quantity=2, price="25.00")
        ArtistOrder.objects.filter(pk=line.artist_order_id).update(
            discount=Decimal("10.00"), total=Decimal("45.00"), paid=Decimal("45.00")
        )
        rr = make_return(line=line, state="received", quantity=1, reason="changed_mind")

        assert rules.return_refund_amount(rr) == Decimal("20.00")

    def test_the_refund_is_paid_after_commit(
        self, line, django_capture_on_commit_callbacks
    ):
        rr = make_return(line=line, state="received", quantity=1)

        with django_capture_on_commit_callbacks(execute=True):
            refund = services.return_request_refund(
                return_request=rr, by=rr.artist_order.artist.user
            )

        refund.refresh_from_db()
        assert refund.status == RefundStatus.SUCCEEDED
        assert fresh(rr).refund == refund


class TestRefundConfirmed:
    def test_the_buyer_is_emailed_on_receipt_and_again_when_the_refund_is_confirmed(
        self, line, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        rr = make_return(line=line, state="in_transit", quantity=1)
        Notification.objects.filter(event__startswith="return_").delete()
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            services.return_request_receive(
                return_request=fresh(rr), by=rr.artist_order.artist.user
            )
        with django_capture_on_commit_callbacks(execute=True):
            refund = services.return_request_refund(
                return_request=fresh(rr), by=rr.artist_order.artist.user
            )

        refund.refresh_from_db()
        assert refund.status == RefundStatus.SUCCEEDED
        to_buyer = emails_of(mailoutbox, buyer.email)
        assert [
            n.event
            for n in Notification.objects.filter(
                recipient=buyer, event__startswith="return_"
            ).order_by("id")
        ] == [
            "return_received",
            "return_refund_confirmed",
        ]
        assert len(to_buyer) == 2
        assert "24,00 €" in to_buyer[1].subject  # written as French pages write it
        assert (
            Notification.objects.get(event="return_refund_confirmed").language == "fr"
        )

    def test_no_confirmation_while_the_provider_has_not_paid(
        self, line, buyer, monkeypatch
    ):
        from orders.services import refunds

        monkeypatch.setattr(refunds, "dispatch_refund", lambda **kwargs: False)
        rr = make_return(line=line, state="received", quantity=1)

        refund = services.return_request_refund(
            return_request=rr, by=rr.artist_order.artist.user
        )

        refund.refresh_from_db()
        assert refund.status == RefundStatus.PENDING
        assert not Notification.objects.filter(event="return_refund_confirmed").exists()

    def test_a_refund_processed_twice_confirms_once(self, line, monkeypatch):
        from orders.services import refunds

        monkeypatch.setattr(refunds, "dispatch_refund", lambda **kwargs: False)
        rr = make_return(line=line, state="received", quantity=1)
        refund = services.return_request_refund(
            return_request=rr, by=rr.artist_order.artist.user
        )

        refunds.refund_process(refund_id=refund.pk)
        refunds.refund_process(refund_id=refund.pk)
        services.return_refund_confirmed(refund=refund)

        assert Notification.objects.filter(event="return_refund_confirmed").count() == 1
