"""Periodic payout jobs (``settings.DUE_JOBS``), each idempotent."""

from .services.runs import payout_run, retry_pending_payouts_due


def run_payouts(*, now=None) -> int:
    """Pay every artist whose available balance reaches the minimum."""
    return payout_run(now=now).payouts_count


def retry_pending_payouts(*, now=None) -> int:
    """Send again the payouts the provider could not be reached for."""
    return retry_pending_payouts_due(now=now)
