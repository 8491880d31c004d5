"""The email backend of the fault suite's workers: Django's file-based
backend, with faults switched on from the test through files in FAULT_DIR.

- ``FAULT_DIR/block`` exists: a send writes ``FAULT_DIR/blocked`` (with its
  recipients) and waits until ``block`` is removed (a provider that hangs;
  the test kills the worker meanwhile);
- ``FAULT_DIR/fail_next`` holds a number N > 0: the send fails (the provider
  is down) and N goes down by one;
- ``FAULT_DIR/hang_after_send`` exists: the email is written (the provider
  took it), then the send writes ``FAULT_DIR/handed_off`` and waits until
  ``hang_after_send`` is removed (the test kills the worker meanwhile, before
  it can record the email as sent);
- every attempt is appended to ``FAULT_DIR/attempts.log``, one line of
  tab-separated ``<unix time> <outcome> <recipients> <subject>``.
"""

import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class FaultyFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        fault_dir = Path(os.environ["FAULT_DIR"])
        recipients = ",".join(
            sorted({r for m in email_messages for r in m.recipients()})
        )
        subject = " | ".join(m.subject for m in email_messages)
        block = fault_dir / "block"
        if block.exists():
            (fault_dir / "blocked").write_text(recipients)
            deadline = time.monotonic() + 300
            while block.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        fail_next = fault_dir / "fail_next"
        failures_left = int(fail_next.read_text() or 0) if fail_next.exists() else 0
        if failures_left > 0:
            fail_next.write_text(str(failures_left - 1))
            self._log(fault_dir, "failed", recipients, subject)
            raise smtplib.SMTPServerDisconnected("email provider down (fault suite)")
        sent = super().send_messages(email_messages)
        self._log(fault_dir, "sent", recipients, subject)
        hang = fault_dir / "hang_after_send"
        if hang.exists():
            (fault_dir / "handed_off").write_text(recipients)
            deadline = time.monotonic() + 300
            while hang.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        return sent

    @staticmethod
    def _log(fault_dir: Path, outcome: str, recipients: str, subject: str) -> None:
        with open(fault_dir / "attempts.log", "a") as log:
            log.write(f"{time.time():.3f}\t{outcome}\t{recipients}\t{subject}\n")
