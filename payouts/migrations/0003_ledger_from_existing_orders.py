"""The ledger of the artist orders paid before it existed: each payment
with its commission at ``COMMISSION_RATE``, then each refund not failed
with its commission reversal, in order, as the hooks write them now. Their
artists have never been paid, so what is completed becomes available."""

from decimal import Decimal

from django.conf import settings
from django.db import migrations

from payouts.rules import commission_of, commission_reversal

ZERO = Decimal("0.00")


def backfill(apps, schema_editor):
    ArtistOrder = apps.get_model("orders", "ArtistOrder")
    Refund = apps.get_model("orders", "Refund")
    Transaction = apps.get_model("payouts", "LedgerTransaction")
    Entry = apps.get_model("payouts", "LedgerEntry")
    rate = Decimal(str(settings.COMMISSION_RATE))
    done = set(
        Transaction.objects.filter(kind="payment").values_list(
            "artist_order_id", flat=True
        )
    )

    def post(*, kind, key, artist_order, at, lines, refund=None, with_rate=False):
        record = Transaction.objects.create(
            kind=kind,
            key=key,
            artist_id=artist_order.artist_id,
            artist_order_id=artist_order.pk,
            refund_id=refund,
            commission_rate=rate if with_rate else None,
            created_at=at,
        )
        Entry.objects.bulk_create(
            Entry(
                transaction=record,
                account=account,
                artist_id=artist_order.artist_id,
                artist_order_id=artist_order.pk,
                kind=entry_kind,
                amount=amount,
                created_at=at,
            )
            for account, entry_kind, amount in lines
            if amount
        )

    paid = ArtistOrder.objects.filter(paid__gt=0).exclude(pk__in=done).order_by("pk")
    for artist_order in paid.iterator():
        amount = artist_order.paid
        commission = commission_of(amount, rate)
        at = artist_order.paid_at or artist_order.created_at
        post(
            kind="payment",
            key=f"payment:{artist_order.pk}",
            artist_order=artist_order,
            at=at,
            with_rate=True,
            lines=[
                ("artist", "sale", amount),
                ("buyers", "sale", -amount),
                ("artist", "commission", -commission),
                ("commission", "commission", commission),
            ],
        )
        refunded = reversed_ = ZERO
        refunds = Refund.objects.filter(artist_order=artist_order).exclude(
            status="failed"
        )
        for refund in refunds.order_by("created_at", "pk"):
            back = commission_reversal(
                commission=commission,
                paid=amount,
                refund=refund.amount,
                refunded_before=refunded,
                reversed_before=reversed_,
            )
            post(
                kind="refund",
                key=f"refund:{refund.pk}",
                artist_order=artist_order,
                at=refund.created_at,
                refund=refund.pk,
                lines=[
                    ("artist", "refund", -refund.amount),
                    ("buyers", "refund", refund.amount),
                    ("artist", "commission_reversal", back),
                    ("commission", "commission_reversal", -back),
                ],
            )
            refunded += refund.amount
            reversed_ += back


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0002_ledger_append_only"),
        ("orders", "0006_artist_order_fk_indexes_covered"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
