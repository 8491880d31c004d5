"""Money: Decimal euros, rounded half-up to the cent. Never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest amount a money column holds (max_digits 12, 2 decimal places):
# a line or an order beyond it cannot be stored.
MONEY_MAX = Decimal("9999999999.99")


def to_money(value) -> Decimal:
    """Return ``value`` as a Decimal rounded half-up to the cent.

    :raises decimal.InvalidOperation: when ``value`` is not a number.
    """
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def split_proportionally(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` into cents in proportion to ``weights``; the parts add up
    exactly to ``total`` (the rounding remainder goes to the largest weights)."""
    total = to_money(total)
    weight_sum = sum(weights, ZERO)
    if not weights:
        return []
    if weight_sum == 0:
        return [total] + [ZERO] * (len(weights) - 1)
    raw = [total * w / weight_sum for w in weights]
    parts = [to_money(r) for r in raw]
    remainder = total - sum(parts, ZERO)
    order = sorted(range(len(weights)), key=lambda i: weights[i], reverse=True)
    step = CENT if remainder > 0 else -CENT
    i = 0
    while remainder != 0:
        parts[order[i % len(order)]] += step
        remainder -= step
        i += 1
    return parts
