"""Periodic jobs of the orders app (listed in ``marketplace/jobs.py``)."""

from .services.checkout import fail_stale_payments_before, stale_payment_cutoff


def fail_stale_payments() -> int:
    """Cancel artist orders stuck in ``awaiting_payment`` for longer than
    ``settings.PAYMENT_TIMEOUT_MINUTES`` (a crash between reserving the stock
    and recording the payment): ``fail_payment`` with a history row, stock
    released, the discount code's use given back. Returns how many artist
    orders were cancelled; running it again changes nothing."""
    return fail_stale_payments_before(cutoff=stale_payment_cutoff())
