"""Stock changes. Stock is only ever changed through these functions, inside
transactions, so it can never go negative (there is a CHECK too) and a
variant coming back in stock emails its waiting alerts exactly once."""

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from marketplace.notifications.services import notify

from .models import StockAlert, Variant


def stock_take_many(*, quantities: Mapping[int, int]) -> int | None:
    """Take ``quantities[variant_id]`` pieces of every variant, all or none
    (a checkout). Call inside a transaction.

    Two statements whatever the number of variants: the variants are locked
    in id order (the order every stock change takes them in, so two carts
    holding the same pieces in opposite orders never deadlock) and their
    stock read; then, when every one has enough, one conditional UPDATE
    takes every quantity (``stock >= quantity`` for each row, so stock never
    goes negative on any database).

    Returns None when the stock was taken, else the id of the first variant
    (by id) without enough stock; then nothing was taken.
    """
    wanted = {int(pk): int(quantity) for pk, quantity in quantities.items()}
    if not wanted:
        return None
    ids = sorted(wanted)
    locked = dict(
        Variant.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "stock")
    )
    for pk in ids:
        if pk not in locked or locked[pk] < wanted[pk]:
            return pk
    if len(set(wanted.values())) == 1:
        quantity = Value(next(iter(wanted.values())))
    else:
        quantity = Case(
            *(When(pk=pk, then=Value(wanted[pk])) for pk in ids),
            output_field=IntegerField(),
        )
    taken = Variant.objects.filter(pk__in=ids, stock__gte=quantity).update(
        stock=F("stock") - quantity
    )
    if taken != len(ids):
        # The rows are locked (PostgreSQL) or the database is (SQLite): the
        # stock read above cannot have changed. Roll back rather than take
        # part of the cart.
        raise RuntimeError(
            f"stock of variants {ids} changed while locked ({taken} taken)"
        )
    return None


@transaction.atomic
def stock_release(*, variant_id: int, quantity: int) -> Variant | None:
    """Put ``quantity`` pieces back (declined payment, refusal, cancellation).

    Returns the variant, or None if it no longer exists.
    """
    variant = Variant.objects.select_for_update().filter(pk=variant_id).first()
    if variant is None:
        return None
    return stock_set(variant=variant, stock=variant.stock + quantity)


@transaction.atomic
def stock_set(*, variant: Variant, stock: int) -> Variant:
    """Set a variant's stock; when it goes from 0 to more, email the buyers
    waiting for it (in the same transaction)."""
    locked = (
        Variant.objects.select_for_update(of=("self",))
        .select_related("item")
        .get(pk=variant.pk)
    )
    was_empty = locked.stock == 0
    locked.stock = stock
    locked.save(update_fields=["stock", "updated_at"])
    variant.stock = stock
    if was_empty and stock > 0:
        notify_back_in_stock(variant=locked)
    return locked


def notify_back_in_stock(*, variant: Variant) -> int:
    """Email every waiting alert of ``variant`` once; returns how many."""
    alerts = list(
        StockAlert.objects.select_for_update()
        .filter(variant=variant, notified_at__isnull=True)
        .select_related("user")
    )
    now = timezone.now()
    for alert in alerts:
        notify(
            recipient=alert.user,
            event="back_in_stock",
            context={
                "item_title": variant.item.title,
                "variant_name": variant.name,
                "item_url": variant.item.get_absolute_url(),
            },
            dedupe_key=f"stock-alert:{alert.pk}",
        )
    StockAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(notified_at=now)
    return len(alerts)
