"""A parcel the buyer refused at customs (seed 000): the artist records it
from the dashboard or the API; the pieces are refunded less the return
postage the artist paid, shipping and duties are not; the buyer's page and
email say so; the ledger records the refund."""

from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.notifications.models import Notification
from orders.models import ArtistOrder, Order, Refund

from .factories import make_artist, make_artist_order, make_variant
from .helpers import detail_url, logged_in, url

pytestmark = pytest.mark.usefixtures("_report_at_once")

CUSTOMS = "refused-at-customs"


def abroad(artist_order, country="CH"):
    """The order shipped outside the EU (the shop is in France)."""
    Order.objects.filter(pk=artist_order.order_id).update(shipping_country=country)
    return ArtistOrder.objects.get(pk=artist_order.pk)


@pytest.fixture
def shipped_abroad(buyer, artist):
    """2 × 30 € + 5 € shipping, shipped to Switzerland."""
    variant = make_variant(artist, price="30.00", stock=4)
    return abroad(
        make_artist_order(
            buyer=buyer, artist=artist, variant=variant, quantity=2, state="shipped"
        )
    )


class TestThroughTheApi:
    def test_refunds_the_pieces_less_the_return_postage_and_closes_the_order(
        self, artist_api, shipped_abroad, buyer
    ):
        response = artist_api.post(
            url(shipped_abroad, CUSTOMS), {"return_postage": "12.50"}, format="json"
        )

        assert response.status_code == 200
        body = response.json()
        assert body["state"] == "completed"
        assert body["refunded"] == "47.50"
        assert [(r["amount"], r["reason"]) for r in body["refunds"]] == [
            ("47.50", "customs_refusal")
        ]
        assert body["history"][-1]["transition"] == "refused_at_customs"
        assert "12.50" in body["history"][-1]["note"]
        email = Notification.objects.get(event="order_refused_at_customs")
        assert email.recipient == buyer
        assert email.context["refund_amount"] == "47.50"
        assert email.context["return_postage"] == "12.50"

    def test_the_ledger_takes_the_refund_back_from_the_artist(
        self, artist_api, shipped_abroad
    ):
        artist_api.post(
            url(shipped_abroad, CUSTOMS), {"return_postage": "12.50"}, format="json"
        )

        entries = artist_api.get("/api/v1/shop/ledger/").json()
        entries = entries.get("results", entries)
        refunds = [e for e in entries if e["kind"] == "refund"]
        assert [Decimal(e["amount"]) for e in refunds] == [Decimal("-47.50")]

    def test_can_put_the_pieces_back_in_stock(self, artist_api, shipped_abroad):
        variant = shipped_abroad.lines.get().variant

        artist_api.post(
            url(shipped_abroad, CUSTOMS),
            {"return_postage": "0", "restock": True},
            format="json",
        )

        variant.refresh_from_db()
        assert variant.stock == 4

    def test_the_return_postage_is_capped_at_the_pieces_worth(
        self, artist_api, shipped_abroad
    ):
        response = artist_api.post(
            url(shipped_abroad, CUSTOMS), {"return_postage": "60.01"}, format="json"
        )

        assert response.status_code == 400
        assert "60.00" in response.json()["return_postage"][0]
        assert Refund.objects.count() == 0

    @pytest.mark.parametrize("postage", ["", "-1", "abc"])
    def test_a_missing_or_wrong_postage_is_a_400(
        self, artist_api, shipped_abroad, postage
    ):
        response = artist_api.post(
            url(shipped_abroad, CUSTOMS), {"return_postage": postage}, format="json"
        )

        assert response.status_code == 400
        assert "return_postage" in response.json()
        assert ArtistOrder.objects.get(pk=shipped_abroad.pk).state == "shipped"

    def test_a_parcel_within_the_eu_crossed_no_customs(self, artist_api, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")

        response = artist_api.post(
            url(artist_order, CUSTOMS), {"return_postage": "5"}, format="json"
        )

        assert response.status_code == 409
        assert "customs" in response.json()["detail"]
        assert (
            "refused_at_customs"
            not in artist_api.get(url(artist_order)).json()["allowed_actions"]
        )

    def test_an_accepted_order_has_not_left_yet(self, artist_api, buyer, artist):
        artist_order = abroad(
            make_artist_order(buyer=buyer, artist=artist, state="accepted")
        )

        response = artist_api.post(
            url(artist_order, CUSTOMS), {"return_postage": "5"}, format="json"
        )

        assert response.status_code == 409
        assert response.json()["state"] == "accepted"

    def test_the_buyer_cannot_record_it(self, buyer_api, shipped_abroad):
        response = buyer_api.post(
            url(shipped_abroad, CUSTOMS), {"return_postage": "5"}, format="json"
        )

        assert response.status_code == 403

    def test_an_automatically_delivered_parcel_can_still_be_recorded(
        self, artist_api, buyer, artist
    ):
        artist_order = abroad(
            make_artist_order(buyer=buyer, artist=artist, state="delivered")
        )

        response = artist_api.post(
            url(artist_order, CUSTOMS), {"return_postage": "4"}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["state"] == "completed"
        assert response.json()["delivered_at"] is None


class TestFromTheDashboard:
    def test_the_artist_records_it_and_the_buyer_reads_the_breakdown(
        self, artist, buyer, shipped_abroad
    ):
        artist_client = logged_in(artist.user)
        page = artist_client.get(detail_url(shipped_abroad)).content.decode()
        assert 'data-testid="action-refused-at-customs"' in page

        response = artist_client.post(
            reverse("dashboard:order_refused_at_customs", args=[shipped_abroad.pk]),
            {"customs-return_postage": "12.50"},
            follow=True,
        )

        text = response.content.decode()
        assert "the buyer is refunded 47.50 €" in text
        assert 'data-testid="customs-refusal"' in text
        buyer_page = logged_in(buyer).get(
            reverse("account:order", args=[shipped_abroad.order.number])
        )
        buyer_text = buyer_page.content.decode()
        assert 'data-testid="customs-refusal"' in buyer_text
        assert "−12.50 €" in buyer_text
        assert "customs duties and import taxes you may have paid" in buyer_text
        assert "Refused at customs" in buyer_text  # the history row
        assert 'data-returnable="no"' in buyer_text

    def test_a_wrong_postage_says_why_and_changes_nothing(self, artist, shipped_abroad):
        response = logged_in(artist.user).post(
            reverse("dashboard:order_refused_at_customs", args=[shipped_abroad.pk]),
            {"customs-return_postage": "99"},
            follow=True,
        )

        assert "at most the pieces' worth" in response.content.decode().replace(
            "&#x27;", "'"
        )
        assert ArtistOrder.objects.get(pk=shipped_abroad.pk).state == "shipped"

    def test_another_shop_gets_a_404(self, shipped_abroad):
        other = make_artist("other")

        response = logged_in(other.user).post(
            reverse("dashboard:order_refused_at_customs", args=[shipped_abroad.pk]),
            {"customs-return_postage": "1"},
        )

        assert response.status_code == 404
