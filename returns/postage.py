"""Free shipping given back (seed 002): an artist order that shipped for
free because its pieces reached the shop's free-shipping threshold, and
whose buyer returns enough of them that what they keep falls under it,
has the postage the artist paid deducted from the refund: the shipping fee
of its zone in the terms at purchase. Once per artist order, whatever the
number of returns: each refund takes what is left of it, at most its own
pieces' worth.

Not deducted for the artist's fault (wrong, damaged, not as described), nor
when the whole artist order comes back under terms that refund the
original shipping (the buyer would have been refunded that postage).

Which other requests count as coming back: for a refund being made, those
refunded and those whose pieces are on their way back or received (the
buyer can no longer withdraw them); for a forecast (the request form, an
open request in the API), every running return too. Reads the artist
order's ``lines`` and ``return_requests`` (prefetched when they are)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import prefetch_related_objects

from marketplace.money import ZERO, to_money

from .models import ARTIST_FAULT_REASONS, OPEN_STATES, ReturnKind, ReturnState

R = ReturnState
# Running requests whose pieces are on their way back or back.
SENT_BACK_STATES = frozenset({R.IN_TRANSIT, R.RECEIVED})


def _money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return to_money(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def free_shipping_threshold(artist_order) -> Decimal | None:
    """The threshold from which ``artist_order`` shipped for free, when it
    did (no fee paid, a threshold and a fee for its zone in the terms at
    purchase); None otherwise."""
    terms = artist_order.terms or {}
    threshold = _money(terms.get("free_shipping_over"))
    if threshold is None or artist_order.shipping_fee > 0:
        return None
    if free_shipping_postage(artist_order) <= 0:
        return None
    return threshold


def free_shipping_postage(artist_order) -> Decimal:
    """The shipping fee ``artist_order``'s zone had in the terms at
    purchase (what the artist paid for its free shipping)."""
    fees = (artist_order.terms or {}).get("shipping_fees") or {}
    fee = _money(fees.get(artist_order.shipping_zone))
    return fee if fee is not None and fee > 0 else ZERO


def _coming_back(request, *, forecast: bool) -> bool:
    if request.state == R.REFUNDED:
        return True
    if request.kind != ReturnKind.RETURN:
        return False
    states = OPEN_STATES if forecast else SENT_BACK_STATES
    return request.state in states


@dataclass(frozen=True)
class Deduction:
    """What a return deducts: ``amount`` (0 when nothing), with what the
    buyer keeps (``kept``) and the ``threshold`` and ``postage`` of the
    free shipping."""

    amount: Decimal
    kept: Decimal = ZERO
    threshold: Decimal | None = None
    postage: Decimal = ZERO


NONE = Deduction(amount=ZERO)


def shipping_deduction(
    *,
    artist_order,
    line_id: int,
    quantity: int,
    reason: str,
    items: Decimal,
    exclude_pk=None,
    forecast: bool = False,
) -> Deduction:
    """The postage deducted from the refund of ``quantity`` pieces of line
    ``line_id`` worth ``items`` (a request, or one about to be made:
    ``exclude_pk`` is that request's own id)."""
    threshold = free_shipping_threshold(artist_order)
    if threshold is None or reason in ARTIST_FAULT_REASONS:
        return NONE
    postage = free_shipping_postage(artist_order)
    back: dict[int, int] = {line_id: quantity}
    deducted = ZERO
    for other in artist_order.return_requests.all():
        if other.pk == exclude_pk:
            continue
        deducted += other.refund_shipping_deduction or ZERO
        if _coming_back(other, forecast=forecast):
            back[other.line_id] = back.get(other.line_id, 0) + other.quantity
    kept = ZERO
    for line in artist_order.lines.all():
        kept_quantity = max(line.quantity - back.get(line.pk, 0), 0)
        kept += line.unit_price * kept_quantity
    kept = to_money(kept)
    if kept >= threshold:
        return NONE
    terms = artist_order.terms or {}
    if kept <= 0 and terms.get("refunds_original_shipping"):
        return NONE
    amount = max(min(postage - deducted, to_money(items)), ZERO)
    return Deduction(amount=amount, kept=kept, threshold=threshold, postage=postage)


def items_refund(*, artist_order, unit_price, quantity: int) -> Decimal:
    """What ``quantity`` pieces at ``unit_price`` refund: their price less
    their share of a discount the artist order had."""
    items = to_money(unit_price * quantity)
    if artist_order.discount > 0 and artist_order.items_total > 0:
        share = items * artist_order.discount / artist_order.items_total
        items = max(to_money(items - share), ZERO)
    return items


def request_deduction(return_request, *, items: Decimal, forecast: bool = False):
    """``shipping_deduction`` of a saved request; a forecast for an exchange
    deducts nothing (a replacement comes back instead of money)."""
    rr = return_request
    if forecast and rr.kind != ReturnKind.RETURN:
        return NONE
    return shipping_deduction(
        artist_order=rr.artist_order,
        line_id=rr.line_id,
        quantity=rr.quantity,
        reason=rr.reason,
        items=items,
        exclude_pk=rr.pk,
        forecast=forecast,
    )


def may_deduct(return_request) -> bool:
    """Whether a deduction is possible at all for ``return_request``
    (without a query): free shipping, a return still to be refunded, not
    the artist's fault."""
    rr = return_request
    return bool(
        rr.state in OPEN_STATES
        and rr.reason not in ARTIST_FAULT_REASONS
        and free_shipping_threshold(rr.artist_order) is not None
    )


@dataclass(frozen=True)
class PreviewRow:
    """What returning ``quantity`` pieces of a line would deduct (``kept``:
    what the buyer then keeps, when something is deducted)."""

    quantity: int
    kept: Decimal
    amount: Decimal


def line_deduction(*, line, quantity: int, reason: str, kind: str) -> Deduction:
    """What a return of ``quantity`` pieces of ``line`` for ``reason`` would
    deduct, counting the order's running returns as coming back (the
    request form's forecast); nothing for an exchange."""
    if kind != ReturnKind.RETURN or quantity < 1:
        return NONE
    artist_order = line.artist_order
    return shipping_deduction(
        artist_order=artist_order,
        line_id=line.pk,
        quantity=quantity,
        reason=reason,
        items=items_refund(
            artist_order=artist_order, unit_price=line.unit_price, quantity=quantity
        ),
        forecast=True,
    )


def line_deduction_preview(*, line, most: int) -> list[PreviewRow]:
    """For each quantity of ``line`` from 1 to ``most``, what a return for a
    reason that is not the artist's fault would deduct; empty when the
    artist order did not ship for free. Three queries at most."""
    artist_order = line.artist_order
    if free_shipping_threshold(artist_order) is None:
        return []
    prefetch_related_objects([artist_order], "lines", "return_requests")
    rows = []
    for quantity in range(1, most + 1):
        deduction = line_deduction(
            line=line, quantity=quantity, reason="changed_mind", kind="return"
        )
        rows.append(
            PreviewRow(quantity=quantity, kept=deduction.kept, amount=deduction.amount)
        )
    return rows


def deduction_shown(return_request) -> Decimal:
    """The free-shipping postage pages and the API show for a request: what
    its refund deducted, or for a running return what it would deduct if it
    and the order's other running returns were refunded."""
    rr = return_request
    if rr.refund_id or rr.state not in OPEN_STATES:
        return rr.refund_shipping_deduction or ZERO
    if rr.kind != ReturnKind.RETURN or not may_deduct(rr):
        return ZERO
    items = items_refund(
        artist_order=rr.artist_order,
        unit_price=rr.line.unit_price,
        quantity=rr.quantity,
    )
    return request_deduction(rr, items=items, forecast=True).amount
