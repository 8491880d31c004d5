"""Return request services: every transition with its side effects (history
row, system message in the request's thread, email to the party concerned
in their language), refusals from the wrong state or by the wrong person,
and the refund amount rules."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from marketplace.errors import Conflict, DomainError
from marketplace.notifications.models import Notification
from messaging.models import Message
from messaging.rendering import system_text
from orders.models import ArtistOrder, RefundReason, RefundStatus
from orders.services import refund_create
from returns import rules, services
from returns.models import ReturnEvent, ReturnRequest
from tests.factories import ArtistFactory, UserFactory

from .factories import make_artist, make_line, make_return, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(username="camille", email="camille@example.com", language="fr")


@pytest.fixture
def artist():
    return make_artist("potter", language="en")


@pytest.fixture
def line(buyer, artist):
    # 2 × 24.00 € + 5.00 € shipping = 53.00 € paid.
    return make_line(buyer=buyer, artist=artist, quantity=2, price="24.00")


def emails_of(mailoutbox, address):
    return [mail for mail in mailoutbox if address in mail.to]


def fresh(rr) -> ReturnRequest:
    return ReturnRequest.objects.select_related(
        "artist_order__order", "artist_order__artist__user", "line", "buyer"
    ).get(pk=rr.pk)


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


# Each transition: (state before, call, state after, email event, who gets it).
def _accept(rr, actors):
    services.return_request_accept(
        return_request=rr,
        by=actors["artist"],
        instructions="Atelier, 3 rue du Four, Lyon",
    )


def _reject(rr, actors):
    services.return_request_reject(
        return_request=rr, by=actors["artist"], reason="Worn."
    )


def _ship_back(rr, actors):
    services.return_request_ship_back(
        return_request=rr,
        by=actors["buyer"],
        carrier="La Poste",
        tracking_number="8R42",
    )


def _receive(rr, actors):
    services.return_request_receive(return_request=rr, by=actors["artist"])


def _refund(rr, actors):
    services.return_request_refund(return_request=rr, by=actors["artist"])


def _ship_replacement(rr, actors):
    services.return_request_ship_replacement(
        return_request=rr,
        by=actors["artist"],
        carrier="La Poste",
        tracking_number="8R43",
    )


def _convert(rr, actors):
    services.return_request_convert_to_refund(return_request=rr, by=actors["artist"])


def _escalate(rr, actors):
    services.return_request_escalate(
        return_request=rr, by=actors["buyer"], message="Unfair."
    )


def _withdraw(rr, actors):
    services.return_request_withdraw(return_request=rr, by=actors["buyer"])


def _expire(rr, actors):
    from datetime import timedelta

    from django.utils import timezone

    services.return_request_expire(
        return_request=rr, now=timezone.now() + timedelta(days=60)
    )


def _staff_accept(rr, actors):
    services.return_request_staff_decide(
        return_request=rr,
        by=actors["staff"],
        decision="accept",
        instructions="Send it to us.",
    )


def _staff_refund(rr, actors):
    services.return_request_staff_decide(
        return_request=rr, by=actors["staff"], decision="refund"
    )


def _staff_close(rr, actors):
    services.return_request_staff_decide(
        return_request=rr, by=actors["staff"], decision="close", note="Used for months."
    )


TRANSITIONS = [
    # name, from, call, to, system event, [(email event, recipient)]
    (
        "accept",
        "requested",
        _accept,
        "accepted",
        "return_accepted",
        [("return_accepted", "buyer")],
    ),
    (
        "reject",
        "requested",
        _reject,
        "rejected",
        "return_rejected",
        [("return_rejected", "buyer")],
    ),
    (
        "ship_back",
        "accepted",
        _ship_back,
        "in_transit",
        "return_shipped_back",
        [("return_shipped_back", "artist")],
    ),
    (
        "receive",
        "in_transit",
        _receive,
        "received",
        "return_received",
        [("return_received", "buyer")],
    ),
    (
        "receive",
        "accepted",
        _receive,
        "received",
        "return_received",
        [("return_received", "buyer")],
    ),
    ("refund", "received", _refund, "refunded", "return_refunded", []),
    (
        "escalate",
        "rejected",
        _escalate,
        "escalated",
        "return_escalated",
        [("return_escalated", "artist")],
    ),
    (
        "withdraw",
        "requested",
        _withdraw,
        "withdrawn",
        "return_withdrawn",
        [("return_withdrawn", "artist")],
    ),
    (
        "withdraw",
        "accepted",
        _withdraw,
        "withdrawn",
        "return_withdrawn",
        [("return_withdrawn", "artist")],
    ),
    (
        "expire",
        "accepted",
        _expire,
        "expired",
        "return_expired",
        [("return_expired", "buyer")],
    ),
    (
        "staff_decide",
        "escalated",
        _staff_accept,
        "accepted",
        "return_accepted",
        [("return_accepted", "buyer"), ("return_decided", "artist")],
    ),
    (
        "staff_decide",
        "escalated",
        _staff_refund,
        "refunded",
        "return_refunded",
        [("return_decided", "buyer"), ("return_decided", "artist")],
    ),
    (
        "staff_decide",
        "escalated",
        _staff_close,
        "closed",
        "return_closed",
        [("return_decided", "buyer"), ("return_decided", "artist")],
    ),
]
EXCHANGE_TRANSITIONS = [
    (
        "ship_replacement",
        "received",
        _ship_replacement,
        "replacement_shipped",
        "return_replacement_shipped",
        [("return_replacement_shipped", "buyer")],
    ),
    (
        "convert_to_refund",
        "received",
        _convert,
        "refunded",
        "return_converted_to_refund",
        [],
    ),
]


def _request_in(line, state, kind="return"):
    if kind == "exchange":
        from .factories import PATHS

        rr = make_return(line=line, kind="exchange", reason="wrong_size", quantity=1)
        actors = _actors(rr)
        for step in PATHS[state]:
            rr = fresh(rr)
            {"accept": _accept, "ship_back": _ship_back, "receive": _receive}[step](
                rr, actors
            )
        return fresh(rr)
    return make_return(line=line, state=state, quantity=1)


def _actors(rr):
    return {
        "buyer": rr.buyer,
        "artist": rr.artist_order.artist.user,
        "staff": staff_user(),
    }


@pytest.mark.parametrize(
    "name, from_state, call, to_state, system_event, emails, kind",
    [
        pytest.param(*t, "return", id=f"{t[0]}-from-{t[1]}-{t[2].__name__}")
        for t in TRANSITIONS
    ]
    + [
        pytest.param(*t, "exchange", id=f"{t[0]}-exchange")
        for t in EXCHANGE_TRANSITIONS
    ],
)
def test_each_transition_writes_history_posts_a_system_message_and_emails_the_party_concerned(
    line,
    buyer,
    artist,
    mailoutbox,
    django_capture_on_commit_callbacks,
    name,
    from_state,
    call,
    to_state,
    system_event,
    emails,
    kind,
):
    rr = _request_in(line, from_state, kind=kind)
    actors = _actors(rr)
    history_before = rr.history.count()
    Notification.objects.all().delete()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call(fresh(rr), actors)

    rr = fresh(rr)
    assert rr.state == to_state
    event = rr.history.last()
    assert rr.history.count() == history_before + 1
    assert (event.from_state, event.to_state) == (from_state, to_state)
    expected_author = {
        "artist": artist.user,
        "buyer": buyer,
        "staff": actors["staff"],
        "system": None,
    }[_actor_of(call)]
    assert event.by == expected_author
    system_messages = rr.thread.messages.filter(system=True, event=system_event)
    assert system_messages.count() == 1
    assert system_text(system_messages.get(), language="en")
    recipients = {"buyer": buyer, "artist": artist.user}
    sent = [
        (n.event, n.recipient)
        for n in Notification.objects.exclude(event="return_refund_confirmed")
    ]
    assert sorted(sent, key=str) == sorted(
        [(event_name, recipients[who]) for event_name, who in emails], key=str
    )
    for notification in Notification.objects.all():
        assert notification.language == notification.recipient.language
        assert notification.status == "sent"
    for _event_name, who in emails:
        assert emails_of(mailoutbox, recipients[who].email)


def _actor_of(call) -> str:
    if call in (_ship_back, _escalate, _withdraw):
        return "buyer"
    if call is _expire:
        return "system"
    if call in (_staff_accept, _staff_refund, _staff_close):
        return "staff"
    return "artist"


def test_emails_are_rendered_in_the_recipients_language(
    line, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    rr = make_return(line=line, state="requested")
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        _accept(fresh(rr), _actors(rr))

    notification = Notification.objects.get(event="return_accepted")
    assert notification.recipient == buyer and notification.language == "fr"
    assert notification.context["instructions"] == "Atelier, 3 rue du Four, Lyon"
    body = emails_of(mailoutbox, buyer.email)[0].body
    assert "Atelier, 3 rue du Four, Lyon" in body
    assert f"/account/returns/{rr.pk}/" in body


def test_the_artists_email_links_to_the_request_in_the_dashboard(
    line, artist, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rr = make_return(line=line)

    assert (
        f"/dashboard/returns/{rr.pk}/"
        in emails_of(mailoutbox, artist.user.email)[0].body
    )


def test_the_system_escalation_emails_both_sides(
    line, buyer, artist, mailoutbox, django_capture_on_commit_callbacks, settings
):
    from datetime import timedelta

    from django.utils import timezone

    rr = make_return(line=line)

    with django_capture_on_commit_callbacks(execute=True):
        services.return_request_escalate(
            return_request=rr, by=None, now=timezone.now() + timedelta(days=4)
        )

    assert fresh(rr).state == "escalated"
    assert fresh(rr).history.last().by is None
    assert len(emails_of(mailoutbox, buyer.email)) == 1
    assert (
        "pas répondu à temps" in emails_of(mailoutbox, buyer.email)[0].body
    )  # the buyer reads French
    assert "not answered in time" in emails_of(mailoutbox, artist.user.email)[-1].body


class TestRefusedTransitions:
    """Every service refuses a state it does not start from (409 with the
    state) and changes nothing."""

    CALLS = {
        "accept": (_accept, {"requested", "escalated"}),
        "reject": (_reject, {"requested"}),
        "ship_back": (_ship_back, {"accepted"}),
        "receive": (_receive, {"accepted", "in_transit"}),
        "refund": (_refund, {"received"}),
        "escalate": (_escalate, {"rejected"}),
        "withdraw": (_withdraw, {"requested", "accepted"}),
        "expire": (_expire, {"accepted"}),
        "staff_close": (_staff_close, {"escalated"}),
    }
    STATES = [
        "requested",
        "accepted",
        "rejected",
        "in_transit",
        "received",
        "refunded",
        "escalated",
        "withdrawn",
        "expired",
        "closed",
    ]

    @pytest.mark.parametrize("state", STATES)
    def test_actions_not_allowed_in_a_state_raise_conflict_and_change_nothing(
        self, line, state
    ):
        rr = make_return(line=line, state=state, quantity=1)
        actors = _actors(rr)
        history = list(rr.history.values_list("pk", flat=True))

        for name, (call, allowed_from) in self.CALLS.items():
            if state in allowed_from:
                continue
            with pytest.raises(Conflict) as error:
                call(fresh(rr), actors)
            assert error.value.state == state, name

        assert fresh(rr).state == state
        assert list(fresh(rr).history.values_list("pk", flat=True)) == history

    def test_a_return_gets_no_replacement_and_an_exchange_no_plain_refund(self, line):
        rr = make_return(line=line, state="received")

        with pytest.raises(Conflict):
            _ship_replacement(fresh(rr), _actors(rr))
        with pytest.raises(Conflict):
            _convert(fresh(rr), _actors(rr))

    def test_a_request_read_before_another_change_loses(self, line):
        rr = make_return(line=line)
        stale = fresh(rr)
        _accept(fresh(rr), _actors(rr))

        with pytest.raises(Conflict) as error:
            _reject(stale, _actors(rr))

        assert error.value.state == "accepted"

    def test_the_buyer_escalates_an_unanswered_request_only_after_the_answer_delay(
        self, line
    ):
        rr = make_return(line=line)

        with pytest.raises(Conflict):
            _escalate(fresh(rr), _actors(rr))

        assert fresh(rr).state == "requested"

    def test_a_rejected_request_whose_pieces_are_under_a_new_request_cannot_be_escalated(
        self, line
    ):
        """Rejecting gives the pieces back: once a new request holds them,
        escalating the rejected one would put more pieces under request than
        the line has (found by the state-machine fuzz: 5 of 4)."""
        rejected = make_return(line=line, state="rejected", quantity=2)
        newer = make_return(line=line, quantity=1)
        actors = _actors(rejected)

        assert "escalate" not in rules.allowed_return_actions(
            return_request=fresh(rejected), user=actors["buyer"]
        )
        with pytest.raises(Conflict) as error:
            _escalate(fresh(rejected), actors)

        assert error.value.state == "rejected"
        assert fresh(rejected).state == "rejected"
        assert not ReturnEvent.objects.filter(
            request=rejected, transition="escalate"
        ).exists()
        # Once the newer request lets its pieces go, the rejected one may go on.
        services.return_request_withdraw(
            return_request=fresh(newer), by=actors["buyer"]
        )
        assert "escalate" in rules.allowed_return_actions(
            return_request=fresh(rejected), user=actors["buyer"]
        )
        _escalate(fresh(rejected), actors)
        assert fresh(rejected).state == "escalated"

    def test_the_artist_cannot_accept_once_escalated(self, line):
        rr = make_return(line=line, state="escalated")

        with pytest.raises(Conflict):
            _accept(fresh(rr), _actors(rr))


class TestWhoMayAct:
    def test_the_buyer_cannot_run_artist_actions(self, line):
        rr = make_return(line=line)

        with pytest.raises(PermissionDenied):
            services.return_request_accept(
                return_request=rr, by=rr.buyer, instructions="x"
            )

    def test_another_artist_cannot_answer(self, line):
        rr = make_return(line=line)

        with pytest.raises(PermissionDenied):
            services.return_request_reject(
                return_request=rr, by=make_artist("other").user, reason="No."
            )

    def test_the_artist_cannot_run_buyer_actions(self, line):
        rr = make_return(line=line, state="accepted")

        with pytest.raises(PermissionDenied):
            services.return_request_ship_back(
                return_request=rr,
                by=rr.artist_order.artist.user,
                carrier="X",
                tracking_number="1",
            )

    def test_only_staff_decide_on_an_escalated_request(self, line):
        rr = make_return(line=line, state="escalated")

        with pytest.raises(PermissionDenied):
            services.return_request_staff_decide(
                return_request=rr, by=rr.artist_order.artist.user, decision="close"
            )

    def test_staff_actions_are_logged_with_their_author(self, line):
        rr = make_return(line=line, state="escalated")
        support = staff_user()

        services.return_request_staff_decide(
            return_request=rr, by=support, decision="close"
        )

        assert fresh(rr).history.last().by == support

    @pytest.mark.parametrize(
        "state, buyer_actions, artist_actions",
        [
            ("requested", {"withdraw"}, {"accept", "reject"}),
            ("accepted", {"ship_back", "withdraw"}, {"receive"}),
            ("rejected", {"escalate"}, set()),
            ("in_transit", set(), {"receive"}),
            ("received", set(), {"refund"}),
            ("refunded", set(), set()),
            ("escalated", set(), set()),
            ("withdrawn", set(), set()),
        ],
    )
    def test_allowed_actions_match_the_state_and_the_person(
        self, line, state, buyer_actions, artist_actions
    ):
        rr = make_return(line=line, state=state)

        assert (
            rules.allowed_return_actions(return_request=rr, user=rr.buyer)
            == buyer_actions
        )
        assert (
            rules.allowed_return_actions(
                return_request=rr, user=rr.artist_order.artist.user
            )
            == artist_actions
        )
        assert (
            rules.allowed_return_actions(return_request=rr, user=UserFactory()) == set()
        )

    def test_staff_may_decide_on_escalated_requests(self, line):
        rr = make_return(line=line, state="escalated")

        assert rules.allowed_return_actions(return_request=rr, user=staff_user()) == {
            "accept",
            "refund",
            "staff_decide",
        }


class TestRefundAmount:
    def test_is_the_unit_price_times_the_quantity_for_part_of_the_order(self, line):
        rr = make_return(line=line, state="received", quantity=1)

        assert rules.return_refund_amount(rr) == Decimal("24.00")

    def test_adds_the_original_shipping_when_the_whole_order_comes_back_for_an_artist_fault(
        self, line
    ):
        rr = make_return(line=line, state="received", quantity=2, reason="damaged")

        assert rules.return_refund_amount(rr) == Decimal("53.00")

    def test_adds_no_shipping_for_a_change_of_mind_unless_the_terms_say_so(self, buyer):
        plain = make_line(buyer=buyer, artist=make_artist("plain"), quantity=2)
        generous = make_line(
            buyer=buyer,
            artist=make_artist("generous", refunds_original_shipping=True),
            quantity=2,
        )

        plain_return = make_return(
            line=plain, state="received", quantity=2, reason="changed_mind"
        )
        generous_return = make_return(
            line=generous, state="received", quantity=2, reason="changed_mind"
        )

        assert rules.return_refund_amount(plain_return) == Decimal("48.00")
        assert rules.return_refund_amount(generous_return) == Decimal("53.00")

    def test_the_shipping_is_refunded_once_when_two_requests_bring_everything_back(
        self, line
    ):
        first = make_return(line=line, state="received", quantity=1, reason="damaged")
        second = make_return(line=line, state="received", quantity=1, reason="damaged")

        first_refund = services.return_request_refund(
            return_request=first, by=first.artist_order.artist.user
        )
        second_refund = services.return_request_refund(
            return_request=fresh(second), by=second.artist_order.artist.user
        )

        assert {first_refund.amount, second_refund.amount} == {
            Decimal("29.00"),
            Decimal("24.00"),
        }
        assert ArtistOrder.objects.get(pk=line.artist_order_id).refunded == Decimal(
            "53.00"
        )

    def test_the_artist_may_lower_it_with_a_note(
        self, line, mailoutbox, django_capture_on_commit_callbacks
    ):
        rr = make_return(line=line, state="received", quantity=1)

        with django_capture_on_commit_callbacks(execute=True):
            refund = services.return_request_refund(
                return_request=rr,
                by=rr.artist_order.artist.user,
                amount="20.00",
                note="The box was missing.",
            )

        rr = fresh(rr)
        assert refund.amount == rr.refund_amount == Decimal("20.00")
        assert refund.reason == RefundReason.RETURN
        assert refund.idempotency_key == f"return:{rr.pk}"
        assert rr.refund_note == "The box was missing."
        assert "The box was missing." in rr.history.last().note

    def test_the_artist_must_say_why_the_refund_is_lower(self, line):
        rr = make_return(line=line, state="received", quantity=1)

        with pytest.raises(DomainError) as error:
            services.return_request_refund(
                return_request=rr, by=rr.artist_order.artist.user, amount="20.00"
            )

        assert error.value.field == "note"
        assert fresh(rr).state == "received"
        assert not rr.artist_order.refunds.filter(reason="return").exists()

    def test_the_artist_cannot_raise_it(self, line):
        rr = make_return(line=line, state="received", quantity=1)

        with pytest.raises(DomainError) as error:
            services.return_request_refund(
                return_request=rr,
                by=rr.artist_order.artist.user,
                amount="30.00",
                note="Sorry",
            )

        assert error.value.field == "amount"
        assert fresh(rr).state == "received"

    def test_staff_may_set_any_amount_within_what_was_paid(self, line):
        rr = make_return(line=line, state="escalated", quantity=1)

        refund = services.return_request_staff_decide(
            return_request=rr,
            by=staff_user(),
            decision="refund",
            amount="53.00",
            note="Goodwill",
        )

        assert refund.amount == Decimal("53.00")
        assert fresh(rr).state == "refunded"

    def test_staff_cannot_refund_more_than_what_is_left(self, line):
        rr = make_return(line=line, state="escalated", quantity=1)

        with pytest.raises(DomainError) as error:
            services.return_request_staff_decide(
                return_request=rr, by=staff_user(), decision="refund", amount="53.01"
            )

        assert error.value.field == "amount"
        assert fresh(rr).state == "escalated"
        assert ArtistOrder.objects.get(pk=line.artist_order_id).refunded == Decimal(
            "0.00"
        )

    def test_the_cap_holds_across_the_return_and_staff_routes(self, line):
        artist_order = ArtistOrder.objects.get(pk=line.artist_order_id)
        refund_create(
            artist_order=artist_order,
            amount="40.00",
            reason=RefundReason.STAFF,
            idempotency_key="staff:goodwill",
        )
        rr = make_return(line=line, state="received", quantity=2, reason="damaged")

        # The default is capped to what is left (13.00 of 53.00).
        assert rules.return_refund_amount(rr) == Decimal("13.00")
        refund = services.return_request_refund(
            return_request=rr, by=rr.artist_order.artist.user
        )
        with pytest.raises(DomainError):
            refund_create(
                artist_order=artist_order,
                amount="0.01",
                reason=RefundReason.STAFF,
                idempotency_key="staff:more",
            )

        assert refund.amount == Decimal("13.00")
        total = artist_order.refunds.exclude(status=RefundStatus.FAILED).aggregate(
            s=Sum("amount")
        )["s"]
        assert (
            total
            == Decimal("53.00")
            == ArtistOrder.objects.get(pk=artist_order.pk).paid
        )

    def test_a_discount_is_shared_out_over_the_returned_pieces(self, buyer):
        artist = make_artist("discounted")
        line = make_line(buyer=buyer, artist=artist, quantity=2, price="25.00")
        ArtistOrder.objects.filter(pk=line.artist_order_id).update(
            discount=Decimal("10.00"), total=Decimal("45.00"), paid=Decimal("45.00")
        )
        rr = make_return(line=line, state="received", quantity=1, reason="changed_mind")

        assert rules.return_refund_amount(rr) == Decimal("20.00")

    def test_the_refund_is_paid_after_commit(
        self, line, django_capture_on_commit_callbacks
    ):
        rr = make_return(line=line, state="received", quantity=1)

        with django_capture_on_commit_callbacks(execute=True):
            refund = services.return_request_refund(
                return_request=rr, by=rr.artist_order.artist.user
            )

        refund.refresh_from_db()
        assert refund.status == RefundStatus.SUCCEEDED
        assert fresh(rr).refund == refund


def test_system_messages_of_a_request_stay_in_its_own_thread(line):
    rr = make_return(line=line, state="refunded")

    events = list(
        rr.thread.messages.filter(system=True).values_list("event", flat=True)
    )

    assert events == [
        "return_requested",
        "return_accepted",
        "return_shipped_back",
        "return_received",
        "return_refunded",
    ]
    assert not Message.objects.filter(
        system=True, thread__kind="artist_order", event__startswith="return_"
    ).exists()
    assert list(
        ReturnEvent.objects.filter(request=rr).values_list("transition", flat=True)
    ) == [
        "request",
        "accept",
        "ship_back",
        "receive",
        "refund",
    ]


class TestRefundConfirmed:
    def test_the_buyer_is_emailed_on_receipt_and_again_when_the_refund_is_confirmed(
        self, line, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        rr = make_return(line=line, state="in_transit", quantity=1)
        Notification.objects.filter(event__startswith="return_").delete()
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            services.return_request_receive(
                return_request=fresh(rr), by=rr.artist_order.artist.user
            )
        with django_capture_on_commit_callbacks(execute=True):
            refund = services.return_request_refund(
                return_request=fresh(rr), by=rr.artist_order.artist.user
            )

        refund.refresh_from_db()
        assert refund.status == RefundStatus.SUCCEEDED
        to_buyer = emails_of(mailoutbox, buyer.email)
        assert [
            n.event
            for n in Notification.objects.filter(
                recipient=buyer, event__startswith="return_"
            ).order_by("id")
        ] == [
            "return_received",
            "return_refund_confirmed",
        ]
        assert len(to_buyer) == 2
        assert "24,00 €" in to_buyer[1].subject  # written as French pages write it
        assert (
            Notification.objects.get(event="return_refund_confirmed").language == "fr"
        )

    def test_no_confirmation_while_the_provider_has_not_paid(
        self, line, buyer, monkeypatch
    ):
        from orders.services import refunds

        monkeypatch.setattr(refunds, "dispatch_refund", lambda **kwargs: False)
        rr = make_return(line=line, state="received", quantity=1)

        refund = services.return_request_refund(
            return_request=rr, by=rr.artist_order.artist.user
        )

        refund.refresh_from_db()
        assert refund.status == RefundStatus.PENDING
        assert not Notification.objects.filter(event="return_refund_confirmed").exists()

    def test_a_refund_processed_twice_confirms_once(self, line, monkeypatch):
        from orders.services import refunds

        monkeypatch.setattr(refunds, "dispatch_refund", lambda **kwargs: False)
        rr = make_return(line=line, state="received", quantity=1)
        refund = services.return_request_refund(
            return_request=rr, by=rr.artist_order.artist.user
        )

        refunds.refund_process(refund_id=refund.pk)
        refunds.refund_process(refund_id=refund.pk)
        services.return_refund_confirmed(refund=refund)

        assert Notification.objects.filter(event="return_refund_confirmed").count() == 1
