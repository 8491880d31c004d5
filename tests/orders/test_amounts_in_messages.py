"""The messages a page shows after an action (a confirmation, a refusal)
write their amounts the reader's way: "58,50 €" on a French page."""

import html

from django.urls import reverse

from returns.models import ReturnRequest
from tests.returns.factories import make_line, make_return

from .factories import make_artist
from .helpers import logged_in
from .lifecycle_factories import paid_artist_order


def shown(response, *, status=200) -> str:
    assert response.status_code == status
    return html.unescape(response.content.decode())


def test_a_french_buyer_is_told_the_refund_of_a_cancellation_in_french(
    french_buyer,
):
    artist_order, _variant = paid_artist_order(
        buyer=french_buyer, artist=make_artist("jonas"), price="53.50", quantity=1
    )

    page = shown(
        logged_in(french_buyer).post(
            reverse(
                "account:artist_order_cancel",
                kwargs={"number": artist_order.order.number, "pk": artist_order.pk},
            ),
            {"reason": ""},
            follow=True,
        )
    )

    assert "Vous serez remboursé de 58,50 €." in page
    assert "58.50" not in page


def test_an_english_buyer_is_told_it_in_english(buyer):
    artist_order, _variant = paid_artist_order(
        buyer=buyer,
        artist=make_artist("claire", language="fr"),
        price="53.50",
        quantity=1,
    )

    page = shown(
        logged_in(buyer).post(
            reverse(
                "account:artist_order_cancel",
                kwargs={"number": artist_order.order.number, "pk": artist_order.pk},
            ),
            {"reason": ""},
            follow=True,
        )
    )

    assert "You will be refunded 58.50 €." in page


def test_a_french_artist_refused_a_refund_above_the_due_amount_reads_it_in_french(
    buyer,
):
    claire = make_artist("claire", language="fr")
    line = make_line(buyer=buyer, artist=claire, quantity=2, price="30.00")
    rr = make_return(line=line, state="received", quantity=1, reason="changed_mind")

    page = shown(
        logged_in(claire.user).post(
            reverse("dashboard:return_refund", kwargs={"pk": rr.pk}),
            {"refund-amount": "45.00", "refund-note": "Geste commercial"},
        ),
        status=400,
    )

    assert "30,00 € au maximum pour ce retour." in page
    assert ReturnRequest.objects.get(pk=rr.pk).state == "received"
