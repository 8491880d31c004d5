"""French wording that said the wrong thing: a message label read as a verb,
the artist told that return postage is theirs when it is the buyer's,
genders that do not agree, "rejetée" where the state says "refusée", "de"
before a vowel, and "il y a 0 minute"."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from orders import services as order_services
from orders.models import CancellationRequest, NotReceivedStatus
from tests.orders.factories import make_artist, make_artist_order
from tests.returns.factories import make_line, make_return

pytestmark = pytest.mark.django_db


def page(client, url) -> str:
    """The page's text as a reader sees it (entities such as &#x27; decoded)."""
    return unescape(client.get(url).content.decode())


@pytest.fixture
def atelier(db):
    """A French artist whose terms leave the return postage to the buyer."""
    return make_artist("claire", language="fr", name="Atelier Claire")


def test_a_status_update_is_labelled_as_a_noun(client, french_buyer, atelier):
    artist_order = make_artist_order(
        buyer=french_buyer, artist=atelier, state="accepted"
    )
    thread = artist_order.message_threads.get()
    client.force_login(french_buyer)

    html = page(client, thread.get_absolute_url())

    assert "<strong>Mise à jour</strong>" in html
    assert "<strong>Mettre à jour</strong>" not in html


class TestTermsSummary:
    def test_the_artist_reads_that_the_buyer_pays_the_return_postage(
        self, client, french_buyer, atelier
    ):
        artist_order = make_artist_order(buyer=french_buyer, artist=atelier)
        client.force_login(atelier.user)

        html = page(client, reverse("dashboard:order", args=[artist_order.pk]))

        assert "Frais de retour à la charge de l'acheteur" in html
        assert "Frais de retour à votre charge" not in html

    def test_the_buyer_still_reads_that_the_postage_is_theirs(
        self, client, french_buyer, atelier
    ):
        artist_order = make_artist_order(buyer=french_buyer, artist=atelier)
        client.force_login(french_buyer)

        html = page(client, reverse("account:order", args=[artist_order.order.number]))

        assert "Frais de retour à votre charge" in html

    def test_in_english_too(self, client, buyer):
        shop = make_artist("potter", name="Atelier Argile")
        artist_order = make_artist_order(buyer=buyer, artist=shop)
        client.force_login(shop.user)

        html = page(client, reverse("dashboard:order", args=[artist_order.pk]))

        assert "The buyer pays the return postage" in html
        assert "Return postage paid by you" not in html


class TestHowLongAgo:
    @pytest.fixture
    def cancellation(self, french_buyer, atelier):
        artist_order = make_artist_order(
            buyer=french_buyer, artist=atelier, state="accepted"
        )
        order_services.artist_order_cancel(
            artist_order=artist_order, by=french_buyer, reason="Trop long"
        )
        return CancellationRequest.objects.get(artist_order=artist_order)

    def test_a_request_of_a_few_seconds_ago_is_just_now(
        self, client, atelier, cancellation
    ):
        client.force_login(atelier.user)

        html = page(client, reverse("dashboard:home"))

        assert "demande faite à l'instant" in html
        assert "0 minute" not in html

    def test_an_older_one_says_how_long_ago(self, client, atelier, cancellation):
        CancellationRequest.objects.filter(pk=cancellation.pk).update(
            created_at=timezone.now() - timedelta(hours=3, minutes=5)
        )
        client.force_login(atelier.user)

        html = page(client, reverse("dashboard:home"))

        assert "demande faite il y a 3\xa0heures" in html


def test_a_refunded_return_request_is_feminine(client, french_buyer, atelier):
    return_request = make_return(
        line=make_line(buyer=french_buyer, artist=atelier), state="refunded"
    )
    client.force_login(french_buyer)

    html = page(client, reverse("returns:detail", args=[return_request.pk]))

    steps = html[html.index('data-testid="return-steps"') :]
    steps = steps[: steps.index("</ol>")]
    assert ">Remboursée</li>" in steps
    assert ">Remboursé</li>" not in steps


@pytest.mark.parametrize(
    ("text", "wanted", "unwanted"),
    [
        (
            lambda: gettext("Request rejected. The buyer was told why."),
            "Demande refusée",
            "rejetée",
        ),
        (
            lambda: (
                gettext(
                    "This code only applies to items from %(artist)s, and your cart "
                    "has none."
                )
                % {"artist": "Atelier Claire"}
            ),
            "Atelier Claire",
            "de Atelier",
        ),
        (
            lambda: gettext("Pieces by %(name)s") % {"name": "Atelier Claire"},
            "Atelier Claire",
            "de Atelier",
        ),
        (
            lambda: (
                gettext("Parcel reported as not received: %(status)s.")
                % {"status": NotReceivedStatus.REFUNDED.label}
            ),
            "non reçu : remboursé.",
            "remboursée",
        ),
        (
            lambda: (
                gettext("Parcel reported as not received: %(status)s.")
                % {"status": NotReceivedStatus.RESHIPPED.label}
            ),
            "non reçu : réexpédié.",
            "réexpédiée",
        ),
        # The admin's section of a return's refund, and the amount paid.
        (lambda: pgettext("section title", "Refund"), "Remboursement", "Rembourser"),
        (lambda: pgettext("amount", "Paid"), "Payé", "Payée"),
    ],
    ids=[
        "refused",
        "code-elision",
        "pieces-elision",
        "parcel-refunded",
        "reshipped",
        "refund-section",
        "paid-amount",
    ],
)
def test_smaller_french_wording(text, wanted, unwanted):
    with translation.override("fr"):
        french = str(text())

    assert wanted in french
    assert unwanted not in french
