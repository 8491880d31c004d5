"""The money part of the staff's workplace.

``commission`` (the marketplace's default rate), ``balances`` (one row per
artist: what it is owed and was paid, its rate, its holds; the buttons
hold, release, adjust and set its rate), ``runs`` (payout runs with the
"Run payouts now" button, payouts with their parts, ledger transactions
and the Retry button), ``ledger`` (transactions and entries, read-only,
and the commission per month). Every button calls a function of
``payouts.services`` (``transitions``); nothing here computes money.
"""

from . import balances, commission, ledger, runs  # noqa: F401  (each registers its admins)
