"""Filing a return request (services): the request recorded with its
history, its thread and the artist's email; exchanges and their
replacement; bad input and someone else's line refused; how many pieces may
be under request at once."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from marketplace.errors import DomainError
from messaging.rendering import system_text
from returns import services
from returns.models import ReturnRequest
from tests.factories import ArtistFactory, UserFactory

from ..factories import make_artist, make_line, make_return
from .helpers import emails_of

pytestmark = pytest.mark.django_db


class TestReturnRequestCreate:
    def test_records_a_requested_return_with_history_thread_and_artist_email(
        self, line, buyer, artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            rr = make_return(
                line=line, quantity=1, reason="damaged", comment="Cracked rim."
            )

        assert rr.state == "requested"
        assert rr.artist_id == artist.pk and rr.buyer_id == buyer.pk
        event = rr.history.get()
        assert (event.from_state, event.to_state, event.transition, event.by) == (
            "",
            "requested",
            "request",
            buyer,
        )
        assert rr.thread is not None and rr.thread.kind == "return_request"
        message = rr.thread.messages.get()
        assert message.system and message.event == "return_requested"
        assert "return 1 × " in system_text(message, language="en")
        mails = emails_of(mailoutbox, artist.user.email)
        assert len(mails) == 1
        assert "Return request for order" in mails[0].subject
        assert "Cracked rim." in mails[0].body
        assert "1 photo" in mails[0].body or "a photo" in mails[0].body
        assert not emails_of(mailoutbox, buyer.email)

    def test_an_exchange_keeps_the_wanted_replacement_of_the_same_artist(
        self, line, artist
    ):
        other_variant = line.variant.item.variants.create(name="Blue", stock=3)

        rr = services.return_request_create(
            buyer=line.artist_order.order.buyer,
            line=line,
            quantity=1,
            kind="exchange",
            reason="wrong_size",
            desired_variant=other_variant,
        )

        assert rr.kind == "exchange"
        assert rr.desired_variant == other_variant
        assert rr.desired_item == other_variant.item

    def test_an_exchange_for_another_artists_piece_is_refused(self, line):
        other_item = ArtistFactory().items.create(title="Vase", price=Decimal("30.00"))

        with pytest.raises(DomainError) as error:
            services.return_request_create(
                buyer=line.artist_order.order.buyer,
                line=line,
                quantity=1,
                kind="exchange",
                reason="wrong_size",
                desired_item=other_item,
            )

        assert error.value.field == "desired_replacement"
        assert not ReturnRequest.objects.exists()

    def test_an_exchange_is_refused_when_the_terms_do_not_accept_exchanges(self, buyer):
        artist = make_artist("no-exchanges", accepts_exchanges=False)
        line = make_line(buyer=buyer, artist=artist)

        with pytest.raises(DomainError) as error:
            services.return_request_create(
                buyer=buyer,
                line=line,
                quantity=1,
                kind="exchange",
                reason="wrong_size",
                desired_text="A larger one",
            )

        assert error.value.field == "kind"

    def test_someone_else_cannot_ask_to_return_the_buyers_line(self, line):
        with pytest.raises(PermissionDenied):
            services.return_request_create(
                buyer=UserFactory(),
                line=line,
                quantity=1,
                kind="return",
                reason="changed_mind",
            )

        assert not ReturnRequest.objects.exists()

    @pytest.mark.parametrize(
        "field, value",
        [("kind", "swap"), ("reason", "bored"), ("quantity", "two"), ("quantity", 0)],
    )
    def test_bad_input_is_a_field_error_and_records_nothing(self, line, field, value):
        arguments = {
            "quantity": 1,
            "kind": "return",
            "reason": "changed_mind",
            field: value,
        }

        with pytest.raises(DomainError) as error:
            services.return_request_create(
                buyer=line.artist_order.order.buyer, line=line, **arguments
            )

        assert error.value.field == field
        assert not ReturnRequest.objects.exists()


class TestQuantity:
    def test_more_than_bought_is_refused(self, line):
        with pytest.raises(DomainError) as error:
            make_return(line=line, quantity=3)

        assert error.value.field == "quantity"
        assert not ReturnRequest.objects.exists()

    def test_two_requests_adding_up_to_more_than_bought_are_refused(self, line):
        make_return(line=line, quantity=1)

        with pytest.raises(DomainError) as error:
            make_return(line=line, quantity=2)

        assert error.value.field == "quantity"
        assert ReturnRequest.objects.count() == 1

    def test_a_rejected_request_frees_its_pieces(self, line):
        make_return(line=line, quantity=2, state="rejected")

        rr = make_return(line=line, quantity=2)

        assert rr.state == "requested"

    def test_a_line_fully_under_requests_cannot_be_returned_again(self, line):
        make_return(line=line, quantity=2)

        with pytest.raises(DomainError) as error:
            make_return(line=line, quantity=1)

        assert error.value.field == "quantity"
