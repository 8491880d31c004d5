"""Exchanges and returns move stock, through the API: ``ship-replacement``
takes the replacement's pieces from stock (409 ``out_of_stock`` with
``convert_to_refund`` offered when none is left), ``receive`` with
``restock: true`` puts the returned pieces back (default: not), and the
history says what happened to the stock."""

import pytest

from artists.models import StockAlert, Variant
from marketplace.notifications.models import Notification
from returns.models import ReturnRequest
from tests.factories import UserFactory, VariantFactory

from .factories import make_return, make_variant
from .helpers import TRACKING, client_for, url

pytestmark = pytest.mark.django_db


def stock_of(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


def set_stock(variant, stock: int) -> None:
    Variant.objects.filter(pk=variant.pk).update(stock=stock)


def notes(response) -> list[str]:
    return [row["note"] for row in response.json()["history"]]


@pytest.fixture
def artist_api(artist):
    return client_for(artist.user)


def exchange(line, **kwargs):
    return make_return(
        line=line, state="received", kind="exchange", reason="wrong_size", **kwargs
    )


class TestShipReplacement:
    def test_takes_the_pieces_from_stock(self, artist_api, line):
        return_request = exchange(line, quantity=2)
        set_stock(line.variant, 2)

        response = artist_api.post(
            url(return_request, "ship-replacement"), TRACKING, format="json"
        )

        assert response.status_code == 200
        assert response.json()["state"] == "replacement_shipped"
        assert stock_of(line.variant) == 0
        assert notes(response)[-1].startswith("Colissimo 8R123456789 — 2 × ")
        assert notes(response)[-1].endswith("taken from stock.")

    def test_takes_the_wanted_variant_of_the_same_artist(
        self, artist_api, line, artist
    ):
        wanted = make_variant(artist, stock=1, name="Blue")
        return_request = exchange(line, desired_variant=wanted.pk)
        line_stock = stock_of(line.variant)

        response = artist_api.post(
            url(return_request, "ship-replacement"), TRACKING, format="json"
        )

        assert response.status_code == 200
        assert (stock_of(wanted), stock_of(line.variant)) == (0, line_stock)
        assert "(Blue) taken from stock." in notes(response)[-1]

    def test_falls_back_to_the_lines_variant_when_the_wanted_one_is_gone(
        self, artist_api, line, artist
    ):
        wanted = make_variant(artist, stock=1, name="Blue")
        return_request = exchange(line, desired_variant=wanted.pk)
        wanted.delete()
        set_stock(line.variant, 1)

        response = artist_api.post(
            url(return_request, "ship-replacement"), TRACKING, format="json"
        )

        assert response.status_code == 200
        assert stock_of(line.variant) == 0

    def test_the_artist_may_choose_another_piece_of_the_shop(self, artist_api, line):
        blue = VariantFactory(item=line.variant.item, name="Blue", stock=1)
        return_request = exchange(line)

        response = artist_api.post(
            url(return_request, "ship-replacement"),
            {**TRACKING, "variant": blue.pk},
            format="json",
        )

        assert response.status_code == 200
        assert stock_of(blue) == 0
        assert "(Blue) taken from stock." in notes(response)[-1]

    def test_a_piece_of_another_shop_is_a_400_changing_nothing(
        self, artist_api, line, other_artist
    ):
        elsewhere = make_variant(other_artist, stock=3)
        return_request = exchange(line)

        response = artist_api.post(
            url(return_request, "ship-replacement"),
            {**TRACKING, "variant": elsewhere.pk},
            format="json",
        )

        assert response.status_code == 400
        assert "variant" in response.json()
        assert stock_of(elsewhere) == 3
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "received"

    def test_none_left_is_a_409_offering_the_conversion_to_a_refund(
        self, artist_api, line, buyer
    ):
        return_request = exchange(line)
        set_stock(line.variant, 0)

        refused = artist_api.post(
            url(return_request, "ship-replacement"), TRACKING, format="json"
        )
        converted = artist_api.post(
            url(return_request, "convert-to-refund"), {}, format="json"
        )

        assert refused.status_code == 409
        body = refused.json()
        assert body["code"] == "out_of_stock"
        assert body["instead"] == "convert_to_refund"
        assert (body["state"], body["stock"], body["variant"]) == (
            "received",
            0,
            line.variant.pk,
        )
        assert "out of stock: refund the exchange instead" in body["detail"]
        assert not Notification.objects.filter(
            recipient=buyer, event="return_replacement_shipped"
        ).exists()
        assert converted.status_code == 200
        assert converted.json()["state"] == "refunded"
        assert stock_of(line.variant) == 0

    def test_a_removed_variant_is_a_409_too(self, artist_api, line):
        return_request = exchange(line)
        line.variant.delete()

        response = artist_api.post(
            url(return_request, "ship-replacement"), TRACKING, format="json"
        )

        assert response.status_code == 409
        assert response.json()["code"] == "out_of_stock"
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "received"

    def test_bad_input_takes_nothing(self, artist_api, line):
        return_request = exchange(line)
        before = stock_of(line.variant)

        response = artist_api.post(
            url(return_request, "ship-replacement"),
            {"carrier": "Colissimo"},
            format="json",
        )

        assert response.status_code == 400
        assert stock_of(line.variant) == before


class TestReceive:
    def test_restock_puts_the_returned_pieces_back(self, artist_api, line):
        return_request = make_return(line=line, state="in_transit", quantity=2)
        before = stock_of(line.variant)

        response = artist_api.post(
            url(return_request, "receive"), {"restock": True}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["state"] == "received"
        assert stock_of(line.variant) == before + 2
        assert notes(response)[-1].startswith("2 × ")
        assert notes(response)[-1].endswith("put back in stock.")

    def test_by_default_nothing_goes_back_in_stock(self, artist_api, line):
        return_request = make_return(line=line, state="accepted", quantity=2)
        before = stock_of(line.variant)

        response = artist_api.post(url(return_request, "receive"), {}, format="json")

        assert response.status_code == 200
        assert stock_of(line.variant) == before
        assert notes(response)[-1] == "Not put back in stock."

    def test_restock_emails_the_buyers_waiting_for_the_variant(
        self, artist_api, line, django_capture_on_commit_callbacks
    ):
        return_request = make_return(line=line, state="in_transit", quantity=1)
        set_stock(line.variant, 0)
        waiting = UserFactory(username="waiting", email="waiting@example.com")
        StockAlert.objects.create(user=waiting, variant=line.variant)

        with django_capture_on_commit_callbacks(execute=True):
            artist_api.post(
                url(return_request, "receive"), {"restock": True}, format="json"
            )

        assert Notification.objects.filter(
            recipient=waiting, event="back_in_stock"
        ).exists()

    def test_restock_of_a_removed_variant_is_a_400_changing_nothing(
        self, artist_api, line
    ):
        return_request = make_return(line=line, state="in_transit", quantity=1)
        line.variant.delete()

        response = artist_api.post(
            url(return_request, "receive"), {"restock": True}, format="json"
        )

        assert response.status_code == 400
        assert "restock" in response.json()
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "in_transit"

    def test_restock_must_be_a_boolean(self, artist_api, line):
        return_request = make_return(line=line, state="in_transit", quantity=1)
        before = stock_of(line.variant)

        response = artist_api.post(
            url(return_request, "receive"), {"restock": "maybe"}, format="json"
        )

        assert response.status_code == 400
        assert "restock" in response.json()
        assert stock_of(line.variant) == before

    def test_a_refused_receive_moves_no_stock(self, artist_api, line):
        return_request = make_return(line=line, state="received", quantity=1)
        before = stock_of(line.variant)

        response = artist_api.post(
            url(return_request, "receive"), {"restock": True}, format="json"
        )

        assert response.status_code == 409
        assert stock_of(line.variant) == before
