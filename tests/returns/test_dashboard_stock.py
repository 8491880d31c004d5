"""Exchanges and returns move stock, on the dashboard's return page: shipping
a replacement takes its pieces from stock (the buyer's wanted variant, else
the line's own), is refused with a form error and the refund offered when
none is left; marking a return received may put the pieces back in stock
(emailing the buyers waiting for them); the history says what happened to
the stock."""

import pytest

from artists.models import StockAlert, Variant
from marketplace.notifications.models import Notification
from returns.models import ReturnEvent, ReturnRequest
from tests.factories import UserFactory, VariantFactory

from .factories import make_return, make_variant
from .helpers import action, messages_on, page

pytestmark = pytest.mark.django_db

SHIP = {"replacement-carrier": "Colissimo", "replacement-tracking_number": "8R777"}


def stock_of(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


def set_stock(variant, stock: int) -> None:
    Variant.objects.filter(pk=variant.pk).update(stock=stock)


def exchange(line, **kwargs):
    return make_return(
        line=line, state="received", kind="exchange", reason="wrong_size", **kwargs
    )


class TestShippingAReplacement:
    def test_takes_the_pieces_from_the_stock_of_the_lines_variant(
        self, artist_client, line
    ):
        return_request = exchange(line, quantity=2)
        set_stock(line.variant, 3)

        shown = artist_client.get(page(return_request))
        response = artist_client.post(
            action("ship_replacement", return_request), SHIP, follow=True
        )

        assert "Taken from stock when you ship it: 2 × " in shown.content.decode()
        assert "), 3 in stock now." in shown.content.decode()
        assert ReturnRequest.objects.get(pk=return_request.pk).state == (
            "replacement_shipped"
        )
        assert stock_of(line.variant) == 1
        timeline = response.content.decode()
        assert "Colissimo 8R777 — 2 × " in timeline
        assert "taken from stock." in timeline

    def test_takes_the_buyers_wanted_variant_of_the_same_shop(
        self, artist_client, line, artist
    ):
        wanted = make_variant(artist, stock=4, name="Blue")
        return_request = exchange(line, desired_variant=wanted)
        line_stock = stock_of(line.variant)

        artist_client.post(action("ship_replacement", return_request), SHIP)

        assert stock_of(wanted) == 3
        assert stock_of(line.variant) == line_stock

    def test_none_left_is_a_form_error_offering_the_refund_instead(
        self, artist_client, line, buyer
    ):
        return_request = exchange(line)
        set_stock(line.variant, 0)
        history = ReturnEvent.objects.filter(request=return_request).count()

        shown = artist_client.get(page(return_request))
        response = artist_client.post(action("ship_replacement", return_request), SHIP)

        assert 'data-testid="replacement-out-of-stock"' in shown.content.decode()
        assert f"/dashboard/variants/{line.variant_id}/" in shown.content.decode()
        assert response.status_code == 409
        body = response.content.decode()
        assert "is out of stock: refund the exchange instead" in body
        assert response.context["replacement_form"].non_field_errors()
        # The convert-to-refund form is open, ready to use.
        assert '<details data-testid="action-convert-to-refund" open>' in body
        return_request.refresh_from_db()
        assert return_request.state == "received"
        assert return_request.replacement_tracking_number == ""
        assert stock_of(line.variant) == 0
        assert ReturnEvent.objects.filter(request=return_request).count() == history
        assert not Notification.objects.filter(
            recipient=buyer, event="return_replacement_shipped"
        ).exists()

    def test_too_few_left_says_how_many(self, artist_client, line):
        return_request = exchange(line, quantity=2)
        set_stock(line.variant, 1)

        response = artist_client.post(action("ship_replacement", return_request), SHIP)

        assert response.status_code == 409
        assert "Only 1 of " in response.content.decode()
        assert stock_of(line.variant) == 1

    def test_the_refund_offered_instead_closes_the_exchange(self, artist_client, line):
        return_request = exchange(line)
        set_stock(line.variant, 0)
        artist_client.post(action("ship_replacement", return_request), SHIP)

        artist_client.post(
            action("convert_to_refund", return_request),
            {"convert-amount": "30.00", "convert-note": ""},
        )

        assert ReturnRequest.objects.get(pk=return_request.pk).state == "refunded"
        assert stock_of(line.variant) == 0


class TestChoosingThePieceSent:
    def test_another_option_of_the_item_can_be_sent_instead(self, artist_client, line):
        blue = VariantFactory(item=line.variant.item, name="Blue", stock=2)
        return_request = exchange(line, desired_text="The same in blue")
        line_stock = stock_of(line.variant)

        shown = artist_client.get(page(return_request))
        artist_client.post(
            action("ship_replacement", return_request),
            {**SHIP, "replacement-variant": str(blue.pk)},
        )

        form = shown.context["replacement_form"]
        assert [pk for pk, _label in form.fields["variant"].choices] == sorted(
            [line.variant_id, blue.pk]
        )
        assert form["variant"].value() == line.variant_id  # the default
        assert "Blue (2 in stock)" in shown.content.decode()
        assert (stock_of(blue), stock_of(line.variant)) == (1, line_stock)

    def test_a_piece_of_another_shop_is_a_form_error(
        self, artist_client, line, other_artist
    ):
        VariantFactory(item=line.variant.item, name="Blue", stock=2)
        elsewhere = make_variant(other_artist, stock=3)
        return_request = exchange(line)

        response = artist_client.post(
            action("ship_replacement", return_request),
            {**SHIP, "replacement-variant": str(elsewhere.pk)},
        )

        assert response.status_code == 400
        assert response.context["replacement_form"].errors["variant"]
        assert stock_of(elsewhere) == 3
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "received"


class TestReceivingAReturn:
    def test_put_back_in_stock_adds_the_returned_pieces(self, artist_client, line):
        return_request = make_return(
            line=line, state="in_transit", quantity=2, reason="changed_mind"
        )
        before = stock_of(line.variant)

        shown = artist_client.get(page(return_request))
        response = artist_client.post(
            action("receive", return_request), {"restock": "on"}, follow=True
        )

        assert 'name="restock"' in shown.content.decode()
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "received"
        assert stock_of(line.variant) == before + 2
        assert any(
            m.startswith("Marked as received and put back in stock")
            for m in messages_on(response)
        )
        assert f"({line.variant.name}) put back in stock." in response.content.decode()

    def test_left_unticked_the_stock_stays_as_it_is(self, artist_client, line):
        return_request = make_return(line=line, state="in_transit", quantity=2)
        before = stock_of(line.variant)

        response = artist_client.post(action("receive", return_request), follow=True)

        assert ReturnRequest.objects.get(pk=return_request.pk).state == "received"
        assert stock_of(line.variant) == before
        assert "Not put back in stock." in response.content.decode()

    def test_buyers_waiting_for_the_variant_are_emailed_once_it_is_back(
        self, artist_client, line, django_capture_on_commit_callbacks
    ):
        return_request = make_return(line=line, state="in_transit", quantity=1)
        set_stock(line.variant, 0)
        waiting = UserFactory(username="waiting", email="waiting@example.com")
        StockAlert.objects.create(user=waiting, variant=line.variant)

        with django_capture_on_commit_callbacks(execute=True):
            artist_client.post(action("receive", return_request), {"restock": "on"})

        assert stock_of(line.variant) == 1
        assert Notification.objects.filter(
            recipient=waiting, event="back_in_stock"
        ).exists()
        assert StockAlert.objects.get(user=waiting).notified_at is not None

    def test_a_variant_removed_since_cannot_go_back_in_stock(self, artist_client, line):
        return_request = make_return(line=line, state="in_transit", quantity=1)
        line.variant.delete()

        shown = artist_client.get(page(return_request))
        response = artist_client.post(
            action("receive", return_request), {"restock": "on"}
        )

        assert 'name="restock"' not in shown.content.decode()
        assert response.status_code == 400
        assert "cannot go back in stock" in response.content.decode()
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "in_transit"
