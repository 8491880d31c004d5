"""The buyer changing an artist order before acceptance: quantities lowered
or lines removed (refunded at once, stock back), a new address, a gift
message; refused once accepted, and all or nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from marketplace.errors import Conflict, DomainError
from orders.models import ArtistOrder, Order, Refund, RefundReason
from orders.services import artist_order_change
from orders.services.changes import price_change

from ..factories import ADDRESS, make_variant
from ..lifecycle_factories import place_order
from .helpers import S, accepted, emails_to, events_to, fresh

NEW_ADDRESS = {**ADDRESS, "name": "Camille Martin", "line1": "3 quai Est"}


def stock_of(variant):
    variant.refresh_from_db()
    return variant.stock


class TestLowerQuantities:
    def test_lowering_refunds_the_difference_puts_stock_back_and_tells_both(
        self, placed, buyer, artist, django_capture_on_commit_callbacks
    ):
        artist_order, variant = placed
        line = artist_order.lines.get()

        with django_capture_on_commit_callbacks(execute=True):
            result = artist_order_change(
                artist_order=artist_order,
                by=buyer,
                lines=[{"id": line.pk, "quantity": 1}],
            )

        changed = fresh(artist_order)
        assert result.refund_amount == Decimal("45.00")
        assert changed.state == S.AWAITING_ACCEPTANCE
        assert changed.lines.get().quantity == 1
        assert (changed.items_total, changed.total) == (
            Decimal("45.00"),
            Decimal("50.00"),
        )
        assert changed.paid - changed.refunded == changed.total
        refund = Refund.objects.get(artist_order=artist_order)
        assert (refund.amount, refund.reason) == (Decimal("45.00"), RefundReason.CHANGE)
        assert stock_of(variant) == 4
        order = Order.objects.get(pk=artist_order.order_id)
        assert order.total == Decimal("50.00")
        assert "order_changed_by_buyer" in events_to(artist.user)
        assert "order_change_confirmed" in events_to(buyer)
        assert changed.history.filter(transition="change_lines").count() == 1

    def test_removing_one_line_keeps_the_others(self, buyer, artist):
        cup = make_variant(artist, price="10.00", stock=3)
        bowl = make_variant(artist, price="30.00", stock=3)
        artist_order = place_order(buyer, (cup, 1), (bowl, 2)).artist_orders.get()
        cup_line = artist_order.lines.get(variant=cup)

        result = artist_order_change(
            artist_order=artist_order,
            by=buyer,
            lines=[{"id": cup_line.pk, "quantity": 0}],
        )

        changed = fresh(artist_order)
        assert result.refund_amount == Decimal("10.00")
        assert [line.variant_id for line in changed.lines.all()] == [bowl.pk]
        assert stock_of(cup) == 3
        assert changed.total == Decimal("65.00")

    def test_removing_every_piece_cancels_the_artist_order(self, placed, buyer):
        artist_order, variant = placed
        line = artist_order.lines.get()

        result = artist_order_change(
            artist_order=artist_order, by=buyer, lines=[{"id": line.pk, "quantity": 0}]
        )

        changed = fresh(artist_order)
        assert result.cancelled
        assert changed.state == S.CANCELLED
        assert changed.refunded == Decimal("95.00")
        assert stock_of(variant) == 5

    def test_free_shipping_lost_under_the_threshold_is_taken_from_the_refund(
        self, buyer, artist
    ):
        artist.free_shipping_over = Decimal("80.00")
        artist.save()
        variant = make_variant(artist, price="45.00", stock=5)
        artist_order = place_order(buyer, (variant, 2)).artist_orders.get()
        assert artist_order.shipping_fee == 0

        result = artist_order_change(
            artist_order=artist_order,
            by=buyer,
            lines=[{"id": artist_order.lines.get().pk, "quantity": 1}],
        )

        changed = fresh(artist_order)
        assert result.refund_amount == Decimal("40.00")
        assert (changed.shipping_fee, changed.total) == (
            Decimal("5.00"),
            Decimal("50.00"),
        )


class TestRefusedChanges:
    def test_raising_a_quantity_is_a_field_error_and_changes_nothing(
        self, placed, buyer
    ):
        artist_order, variant = placed
        line = artist_order.lines.get()

        with pytest.raises(DomainError) as error:
            artist_order_change(
                artist_order=artist_order,
                by=buyer,
                lines=[{"id": line.pk, "quantity": 3}],
                gift_message="Happy birthday",
            )

        assert error.value.field == "lines"
        assert fresh(artist_order).gift_message == ""
        assert stock_of(variant) == 3

    def test_a_line_of_another_order_is_refused(self, placed, buyer, artist):
        artist_order, _variant = placed
        stranger = place_order(buyer, (make_variant(artist), 1)).artist_orders.get()

        with pytest.raises(DomainError):
            artist_order_change(
                artist_order=artist_order,
                by=buyer,
                lines=[{"id": stranger.lines.get().pk, "quantity": 0}],
            )

        assert fresh(stranger).lines.get().quantity == 1

    def test_after_acceptance_it_is_a_conflict_pointing_to_a_cancellation_request(
        self, placed, buyer, artist
    ):
        artist_order, _variant = placed
        line = artist_order.lines.get()
        stale = ArtistOrder.objects.get(pk=artist_order.pk)
        accepted(artist_order, artist)

        with pytest.raises(Conflict) as error:
            artist_order_change(
                artist_order=stale, by=buyer, lines=[{"id": line.pk, "quantity": 1}]
            )

        assert error.value.state == S.ACCEPTED
        assert "cancel" in str(error.value)
        assert not Refund.objects.filter(artist_order=artist_order).exists()

    def test_only_the_buyer_may_change_it(self, placed, other_buyer, artist):
        artist_order, _variant = placed

        for person in (other_buyer, artist.user):
            with pytest.raises(PermissionDenied):
                artist_order_change(
                    artist_order=artist_order, by=person, gift_message="Hi"
                )


class TestAddressAndGift:
    def test_a_new_address_is_where_the_part_goes_and_the_artist_is_told(
        self, placed, buyer, artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, _variant = placed

        with django_capture_on_commit_callbacks(execute=True):
            result = artist_order_change(
                artist_order=artist_order, by=buyer, shipping_address=NEW_ADDRESS
            )

        changed = fresh(artist_order)
        assert result.address_changed
        assert changed.ship_to.line1 == "3 quai Est"
        assert changed.order.shipping_line1 == ADDRESS["line1"]
        [artist_email] = emails_to(mailoutbox, artist.user.email)
        assert "3 quai Est" in artist_email.body

    def test_a_country_the_shop_does_not_serve_is_an_error_on_the_country(
        self, placed, buyer, artist
    ):
        artist_order, _variant = placed
        artist.ships_worldwide = False
        artist.save()

        with pytest.raises(DomainError) as error:
            artist_order_change(
                artist_order=artist_order,
                by=buyer,
                shipping_address={**NEW_ADDRESS, "country": "US"},
            )

        assert error.value.field == "shipping_address"
        assert "country" in error.value.errors
        assert fresh(artist_order).changed_address == {}

    def test_a_country_of_another_zone_would_change_the_postage_so_is_refused(
        self, placed, buyer, artist
    ):
        artist_order, _variant = placed
        artist.ships_to_eu = True
        artist.save()

        with pytest.raises(DomainError) as error:
            artist_order_change(
                artist_order=artist_order,
                by=buyer,
                shipping_address={**NEW_ADDRESS, "country": "DE"},
            )

        assert "country" in error.value.errors

    def test_a_gift_message_makes_it_a_gift_and_has_a_length_limit(self, placed, buyer):
        artist_order, _variant = placed

        artist_order_change(
            artist_order=artist_order, by=buyer, gift_message="Happy birthday!"
        )
        with pytest.raises(DomainError) as error:
            artist_order_change(
                artist_order=artist_order, by=buyer, gift_message="x" * 501
            )

        assert fresh(artist_order).is_gift
        assert fresh(artist_order).gift_message == "Happy birthday!"
        assert error.value.field == "gift_message"


class TestPriceChange:
    def base(self, **kwargs):
        values = {
            "items_total": Decimal("100.00"),
            "shipping_fee": Decimal("5.00"),
            "discount": Decimal("10.00"),
            "total": Decimal("95.00"),
            "paid": Decimal("95.00"),
            "refunded": Decimal("0.00"),
            "shipping_zone": "domestic",
            "terms": {
                "shipping_fees": {"domestic": "5.00"},
                "free_shipping_over": None,
            },
        }
        return ArtistOrder(**{**values, **kwargs})

    def test_the_discount_shrinks_in_proportion(self):
        priced = price_change(artist_order=self.base(), items_total=Decimal("40.00"))

        assert (priced.discount, priced.total, priced.refund) == (
            Decimal("4.00"),
            Decimal("41.00"),
            Decimal("54.00"),
        )

    def test_postage_taken_back_never_exceeds_what_the_change_gives_back(self):
        artist_order = self.base(
            items_total=Decimal("50.00"),
            shipping_fee=Decimal("0.00"),
            discount=Decimal("0.00"),
            total=Decimal("50.00"),
            paid=Decimal("50.00"),
            terms={
                "shipping_fees": {"domestic": "8.00"},
                "free_shipping_over": "50.00",
            },
        )

        priced = price_change(artist_order=artist_order, items_total=Decimal("45.00"))

        assert (priced.shipping_fee, priced.total, priced.refund) == (
            Decimal("5.00"),
            Decimal("50.00"),
            Decimal("0.00"),
        )
