"""The buyer changing an artist order before the artist accepts it: lower a
line's quantity or remove it (the difference refunded at once, the stock put
back), move the parcel to another address, add or change a gift message.

One service, ``artist_order_change``, all or nothing, called by the page,
the API and anyone else. It locks the order, then the artist order (the
order in which ``order_cancel`` takes them): of a change and the artist's
acceptance racing, exactly one wins; once accepted, a change is a 409 and
the buyer asks to cancel instead (a cancellation request).

What the money becomes (``price_change``): the items are the lines left;
the discount shrinks in proportion to them (a percentage code stays exact,
a fixed one never outgrows what is left); the shipping fee stays, except
that a part shipped free because it reached the shop's threshold pays the
shop's fee for its zone again when it falls under it, never more than the
change gives back (a change never costs the buyer money). The refund is
the old total minus the new one. Removing every piece is cancelling the
artist order (``cancel_locked``: whole refund, stock, code use, emails).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from artists.shipping import shipping_zone
from artists.stock import stock_release
from marketplace.errors import Conflict, DomainError
from marketplace.money import to_money
from marketplace.transitions import clean_text

from ..models import (
    ArtistOrder,
    ArtistOrderState,
    Order,
    OrderLine,
    RefundReason,
)
from ..rules import is_buyer, unserved_destination_problem
from .cancellation import cancel_locked
from .checkout import validate_shipping_address
from .history import log_transition
from .refunds import refund_create
from .steps import artist_user_of, buyer_of, changing, email

GIFT_MESSAGE_MAX_LENGTH = 500
ZERO = Decimal("0.00")
S = ArtistOrderState


@dataclass
class ChangedLine:
    line: OrderLine
    before: int
    after: int

    @property
    def summary(self) -> str:
        return f"{self.before} → {self.after} × {self.line.title} ({self.line.variant_name})"


@dataclass
class PricedChange:
    """The artist order's figures after a change of its lines."""

    items_total: Decimal
    shipping_fee: Decimal
    discount: Decimal
    total: Decimal
    refund: Decimal


@dataclass
class ChangeResult:
    """What ``artist_order_change`` did."""

    refund_amount: Decimal = ZERO
    lines: list[ChangedLine] = field(default_factory=list)
    address_changed: bool = False
    gift_message_changed: bool = False
    cancelled: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.lines
            or self.address_changed
            or self.gift_message_changed
            or self.cancelled
        )


# What a buyer's change alters on the artist order itself.
CHANGED_FIELDS = ("total", "items_total", "changed_address", "gift_message")


def changed_by_buyer_meanwhile(caller: ArtistOrder, locked: ArtistOrder) -> bool:
    """Whether the buyer changed the artist order between the moment the
    caller read it (``caller``) and now (``locked``): an acceptance decided
    on what the artist saw loses to a change that got there first."""
    if caller is locked:
        return False
    return any(
        getattr(caller, name) != getattr(locked, name) for name in CHANGED_FIELDS
    )


def _standard_fee(artist_order: ArtistOrder) -> Decimal:
    fees = (artist_order.terms or {}).get("shipping_fees") or {}
    try:
        return to_money(fees.get(artist_order.shipping_zone) or ZERO)
    except (ArithmeticError, TypeError, ValueError):
        return ZERO


def _free_shipping_over(artist_order: ArtistOrder) -> Decimal | None:
    threshold = (artist_order.terms or {}).get("free_shipping_over")
    try:
        return to_money(threshold) if threshold is not None else None
    except (ArithmeticError, TypeError, ValueError):
        return None


def price_change(*, artist_order: ArtistOrder, items_total: Decimal) -> PricedChange:
    """The figures of ``artist_order`` once its items come to ``items_total``
    (see the module's docstring). Changes nothing."""
    old_items = to_money(artist_order.items_total)
    new_items = to_money(items_total)
    discount = ZERO
    if old_items > 0 and artist_order.discount > 0:
        discount = to_money(artist_order.discount * new_items / old_items)
    fee = to_money(artist_order.shipping_fee)
    threshold = _free_shipping_over(artist_order)
    if (
        fee == 0
        and threshold is not None
        and old_items >= threshold > new_items
        and new_items > 0
    ):
        fee = _standard_fee(artist_order)
    total = new_items + fee - discount
    old_total = to_money(artist_order.total)
    if total > old_total:
        # The postage taken back is at most what the removed pieces give back.
        fee -= total - old_total
        total = old_total
    refund = min(
        old_total - total, max(artist_order.paid - artist_order.refunded, ZERO)
    )
    return PricedChange(
        items_total=new_items,
        shipping_fee=to_money(fee),
        discount=discount,
        total=to_money(total),
        refund=to_money(max(refund, ZERO)),
    )


def _wanted_quantities(lines) -> dict[int, int]:
    """``{line id: quantity}`` from ``[{"id", "quantity"}]``.

    :raises DomainError: ``lines`` not shaped so, or a line twice.
    """
    if not isinstance(lines, list | tuple):
        raise DomainError(_("Send a list of lines."), field="lines")
    wanted: dict[int, int] = {}
    for entry in lines:
        try:
            line_id = int(entry["id"])
            quantity = int(entry["quantity"])
        except (KeyError, TypeError, ValueError):
            raise DomainError(
                _("Each line needs an id and a quantity."), field="lines"
            ) from None
        if quantity < 0:
            raise DomainError(_("A quantity cannot be negative."), field="lines")
        if line_id in wanted:
            raise DomainError(_("Each line may be given once."), field="lines")
        wanted[line_id] = quantity
    return wanted


def _changed_lines(artist_order: ArtistOrder, wanted: dict[int, int]):
    """The lines whose quantity goes down, checked against the locked rows.

    :raises DomainError: a line not in this artist order, or a quantity raised.
    """
    current = {
        line.pk: line for line in OrderLine.objects.filter(artist_order=artist_order)
    }
    changed = []
    for line_id, quantity in sorted(wanted.items()):
        line = current.get(line_id)
        if line is None:
            raise DomainError(
                _("There is no line %(id)s in this order.") % {"id": line_id},
                field="lines",
            )
        if quantity > line.quantity:
            raise DomainError(
                _(
                    "You can only lower a quantity: %(quantity)s × %(title)s were ordered. To get more, place a new order."
                )
                % {"quantity": line.quantity, "title": line.title},
                field="lines",
            )
        if quantity < line.quantity:
            changed.append(ChangedLine(line=line, before=line.quantity, after=quantity))
    return changed, current


def _clean_address(artist_order: ArtistOrder, data) -> dict:
    """The cleaned new address, which the shop serves in the zone paid for.

    :raises DomainError: field ``shipping_address``, ``errors`` per field.
    """
    try:
        address = validate_shipping_address(data)
    except DomainError as error:
        raise DomainError(
            error.message,
            field="shipping_address",
            errors=error.errors or {"non_field_errors": [str(error.message)]},
        ) from None
    artist = artist_order.artist
    problem = unserved_destination_problem(artist, address["country"])
    zone = shipping_zone(origin=artist.country, destination=address["country"])
    if not problem and zone != artist_order.shipping_zone:
        problem = _(
            "The postage to this country is not the one you paid: choose a country of the same shipping zone, or cancel this part and order again."
        )
    if problem:
        raise DomainError(
            problem, field="shipping_address", errors={"country": [problem]}
        )
    return address


def _require_awaiting(by):
    def check(artist_order: ArtistOrder) -> None:
        if not is_buyer(artist_order, by):
            raise PermissionDenied(_("Only the buyer of this order can do this."))
        if artist_order.state != S.AWAITING_ACCEPTANCE:
            raise Conflict(
                _(
                    "The artist has already accepted this order, so it can no longer be changed. You can ask the artist to cancel it instead."
                )
                if artist_order.state == S.ACCEPTED
                else _("This order is now “%(state)s”: it can no longer be changed.")
                % {"state": artist_order.get_state_display()},
                state=artist_order.state,
            )

    return check


def _apply_lines(
    *, artist_order: ArtistOrder, changed: list[ChangedLine], by, now
) -> Decimal:
    """Lower the locked artist order's lines, its figures and its order's,
    refund the difference and put the stock back. Returns the refund."""
    removed_items = sum(
        (line.line.unit_price * (line.before - line.after) for line in changed), ZERO
    )
    priced = price_change(
        artist_order=artist_order, items_total=artist_order.items_total - removed_items
    )
    deltas = {
        "items_total": priced.items_total - artist_order.items_total,
        "shipping_total": priced.shipping_fee - artist_order.shipping_fee,
        "discount_total": priced.discount - artist_order.discount,
        "total": priced.total - artist_order.total,
    }
    for item in changed:
        if item.after == 0:
            item.line.delete()
        else:
            item.line.quantity = item.after
            item.line.line_total = to_money(item.line.unit_price * item.after)
            item.line.save(update_fields=["quantity", "line_total"])
    event = log_transition(
        artist_order=artist_order,
        from_state=artist_order.state,
        transition="change_lines",
        by=by,
        note_event="lines_lowered",
        note_values={
            "summary": "; ".join(item.summary for item in changed),
            "amount": priced.refund,
        },
        at=now,
        message_context={"amount": str(priced.refund)} if priced.refund > 0 else None,
    )
    if priced.refund > 0:
        refund_create(
            artist_order=artist_order,
            amount=priced.refund,
            reason=RefundReason.CHANGE,
            idempotency_key=f"change:{artist_order.pk}:{event.pk}",
            by=by,
        )
    # After the refund: what was paid stays within the total plus the refunds.
    artist_order.items_total = priced.items_total
    artist_order.shipping_fee = priced.shipping_fee
    artist_order.discount = priced.discount
    artist_order.total = priced.total
    artist_order.save(
        update_fields=["items_total", "shipping_fee", "discount", "total", "updated_at"]
    )
    Order.objects.filter(pk=artist_order.order_id).update(
        **{name: F(name) + delta for name, delta in deltas.items()},
        updated_at=now,
    )
    released: dict[int, int] = defaultdict(int)
    for item in changed:
        if item.line.variant_id is not None:
            released[item.line.variant_id] += item.before - item.after
    for variant_id in sorted(released):
        stock_release(variant_id=variant_id, quantity=released[variant_id])
    return priced.refund


def _address_text(address: dict) -> str:
    parts = [
        address["name"],
        address["line1"],
        address.get("line2", ""),
        f"{address['postcode']} {address['city']}",
        address["country"],
    ]
    return ", ".join(part for part in parts if part)


def artist_order_change(
    *,
    artist_order: ArtistOrder,
    by,
    lines=None,
    shipping_address=None,
    gift_message=None,
) -> ChangeResult:
    """The buyer changes ``artist_order`` while it awaits acceptance, all at
    once or not at all: ``lines`` (``[{"id", "quantity"}]``, a quantity
    only lowered, 0 removes the line; the difference refunded at once and
    the stock put back; every piece removed cancels the artist order),
    ``shipping_address`` (checkout's fields; a country the shop serves, in
    the shipping zone paid for), ``gift_message`` (makes it a gift order;
    "" makes it an ordinary one again). None leaves a part as it is. The
    artist and the buyer are emailed; one history row per kind of change.

    :raises PermissionDenied: ``by`` is not the buyer.
    :raises Conflict: not awaiting acceptance (accepted: ask to cancel).
    :raises DomainError: field ``lines`` (unknown line, quantity raised),
        ``shipping_address`` (``errors`` per address field), ``gift_message``
        (too long).
    """
    wanted = _wanted_quantities(lines) if lines is not None else None
    if gift_message is not None:
        gift_message = clean_text(
            gift_message,
            field="gift_message",
            max_length=GIFT_MESSAGE_MAX_LENGTH,
            required=False,
        )
    result = ChangeResult()
    with transaction.atomic():
        # The order first, then the artist order: order_cancel's order.
        Order.objects.select_for_update().filter(pk=artist_order.order_id).first()
        with changing(artist_order, check=_require_awaiting(by)) as locked:
            now = timezone.now()
            address = (
                _clean_address(locked, shipping_address)
                if shipping_address is not None
                else None
            )
            changed, current = (
                _changed_lines(locked, wanted) if wanted is not None else ([], {})
            )
            if (
                changed
                and len(changed) == len(current)
                and all(item.after == 0 for item in changed)
            ):
                refunded_before = locked.refunded
                cancel_locked(artist_order=locked, by=by, reason="")
                result.cancelled = True
                result.refund_amount = to_money(locked.refunded - refunded_before)
                return result
            if changed:
                result.lines = changed
                result.refund_amount = _apply_lines(
                    artist_order=locked, changed=changed, by=by, now=now
                )
            if address is not None and address != locked.ship_to.as_dict():
                locked.changed_address = address
                locked.save(update_fields=["changed_address", "updated_at"])
                log_transition(
                    artist_order=locked,
                    from_state=locked.state,
                    transition="change_address",
                    by=by,
                    note_event="address_changed",
                    note_values={"address": _address_text(address)},
                    at=now,
                )
                result.address_changed = True
            if gift_message is not None and gift_message != locked.gift_message:
                locked.gift_message = gift_message
                locked.save(update_fields=["gift_message", "updated_at"])
                log_transition(
                    artist_order=locked,
                    from_state=locked.state,
                    transition="change_gift_message",
                    by=by,
                    note_event="gift_message_set"
                    if gift_message
                    else "gift_message_removed",
                    note=gift_message,
                    at=now,
                )
                result.gift_message_changed = True
            if result.changed:
                _email_change(artist_order=locked, result=result, now=now)
    return result


def _email_change(*, artist_order: ArtistOrder, result: ChangeResult, now) -> None:
    """Tell the artist what changed and confirm it to the buyer (recorded in
    the change's transaction)."""
    stamp = f"{artist_order.pk}:{now.timestamp()}"
    changes = {
        "changed_lines": [
            {
                "title": item.line.title,
                "variant": item.line.variant_name,
                "before": item.before,
                "after": item.after,
            }
            for item in result.lines
        ],
        "address_changed": result.address_changed,
        "gift_message_changed": result.gift_message_changed,
        "gift_message": artist_order.gift_message,
        "refund_amount": result.refund_amount if result.refund_amount > 0 else "",
    }
    email(
        recipient=artist_user_of(artist_order),
        event="order_changed_by_buyer",
        artist_order=artist_order,
        dedupe_key=f"order-changed-by-buyer:{stamp}",
        **changes,
    )
    email(
        recipient=buyer_of(artist_order),
        event="order_change_confirmed",
        artist_order=artist_order,
        dedupe_key=f"order-change-confirmed:{stamp}",
        **changes,
    )
