"""Return request services, every transition with its side effects: a
history row, a system message in the request's thread, an email to the
party concerned in their language; the system's escalation; system
messages staying in the request's own thread."""

import pytest

from marketplace.notifications.models import Notification
from messaging.models import Message
from messaging.rendering import system_text
from returns import services
from returns.models import ReturnEvent

from ..factories import make_return
from .helpers import (
    _accept,
    _actors,
    _convert,
    _escalate,
    _expire,
    _receive,
    _refund,
    _reject,
    _ship_back,
    _ship_replacement,
    _staff_accept,
    _staff_close,
    _staff_refund,
    _withdraw,
    emails_of,
    fresh,
)

pytestmark = pytest.mark.django_db


# Each transition: (state before, call, state after, email event, who gets it).
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
        from ..factories import PATHS

        rr = make_return(line=line, kind="exchange", reason="wrong_size", quantity=1)
        actors = _actors(rr)
        for step in PATHS[state]:
            rr = fresh(rr)
            {"accept": _accept, "ship_back": _ship_back, "receive": _receive}[step](
                rr, actors
            )
        return fresh(rr)
    return make_return(line=line, state=state, quantity=1)


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
