"""Email backends for tests."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """An email provider that is down: every send raises."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("provider unavailable (test)")
