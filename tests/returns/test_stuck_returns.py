"""Returns that wait on the artist after the buyer sent the piece back
(design.md "When things get stuck"): a reminder before RETURN_RECEIVE_DAYS,
the request passed to staff after it (by the job, or by the buyer in the
page and the API), and the refund due REFUND_DUE_BUSINESS_DAYS business
days after reception (seed 002), shown on the pages in English and
French."""

import datetime as dt
from datetime import timedelta

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.notifications.models import Notification
from returns import jobs, rules
from returns.models import ReturnRequest, add_business_days

from .factories import make_return
from .helpers import client_for, detail, logged_in, page, url

pytestmark = pytest.mark.django_db


def fresh(rr) -> ReturnRequest:
    return ReturnRequest.objects.get(pk=rr.pk)


def backdate(rr, **days) -> ReturnRequest:
    """Move the times of ``rr`` back: ``shipped_back_at=11`` is 11 days ago
    (and ``received_at`` stamps its refund due date as reception would)."""
    now = timezone.now()
    values = {field: now - timedelta(days=n) for field, n in days.items()}
    if "received_at" in values:
        values["refund_due_at"] = add_business_days(values["received_at"], 3)
    ReturnRequest.objects.filter(pk=rr.pk).update(**values)
    return fresh(rr)


def reminders(rr) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(
            event="return_reminder", dedupe_key__startswith=f"return_reminder:{rr.pk}:"
        ).values_list("recipient__username", "context__state")
    )


class TestRefundDueDate:
    @pytest.mark.parametrize(
        "received, due",
        [
            ("2026-12-07 10:30", "2026-12-10 10:30"),  # Monday → Thursday
            ("2026-12-10 10:30", "2026-12-15 10:30"),  # Thursday → Tuesday
            ("2026-12-12 09:00", "2026-12-16 09:00"),  # Saturday → Wednesday
        ],
    )
    def test_counts_business_days_after_reception(self, received, due):
        start = timezone.make_aware(dt.datetime.fromisoformat(received))
        assert add_business_days(start, 3) == timezone.make_aware(
            dt.datetime.fromisoformat(due)
        )

    def test_is_stamped_when_the_artist_marks_it_received(self, line, settings):
        settings.REFUND_DUE_BUSINESS_DAYS = 5
        rr = make_return(line=line, state="received")
        assert rr.refund_due_at == add_business_days(rr.received_at, 5)
        assert rules.refund_due_at(rr) == rr.refund_due_at


class TestJobs:
    def test_in_transit_reminded_once_before_then_escalated_after_the_deadline(
        self, line, buyer, artist, django_capture_on_commit_callbacks, mailoutbox
    ):
        rr = make_return(line=line, state="in_transit")
        sent = rr.shipped_back_at

        early = jobs.remind_waiting_returns(now=sent + timedelta(days=7))
        with django_capture_on_commit_callbacks(execute=True):
            due = jobs.remind_waiting_returns(now=sent + timedelta(days=8, hours=1))
        again = jobs.remind_waiting_returns(now=sent + timedelta(days=9))
        not_yet = jobs.escalate_stuck_returns(now=sent + timedelta(days=9, hours=23))

        assert (early, due, again, not_yet) == (0, 1, 0, 0)
        assert reminders(rr) == [("potter", "in_transit")]
        assert fresh(rr).reminded_state == "in_transit"
        mail = [m for m in mailoutbox if m.to == ["potter@example.com"]][-1]
        assert "Please mark it received" in mail.body

        with django_capture_on_commit_callbacks(execute=True):
            done = jobs.escalate_stuck_returns(now=sent + timedelta(days=10, hours=1))
        assert done == 1
        rr = fresh(rr)
        assert rr.state == "escalated"
        event = rr.history.last()
        assert (event.transition, event.by, event.from_state) == (
            "escalate_stuck",
            None,
            "in_transit",
        )
        assert "did not mark the parcel received" in event.note_text()
        assert sorted(
            Notification.objects.filter(event="return_escalated").values_list(
                "recipient__username", flat=True
            )
        ) == ["buyer", "potter"]
        to_buyer = [m for m in mailoutbox if m.to == ["buyer@example.com"]][-1]
        assert "was not marked received in time" in to_buyer.body
        assert jobs.escalate_stuck_returns(now=sent + timedelta(days=11)) == 0

    def test_received_reminded_before_the_refund_is_due_then_escalated(
        self, line, settings
    ):
        rr = make_return(line=line, state="received")
        received, due = rr.received_at, rr.refund_due_at

        assert jobs.remind_waiting_returns(now=received + timedelta(hours=12)) == 0
        assert jobs.remind_waiting_returns(now=due - timedelta(hours=24)) == 1
        assert reminders(rr) == [("potter", "received")]
        assert jobs.escalate_stuck_returns(now=received + timedelta(days=9)) == 0
        assert jobs.escalate_stuck_returns(now=received + timedelta(days=10.1)) == 1
        assert fresh(rr).state == "escalated"

    def test_a_request_refunded_meanwhile_is_left_alone(self, line):
        rr = make_return(line=line, state="refunded")
        later = timezone.now() + timedelta(days=30)
        assert jobs.remind_waiting_returns(now=later) == 0
        assert jobs.escalate_stuck_returns(now=later) == 0
        assert fresh(rr).state == "refunded"

    def test_requested_and_accepted_are_reminded_too(self, line, settings):
        asked = make_return(line=line)
        accepted = make_return(line=line, state="accepted")
        now = timezone.now()

        jobs.remind_waiting_returns(now=now + timedelta(days=1))
        assert reminders(asked) == reminders(accepted) == []
        jobs.remind_waiting_returns(now=now + timedelta(days=1.6))
        jobs.remind_waiting_returns(now=now + timedelta(days=12.1))

        assert reminders(asked) == [("potter", "requested")]
        assert reminders(accepted) == [("buyer", "accepted")]

    def test_the_jobs_are_due_jobs(self, settings):
        assert "returns.jobs.remind_waiting_returns" in settings.DUE_JOBS
        assert "returns.jobs.escalate_stuck_returns" in settings.DUE_JOBS


class TestBuyerEscalates:
    def test_api_409_before_the_deadline_then_escalated_with_a_message(
        self, line, buyer
    ):
        rr = make_return(line=line, state="in_transit")
        api = client_for(buyer)

        body = api.get(url(rr)).json()
        assert body["escalates_at"] is not None and body["refund_due_at"] is None
        early = api.post(url(rr, "escalate"), {"message": "Nothing yet."})
        assert early.status_code == 409
        assert early.json()["state"] == "in_transit"
        assert "escalate" not in api.get(url(rr)).json()["allowed_actions"]

        rr = backdate(rr, shipped_back_at=11)
        assert "escalate" in api.get(url(rr)).json()["allowed_actions"]
        response = api.post(url(rr, "escalate"), {"message": "Never received?"})

        assert response.status_code == 200
        rr = fresh(rr)
        assert (rr.state, rr.escalation_message) == ("escalated", "Never received?")

    def test_the_page_offers_the_button_once_the_received_deadline_passed(
        self, buyer_client, line
    ):
        rr = make_return(line=line, state="received")
        before = buyer_client.get(detail(rr)).content.decode()
        assert 'data-testid="action-escalate"' not in before

        rr = backdate(rr, received_at=11)
        assert 'data-testid="action-escalate"' in (
            buyer_client.get(detail(rr)).content.decode()
        )
        buyer_client.post(
            reverse("returns:escalate", kwargs={"pk": rr.pk}),
            {"message": "No refund after 11 days."},
        )
        assert fresh(rr).state == "escalated"
        after = buyer_client.get(detail(rr)).content.decode()
        assert "took over this return because the artist did not act in time" in after

    def test_another_buyer_gets_a_404(self, line, other_buyer):
        rr = backdate(make_return(line=line, state="in_transit"), shipped_back_at=11)
        response = client_for(other_buyer).post(
            url(rr, "escalate"), {"message": "Me too."}
        )
        assert response.status_code == 404
        assert fresh(rr).state == "in_transit"


class TestPagesShowTheDeadlines:
    def test_buyer_and_artist_see_the_reception_deadline_and_what_follows(
        self, buyer_client, artist_client, line
    ):
        rr = make_return(line=line, state="in_transit")
        buyer_page = buyer_client.get(detail(rr)).content.decode()
        artist_page = artist_client.get(page(rr)).content.decode()

        assert 'data-testid="receive-deadline"' in buyer_page
        assert "the marketplace team takes over the return" in buyer_page
        assert "Mark it received by" in artist_page

    def test_the_refund_due_date_and_its_lateness(
        self, buyer_client, artist_client, line
    ):
        rr = make_return(line=line, state="received")
        due = rr.refund_due_at
        with translation.override("en"):
            day = date_filter(timezone.localtime(due), "DATE_FORMAT")
        buyer_page = buyer_client.get(detail(rr)).content.decode()
        assert "is due by" in buyer_page and day in buyer_page
        assert "3 business days after reception" in buyer_page
        assert 'data-testid="refund-late"' not in buyer_page

        rr = backdate(rr, received_at=6)
        artist_page = artist_client.get(page(rr)).content.decode()
        assert 'data-testid="refund-late"' in artist_page
        assert "A late refund is shown to the marketplace team" in artist_page

    def test_in_french(self, line, buyer):
        buyer.language = "fr"
        buyer.save(update_fields=["language"])
        rr = make_return(line=line, state="received")
        client = logged_in(buyer)
        client.cookies["django_language"] = "fr"
        html = client.get(detail(rr), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert 'data-testid="refund-deadline"' in html
        assert 'lang="fr"' in html
