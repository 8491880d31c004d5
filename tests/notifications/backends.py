"""Email backends for tests."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """An email provider that is down: every send raises."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("provider unavailable (test)")


class RecordingBackend(BaseEmailBackend):
    """An email provider that keeps every connection opened to it: which
    messages went through which connection, and whether it was closed.
    ``RecordingBackend.fail_next`` makes the next sends fail (a dropped
    connection)."""

    connections: list["RecordingBackend"] = []
    fail_next = 0

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sent = []
        self.opened = self.closed = False
        type(self).connections.append(self)

    def open(self):
        self.opened = True
        return True

    def close(self):
        self.closed = True

    def send_messages(self, email_messages):
        if type(self).fail_next > 0:
            type(self).fail_next -= 1
            raise smtplib.SMTPServerDisconnected("connection dropped (test)")
        self.sent.extend(email_messages)
        return len(email_messages)
