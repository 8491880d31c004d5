"""History notes kept as what happened (``note_event`` and ``note_values``),
written in each reader's language when read. The notes the system wrote as
sentences, in English or French, become their event and values again; any
other note is free text a person typed and stays as it is."""

import re

import django.core.serializers.json
from django.db import migrations, models

AMOUNT = r"(?P<amount>\d+(?:[.,]\d{1,2})?)"

# (event, transitions it belongs to, system only, English and French forms)
SENTENCES = [
    (
        "paid",
        {"pay"},
        False,
        [rf"Paid {AMOUNT} €\.", rf"Paiement de {AMOUNT} € reçu\."],
    ),
    (
        "payment_timed_out",
        {"fail_payment"},
        True,
        [
            r"Payment not completed in time: the order was cancelled\.",
            r"Paiement non finalisé à temps\s?: la commande a été annulée\.",
        ],
    ),
    (
        "staff_refunded",
        {"staff_refund"},
        False,
        [
            rf"{AMOUNT} € refunded by the marketplace team: (?P<note>.*)",
            rf"{AMOUNT} € remboursés par l'équipe Atelier\s?: (?P<note>.*)",
        ],
    ),
    (
        "delivery_confirmed_by_staff",
        {"confirm_delivery"},
        False,
        [
            r"Delivery confirmed by the marketplace team\.",
            r"Livraison confirmée par l'équipe Atelier\.",
        ],
    ),
    (
        "delivered_automatically",
        {"confirm_delivery"},
        True,
        [
            r"Marked delivered automatically\.",
            r"Marquée comme livrée automatiquement\.",
        ],
    ),
    (
        "lost_parcel_refunded",
        {"refund_lost"},
        False,
        [
            rf"Parcel lost: {AMOUNT} € refunded\.",
            rf"Colis perdu\s?: {AMOUNT} € remboursés\.",
        ],
    ),
    (
        "dispatch_delayed",
        {"delay_notified"},
        True,
        [
            r"Not dispatched by the expected date: the buyer was told\.",
            r"Non expédiée à la date prévue\s?: l'acheteur a été prévenu\.",
        ],
    ),
]
COMPILED = [
    (event, transitions, system_only, [re.compile(p, re.DOTALL) for p in patterns])
    for event, transitions, system_only, patterns in SENTENCES
]
ENGLISH = {
    "paid": "Paid %(amount)s €.",
    "payment_timed_out": "Payment not completed in time: the order was cancelled.",
    "staff_refunded": "%(amount)s € refunded by the marketplace team: %(note)s",
    "delivery_confirmed_by_staff": "Delivery confirmed by the marketplace team.",
    "delivered_automatically": "Marked delivered automatically.",
    "lost_parcel_refunded": "Parcel lost: %(amount)s € refunded.",
    "dispatch_delayed": "Not dispatched by the expected date: the buyer was told.",
}


def parse_note(*, note, transition, by_id):
    """(event, values, free text) of a note written as a sentence, or None."""
    text = (note or "").strip()
    for event, transitions, system_only, patterns in COMPILED:
        if transition not in transitions or (system_only and by_id is not None):
            continue
        for pattern in patterns:
            match = pattern.fullmatch(text)
            if match is None:
                continue
            found = match.groupdict()
            values = {}
            if found.get("amount"):
                values["amount"] = found["amount"].replace(",", ".")
            return event, values, (found.get("note") or "").strip()
    return None


def notes_to_events(apps, schema_editor):
    Event = apps.get_model("orders", "ArtistOrderEvent")
    rows = Event.objects.filter(note_event="").exclude(note="")
    for row in rows.iterator():
        parsed = parse_note(note=row.note, transition=row.transition, by_id=row.by_id)
        if parsed is None:
            continue
        row.note_event, row.note_values, row.note = parsed
        row.save(update_fields=["note_event", "note_values", "note"])


def events_to_notes(apps, schema_editor):
    Event = apps.get_model("orders", "ArtistOrderEvent")
    for row in Event.objects.exclude(note_event="").iterator():
        sentence = ENGLISH.get(row.note_event)
        if sentence is None:
            continue
        values = {"amount": "", **(row.note_values or {}), "note": row.note}
        text = sentence % values
        if row.note and "%(note)s" not in sentence:
            text = f"{text} {row.note}"
        row.note = text
        row.save(update_fields=["note"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_artist_order_fk_indexes_covered"),
    ]

    operations = [
        migrations.AddField(
            model_name="artistorderevent",
            name="note_event",
            field=models.CharField(
                blank=True, max_length=60, verbose_name="note event"
            ),
        ),
        migrations.AddField(
            model_name="artistorderevent",
            name="note_values",
            field=models.JSONField(
                blank=True,
                default=dict,
                encoder=django.core.serializers.json.DjangoJSONEncoder,
                verbose_name="note values",
            ),
        ),
        migrations.RunPython(notes_to_events, events_to_notes),
    ]
