"""Nothing waits forever (design.md "When things get stuck"): one object in
every waiting state of the artist order, the return request and the
cancellation request, then the clock moved with ``run_due_jobs --at``'s
``run_all(now=...)`` step by step to 120 days. For each: (a) a reminder
email before the deadline, where someone must act; (b) the consequence
after the deadline, not before; (c) after the longest deadline nothing
waits on anyone but staff, whose rows are in the escalation queue with a
way out.

The tables are checked against the models' state choices: a new state
without a rule (or without being listed as done) fails here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from marketplace.jobs import run_all
from marketplace.notifications.models import Notification
from orders import services as order_services
from orders.models import (
    ArtistOrder,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
)
from orders.rules import return_period
from returns import rules as return_rules
from returns.models import ReturnRequest, ReturnState
from staff.escalations import QUERIES, escalation_queue
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order
from tests.returns.factories import make_line, make_return, staff_user

pytestmark = pytest.mark.django_db

LONGEST = timedelta(days=120)


def admin_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@dataclass
class Rule:
    make: Callable  # (buyer, artist) -> the object in its waiting state
    deadline: Callable  # object as made -> when the consequence is due
    consequence: Callable  # (fresh object, queued admin URLs) -> bool
    reminder: str | None = (
        None  # outbox key (or its prefix before ":"), "{pk}" filled in
    )
    no_reminder_because: str = ""


def _order(state):
    def make(buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state=state)
        if state == "awaiting_payment":  # left there by a crash 31 minutes ago
            ArtistOrder.objects.filter(pk=artist_order.pk).update(
                created_at=timezone.now() - timedelta(minutes=31)
            )
        return ArtistOrder.objects.get(pk=artist_order.pk)

    return make


def _return(state):
    return lambda buyer, artist: make_return(
        line=make_line(buyer=buyer, artist=artist), state=state
    )


def _cancellation(buyer, artist):
    artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
    order_services.artist_order_cancel(
        artist_order=artist_order, by=buyer, reason="Ordered twice."
    )
    return CancellationRequest.objects.get(artist_order=artist_order)


def _in_state(*states):
    return lambda obj, queued: obj.state in states


def _queued(obj, queued):
    return admin_url(obj) in queued


ORDER_RULES = {
    "awaiting_payment": Rule(
        make=_order("awaiting_payment"),
        deadline=lambda ao: ao.created_at + timedelta(minutes=30),
        consequence=_in_state("cancelled"),
        no_reminder_because="nobody can act: the payment never came back",
    ),
    "awaiting_acceptance": Rule(
        make=_order("awaiting_acceptance"),
        deadline=lambda ao: ao.acceptance_deadline,
        consequence=_in_state("refused"),
        reminder="acceptance-reminder:{pk}",
    ),
    "accepted": Rule(  # the buyer is told of the delay, the dashboard flags it
        make=_order("accepted"),
        deadline=lambda ao: (
            timezone.make_aware(datetime.combine(ao.dispatch_date, time.min))
            + timedelta(days=8)
        ),
        consequence=lambda ao, queued: ao.state == "accepted" and _queued(ao, queued),
        reminder="order-delayed:{pk}",
    ),
    "shipped": Rule(
        make=_order("shipped"),
        deadline=lambda ao: ao.shipped_at + timedelta(days=30),
        consequence=_in_state("delivered", "completed"),
        no_reminder_because="nobody must act: the parcel counts as delivered",
    ),
    "delivered": Rule(
        make=_order("delivered"),
        deadline=lambda ao: ao.delivered_at + return_period(ao),
        consequence=_in_state("completed"),
        no_reminder_because="nobody must act: the return window runs out",
    ),
}
ORDER_DONE = {"completed", "refused", "cancelled"}

RETURN_RULES = {
    "requested": Rule(
        make=_return("requested"),
        deadline=return_rules.answer_due_at,
        consequence=_in_state("escalated"),
        reminder="return_reminder:{pk}",
    ),
    "accepted": Rule(
        make=_return("accepted"),
        deadline=return_rules.ship_back_due_at,
        consequence=_in_state("expired"),
        reminder="return_reminder:{pk}",
    ),
    "in_transit": Rule(
        make=_return("in_transit"),
        deadline=return_rules.receive_due_at,
        consequence=_in_state("escalated"),
        reminder="return_reminder:{pk}",
    ),
    # First the late refund in staff's queue (seed 002), then escalated.
    "received": Rule(
        make=_return("received"),
        deadline=return_rules.refund_due_at,
        consequence=lambda rr, queued: rr.state == "escalated" or _queued(rr, queued),
        reminder="return_reminder:{pk}",
    ),
    "escalated": Rule(
        make=_return("escalated"),
        deadline=lambda rr: rr.escalated_at,
        consequence=_queued,
        no_reminder_because="staff's own: it waits in the escalation queue",
    ),
}
RETURN_DONE = {
    "rejected",  # the buyer may pass it to staff; nothing waits on anyone
    "refunded",
    "replacement_shipped",
    "withdrawn",
    "expired",
    "closed",
}

CANCELLATION_RULES = {
    "open": Rule(
        make=_cancellation,
        deadline=lambda request: request.staff_takes_over_at,
        consequence=lambda request, queued: admin_url(request.artist_order) in queued,
        reminder="cancellation-reminder:{pk}",
    )
}
CANCELLATION_DONE = {"accepted", "declined", "withdrawn"}

MACHINES = [
    (ArtistOrder, ArtistOrderState, ORDER_RULES, ORDER_DONE),
    (ReturnRequest, ReturnState, RETURN_RULES, RETURN_DONE),
    (CancellationRequest, CancellationStatus, CANCELLATION_RULES, CANCELLATION_DONE),
]


@pytest.mark.parametrize("model, states, rules, done", MACHINES)
def test_every_state_has_a_rule_or_is_done(model, states, rules, done):
    assert set(rules) | done == set(states.values), model.__name__
    assert not set(rules) & done
    for name, rule in rules.items():
        assert rule.reminder or rule.no_reminder_because, name


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def way_out_for_staff(obj, staff) -> bool:
    """Staff can end what waits on them from the admin."""
    if isinstance(obj, ReturnRequest):
        allowed = return_rules.allowed_return_actions(return_request=obj, user=staff)
        return {"refund", "staff_decide"} <= allowed
    artist_order = obj if isinstance(obj, ArtistOrder) else obj.artist_order
    return can_proceed(artist_order.refuse)


def queued_urls(now) -> set[str]:
    """The admin pages of what the queue's kinds about waiting things list
    at ``now`` (their own queries, without building the rows)."""
    urls = set()
    for kind in ("returns", "late_refunds", "stuck_returns"):
        urls |= {admin_url(rr) for rr in QUERIES[kind](now)}
    for kind in ("cancellation", "shipping"):
        for obj in QUERIES[kind](now):
            urls.add(admin_url(getattr(obj, "artist_order", obj)))
    return urls


def clock(start):
    """Every 12 hours for 4 days (the deadlines counted in hours), every day
    to day 32 (past the longest deadline: a delivery confirmed after 30
    days), then every week to day 120."""
    moment = start
    while moment < start + LONGEST:
        if moment < start + timedelta(days=4):
            moment += timedelta(hours=12)
        elif moment < start + timedelta(days=32):
            moment += timedelta(days=1)
        else:
            moment += timedelta(days=7)
        yield moment


def test_every_waiting_state_has_a_reminder_a_deadline_and_a_consequence():
    buyer = UserFactory(username="lou", email="lou@example.com")
    staff = staff_user()
    subjects = []
    for machine, (_model, _states, rules, _done) in zip(
        ("order", "return", "cancellation"), MACHINES, strict=True
    ):
        for state, rule in rules.items():
            artist = make_artist(f"{machine}-{state}".replace("_", "-"))
            obj = rule.make(buyer, artist)
            assert (obj.status if machine == "cancellation" else obj.state) == state
            subjects.append((f"{machine} {state}", obj, rule, rule.deadline(obj)))

    start = timezone.now()
    reminded_at: dict[str, object] = {}
    happened_at: dict[str, object] = {}
    for now in clock(start):
        run_all(now=now)
        queued = queued_urls(now)
        keys = list(Notification.objects.values_list("dedupe_key", flat=True))
        for name, obj, rule, _deadline in subjects:
            if rule.reminder and name not in reminded_at:
                prefix = rule.reminder.format(pk=obj.pk)
                if any(
                    key == prefix or (key or "").startswith(f"{prefix}:")
                    for key in keys
                ):
                    reminded_at[name] = now
            if name not in happened_at and rule.consequence(fresh(obj), queued):
                happened_at[name] = now

    for name, _obj, rule, deadline in subjects:
        assert name in happened_at, f"{name}: nothing happened in 120 days"
        assert happened_at[name] >= deadline, f"{name}: consequence before its deadline"
        assert happened_at[name] - deadline <= timedelta(days=1), name
        if rule.reminder:
            assert name in reminded_at, f"{name}: no reminder"
            assert reminded_at[name] < deadline, f"{name}: reminder too late"

    # After the longest deadline: done, or with staff, queued, with a way out.
    queued = {row.url for row in escalation_queue(now=start + LONGEST)}
    for name, obj, _rule, _deadline in subjects:
        obj = fresh(obj)
        if isinstance(obj, CancellationRequest):
            done = obj.status in CANCELLATION_DONE
            url = admin_url(obj.artist_order)
        else:
            done = obj.state in (ORDER_DONE | RETURN_DONE)
            url = admin_url(obj)
        if not done:
            assert url in queued, f"{name}: left waiting outside staff's queue"
            assert way_out_for_staff(obj, staff), f"{name}: staff cannot end it"
