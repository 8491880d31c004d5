"""How the money pages write amounts and rates, in the reader's language
("1234.50 €" in English, "1234,50 €" in French), and the small tables they
show inside a record's page."""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from marketplace.money import CENT, ZERO


def euros(value) -> str:
    """``value`` euros, to the cent; None is 0."""
    amount = Decimal(value if value is not None else ZERO).quantize(CENT)
    return _("%(amount)s €") % {
        "amount": number_format(amount, decimal_pos=2, use_l10n=True)
    }


def percent(rate) -> str:
    """A rate (a fraction: 0.12) as a percentage ("12.00 %")."""
    if rate is None:
        return "—"
    return _("%(percent)s %%") % {
        "percent": number_format(
            (Decimal(rate) * 100).quantize(CENT), decimal_pos=2, use_l10n=True
        )
    }


def table(template: str, **context) -> str:
    """A table of a record's page, from ``templates/admin/payouts/``."""
    return render_to_string(f"admin/payouts/{template}", context)
