"""History notes kept as what happened (``note_event`` and ``note_values``),
written in each reader's language when read. The notes the system wrote as
sentences, in English or French, become their event and values again (the
free text a person typed after them stays as typed); any other note stays
as it is."""

import re

import django.core.serializers.json
from django.db import migrations, models

AMOUNT = r"(?P<amount>\d+(?:[.,]\d{1,2})?)"

# (event, transitions it belongs to, system only, English and French forms)
SENTENCES = [
    (
        "refunded",
        {"refund", "convert_to_refund", "staff_refund"},
        False,
        [
            rf"{AMOUNT} € refunded\.(?:\s+(?P<note>.*))?",
            rf"{AMOUNT} € remboursés\.(?:\s+(?P<note>.*))?",
        ],
    ),
    (
        "no_answer_in_time",
        {"escalate"},
        True,
        [
            r"No answer from the artist in time\.",
            r"Aucune réponse de l'artiste dans les délais\.",
        ],
    ),
]
COMPILED = [
    (event, transitions, system_only, [re.compile(p, re.DOTALL) for p in patterns])
    for event, transitions, system_only, patterns in SENTENCES
]
ENGLISH = {
    "refunded": "%(amount)s € refunded.",
    "no_answer_in_time": "No answer from the artist in time.",
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
    Event = apps.get_model("returns", "ReturnEvent")
    rows = Event.objects.filter(note_event="").exclude(note="")
    for row in rows.iterator():
        parsed = parse_note(note=row.note, transition=row.transition, by_id=row.by_id)
        if parsed is None:
            continue
        row.note_event, row.note_values, row.note = parsed
        row.save(update_fields=["note_event", "note_values", "note"])


def events_to_notes(apps, schema_editor):
    Event = apps.get_model("returns", "ReturnEvent")
    for row in Event.objects.exclude(note_event="").iterator():
        sentence = ENGLISH.get(row.note_event)
        if sentence is None:
            continue
        text = sentence % {"amount": "", **(row.note_values or {})}
        if row.note:
            text = f"{text} {row.note}"
        row.note = text
        row.save(update_fields=["note"])


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="returnevent",
            name="note_event",
            field=models.CharField(
                blank=True, max_length=60, verbose_name="note event"
            ),
        ),
        migrations.AddField(
            model_name="returnevent",
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
