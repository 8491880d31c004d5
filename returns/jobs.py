"""Periodic jobs of the returns app (listed in ``marketplace/jobs.py``).

Each takes an optional ``now`` (the time it runs for; tests pass one), calls
one service per request, is idempotent, and returns how many requests it
changed. Deadlines come from settings and may be fractional. A request
changed meanwhile (a ``Conflict``: the artist answered, the buyer shipped)
is skipped: the next run sees its new state.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_fsm import ConcurrentTransition

from marketplace.errors import Conflict

from .models import ReturnRequest, ReturnState
from .rules import REMINDED, reminder_due_at, reminder_lead, ship_back_due_at
from .services import (
    return_request_escalate,
    return_request_expire,
    return_request_remind,
)

logger = logging.getLogger(__name__)
BATCH = 500


def _each(queryset, action, *, order_by=("id",)) -> int:
    done = 0
    # A list, not a cursor: each service commits its own transaction. What
    # is left beyond the batch waits for the next run.
    for return_request in list(queryset.order_by(*order_by)[:BATCH]):
        try:
            if action(return_request) is not False:
                done += 1
        except (Conflict, ConcurrentTransition):
            continue
    return done


def escalate_unanswered_returns(*, now=None) -> int:
    """Pass to staff every request the artist left unanswered for
    ``settings.RETURN_ANSWER_DAYS``; the artist and the buyer are emailed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETURN_ANSWER_DAYS)
    due = ReturnRequest.objects.filter(
        state=ReturnState.REQUESTED, created_at__lte=cutoff
    )
    return _each(
        due, lambda rr: return_request_escalate(return_request=rr, by=None, now=now)
    )


def expire_unshipped_returns(*, now=None) -> int:
    """Expire every accepted request not sent back within
    ``settings.RETURN_SHIP_BACK_DAYS`` of its acceptance (or by the artist's
    later deadline); the buyer is emailed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETURN_SHIP_BACK_DAYS)
    candidates = ReturnRequest.objects.filter(
        state=ReturnState.ACCEPTED, answered_at__lte=cutoff
    )

    def expire(return_request):
        due_at = ship_back_due_at(return_request)
        if due_at is not None and due_at > now:
            return False
        return return_request_expire(return_request=return_request, now=now)

    return _each(candidates, expire)


# The field each reminded state starts its wait at, and the shortest wait
# (days) of that state: the candidates of ``remind_waiting_returns``.
WAIT_STARTS = {
    ReturnState.REQUESTED: ("created_at", lambda: settings.RETURN_ANSWER_DAYS),
    ReturnState.ACCEPTED: ("answered_at", lambda: settings.RETURN_SHIP_BACK_DAYS),
    ReturnState.IN_TRANSIT: ("shipped_back_at", lambda: settings.RETURN_RECEIVE_DAYS),
    # Business days are at least as many calendar days.
    ReturnState.RECEIVED: ("received_at", lambda: settings.REFUND_DUE_BUSINESS_DAYS),
}


def remind_waiting_returns(*, now=None) -> int:
    """Remind, once per state, whoever a request waits on, before its
    deadline (``rules.reminder_due_at``: ``RETURN_REMINDER_DAYS`` before,
    at most halfway): the artist to answer, to mark the parcel received, to
    refund it; the buyer to send it back."""
    now = now or timezone.now()
    done = 0
    for state in REMINDED:
        started, shortest = WAIT_STARTS[state]
        span = timedelta(days=shortest())
        candidates = ReturnRequest.objects.filter(
            state=state, **{f"{started}__lte": now - span + reminder_lead(span)}
        ).exclude(reminded_state=state)

        def remind(return_request):
            due = reminder_due_at(return_request)
            if due is None or due > now:
                return False
            return return_request_remind(return_request=return_request, now=now)

        done += _each(candidates, remind, order_by=(started, "id"))
    return done


def escalate_stuck_returns(*, now=None) -> int:
    """Pass to staff every request sent back and not marked received, or
    received and neither refunded nor its replacement shipped, within
    ``settings.RETURN_RECEIVE_DAYS``; the artist and the buyer are
    emailed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETURN_RECEIVE_DAYS)
    done = 0
    for state, started in (
        (ReturnState.IN_TRANSIT, "shipped_back_at"),
        (ReturnState.RECEIVED, "received_at"),
    ):
        due = ReturnRequest.objects.filter(state=state, **{f"{started}__lte": cutoff})
        done += _each(
            due,
            lambda rr: return_request_escalate(return_request=rr, by=None, now=now),
            order_by=(started, "id"),
        )
    return done
