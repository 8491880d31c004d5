"""The history of an artist order is written in the language of whoever
reads it, not of whoever acted: amounts the reader's way ("44,30 €" in
French), the free text a person typed kept as typed."""

import html
from decimal import Decimal

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from orders.models import ArtistOrder, ArtistOrderEvent
from orders.services import staff as staff_services
from tests.factories import UserFactory

from .factories import make_artist
from .helpers import detail_url, logged_in
from .lifecycle_factories import paid_artist_order


def page_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def buyer_page(buyer, artist_order) -> str:
    return page_text(
        logged_in(buyer),
        reverse("account:order", kwargs={"number": artist_order.order.number}),
    )


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}"
    )
    return client


class TestThePayment:
    def test_a_french_artist_reads_the_payment_of_an_english_buyer_in_french(
        self, buyer
    ):
        claire = make_artist("claire", language="fr")

        artist_order, _variant = paid_artist_order(
            buyer=buyer, artist=claire, price="39.30", quantity=1
        )

        artist_page = page_text(logged_in(claire.user), detail_url(artist_order))
        assert "Paiement de 44,30 € reçu." in artist_page
        assert "44.30" not in artist_page
        assert "Paid 44.30 €." in buyer_page(buyer, artist_order)

    def test_an_english_artist_reads_the_payment_of_a_french_buyer_in_english(
        self, french_buyer
    ):
        jonas = make_artist("jonas", language="en")

        artist_order, _variant = paid_artist_order(
            buyer=french_buyer, artist=jonas, price="82.00", quantity=1
        )

        artist_page = page_text(logged_in(jonas.user), detail_url(artist_order))
        assert "Paid 87.00 €." in artist_page
        assert "Paiement" not in artist_page
        assert "Paiement de 87,00 € reçu." in buyer_page(french_buyer, artist_order)

    def test_is_stored_as_an_event_and_its_amount_not_as_a_sentence(self, buyer):
        artist_order, _variant = paid_artist_order(
            buyer=buyer, artist=make_artist("claire", language="fr"), price="39.30"
        )

        event = ArtistOrderEvent.objects.get(artist_order=artist_order)
        assert (event.note_event, event.note_values, event.note) == (
            "paid",
            {"amount": "83.60"},
            "",
        )

    def test_the_api_writes_the_note_in_the_callers_language(self, buyer):
        claire = make_artist("claire", language="fr")
        artist_order, _variant = paid_artist_order(
            buyer=buyer, artist=claire, price="39.30", quantity=1
        )

        french = api_for(claire.user).get(f"/api/v1/artist-orders/{artist_order.pk}/")
        english = api_for(buyer).get(f"/api/v1/orders/{artist_order.order.number}/")

        history = french.json()["history"]
        assert [(row["note"], row["note_event"]) for row in history] == [
            ("Paiement de 44,30 € reçu.", "paid")
        ]
        assert history[0]["note_values"] == {"amount": "44.30"}
        assert "Paid 44.30 €." in english.content.decode()


class TestAStaffRefund:
    def test_keeps_the_staff_note_as_typed_inside_the_readers_sentence(self, buyer):
        claire = make_artist("claire", language="fr")
        artist_order, _variant = paid_artist_order(
            buyer=buyer, artist=claire, price="39.30", quantity=1
        )
        staff = UserFactory(username="support", is_staff=True, language="en")

        staff_services.artist_order_staff_refund(
            artist_order=ArtistOrder.objects.get(pk=artist_order.pk),
            by=staff,
            amount=Decimal("12.50"),
            note="Goodwill gesture.",
            idempotency_key="staff-refund-test",
        )

        artist_page = page_text(logged_in(claire.user), detail_url(artist_order))
        assert (
            "12,50 € remboursés par l'équipe Atelier : Goodwill gesture." in artist_page
        )
        assert (
            "12.50 € refunded by the marketplace team: Goodwill gesture."
            in buyer_page(buyer, artist_order)
        )
