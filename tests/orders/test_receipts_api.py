"""``GET /api/v1/orders/{number}/receipt/``: the receipt as JSON for its
buyer and staff, the PDF with ``Accept: application/pdf`` or
``?format=pdf``, a 404 for anyone else and a 401 for anonymous callers."""

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

from .helpers import client_for
from .receipt_factories import receipt_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(buyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return receipt_order(buyer)


def receipt_url(order):
    return f"/api/v1/orders/{order.number}/receipt/"


def money(value) -> Decimal:
    return Decimal(value)


class TestReceiptJSON:
    def test_has_the_marketplace_the_buyer_the_payment_and_the_totals(
        self, buyer, order, settings
    ):
        settings.MARKETPLACE_NAME = "Atelier SAS"
        settings.MARKETPLACE_ADDRESS = "1 place du Marché\n75004 Paris"

        response = client_for(buyer).get(receipt_url(order))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert body["number"] == order.number
        assert body["marketplace"] == {
            "name": "Atelier SAS",
            "address": ["1 place du Marché", "75004 Paris"],
        }
        assert body["buyer"]["name"] == "Camille Martin"
        assert body["buyer"]["shipping_address"] == [
            "Camille Martin",
            "12 rue des Tisserands",
            "44000 Nantes",
            "France",
        ]
        assert money(body["payment"]["amount"]) == Decimal("80.20")
        assert body["payment"]["paid_at"]
        assert body["discount_code"] == "WELCOME10"
        assert money(body["total"]) == Decimal("80.20")
        assert money(body["discount_total"]) == Decimal("7.80")
        assert money(body["refunded"]) == Decimal("37.50")
        assert money(body["net_paid"]) == Decimal("42.70")
        assert body["pdf"].endswith(f"{receipt_url(order)}?format=pdf")

    def test_has_each_artist_part_with_seller_lines_and_refunds(self, buyer, order):
        body = client_for(buyer).get(receipt_url(order)).json()

        bowls, scarves = body["artist_orders"]
        assert bowls["seller"] == {
            "name": "Claire Martin EI",
            "shop_name": "Atelier Argile",
            "address": ["3 impasse des Potiers", "69001 Lyon", "France"],
        }
        assert bowls["lines"] == [
            {
                "title": "Stoneware bowl",
                "variant": "Large",
                "unit_price": "24.00",
                "quantity": 2,
                "line_total": "48.00",
            }
        ]
        assert (bowls["shipping_fee"], bowls["discount"], bowls["total"]) == (
            "5.00",
            "4.80",
            "48.20",
        )
        assert [(r["amount"], r["reason"], r["status"]) for r in bowls["refunds"]] == [
            ("5.50", "staff", "succeeded")
        ]
        assert bowls["refunds"][0]["reason_label"] == "decided by staff"
        assert bowls["net_paid"] == "42.70"
        assert scarves["seller"]["name"] == "Brins de Laine"
        assert scarves["seller"]["address"] == ["Lyon"]
        assert scarves["state"] == "refused"
        assert scarves["refunds"][0]["reason"] == "refusal"
        assert scarves["net_paid"] == "0.00"

    def test_labels_follow_the_caller_s_language(self, french_buyer):
        order = receipt_order(french_buyer)
        client = APIClient()
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=french_buyer).key}"
        )

        body = client.get(receipt_url(order)).json()

        scarves = body["artist_orders"][1]
        assert scarves["refunds"][0]["reason_label"] == "refusée par l'artiste"
        assert scarves["state_label"] != "refused"

    def test_staff_read_any_receipt(self, order):
        staff = UserFactory(username="support", is_staff=True)

        response = client_for(staff).get(receipt_url(order))

        assert response.status_code == 200
        assert response.json()["number"] == order.number

    @pytest.mark.parametrize("caller", ["other_buyer", "artist_of_the_order"])
    def test_anyone_else_gets_a_404(self, order, caller):
        user = (
            UserFactory(username="louis")
            if caller == "other_buyer"
            else order.artist_orders.first().artist.user
        )

        response = client_for(user).get(receipt_url(order))

        assert response.status_code == 404

    def test_an_anonymous_caller_gets_a_401(self, order):
        response = client_for(None).get(receipt_url(order))

        assert response.status_code == 401

    def test_an_unknown_number_is_a_404(self, buyer):
        response = client_for(buyer).get("/api/v1/orders/MP-1999-000001/receipt/")

        assert response.status_code == 404


class TestReceiptPDF:
    def assert_is_the_pdf(self, response, order):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="receipt-{order.number}.pdf"'
        )
        assert response.content.startswith(b"%PDF-")

    def test_comes_with_accept_application_pdf(self, buyer, order):
        response = client_for(buyer).get(
            receipt_url(order), HTTP_ACCEPT="application/pdf"
        )

        self.assert_is_the_pdf(response, order)

    def test_comes_with_format_pdf(self, buyer, order):
        response = client_for(buyer).get(receipt_url(order) + "?format=pdf")

        self.assert_is_the_pdf(response, order)

    def test_staff_get_it_too(self, order):
        staff = UserFactory(username="support", is_staff=True)

        response = client_for(staff).get(receipt_url(order) + "?format=pdf")

        self.assert_is_the_pdf(response, order)

    def test_another_buyer_gets_a_json_404(self, order):
        other_buyer = UserFactory(username="louis")

        response = client_for(other_buyer).get(
            receipt_url(order), HTTP_ACCEPT="application/pdf"
        )

        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()

    def test_an_anonymous_caller_gets_a_json_401(self, order):
        response = client_for(None).get(receipt_url(order) + "?format=pdf")

        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"
