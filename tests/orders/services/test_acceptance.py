"""The artist order lifecycle services, accepting and refusing: each with
its history, refund, stock and emails, who may run it, and what it
refuses."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from marketplace.errors import Conflict, DomainError
from marketplace.notifications.models import Notification
from orders.models import Refund, RefundReason, RefundStatus
from orders.services import artist_order_accept, artist_order_refuse

from .helpers import S, accepted, emails_to, fresh, shipped


class TestAccept:
    def test_accepting_moves_to_accepted_with_history_and_tells_the_buyer_in_french(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, _variant = placed

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_accept(artist_order=artist_order, by=artist.user)

        artist_order = fresh(artist_order)
        assert artist_order.state == S.ACCEPTED
        assert artist_order.accepted_at is not None
        event = artist_order.history.last()
        assert (event.from_state, event.to_state, event.transition, event.by) == (
            S.AWAITING_ACCEPTANCE,
            S.ACCEPTED,
            "accept",
            artist.user,
        )
        [email] = emails_to(mailoutbox, buyer.email)
        assert artist_order.order.number in email.subject
        assert Notification.objects.get(event="order_accepted").language == "fr"

    def test_accepting_twice_is_a_conflict_with_the_current_state(self, placed, artist):
        artist_order, _variant = placed
        artist_order_accept(artist_order=artist_order, by=artist.user)

        with pytest.raises(Conflict) as error:
            artist_order_accept(artist_order=artist_order, by=artist.user)

        assert error.value.state == S.ACCEPTED
        assert fresh(artist_order).history.filter(transition="accept").count() == 1

    @pytest.mark.parametrize("who", ["buyer", "other_artist", "other_buyer"])
    def test_only_the_artist_or_staff_may_accept(self, placed, who, request):
        artist_order, _variant = placed

        person = request.getfixturevalue(who)
        user = getattr(person, "user", person)

        with pytest.raises(PermissionDenied):
            artist_order_accept(artist_order=artist_order, by=user)

        assert fresh(artist_order).state == S.AWAITING_ACCEPTANCE

    def test_staff_may_accept_for_the_artist(self, placed, staff):
        artist_order, _variant = placed

        artist_order_accept(artist_order=artist_order, by=staff)

        assert fresh(artist_order).state == S.ACCEPTED
        assert fresh(artist_order).history.last().by == staff


class TestRefuse:
    @pytest.mark.parametrize("accept_first", [False, True])
    def test_refusing_refunds_items_and_shipping_at_once_puts_stock_back_and_emails_the_buyer(
        self,
        placed,
        artist,
        buyer,
        accept_first,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        artist_order, variant = placed
        if accept_first:
            accepted(artist_order, artist)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="The kiln broke."
            )

        artist_order = fresh(artist_order)
        assert artist_order.state == S.REFUSED
        assert artist_order.refusal_reason == "The kiln broke."
        [refund] = artist_order.refunds.all()
        assert (refund.amount, refund.reason, refund.status) == (
            Decimal("95.00"),
            RefundReason.REFUSAL,
            RefundStatus.SUCCEEDED,
        )
        assert refund.idempotency_key == f"refusal:{artist_order.pk}"
        assert refund.provider_reference.startswith("test_re_")
        assert artist_order.refunded == Decimal("95.00")
        variant.refresh_from_db()
        assert variant.stock == 5
        [email] = emails_to(mailoutbox, buyer.email)
        assert "95,00 €" in email.body  # written as French pages write it
        assert "The kiln broke." in email.body
        assert artist_order.history.last().transition == "refuse"

    def test_a_refusal_needs_a_reason_and_changes_nothing_without_one(
        self, placed, artist
    ):
        artist_order, variant = placed

        with pytest.raises(DomainError) as error:
            artist_order_refuse(artist_order=artist_order, by=artist.user, reason="   ")

        assert error.value.field == "reason"
        assert fresh(artist_order).state == S.AWAITING_ACCEPTANCE
        assert not Refund.objects.exists()
        variant.refresh_from_db()
        assert variant.stock == 3

    def test_refusing_twice_is_a_conflict_and_refunds_once(self, placed, artist):
        artist_order, _variant = placed
        artist_order_refuse(
            artist_order=artist_order, by=artist.user, reason="Sold out."
        )

        with pytest.raises(Conflict) as error:
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="Sold out."
            )

        assert error.value.state == S.REFUSED
        assert Refund.objects.count() == 1

    def test_a_shipped_order_cannot_be_refused(self, placed, artist):
        artist_order, _variant = placed
        shipped(artist_order, artist)

        with pytest.raises(Conflict) as error:
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="Too late."
            )

        assert error.value.state == S.SHIPPED
        assert not Refund.objects.exists()

    def test_the_buyer_cannot_refuse_their_own_order(self, placed, buyer):
        artist_order, _variant = placed

        with pytest.raises(PermissionDenied):
            artist_order_refuse(artist_order=artist_order, by=buyer, reason="No.")

        assert fresh(artist_order).state == S.AWAITING_ACCEPTANCE
