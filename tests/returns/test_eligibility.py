"""Which lines can be returned, for which reasons and until when: the
artist's window, the 14-day right of withdrawal (not for personalised
items), the 2-year guarantee for the artist's faults, the order state and
the quantity left."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.errors import DomainError
from orders.models import ArtistOrder, OrderLine
from orders.services import artist_order_refund_lost, artist_order_report_not_received
from returns.eligibility import line_eligibility
from returns.models import ReturnRequest
from tests.factories import UserFactory
from tests.orders.factories import make_artist_order

from .factories import make_artist, make_line, make_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(username="camille")


def ask(line, *, reason, quantity=1):
    return make_return(line=line, reason=reason, quantity=quantity)


class TestWindows:
    def test_a_change_of_mind_after_the_artists_window_but_within_14_days_is_accepted(
        self, buyer
    ):
        artist = make_artist("short-window", return_window_days=7)
        line = make_line(buyer=buyer, artist=artist, delivered_days_ago=10)

        rr = ask(line, reason="changed_mind")

        assert rr.state == "requested"

    def test_a_change_of_mind_after_14_days_is_refused(self, buyer):
        artist = make_artist("standard", return_window_days=14)
        line = make_line(buyer=buyer, artist=artist, delivered_days_ago=15)

        with pytest.raises(DomainError) as error:
            ask(line, reason="changed_mind")

        assert error.value.field == "reason"
        assert "wrong, damaged or not as described" in str(error.value.message)
        assert not ReturnRequest.objects.exists()

    def test_a_change_of_mind_after_14_days_is_accepted_when_the_artist_allows_more(
        self, buyer
    ):
        artist = make_artist("generous", return_window_days=30)
        line = make_line(buyer=buyer, artist=artist, delivered_days_ago=25)

        rr = ask(line, reason="wrong_size")

        assert rr.state == "requested"

    def test_a_shop_without_returns_still_gets_the_14_days(self, buyer):
        artist = make_artist("no-returns", return_window_days=0)
        line = make_line(buyer=buyer, artist=artist, delivered_days_ago=13)

        assert ask(line, reason="changed_mind").state == "requested"

    def test_a_damaged_item_after_a_year_is_accepted(self, buyer):
        line = make_line(
            buyer=buyer, artist=make_artist("potter"), delivered_days_ago=365
        )

        rr = ask(line, reason="damaged")

        assert rr.state == "requested"

    def test_a_damaged_item_after_two_years_is_refused(self, buyer):
        line = make_line(
            buyer=buyer, artist=make_artist("potter"), delivered_days_ago=731
        )

        with pytest.raises(DomainError) as error:
            ask(line, reason="damaged")

        assert error.value.field == "reason"
        eligibility = line_eligibility(line=line)
        assert not eligibility.can_return
        assert eligibility.why_not == "The return period of this item is over."

    def test_personalised_items_refuse_a_change_of_mind(self, buyer):
        line = make_line(buyer=buyer, artist=make_artist("engraver"), personalised=True)

        with pytest.raises(DomainError) as error:
            ask(line, reason="changed_mind")

        assert error.value.field == "reason"
        assert "personalised" in str(error.value.message)

    def test_personalised_items_can_still_be_returned_when_damaged(self, buyer):
        line = make_line(buyer=buyer, artist=make_artist("engraver"), personalised=True)

        eligibility = line_eligibility(line=line)

        assert eligibility.change_of_mind_until is None
        assert eligibility.allowed_reasons == {"wrong_item", "damaged", "non_compliant"}
        assert ask(line, reason="damaged").state == "requested"

    def test_the_windows_count_from_delivery(self, buyer):
        artist = make_artist("potter", return_window_days=30)
        line = make_line(buyer=buyer, artist=artist, delivered_days_ago=3)
        delivered_at = line.artist_order.delivered_at

        eligibility = line_eligibility(line=line)

        assert eligibility.can_return and eligibility.why_not == ""
        assert eligibility.change_of_mind_until == delivered_at + timedelta(days=30)
        assert eligibility.fault_until == delivered_at + timedelta(days=730)
        assert eligibility.returnable_quantity == 2
        assert eligibility.exchange_allowed

    def test_the_windows_count_from_shipping_when_delivery_was_never_confirmed(
        self, buyer
    ):
        line = make_line(
            buyer=buyer,
            artist=make_artist("potter"),
            state="shipped",
            delivered_days_ago=15,
        )

        eligibility = line_eligibility(line=line)

        assert (
            eligibility.change_of_mind_until
            == line.artist_order.shipped_at + timedelta(days=14)
        )
        assert eligibility.allowed_reasons == {"wrong_item", "damaged", "non_compliant"}

    def test_a_parcel_in_transit_can_already_be_returned(self, buyer):
        line = make_line(
            buyer=buyer,
            artist=make_artist("potter"),
            state="shipped",
            delivered_days_ago=1,
        )

        assert ask(line, reason="changed_mind").state == "requested"


class TestOrderState:
    @pytest.mark.parametrize("state", ["awaiting_acceptance", "accepted"])
    def test_a_line_not_shipped_yet_cannot_be_returned(self, buyer, state):
        artist_order = make_artist_order(
            buyer=buyer, artist=make_artist("potter"), state=state
        )
        line = artist_order.lines.get()

        eligibility = line_eligibility(line=line)
        with pytest.raises(DomainError) as error:
            ask(line, reason="damaged")

        assert not eligibility.can_return
        assert "not shipped yet" in eligibility.why_not
        assert error.value.field == "line"

    def test_a_refused_order_cannot_be_returned(self, buyer):
        artist_order = make_artist_order(
            buyer=buyer, artist=make_artist("potter"), state="refused"
        )

        eligibility = line_eligibility(line=artist_order.lines.get())

        assert not eligibility.can_return
        assert "cancelled and refunded" in eligibility.why_not

    def test_a_completed_order_can_still_be_returned_for_a_fault(self, buyer):
        line = make_line(
            buyer=buyer,
            artist=make_artist("potter"),
            state="completed",
            delivered_days_ago=40,
        )

        assert ask(line, reason="non_compliant").state == "requested"

    def test_a_lost_parcel_refunded_cannot_be_returned(self, buyer, settings):
        settings.NOT_RECEIVED_AFTER_DAYS = 0
        line = make_line(
            buyer=buyer,
            artist=make_artist("potter"),
            state="shipped",
            delivered_days_ago=2,
        )
        artist_order = ArtistOrder.objects.get(pk=line.artist_order_id)
        artist_order_report_not_received(
            artist_order=artist_order, by=buyer, note="Nothing came."
        )
        artist_order_refund_lost(
            artist_order=ArtistOrder.objects.get(pk=artist_order.pk),
            by=artist_order.artist.user,
        )
        line = OrderLine.objects.get(pk=line.pk)

        eligibility = line_eligibility(line=line)
        with pytest.raises(DomainError) as error:
            ask(line, reason="damaged")

        assert not eligibility.can_return
        assert "refunded in full" in eligibility.why_not
        assert error.value.field == "line"


class TestQuantityLeft:
    def test_counts_what_other_requests_hold(self, buyer):
        line = make_line(buyer=buyer, artist=make_artist("potter"), quantity=3)
        make_return(line=line, quantity=1)
        make_return(line=line, quantity=1, state="withdrawn")

        eligibility = line_eligibility(line=line)

        assert eligibility.returnable_quantity == 2

    def test_a_line_fully_returned_says_why(self, buyer):
        line = make_line(buyer=buyer, artist=make_artist("potter"), quantity=1)
        make_return(line=line, quantity=1, state="refunded")

        eligibility = line_eligibility(line=line)

        assert not eligibility.can_return
        assert eligibility.returnable_quantity == 0
        assert "was returned and refunded" in eligibility.why_not

    def test_reads_prefetched_requests_without_a_query(
        self, buyer, django_assert_num_queries
    ):
        line = make_line(buyer=buyer, artist=make_artist("potter"), quantity=2)
        make_return(line=line, quantity=1)
        line = (
            OrderLine.objects.select_related("artist_order")
            .prefetch_related("return_requests", "artist_order__refunds")
            .get(pk=line.pk)
        )

        with django_assert_num_queries(0):
            eligibility = line_eligibility(line=line, at=timezone.now())

        assert eligibility.returnable_quantity == 1
