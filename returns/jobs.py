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
from .rules import ship_back_due_at
from .services import return_request_escalate, return_request_expire

logger = logging.getLogger(__name__)
BATCH = 500


def _each(queryset, action) -> int:
    done = 0
    # A list, not a cursor: each service commits its own transaction. What
    # is left beyond the batch waits for the next run.
    for return_request in list(queryset.order_by("id")[:BATCH]):
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
