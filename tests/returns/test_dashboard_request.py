"""The returns part of the seller dashboard, one request: the actions
allowed now (accept with instructions, reject with a reason, receive,
refund with the computed amount prefilled, ship a replacement, convert to
a refund), its conversation, and the buyer's money moved once."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.notifications.models import Notification
from messaging.models import Message
from orders.models import Refund
from returns.models import ReturnRequest

from .factories import make_return
from .helpers import action, messages_on, page

ARTIST_BUTTONS = [
    "action-accept",
    "action-reject",
    "action-receive",
    "action-refund",
    "action-ship-replacement",
    "action-convert-to-refund",
]


def buttons_on(html: str) -> set[str]:
    return {name for name in ARTIST_BUTTONS if f'data-testid="{name}"' in html}


class TestRequestPage:
    @pytest.mark.parametrize(
        "state, kind, buttons",
        [
            ("requested", "return", {"action-accept", "action-reject"}),
            ("accepted", "return", {"action-receive"}),
            ("in_transit", "return", {"action-receive"}),
            ("received", "return", {"action-refund"}),
            (
                "received",
                "exchange",
                {"action-ship-replacement", "action-convert-to-refund"},
            ),
            ("rejected", "return", set()),
            ("refunded", "return", set()),
            ("replacement_shipped", "exchange", set()),
            ("escalated", "return", set()),
            ("withdrawn", "return", set()),
            ("expired", "return", set()),
            ("closed", "return", set()),
        ],
    )
    def test_shows_the_actions_allowed_now(
        self, artist_client, line, state, kind, buttons
    ):
        return_request = make_return(
            line=line, state=state, kind=kind, reason="changed_mind"
        )

        html = artist_client.get(page(return_request)).content.decode()

        assert buttons_on(html) == buttons

    def test_shows_the_request_its_photos_and_the_buyers_words(
        self, artist_client, line
    ):
        return_request = make_return(
            line=line, reason="damaged", comment="Cracked on arrival."
        )
        photo = return_request.photos.get()

        html = artist_client.get(page(return_request)).content.decode()

        assert "Cracked on arrival." in html
        assert reverse("returns:photo", kwargs={"pk": photo.pk}) in html
        assert "Damaged product" in html

    def test_the_refund_form_is_prefilled_with_the_computed_amount(
        self, artist_client, line
    ):
        return_request = make_return(
            line=line, state="received", quantity=2, reason="changed_mind"
        )

        html = artist_client.get(page(return_request)).content.decode()

        assert re.search(r'name="refund-amount" value="60.00"', html)
        assert "The refund due is 60.00 €" in html


class TestArtistActions:
    def test_accept_with_instructions_emails_them_to_the_buyer(
        self, artist_client, line, buyer, django_capture_on_commit_callbacks, mailoutbox
    ):
        return_request = make_return(line=line, reason="changed_mind")

        with django_capture_on_commit_callbacks(execute=True):
            response = artist_client.post(
                action("accept", return_request),
                {
                    "instructions": "Send it to 3 rue du Four, 69001 Lyon.",
                    "ship_back_deadline": "",
                },
                follow=True,
            )

        return_request.refresh_from_db()
        assert return_request.state == "accepted"
        assert return_request.instructions == "Send it to 3 rue du Four, 69001 Lyon."
        assert any("accepted" in m for m in messages_on(response))
        buyer_mail = [m for m in mailoutbox if m.to == [buyer.email]]
        assert buyer_mail and "3 rue du Four" in buyer_mail[-1].body

    def test_accept_without_instructions_is_a_form_error(self, artist_client, line):
        return_request = make_return(line=line, reason="changed_mind")

        response = artist_client.post(
            action("accept", return_request), {"instructions": ""}
        )

        assert response.status_code == 400
        assert "where and how to send it back" in response.content.decode()
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "requested"

    def test_accept_with_a_deadline_in_the_past_is_a_form_error(
        self, artist_client, line
    ):
        return_request = make_return(line=line, reason="changed_mind")

        response = artist_client.post(
            action("accept", return_request),
            {"instructions": "3 rue du Four", "ship_back_deadline": "2020-01-01"},
        )

        assert response.status_code == 400
        assert (
            'class="form-row has-error" data-field="ship_back_deadline"'
            in response.content.decode()
        )
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "requested"

    def test_reject_needs_a_reason_and_the_buyer_reads_it(self, artist_client, line):
        return_request = make_return(line=line, reason="changed_mind")

        refused = artist_client.post(action("reject", return_request), {"reason": ""})
        artist_client.post(action("reject", return_request), {"reason": "It was worn."})

        assert refused.status_code == 400
        return_request.refresh_from_db()
        assert (return_request.state, return_request.rejection_reason) == (
            "rejected",
            "It was worn.",
        )

    def test_receive_tells_the_buyer_that_the_refund_can_start(
        self, artist_client, line, buyer, django_capture_on_commit_callbacks
    ):
        return_request = make_return(
            line=line, state="in_transit", reason="changed_mind"
        )

        with django_capture_on_commit_callbacks(execute=True):
            artist_client.post(action("receive", return_request))

        assert ReturnRequest.objects.get(pk=return_request.pk).state == "received"
        assert Notification.objects.filter(
            recipient=buyer, event="return_received"
        ).exists()

    def test_refund_the_computed_amount(
        self, artist_client, line, django_capture_on_commit_callbacks
    ):
        return_request = make_return(
            line=line, state="received", quantity=1, reason="changed_mind"
        )

        with django_capture_on_commit_callbacks(execute=True):
            response = artist_client.post(
                action("refund", return_request),
                {"refund-amount": "30.00", "refund-note": ""},
                follow=True,
            )

        return_request.refresh_from_db()
        assert return_request.state == "refunded"
        assert return_request.refund_amount == Decimal("30.00")
        assert Refund.objects.get(artist_order=line.artist_order).amount == Decimal(
            "30.00"
        )
        assert any("Refund started" in m for m in messages_on(response))

    def test_a_lower_refund_needs_a_note(self, artist_client, line):
        return_request = make_return(
            line=line, state="received", quantity=1, reason="changed_mind"
        )

        response = artist_client.post(
            action("refund", return_request),
            {"refund-amount": "20.00", "refund-note": ""},
        )

        assert response.status_code == 400
        assert (
            'class="form-row has-error" data-field="note"' in response.content.decode()
        )
        assert not Refund.objects.filter(artist_order=line.artist_order).exists()

    def test_a_lower_refund_with_a_note_is_recorded_with_it(self, artist_client, line):
        return_request = make_return(
            line=line, state="received", quantity=1, reason="changed_mind"
        )

        artist_client.post(
            action("refund", return_request),
            {"refund-amount": "20.00", "refund-note": "The glaze is chipped."},
        )

        return_request.refresh_from_db()
        assert (return_request.refund_amount, return_request.refund_note) == (
            Decimal("20.00"),
            "The glaze is chipped.",
        )

    def test_a_refund_above_the_computed_amount_is_a_form_error(
        self, artist_client, line
    ):
        return_request = make_return(
            line=line, state="received", quantity=1, reason="changed_mind"
        )

        response = artist_client.post(
            action("refund", return_request),
            {"refund-amount": "45.00", "refund-note": ""},
        )

        assert response.status_code == 400
        assert (
            'class="form-row has-error" data-field="amount"'
            in response.content.decode()
        )
        assert not Refund.objects.filter(artist_order=line.artist_order).exists()

    def test_ship_a_replacement(self, artist_client, line):
        return_request = make_return(
            line=line, state="received", kind="exchange", reason="wrong_size"
        )

        artist_client.post(
            action("ship_replacement", return_request),
            {
                "replacement-carrier": "Colissimo",
                "replacement-tracking_number": "8R777",
            },
        )

        return_request.refresh_from_db()
        assert return_request.state == "replacement_shipped"
        assert return_request.replacement_tracking_number == "8R777"

    def test_convert_an_exchange_to_a_refund(self, artist_client, line):
        return_request = make_return(
            line=line, state="received", kind="exchange", reason="wrong_size"
        )

        artist_client.post(
            action("convert_to_refund", return_request),
            {"convert-amount": "30.00", "convert-note": ""},
        )

        return_request.refresh_from_db()
        assert return_request.state == "refunded"
        assert Refund.objects.get(artist_order=line.artist_order).amount == Decimal(
            "30.00"
        )

    def test_the_artist_writes_to_the_buyer_from_the_page(
        self, artist_client, line, artist
    ):
        return_request = make_return(line=line, reason="changed_mind")

        artist_client.post(action("message", return_request), {"body": "Is it unused?"})

        message = Message.objects.get(body="Is it unused?")
        assert message.author == artist.user
        assert (
            message.thread_id
            == ReturnRequest.objects.get(pk=return_request.pk).thread_id
        )
        assert (
            "Is it unused?" in artist_client.get(page(return_request)).content.decode()
        )

    @pytest.mark.parametrize(
        "name, body",
        [
            ("accept", {"instructions": "3 rue du Four"}),
            ("reject", {"reason": "No."}),
            ("receive", {}),
            ("refund", {"refund-amount": "30.00"}),
            (
                "ship_replacement",
                {"replacement-carrier": "DHL", "replacement-tracking_number": "1"},
            ),
            ("convert_to_refund", {"convert-amount": "30.00"}),
        ],
    )
    def test_an_action_the_state_no_longer_allows_is_a_message_not_an_error(
        self, artist_client, line, name, body
    ):
        return_request = make_return(
            line=line, state="withdrawn", reason="changed_mind"
        )

        response = artist_client.post(action(name, return_request), body, follow=True)

        assert response.status_code == 200
        assert messages_on(response)
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "withdrawn"


def test_the_refund_of_a_return_moves_the_buyers_money_once(artist_client, line, buyer):
    return_request = make_return(
        line=line, state="received", quantity=1, reason="changed_mind"
    )

    artist_client.post(action("refund", return_request), {"refund-amount": "30.00"})
    artist_client.post(action("refund", return_request), {"refund-amount": "30.00"})

    assert Refund.objects.filter(artist_order=line.artist_order).count() == 1
