"""Sending outbox emails cheaply: one connection to the provider for many
emails, the email templates rendered exactly as Django's own i18n tags do,
two queries per email on PostgreSQL."""

import glob
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.template import Context, engines
from django.utils import translation

from marketplace.notifications import emails, services
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
        assert dropped.closed and [m.subject for m in dropped.sent] == ["[en] January note 1"]
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
    rows = [pending_row(french_buyer, 1), pending_row(buyer, 2), pending_row(french_buyer, 3)]

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


class Anything(str):
    """A template value that answers every lookup (attributes, keys, two
    items when iterated), with characters that escaping and string
    formatting must keep: the templates' every branch renders."""

    def __new__(cls, path="value"):
        value = super().__new__(cls, f"<{path}> & 100% 'quoted'")
        value.path = path
        return value

    def __getitem__(self, key):
        if isinstance(key, int):
            if key > 1:
                raise IndexError(key)
            return Anything(f"{self.path}[{key}]")
        return Anything(f"{self.path}.{key}")

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything(f"{self.path}.{name}")

    def __iter__(self):
        return iter([Anything(f"{self.path}.0"), Anything(f"{self.path}.1")])


class EveryVariable(dict):
    """A context where every variable is set; counts are ``count``."""

    def __init__(self, count):
        super().__init__()
        self.count = count

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        if key in ("count", "photo_count", "quantity") or key.endswith("_days"):
            return self.count
        return Anything(key)


EMAIL_TEMPLATES = sorted(
    Path(path).name for path in glob.glob(str(django_settings.BASE_DIR / "templates" / "emails" / "*"))
)


@pytest.mark.parametrize("count", [1, 3, 12345])
def test_every_email_template_reads_as_with_djangos_own_i18n_tags(count):
    """The email engine, rendering as ``emails.render`` does (numbers not
    localized), gives the very text of Django's engine and tags."""
    project = next(engine.engine for engine in engines.all())
    email_engine = emails.email_engine()
    compared = 0

    # English, French, then English again on the same compiled templates:
    # what the email engine keeps of one language never leaks into another.
    for language in ("en", "fr", "en"):
        with translation.override(language):
            for name in EMAIL_TEMPLATES:
                outputs = []
                for engine, use_l10n in ((project, None), (email_engine, False)):
                    try:
                        outputs.append(
                            engine.get_template(f"emails/{name}").render(
                                Context(EveryVariable(count), use_l10n=use_l10n)
                            )
                        )
                    except Exception as error:  # the same error either way
                        outputs.append(f"{type(error).__name__}: {error}")
                assert outputs[0] == outputs[1], (language, name)
                compared += "100%" in outputs[0]

    assert emails.email_engine() is email_engine
    assert len(EMAIL_TEMPLATES) >= 99  # 33 events
    assert compared > 3 * len(EMAIL_TEMPLATES) * 0.9  # nearly all rendered their values


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestQueriesOnPostgres:
    def test_sending_an_email_takes_two_queries(self, buyer, mailoutbox, django_assert_num_queries):
        earlier, row = pending_row(buyer, 1), pending_row(buyer, 2)
        services.send(notification_id=earlier.pk)  # the connection prepares its statements

        with django_assert_num_queries(2):
            result = services.send(notification_id=row.pk)

        assert result == NotificationStatus.SENT
        assert [m.subject for m in mailoutbox] == ["[en] January note 1", "[en] January note 2"]
        row.refresh_from_db()
        assert (row.status, row.attempts, row.last_error, row.claimed_until) == (
            NotificationStatus.SENT,
            1,
            "",
            None,
        )
        assert row.sent_at is not None

    def test_a_connection_that_lost_its_prepared_statements_sends_with_plain_ones(
        self, buyer, mailoutbox
    ):
        first, second, third = (pending_row(buyer, number) for number in (1, 2, 3))
        services.send(notification_id=first.pk)
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")  # as a pooling proxy resetting a session would

        results = [services.send(notification_id=row.pk) for row in (second, third)]

        assert results == [NotificationStatus.SENT] * 2
        assert [m.subject for m in mailoutbox] == [f"[en] January note {n}" for n in (1, 2, 3)]
        assert set(Notification.objects.values_list("attempts", flat=True)) == {1}

    def test_the_claim_and_the_mark_are_prepared_once_per_connection(self, buyer, mailoutbox):
        rows = [pending_row(buyer, number) for number in (1, 2, 3)]

        def prepared():
            with connection.cursor() as cursor:
                cursor.execute("SELECT statement FROM pg_prepared_statements")
                return sorted(statement for (statement,) in cursor.fetchall())

        services.send(notification_id=rows[0].pk)
        after_one = prepared()
        services.send(notification_id=rows[1].pk)
        connection.close()  # a new connection prepares them again
        services.send(notification_id=rows[2].pk)

        assert len(after_one) == 2
        assert all("notifications_notification" in statement for statement in after_one)
        assert prepared() == after_one
        assert len(mailoutbox) == 3

    def test_a_row_claimed_elsewhere_is_skipped_by_the_prepared_claim(self, buyer, mailoutbox):
        first, second = pending_row(buyer, 1), pending_row(buyer, 2)
        services.send(notification_id=first.pk)
        services.claim(notification_id=second.pk)  # another sender holds it

        assert services.send(notification_id=second.pk) == services.SKIPPED
        assert [m.subject for m in mailoutbox] == ["[en] January note 1"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_language_block_in_an_email_template_reads_as_with_djangos_tags(language):
    source = (
        "{% load i18n %}{% translate 'January' %} {% blocktranslate %}Total{% endblocktranslate %} | "
        "{% language other %}{% translate 'January' %} {% blocktranslate %}Total{% endblocktranslate %}"
        "{% language 'en' %} {% translate 'January' %}{% endlanguage %} {% translate 'February' %}{% endlanguage %} | "
        "{% translate 'January' %} {% blocktranslate %}Total{% endblocktranslate %}"
    )
    project = next(engine.engine for engine in engines.all())
    ours = emails.email_engine().from_string(source)

    with translation.override(language):
        rendered = [ours.render(Context({"other": other})) for other in ("fr", "en", "fr")]
        expected = [project.from_string(source).render(Context({"other": other})) for other in ("fr", "en", "fr")]

    assert rendered == expected
    assert " | janvier Total January février | " in expected[0]
    assert " | January Total January February | " in expected[1]


def test_the_worker_warm_up_compiles_every_email_template_without_error(caplog):
    emails.warm_up()

    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_a_broken_email_template_does_not_stop_the_worker_warm_up(settings, tmp_path, caplog):
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "broken_body.txt").write_text("{% if %}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]},
        *settings.TEMPLATES[1:],
    ]

    emails.warm_up()

    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "Email template emails/broken_body.txt could not be compiled"
    ]
    assert emails.email_engine().get_template("emails/test_note_subject.txt")
