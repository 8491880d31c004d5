"""What the fault suite changes inside its workers, read from the
environment when Django starts there (see apps.py):

- ``FAULT_CLAIM_SECONDS``: how long a sender holds an outbox row (300 s in
  production), so that the sweep can take over from a killed worker soon;
- ``FAULT_BACKOFF_SECONDS``: the first back-off of an email or a refund
  (doubling after each failure, as in production where it is 30 s and 60 s);
- ``FAULT_RETRY_HOURS``: how long a failing email is retried (48 h in
  production);
- ``FAULT_DIR``: where the switches live. While ``FAULT_DIR/refund_outage``
  exists the test payment provider cannot be reached; every refund it pays
  is appended to ``FAULT_DIR/refunds_paid.log`` (the test reads it to check
  that nothing was paid twice).
"""

import os
from pathlib import Path


def install() -> None:
    from marketplace.notifications import services as outbox
    from orders.payments import TestPaymentProvider
    from orders.services import refunds

    if os.environ.get("FAULT_CLAIM_SECONDS"):
        outbox.CLAIM_SECONDS = float(os.environ["FAULT_CLAIM_SECONDS"])
    if os.environ.get("FAULT_RETRY_HOURS"):
        outbox.RETRY_HOURS = float(os.environ["FAULT_RETRY_HOURS"])
    if os.environ.get("FAULT_BACKOFF_SECONDS"):
        base = float(os.environ["FAULT_BACKOFF_SECONDS"])

        def backoff_seconds(attempts: int) -> float:
            return base * 2 ** max(attempts - 1, 0)

        outbox.backoff_seconds = backoff_seconds
        refunds.backoff_seconds = backoff_seconds
    if os.environ.get("FAULT_DIR"):
        fault_dir = Path(os.environ["FAULT_DIR"])
        original_refund = TestPaymentProvider.refund

        def refund(self, *, amount, payment_reference, idempotency_key):
            type(self).refund_outage = (fault_dir / "refund_outage").exists()
            paid_before = len(type(self).refunds_paid)
            result = original_refund(
                self,
                amount=amount,
                payment_reference=payment_reference,
                idempotency_key=idempotency_key,
            )
            if len(type(self).refunds_paid) > paid_before:
                with open(fault_dir / "refunds_paid.log", "a") as ledger:
                    ledger.write(f"{payment_reference} {idempotency_key} {amount}\n")
            return result

        TestPaymentProvider.refund = refund
