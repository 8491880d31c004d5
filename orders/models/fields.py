"""What the orders models share: amounts of money, kept to the cent, and
where private photos go."""

from decimal import Decimal

from django.db import models
from django.db.models import Q, Value
from django.utils import timezone

MONEY = {"max_digits": 12, "decimal_places": 2}


HALF_CENT = Decimal("0.005")
HALF_CENT_VALUE = Value(
    HALF_CENT, output_field=models.DecimalField(max_digits=12, decimal_places=3)
)


def to_the_cent(field: str, expression) -> Q:
    """``field`` equals ``expression`` to the cent. On PostgreSQL's exact
    numeric(12, 2) this is plain equality; SQLite stores decimals as floating
    point, where 145.05 + 12.50 - 14.51 is not exactly 143.04."""
    half_cent = Value(
        HALF_CENT, output_field=models.DecimalField(max_digits=12, decimal_places=3)
    )
    return Q(**{f"{field}__gt": expression - half_cent}) & Q(
        **{f"{field}__lt": expression + half_cent}
    )


def personalisation_path(instance, filename):
    return f"personalisation/{timezone.now():%Y/%m}/{filename}"
