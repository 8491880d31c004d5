"""The history notes written as sentences before notes were kept as events
(orders migration 0007) become their event and values again, whatever the
language they were written in; free text stays as typed."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from orders.models import ArtistOrderEvent
from tests.factories import UserFactory

from .factories import make_artist, make_artist_order

migration = importlib.import_module("orders.migrations.0007_history_note_events")


@pytest.fixture
def artist_order(buyer):
    return make_artist_order(buyer=buyer, artist=make_artist("claire", language="fr"))


def old_row(artist_order, *, transition, note, by=None):
    return ArtistOrderEvent.objects.create(
        artist_order=artist_order,
        from_state="awaiting_payment",
        to_state=artist_order.state,
        transition=transition,
        by=by,
        note=note,
    )


def migrate() -> None:
    migration.notes_to_events(apps, None)


class TestTheMigration:
    def test_turns_a_french_payment_sentence_into_its_event_and_amount(
        self, artist_order, buyer
    ):
        row = old_row(
            artist_order, transition="pay", note="Paiement de 87.00 € reçu.", by=buyer
        )

        migrate()

        row.refresh_from_db()
        assert (row.note_event, row.note_values, row.note) == (
            "paid",
            {"amount": "87.00"},
            "",
        )
        with translation.override("en"):
            assert row.note_text() == "Paid 87.00 €."
        with translation.override("fr"):
            assert row.note_text() == "Paiement de 87,00 € reçu."

    def test_keeps_the_staff_note_of_an_english_refund_sentence_as_free_text(
        self, artist_order
    ):
        staff = UserFactory(username="support", is_staff=True)
        row = old_row(
            artist_order,
            transition="staff_refund",
            note="12.50 € refunded by the marketplace team: Chipped rim.",
            by=staff,
        )

        migrate()

        row.refresh_from_db()
        assert (row.note_event, row.note_values, row.note) == (
            "staff_refunded",
            {"amount": "12.50"},
            "Chipped rim.",
        )
        with translation.override("fr"):
            assert row.note_text() == (
                "12,50 € remboursés par l'équipe Atelier : Chipped rim."
            )

    def test_leaves_a_reason_typed_by_a_person_as_it_is(self, artist_order, buyer):
        row = old_row(
            artist_order,
            transition="cancel",
            note="Paid 10.00 €. I changed my mind.",
            by=buyer,
        )

        migrate()

        row.refresh_from_db()
        assert (row.note_event, row.note) == ("", "Paid 10.00 €. I changed my mind.")

    def test_recognises_the_system_sentences_only_on_rows_the_system_wrote(
        self, artist_order, buyer
    ):
        automatic = old_row(
            artist_order,
            transition="confirm_delivery",
            note="Marquée comme livrée automatiquement.",
        )
        typed = old_row(
            artist_order,
            transition="confirm_delivery",
            note="Marked delivered automatically.",
            by=buyer,
        )

        migrate()

        automatic.refresh_from_db()
        typed.refresh_from_db()
        assert (automatic.note_event, automatic.note) == ("delivered_automatically", "")
        assert typed.note_event == ""
