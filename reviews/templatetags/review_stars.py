"""``{{ rating|stars }}``: a rating (1 to 5, or an average) as five stars."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def stars(rating) -> str:
    """Five stars, as many full as ``rating`` rounded to the nearest."""
    try:
        full = int(Decimal(str(rating or 0)).quantize(Decimal(1), ROUND_HALF_UP))
    except ArithmeticError:
        full = 0
    full = max(0, min(full, 5))
    return "★" * full + "☆" * (5 - full)
