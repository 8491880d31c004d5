"""A resend is the same message: every email carries a ``Message-ID``
derived from its notification (the same at every attempt, different for
each notification), and providers that honour an idempotency key get one
derived from it. Recording "sent" after the provider took the email is
tried again when the database is briefly unreachable, so a database restart
does not send the email twice."""

import json
from datetime import timedelta

import pytest
import requests
from django.db import OperationalError, connection
from django.utils import timezone

from marketplace.notifications import emails, services
from marketplace.notifications.models import Notification, NotificationStatus
from tests.notifications.backends import RecordingBackend


def pending_row(recipient, number=1):
    return Notification.objects.create(
        recipient=recipient,
        to_email=recipient.email,
        event="test_note",
        language=recipient.language,
        context={"number": number},
    )


@pytest.fixture
def provider(settings):
    RecordingBackend.connections = []
    RecordingBackend.fail_next = 0
    settings.EMAIL_BACKEND = "tests.notifications.backends.RecordingBackend"
    yield RecordingBackend
    services._close_email_connection()


def handed_off(provider):
    return [message for backend in provider.connections for message in backend.sent]


def message_id(message) -> str:
    return message.message()["Message-ID"]


@pytest.mark.django_db
class TestMessageId:
    def test_is_the_same_at_every_attempt_and_different_for_each_notification(
        self, buyer, provider
    ):
        first, second = pending_row(buyer, 1), pending_row(buyer, 2)
        provider.fail_next = 1
        assert services.send(notification_id=first.pk) == "pending"
        services.send(notification_id=second.pk)
        Notification.objects.filter(pk=first.pk).update(available_at=timezone.now())

        assert services.send(notification_id=first.pk) == "sent"

        [second_email, first_email] = handed_off(provider)
        failed_attempt_id = emails.build_message(first).extra_headers["Message-ID"]
        assert message_id(first_email) == failed_attempt_id == first.message_id
        assert message_id(second_email) == second.message_id != first.message_id

    def test_a_resend_after_a_lost_claim_carries_the_same_message_id(
        self, buyer, provider
    ):
        notification = pending_row(buyer)
        services.send(notification_id=notification.pk)
        # As if the sender had died before recording "sent": the claim
        # expires and the sweep sends it again.
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENDING,
            claimed_until=timezone.now() - timedelta(seconds=1),
        )

        services.sweep_pending()

        first, resent = handed_off(provider)
        assert message_id(first) == message_id(resent)
        assert first.subject == resent.subject

    def test_is_a_valid_header_on_the_sender_domain(self, buyer, settings, provider):
        settings.DEFAULT_FROM_EMAIL = "Atelier <hello@atelier.example>"
        notification = pending_row(buyer)

        services.send(notification_id=notification.pk)

        [email] = handed_off(provider)
        value = message_id(email)
        assert value.startswith(f"<notification-{notification.pk}.")
        assert value.endswith("@atelier.example>")
        assert value.count("@") == 1 and " " not in value
        settings.NOTIFICATION_MESSAGE_ID_DOMAIN = "mail.atelier.example"
        assert notification.message_id.endswith("@mail.atelier.example>")


@pytest.mark.django_db
class TestIdempotencyKey:
    def test_brevo_receives_the_same_key_in_its_request_at_every_attempt(
        self, buyer, settings, monkeypatch
    ):
        settings.EMAIL_BACKEND = "anymail.backends.brevo.EmailBackend"
        settings.ANYMAIL = {"BREVO_API_KEY": "test-key"}
        bodies = []

        def post(session, method, url, **kwargs):
            bodies.append(json.loads(kwargs["data"]))
            response = requests.Response()
            response.status_code = 201 if len(bodies) > 1 else 500
            response._content = b'{"messageId": "<abc@brevo>"}'
            response.encoding = "utf-8"
            return response

        monkeypatch.setattr(requests.Session, "request", post)
        notification = pending_row(buyer)

        assert services.send(notification_id=notification.pk) == "pending"
        Notification.objects.filter(pk=notification.pk).update(
            available_at=timezone.now()
        )
        assert services.send(notification_id=notification.pk) == "sent"
        services._close_email_connection()

        first, second = (body["headers"] for body in bodies)
        assert first["idempotencyKey"] == second["idempotencyKey"]
        assert first["idempotencyKey"] == emails.idempotency_key(notification)
        assert first["Message-ID"] == notification.message_id

    def test_resend_by_smtp_gets_its_header_and_other_providers_none(
        self, buyer, settings
    ):
        notification = pending_row(buyer)
        other = pending_row(buyer, 2)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "smtp.resend.com"

        headers = emails.build_message(notification).extra_headers

        assert headers["Resend-Idempotency-Key"] == emails.idempotency_key(notification)
        assert emails.idempotency_key(other) != emails.idempotency_key(notification)
        settings.EMAIL_HOST = "smtp.example.net"
        assert set(emails.build_message(notification).extra_headers) == {"Message-ID"}
        settings.NOTIFICATION_IDEMPOTENCY_HEADER = "X-Idempotency-Key"
        assert "X-Idempotency-Key" in emails.build_message(notification).extra_headers


def fail_first_sent_writes(count):
    """A database that drops the first ``count`` writes of "sent" (a restart)."""
    failures = {"left": count, "seen": 0}

    def wrapper(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "sent" in [str(p) for p in params or ()]:
            failures["seen"] += 1
            if failures["left"] > 0:
                failures["left"] -= 1
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper, failures


@pytest.mark.django_db(transaction=True)
class TestRecordingSent:
    def test_a_database_error_on_recording_sent_is_retried_one_email_leaves(
        self, buyer, provider, monkeypatch
    ):
        monkeypatch.setattr(services, "MARK_SENT_DELAYS", (0, 0, 0))
        notification = pending_row(buyer)
        wrapper, failures = fail_first_sent_writes(1)

        with connection.execute_wrapper(wrapper):
            status = services.send(notification_id=notification.pk)

        assert status == NotificationStatus.SENT
        assert failures["seen"] == 2
        assert len(handed_off(provider)) == 1
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENT
        assert notification.sent_at is not None
        assert services.sweep_pending() == 0

    def test_when_the_database_stays_away_the_email_is_resent_as_the_same_message(
        self, buyer, provider, monkeypatch
    ):
        monkeypatch.setattr(services, "MARK_SENT_DELAYS", (0, 0))
        notification = pending_row(buyer)
        wrapper, failures = fail_first_sent_writes(3)

        with connection.execute_wrapper(wrapper):
            status = services.send(notification_id=notification.pk)

        assert status == NotificationStatus.SENDING
        assert failures["seen"] == 3
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENDING
        # The claim expires; the sweep sends it again, as the same message.
        Notification.objects.filter(pk=notification.pk).update(
            claimed_until=timezone.now() - timedelta(seconds=1)
        )
        services.sweep_pending()
        services.sweep_pending()
        first, resent = handed_off(provider)
        assert message_id(first) == message_id(resent) == notification.message_id
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENT
