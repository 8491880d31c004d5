"""The return history notes written as sentences before notes were kept as
events (returns migration 0002) become their event and values again; the
free text typed after them stays as typed."""

import importlib

from django.apps import apps
from django.utils import translation

from returns.models import ReturnEvent

from .factories import make_artist, make_line, make_return

migration = importlib.import_module("returns.migrations.0002_history_note_events")


def test_turns_a_french_refund_sentence_into_its_event_amount_and_note(buyer):
    rr = make_return(line=make_line(buyer=buyer, artist=make_artist("claire")))
    row = ReturnEvent.objects.create(
        request=rr,
        from_state="received",
        to_state="refunded",
        transition="refund",
        by=rr.artist_order.artist.user,
        note="20.50 € remboursés. La boîte manquait.",
    )

    migration.notes_to_events(apps, None)

    row.refresh_from_db()
    assert (row.note_event, row.note_values, row.note) == (
        "refunded",
        {"amount": "20.50"},
        "La boîte manquait.",
    )
    with translation.override("en"):
        assert row.note_text() == "20.50 € refunded. La boîte manquait."


def test_leaves_an_escalation_message_typed_by_the_buyer_as_it_is(buyer):
    rr = make_return(line=make_line(buyer=buyer, artist=make_artist("claire")))
    row = ReturnEvent.objects.create(
        request=rr,
        from_state="rejected",
        to_state="escalated",
        transition="escalate",
        by=buyer,
        note="No answer from the artist in time.",
    )

    migration.notes_to_events(apps, None)

    row.refresh_from_db()
    assert (row.note_event, row.note) == ("", "No answer from the artist in time.")
