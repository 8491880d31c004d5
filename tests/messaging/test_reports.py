"""Reporting a message to the marketplace team: a page quotes it and asks
why before anything is sent; the reporter may withdraw the report until
staff decides; staff dismisses a false report (who, when and a note kept)
or hides the message, and a decided report leaves the escalation queue."""

import pytest
from django.urls import reverse

from marketplace.errors import DomainError
from messaging import services
from messaging.models import Message, StaffAction
from staff.escalations import escalation_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def rude(buyer, artist):
    """A message of the buyer to the artist's shop, that the artist finds rude."""
    thread = services.thread_start(buyer=buyer, artist=artist, body="You are a thief")
    return thread.messages.get()


@pytest.fixture
def reported(rude, artist):
    return services.message_flag(
        message=rude, by=artist.user, category="abuse", reason="Insults"
    )


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def report_url(message):
    return reverse("messaging:report", args=[message.pk])


def withdraw_url(message):
    return reverse("messaging:report_withdraw", args=[message.pk])


def transition_url(message, action):
    return reverse(
        "admin:messaging_message_transition",
        kwargs={"object_id": message.pk, "action": action},
    )


def fresh(message):
    return Message.objects.get(pk=message.pk)


class TestReportPage:
    def test_the_thread_links_to_a_page_that_quotes_the_message_and_asks_why(
        self, client, artist, rude
    ):
        client.force_login(artist.user)

        thread_page = client.get(rude.thread.get_absolute_url()).content.decode()
        page = client.get(report_url(rude))

        assert f'href="{report_url(rude)}"' in thread_page
        assert page.status_code == 200
        html = page.content.decode()
        assert "You are a thief" in html
        assert 'type="radio" name="category"' in html
        assert "Spam or advertising" in html
        assert "Send the report" in html
        assert fresh(rude).flagged_at is None  # opening the page reports nothing

    def test_sending_without_a_reason_asks_for_one_and_reports_nothing(
        self, client, artist, rude
    ):
        client.force_login(artist.user)

        response = client.post(report_url(rude), {"details": "Rude"})

        assert response.status_code == 400
        assert "Choose why you report this message." in response.content.decode()
        assert fresh(rude).flagged_at is None

    def test_an_unknown_reason_is_a_form_error_not_a_crash(self, client, artist, rude):
        client.force_login(artist.user)

        response = client.post(report_url(rude), {"category": "<script>"})

        assert response.status_code == 400
        assert fresh(rude).flagged_at is None

    def test_confirming_reports_with_the_reason_and_offers_to_withdraw(
        self, client, artist, rude
    ):
        client.force_login(artist.user)

        response = client.post(
            report_url(rude), {"category": "abuse", "details": "Insults"}, follow=True
        )

        message = fresh(rude)
        assert message.flagged_by == artist.user
        assert message.flagged_category == "abuse"
        assert message.flagged_reason == "Insults"
        html = response.content.decode()
        assert "the marketplace team will look at this message" in html
        assert 'data-testid="withdraw-report"' in html
        assert 'data-testid="report-message"' not in html
        assert escalation_counts()["messages"] == 1

    def test_the_author_cannot_report_its_own_message(self, client, buyer, rude):
        client.force_login(buyer)

        client.get(report_url(rude))
        response = client.post(report_url(rude), {"category": "abuse"})

        assert response.status_code == 302
        assert fresh(rude).flagged_at is None

    def test_someone_outside_the_conversation_gets_a_404(
        self, client, other_buyer, rude
    ):
        client.force_login(other_buyer)

        assert client.get(report_url(rude)).status_code == 404
        assert client.post(report_url(rude), {"category": "spam"}).status_code == 404
        assert client.post(withdraw_url(rude)).status_code == 404
        assert fresh(rude).flagged_at is None


class TestWithdraw:
    def test_the_reporter_withdraws_and_the_report_leaves_the_queue(
        self, client, artist, reported
    ):
        client.force_login(artist.user)

        response = client.post(withdraw_url(reported), follow=True)

        message = fresh(reported)
        assert message.flagged_at is None
        assert message.flagged_category == ""
        assert escalation_counts()["messages"] == 0
        html = response.content.decode()
        assert "Your report is withdrawn." in html
        assert 'data-testid="report-message"' in html  # may report it again

    def test_only_the_reporter_may_withdraw(self, client, buyer, reported):
        client.force_login(buyer)

        client.post(withdraw_url(reported))

        assert fresh(reported).flagged_at is not None
        assert escalation_counts()["messages"] == 1

    def test_once_staff_dismissed_it_the_reporter_reads_the_decision(
        self, client, artist, staff, reported
    ):
        services.message_flag_dismiss(message=reported, by=staff, note="Heated")
        client.force_login(artist.user)

        client.post(withdraw_url(reported))
        html = client.get(reported.thread.get_absolute_url()).content.decode()

        message = fresh(reported)
        assert message.flagged_at is not None
        assert message.flag_dismissed_at is not None
        assert "looked at it and left it shown" in html
        assert 'data-testid="withdraw-report"' not in html
        assert 'data-testid="report-message"' not in html


class TestStaffDecides:
    def test_dismissing_keeps_who_when_and_the_note_and_empties_the_queue(
        self, staff_client, staff, reported
    ):
        change_page = staff_client.get(
            reverse("admin:messaging_message_change", args=[reported.pk])
        ).content.decode()
        form = staff_client.get(transition_url(reported, "dismiss_report"))

        response = staff_client.post(
            transition_url(reported, "dismiss_report"), {"note": "Heated, not abuse"}
        )

        assert transition_url(reported, "dismiss_report") in change_page
        assert "Insults, threats or harassment" in form.content.decode()
        assert response.status_code == 302
        message = fresh(reported)
        assert message.flag_dismissed_by == staff
        assert message.flag_dismissed_at is not None
        assert message.flag_dismissed_note == "Heated, not abuse"
        assert message.hidden_at is None
        action = StaffAction.objects.get(action="dismiss_flag")
        assert (action.by, action.reason) == (staff, "Heated, not abuse")
        queue = staff_client.get(reverse("admin:escalations"), {"kind": "messages"})
        assert "You are a thief" not in queue.content.decode()
        assert escalation_counts()["messages"] == 0

    def test_the_queue_row_offers_dismiss_and_hide_with_the_reason(
        self, staff_client, reported
    ):
        html = staff_client.get(
            reverse("admin:escalations"), {"kind": "messages"}
        ).content.decode()

        assert "Insults, threats or harassment — Insults" in html
        assert transition_url(reported, "dismiss_report") in html
        assert transition_url(reported, "hide") in html
        assert "less than a minute" in html  # waiting, never "0 minutes"
        assert "0 minutes" not in html

    def test_hiding_stays_the_other_decision(self, staff_client, staff, reported):
        staff_client.post(transition_url(reported, "hide"), {"reason": "Insults"})

        message = fresh(reported)
        assert message.hidden_by == staff
        assert message.hidden_reason == "Insults"
        assert StaffAction.objects.filter(action="hide").count() == 1
        assert escalation_counts()["messages"] == 0
        change_page = staff_client.get(
            reverse("admin:messaging_message_change", args=[reported.pk])
        ).content.decode()
        assert transition_url(reported, "dismiss_report") not in change_page

    def test_a_message_nobody_reported_cannot_be_dismissed(
        self, staff_client, staff, rude
    ):
        change_page = staff_client.get(
            reverse("admin:messaging_message_change", args=[rude.pk])
        ).content.decode()
        staff_client.post(transition_url(rude, "dismiss_report"), {"note": "x"})

        assert transition_url(rude, "dismiss_report") not in change_page
        assert fresh(rude).flag_dismissed_at is None
        with pytest.raises(DomainError):
            services.message_flag_dismiss(message=rude, by=staff)

    def test_only_staff_may_dismiss(self, artist, reported):
        with pytest.raises(DomainError):
            services.message_flag_dismiss(message=reported, by=artist.user)

        assert fresh(reported).flag_dismissed_at is None
