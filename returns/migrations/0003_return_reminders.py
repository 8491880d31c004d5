"""The one reminder of a waiting return (the state it was sent for, and
when), and the refund's due date stamped at reception (seed 002; set here
for the requests already received)."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def stamp_refund_due(apps, schema_editor):
    ReturnRequest = apps.get_model("returns", "ReturnRequest")
    days = int(getattr(settings, "REFUND_DUE_BUSINESS_DAYS", 3))
    for rr in ReturnRequest.objects.filter(received_at__isnull=False).only(
        "pk", "received_at"
    ):
        moment = timezone.localtime(rr.received_at)
        left = days
        while left:
            moment += timedelta(days=1)
            if moment.weekday() < 5:
                left -= 1
        ReturnRequest.objects.filter(pk=rr.pk).update(refund_due_at=moment)


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0002_history_note_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="returnrequest",
            name="reminded_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="reminder sent at"
            ),
        ),
        migrations.AddField(
            model_name="returnrequest",
            name="reminded_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("requested", "requested"),
                    ("accepted", "accepted"),
                    ("rejected", "rejected"),
                    ("in_transit", "sent back"),
                    ("received", "received"),
                    ("refunded", "refunded"),
                    ("replacement_shipped", "replacement shipped"),
                    ("escalated", "escalated"),
                    ("withdrawn", "withdrawn"),
                    ("expired", "expired"),
                    ("closed", "closed"),
                ],
                max_length=24,
                verbose_name="reminder sent for",
            ),
        ),
        migrations.AddField(
            model_name="returnrequest",
            name="refund_due_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="refund due by"
            ),
        ),
        migrations.RunPython(stamp_refund_due, migrations.RunPython.noop),
    ]
