"""Sending outbox emails: one connection to the provider for many emails,
each email in its reader's language."""

import pytest

from marketplace.notifications import services
from marketplace.notifications.models import Notification, NotificationStatus
from tests.notifications.backends import RecordingBackend


def pending_row(recipient, number=1):
    return Notification.objects.create(
        recipient=recipient,
        to_email=recipient.email,
        event="test_note",
        language=recipient.language,
        context={"number": number, "total": "12.50"},
    )


@pytest.fixture
def provider(settings):
    """An email provider that records its connections."""
    RecordingBackend.connections = []
    RecordingBackend.fail_next = 0
    settings.EMAIL_BACKEND = "tests.notifications.backends.RecordingBackend"
    yield RecordingBackend
    services._close_email_connection()


@pytest.mark.django_db
class TestProviderConnection:
    def test_emails_sent_one_after_another_share_one_connection(self, buyer, provider):
        rows = [pending_row(buyer, number) for number in (1, 2, 3)]

        results = [services.send(notification_id=row.pk) for row in rows]

        assert results == [NotificationStatus.SENT] * 3
        assert len(provider.connections) == 1
        assert [m.subject for m in provider.connections[0].sent] == [
            "[en] January note 1",
            "[en] January note 2",
            "[en] January note 3",
        ]
        assert provider.connections[0].opened and not provider.connections[0].closed

    def test_a_failed_send_closes_the_connection_and_the_next_email_opens_a_new_one(
        self, buyer, provider
    ):
        first, second, third = (pending_row(buyer, number) for number in (1, 2, 3))
        services.send(notification_id=first.pk)
        provider.fail_next = 1

        failed = services.send(notification_id=second.pk)
        sent = services.send(notification_id=third.pk)

        assert (failed, sent) == (NotificationStatus.PENDING, NotificationStatus.SENT)
        dropped, fresh = provider.connections
        assert dropped.closed and [m.subject for m in dropped.sent] == [
            "[en] January note 1"
        ]
        assert [m.subject for m in fresh.sent] == ["[en] January note 3"]
        second.refresh_from_db()
        assert "connection dropped" in second.last_error

    def test_a_connection_left_idle_is_closed_and_a_new_one_opened(
        self, buyer, provider, monkeypatch
    ):
        first, second = pending_row(buyer, 1), pending_row(buyer, 2)
        services.send(notification_id=first.pk)
        monkeypatch.setattr(services, "EMAIL_CONNECTION_IDLE_SECONDS", -1)

        services.send(notification_id=second.pk)

        idle, fresh = provider.connections
        assert idle.closed and not fresh.closed
        assert [m.subject for m in fresh.sent] == ["[en] January note 2"]

    def test_another_email_backend_in_the_settings_is_used_at_once(
        self, buyer, provider, settings, mailoutbox
    ):
        first, second = pending_row(buyer, 1), pending_row(buyer, 2)
        services.send(notification_id=first.pk)

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        services.send(notification_id=second.pk)

        assert [m.subject for m in mailoutbox] == ["[en] January note 2"]
        assert provider.connections[0].closed


@pytest.mark.django_db
def test_each_recipient_reads_their_own_language_whatever_was_sent_before(
    buyer, french_buyer, mailoutbox
):
    rows = [
        pending_row(french_buyer, 1),
        pending_row(buyer, 2),
        pending_row(french_buyer, 3),
    ]

    for row in rows:
        services.send(notification_id=row.pk)

    assert [m.subject for m in mailoutbox] == [
        "[fr] janvier note 1",
        "[en] January note 2",
        "[fr] janvier note 3",
    ]
    assert "Language: fr\njanvier: note 3 for acheteuse" in mailoutbox[2].body
    assert "Language: en\nJanuary: note 2 for buyer" in mailoutbox[1].body


def test_counts_in_an_email_are_grouped_by_thousands_only_when_the_site_groups_them(
    french_buyer, mailoutbox, settings
):
    services.send(notification_id=pending_row(french_buyer, 12345).pk)
    settings.USE_THOUSAND_SEPARATOR = True
    services.send(notification_id=pending_row(french_buyer, 12345).pk)

    assert "note 12345 for" in mailoutbox[0].body
    assert "note 12\xa0345 for" in mailoutbox[1].body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestQueriesOnPostgres:
    def test_a_row_claimed_elsewhere_is_skipped(self, buyer, mailoutbox):
        first, second = pending_row(buyer, 1), pending_row(buyer, 2)
        services.send(notification_id=first.pk)
        services.claim(notification_id=second.pk)  # another sender holds it

        assert services.send(notification_id=second.pk) == services.SKIPPED
        assert [m.subject for m in mailoutbox] == ["[en] January note 1"]
