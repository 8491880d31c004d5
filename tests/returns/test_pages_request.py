"""The buyer's return pages after asking: the list of requests and one
request (step bar, timeline of history and messages, message form, the
buttons allowed now and what they do, private photos, the deadline to send
back), and the query budget of a request's page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from messaging.models import Message
from returns import services
from returns.models import ReturnRequest
from tests.factories import UserFactory

from .factories import jpeg_upload, make_line, make_return
from .helpers import detail, messages_on

BUYER_BUTTONS = ["action-ship-back", "action-withdraw", "action-escalate"]


def buttons_on(html: str) -> set[str]:
    return {name for name in BUYER_BUTTONS if f'data-testid="{name}"' in html}


# The list ---------------------------------------------------------------------------


class TestList:
    def test_shows_the_buyers_requests_only(self, buyer_client, buyer, artist, line):
        mine = make_return(line=line, reason="changed_mind")
        someone = UserFactory(username="someone")
        theirs = make_return(
            line=make_line(buyer=someone, artist=artist), reason="changed_mind"
        )

        html = buyer_client.get(reverse("returns:list")).content.decode()

        assert detail(mine) in html
        assert detail(theirs) not in html

    def test_says_how_to_start_when_there_is_none(self, buyer_client):
        html = buyer_client.get(reverse("returns:list")).content.decode()

        assert 'data-testid="no-returns"' in html


# One request ------------------------------------------------------------------------


def step_statuses(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-state="(\w+)" data-status="(\w+)"', html))


class TestRequestPage:
    @pytest.mark.parametrize(
        "state, buttons",
        [
            ("requested", {"action-withdraw"}),
            ("accepted", {"action-ship-back", "action-withdraw"}),
            ("rejected", {"action-escalate"}),
            ("in_transit", set()),
            ("received", set()),
            ("refunded", set()),
            ("escalated", set()),
            ("withdrawn", set()),
            ("expired", set()),
            ("closed", set()),
        ],
    )
    def test_shows_the_buttons_allowed_now(self, buyer_client, line, state, buttons):
        return_request = make_return(line=line, state=state, reason="changed_mind")

        html = buyer_client.get(detail(return_request)).content.decode()

        assert buttons_on(html) == buttons
        assert (
            f'data-testid="return-state">{return_request.get_state_display()}<' in html
        )

    def test_the_step_bar_shows_what_is_done_and_what_comes(self, buyer_client, line):
        return_request = make_return(
            line=line, state="in_transit", reason="changed_mind"
        )

        steps = step_statuses(buyer_client.get(detail(return_request)).content.decode())

        assert steps == {
            "requested": "done",
            "accepted": "done",
            "in_transit": "current",
            "received": "todo",
            "refunded": "todo",
        }

    def test_the_step_bar_shows_where_a_rejected_request_stopped(
        self, buyer_client, line
    ):
        return_request = make_return(line=line, state="rejected", reason="changed_mind")

        steps = step_statuses(buyer_client.get(detail(return_request)).content.decode())

        assert steps == {"requested": "done", "rejected": "stopped"}

    def test_an_exchange_ends_with_the_replacement(self, buyer_client, line):
        return_request = make_return(
            line=line, state="replacement_shipped", reason="wrong_size"
        )

        steps = step_statuses(buyer_client.get(detail(return_request)).content.decode())

        assert steps["replacement_shipped"] == "current"
        assert "refunded" not in steps

    def test_the_timeline_merges_history_and_messages_by_time(
        self, buyer_client, buyer, artist, line
    ):
        return_request = make_return(line=line, reason="changed_mind")
        from messaging.services import return_request_message_post

        return_request_message_post(
            return_request=return_request, author=artist.user, body="Is it unused?"
        )
        services.return_request_accept(
            return_request=ReturnRequest.objects.get(pk=return_request.pk),
            by=artist.user,
            instructions="Send it to 3 rue du Four, Lyon.",
        )

        html = buyer_client.get(detail(return_request)).content.decode()

        timeline = re.search(
            r'data-testid="return-timeline".*?</ol>', html, re.S
        ).group(0)
        requested = timeline.index('data-transition="request"')
        question = timeline.index("Is it unused?")
        accepted = timeline.index('data-transition="accept"')
        assert requested < question < accepted
        assert 'data-testid="timeline-message"' in timeline
        assert "Send it to 3 rue du Four, Lyon." in html

    def test_the_buyer_writes_to_the_artist_from_the_page(
        self, buyer_client, buyer, artist, line, django_capture_on_commit_callbacks
    ):
        return_request = make_return(line=line, reason="changed_mind")

        response = buyer_client.post(
            reverse("returns:message", kwargs={"pk": return_request.pk}),
            {"body": "It is still in its box."},
        )

        assert response.status_code == 302
        message = Message.objects.get(body="It is still in its box.")
        assert (
            message.thread_id
            == ReturnRequest.objects.get(pk=return_request.pk).thread_id
        )
        assert message.author == buyer
        page = buyer_client.get(detail(return_request)).content.decode()
        assert "It is still in its box." in page

    def test_an_empty_message_is_a_form_error(self, buyer_client, line):
        return_request = make_return(line=line, reason="changed_mind")

        response = buyer_client.post(
            reverse("returns:message", kwargs={"pk": return_request.pk}), {"body": ""}
        )

        assert response.status_code == 400
        assert "Write a message." in response.content.decode()

    def test_the_photos_are_shown_through_the_private_view(self, buyer_client, line):
        return_request = make_return(line=line, reason="damaged")
        photo = return_request.photos.get()

        html = buyer_client.get(detail(return_request)).content.decode()

        assert reverse("returns:photo", kwargs={"pk": photo.pk}) in html
        assert photo.image.name not in html


class TestBuyerActions:
    def test_ship_back_records_the_tracking_and_tells_the_artist(
        self, buyer_client, line, artist, django_capture_on_commit_callbacks, mailoutbox
    ):
        return_request = make_return(line=line, state="accepted", reason="changed_mind")

        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_client.post(
                reverse("returns:ship_back", kwargs={"pk": return_request.pk}),
                {
                    "ship_back-carrier": "Colissimo",
                    "ship_back-tracking_number": "8R123",
                },
                follow=True,
            )

        return_request.refresh_from_db()
        assert return_request.state == "in_transit"
        assert (
            return_request.return_carrier,
            return_request.return_tracking_number,
        ) == (
            "Colissimo",
            "8R123",
        )
        assert any("on its way" in m for m in messages_on(response))
        assert 'data-testid="return-tracking"' in response.content.decode()
        assert artist.user.email in [address for m in mailoutbox for address in m.to]

    def test_ship_back_without_a_tracking_number_is_a_form_error(
        self, buyer_client, line
    ):
        return_request = make_return(line=line, state="accepted", reason="changed_mind")

        response = buyer_client.post(
            reverse("returns:ship_back", kwargs={"pk": return_request.pk}),
            {"ship_back-carrier": "Colissimo"},
        )

        assert response.status_code == 400
        assert 'data-field="tracking_number"' in response.content.decode()
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "accepted"

    def test_withdraw(self, buyer_client, line):
        return_request = make_return(line=line, state="accepted", reason="changed_mind")

        response = buyer_client.post(
            reverse("returns:withdraw", kwargs={"pk": return_request.pk}), follow=True
        )

        assert ReturnRequest.objects.get(pk=return_request.pk).state == "withdrawn"
        assert any("withdrawn" in m for m in messages_on(response))

    def test_escalate_a_rejected_request_with_a_message(self, buyer_client, line):
        return_request = make_return(line=line, state="rejected", reason="changed_mind")

        buyer_client.post(
            reverse("returns:escalate", kwargs={"pk": return_request.pk}),
            {"message": "It was never worn."},
        )

        return_request.refresh_from_db()
        assert return_request.state == "escalated"
        assert return_request.escalation_message == "It was never worn."

    def test_escalate_needs_a_message(self, buyer_client, line):
        return_request = make_return(line=line, state="rejected", reason="changed_mind")

        response = buyer_client.post(
            reverse("returns:escalate", kwargs={"pk": return_request.pk}),
            {"message": ""},
        )

        assert response.status_code == 400
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "rejected"

    @pytest.mark.parametrize(
        "name, body",
        [
            (
                "ship_back",
                {"ship_back-carrier": "Colissimo", "ship_back-tracking_number": "8R1"},
            ),
            ("withdraw", {}),
            ("escalate", {"message": "Please."}),
        ],
    )
    def test_an_action_the_state_no_longer_allows_is_a_message_not_an_error(
        self, buyer_client, line, name, body
    ):
        return_request = make_return(line=line, state="refunded", reason="changed_mind")

        response = buyer_client.post(
            reverse(f"returns:{name}", kwargs={"pk": return_request.pk}),
            body,
            follow=True,
        )

        assert response.status_code == 200
        assert messages_on(response)
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "refunded"


class TestRequestPageBudget:
    @pytest.mark.parametrize("messages_count", [1, 8])
    def test_the_request_page_costs_the_same_whatever_its_conversation(
        self,
        buyer_client,
        buyer,
        artist,
        line,
        messages_count,
        django_assert_max_num_queries,
    ):
        from messaging.services import return_request_message_post

        return_request = make_return(line=line, state="accepted", reason="damaged")
        for n in range(messages_count):
            return_request_message_post(
                return_request=return_request,
                author=artist.user if n % 2 else buyer,
                body=f"Message {n}",
                photos=[jpeg_upload(f"m{n}.jpg")],
            )

        with django_assert_max_num_queries(20):
            response = buyer_client.get(detail(return_request))

        assert response.status_code == 200
        assert (
            response.content.decode().count('data-testid="timeline-message"')
            == messages_count
        )


def test_the_deadline_to_send_back_is_shown(buyer_client, line):
    from django.utils import timezone

    return_request = make_return(line=line, state="requested", reason="changed_mind")
    services.return_request_accept(
        return_request=return_request,
        by=line.artist_order.artist.user,
        instructions="3 rue du Four",
        ship_back_deadline=timezone.localdate() + timedelta(days=20),
    )

    html = buyer_client.get(detail(return_request)).content.decode()

    assert 'data-testid="ship-back-deadline"' in html
