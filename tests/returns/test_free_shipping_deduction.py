"""Free shipping given back (seed 002): a return that leaves the buyer with
less than the shop's free-shipping threshold has the postage the artist
paid deducted from its refund, once per artist order; the request form says
so before it is sent, the API shows it, the refund page and email break it
down."""

from decimal import Decimal

from django.urls import reverse

from marketplace.notifications.models import Notification
from orders import services as order_services
from orders.models import ArtistOrder, Refund
from returns import services
from returns.models import ReturnRequest
from tests.orders.factories import make_artist, make_variant
from tests.orders.lifecycle_factories import place_order

from .factories import jpeg_upload
from .helpers import client_for, detail, logged_in, page

RETURNS = "/api/v1/returns/"


def free_shipping_order(buyer, *, price="30.00", quantity=3, **terms):
    """``quantity`` × ``price`` from a shop with free shipping from 50 € (6 €
    otherwise), delivered. Returns its line."""
    artist = make_artist(
        "weaver",
        free_shipping_over=Decimal("50.00"),
        shipping_domestic=Decimal("6.00"),
        **terms,
    )
    variant = make_variant(artist, price=price, stock=quantity + 2)
    artist_order = place_order(buyer, (variant, quantity)).artist_orders.get()
    assert artist_order.shipping_fee == 0
    user = artist.user
    order_services.artist_order_accept(artist_order=artist_order, by=user)
    order_services.artist_order_ship(
        artist_order=ArtistOrder.objects.get(pk=artist_order.pk),
        by=user,
        carrier="Colissimo",
        tracking_number="6A0001",
    )
    order_services.artist_order_confirm_delivery(
        artist_order=ArtistOrder.objects.get(pk=artist_order.pk), by=buyer
    )
    return artist_order.lines.get()


def file_return(buyer, line, *, quantity=1, reason="changed_mind", kind="return"):
    body = {"line": line.pk, "quantity": quantity, "kind": kind, "reason": reason}
    if kind == "exchange":
        body["desired_replacement"] = "The same in blue"
    response = client_for(buyer).post(RETURNS, body, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


def bring_back_and_refund(return_id, *, refund=True):
    rr = ReturnRequest.objects.get(pk=return_id)
    artist_user = rr.artist_order.artist.user
    services.return_request_accept(
        return_request=rr, by=artist_user, instructions="Send it to Lyon."
    )
    services.return_request_ship_back(
        return_request=ReturnRequest.objects.get(pk=return_id),
        by=rr.buyer,
        carrier="Colissimo",
        tracking_number="8R1",
    )
    services.return_request_receive(
        return_request=ReturnRequest.objects.get(pk=return_id), by=artist_user
    )
    if refund:
        services.return_request_refund(
            return_request=ReturnRequest.objects.get(pk=return_id), by=artist_user
        )


class TestTheRefundAmount:
    def test_the_return_that_crosses_the_threshold_deducts_the_postage_once(
        self, buyer
    ):
        line = free_shipping_order(buyer)
        first = file_return(buyer, line)
        assert first["shipping_deduction"] == "0.00"  # 60 € kept
        second = file_return(buyer, line)
        assert second["shipping_deduction"] == "6.00"  # 30 € kept

        bring_back_and_refund(first["id"])
        bring_back_and_refund(second["id"])

        api = client_for(buyer)
        first_now = api.get(f"{RETURNS}{first['id']}/").json()
        second_now = api.get(f"{RETURNS}{second['id']}/").json()
        assert (first_now["refund_amount"], first_now["shipping_deduction"]) == (
            "30.00",
            "0.00",
        )
        assert (second_now["refund_amount"], second_now["shipping_deduction"]) == (
            "24.00",
            "6.00",
        )
        third = file_return(buyer, line)
        bring_back_and_refund(third["id"])
        assert sorted(Refund.objects.values_list("amount", flat=True)) == [
            Decimal("24.00"),
            Decimal("30.00"),
            Decimal("30.00"),
        ]

    def test_a_return_that_keeps_enough_deducts_nothing(self, buyer):
        line = free_shipping_order(buyer, price="30.00", quantity=3)

        body = file_return(buyer, line)
        bring_back_and_refund(body["id"])

        assert Refund.objects.get().amount == Decimal("30.00")

    def test_the_artists_fault_deducts_nothing(self, buyer):
        line = free_shipping_order(buyer, price="30.00", quantity=2)
        rr = services.return_request_create(
            buyer=buyer,
            line=line,
            quantity=1,
            kind="return",
            reason="damaged",
            photos=[jpeg_upload()],
        )

        bring_back_and_refund(rr.pk)

        assert Refund.objects.get().amount == Decimal("30.00")

    def test_an_exchange_forecasts_nothing(self, buyer):
        line = free_shipping_order(
            buyer, price="30.00", quantity=2, accepts_exchanges=True
        )

        body = file_return(buyer, line, kind="exchange", reason="wrong_size")

        assert body["shipping_deduction"] == "0.00"

    def test_the_whole_order_back_under_terms_refunding_shipping_deducts_nothing(
        self, buyer
    ):
        line = free_shipping_order(
            buyer, price="30.00", quantity=2, refunds_original_shipping=True
        )

        body = file_return(buyer, line, quantity=2)
        bring_back_and_refund(body["id"])

        assert body["shipping_deduction"] == "0.00"
        assert Refund.objects.get().amount == Decimal("60.00")

    def test_the_whole_order_back_otherwise_deducts_the_postage(self, buyer):
        line = free_shipping_order(buyer, price="30.00", quantity=2)

        body = file_return(buyer, line, quantity=2)
        bring_back_and_refund(body["id"])

        assert Refund.objects.get().amount == Decimal("54.00")


class TestTheRequestForm:
    def form_url(self, line):
        return reverse("returns:create", kwargs={"line_pk": line.pk})

    def test_says_what_each_quantity_would_deduct_before_sending(self, buyer):
        line = free_shipping_order(buyer)

        response = logged_in(buyer).get(self.form_url(line))

        text = response.content.decode()
        assert 'data-testid="shipping-deduction"' in text
        assert "Returning 1 piece: nothing is deducted." in text
        assert (
            "Returning 2 pieces: you keep 30.00 €, so 6.00 € of postage is deducted."
            in text
        )
        assert 'name="accept_shipping_deduction"' in text

    def test_a_return_that_deducts_needs_the_buyers_confirmation(self, buyer):
        line = free_shipping_order(buyer)
        client = logged_in(buyer)
        body = {"reason": "changed_mind", "quantity": 2, "kind": "return"}

        refused = client.post(self.form_url(line), body)

        assert refused.status_code == 400
        assert "6.00 € of postage will be deducted from your refund" in (
            refused.content.decode()
        )
        assert not ReturnRequest.objects.exists()

        sent = client.post(
            self.form_url(line), {**body, "accept_shipping_deduction": "on"}
        )

        assert sent.status_code == 302
        rr = ReturnRequest.objects.get()
        shown = client.get(detail(rr)).content.decode()
        assert 'data-testid="return-shipping-deduction"' in shown
        assert "−6.00 €" in shown

    def test_a_return_that_deducts_nothing_needs_no_confirmation(self, buyer):
        line = free_shipping_order(buyer)

        response = logged_in(buyer).post(
            self.form_url(line),
            {"reason": "changed_mind", "quantity": 1, "kind": "return"},
        )

        assert response.status_code == 302
        assert ReturnRequest.objects.count() == 1

    def test_an_order_that_paid_its_shipping_shows_no_notice(self, buyer, line):
        response = logged_in(buyer).get(self.form_url(line))

        assert 'data-testid="shipping-deduction"' not in response.content.decode()


class TestTheRefundIsBrokenDown:
    def test_on_the_artists_page_and_in_the_buyers_email(
        self, buyer, django_capture_on_commit_callbacks
    ):
        line = free_shipping_order(buyer, price="30.00", quantity=2)
        body = file_return(buyer, line)
        bring_back_and_refund(body["id"], refund=False)
        rr = ReturnRequest.objects.get(pk=body["id"])

        artist_page = logged_in(rr.artist.user).get(page(rr)).content.decode()
        assert 'data-testid="refund-shipping-deduction"' in artist_page
        assert "The refund due is 24.00 €" in artist_page

        with django_capture_on_commit_callbacks(execute=True):
            services.return_request_refund(return_request=rr, by=rr.artist.user)

        email = Notification.objects.get(event="return_refund_confirmed")
        assert email.context["shipping_deduction"] == "6.00"
        assert email.context["refund_amount"] == "24.00"
