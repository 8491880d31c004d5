"""Periodic jobs of the catalog (listed in ``marketplace.jobs.JOBS``)."""

from django.db import transaction

from .models import Variant
from .stock import notify_back_in_stock


def send_back_in_stock_alerts() -> int:
    """Email the alerts still waiting on variants that are in stock again
    (stock changed by a route that does not notify, such as the admin).

    Each variant is handled in its own transaction with the variant locked,
    so a concurrent stock change cannot email the same alert twice. Returns
    how many alerts were emailed.
    """
    variant_ids = list(
        Variant.objects.filter(stock__gt=0, stock_alerts__notified_at__isnull=True)
        .values_list("pk", flat=True)
        .distinct()
    )
    sent = 0
    for variant_id in variant_ids:
        with transaction.atomic():
            variant = (
                Variant.objects.select_for_update()
                .select_related("item")
                .filter(pk=variant_id, stock__gt=0)
                .first()
            )
            if variant is not None:
                sent += notify_back_in_stock(variant=variant)
    return sent
