"""The history and the status updates of a return request are written in
the language of whoever reads them: amounts and dates the reader's way,
never an ISO date inside a sentence, the free text a person typed kept as
typed."""

import html
import re

from django.utils import translation

from marketplace.notifications.formatting import format_date
from messaging.rendering import system_text
from returns import services
from returns.models import ReturnRequest
from returns.rules import ship_back_due_at
from tests.orders.factories import make_artist

from .factories import make_line, make_return
from .helpers import detail, logged_in, page

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def text_of(client, url) -> str:
    """What the page says (its text, without tags and their attributes)."""
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode().split("<body", 1)[-1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


class TestARefundNote:
    def test_a_french_buyer_reads_the_english_artists_refund_in_french_with_its_note(
        self, french_buyer
    ):
        jonas = make_artist("jonas", language="en")
        line = make_line(buyer=french_buyer, artist=jonas, quantity=2, price="30.00")
        rr = make_return(line=line, state="received", quantity=1)

        services.return_request_refund(
            return_request=rr,
            by=jonas.user,
            amount="20.50",
            note="The box was missing.",
        )

        buyer_text = text_of(logged_in(french_buyer), detail(rr))
        artist_text = text_of(logged_in(jonas.user), page(rr))
        assert "20,50 € remboursés. The box was missing." in buyer_text
        assert "20.50 € refunded. The box was missing." in artist_text
        assert "remboursés" not in artist_text


class TestAnEscalationByTheSystem:
    def test_says_that_the_artist_did_not_answer_in_each_readers_language(
        self, french_buyer, settings
    ):
        settings.RETURN_ANSWER_DAYS = 0
        jonas = make_artist("jonas", language="en")
        rr = make_return(line=make_line(buyer=french_buyer, artist=jonas))

        services.return_request_escalate(return_request=rr, by=None)

        event = ReturnRequest.objects.get(pk=rr.pk).history.last()
        assert (event.note_event, event.note) == ("no_answer_in_time", "")
        assert "Aucune réponse de l'artiste dans les délais." in text_of(
            logged_in(french_buyer), detail(rr)
        )
        assert "No answer from the artist in time." in text_of(
            logged_in(jonas.user), page(rr)
        )


class TestTheShipBackDeadline:
    def test_is_written_the_readers_way_never_as_an_iso_date(self, french_buyer):
        jonas = make_artist("jonas", language="en")
        rr = make_return(
            line=make_line(buyer=french_buyer, artist=jonas), state="accepted"
        )
        rr = ReturnRequest.objects.select_related("thread").get(pk=rr.pk)
        update = rr.thread.messages.get(system=True, event="return_accepted")
        due = ship_back_due_at(rr).date()

        french = text_of(logged_in(french_buyer), rr.thread.get_absolute_url())
        english = system_text(update, language="en")

        with translation.override("fr"):
            assert f"avant le {format_date(due)}" in french
        with translation.override("en"):
            assert f"before {format_date(due)}" in english
        for text in (french, english, system_text(update, language="fr")):
            assert not ISO_DATE.search(text), text
