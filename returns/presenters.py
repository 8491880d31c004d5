"""What the buyer's return page and the dashboard's return page show of a
return request: the buttons allowed now, the step bar, the timeline of its
history, what the buyer wants instead, its deadlines and tracking links.
Read from prefetched rows only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from orders.tracking import tracking_url

from . import rules
from .eligibility import line_eligibility
from .models import ReturnKind, ReturnState
from .postage import deduction_shown

BUYER_ACTIONS = frozenset({"ship_back", "withdraw", "escalate"})
ARTIST_ACTIONS = frozenset(
    {"accept", "reject", "receive", "refund", "ship_replacement", "convert_to_refund"}
)

S = ReturnState

# History rows are labelled by their transition; unknown ones by the state
# they reached.
TRANSITION_LABELS = {
    "create": gettext_lazy("Request sent"),
    "request": gettext_lazy("Request sent"),
    "accept": gettext_lazy("Accepted: return instructions given"),
    "reject": gettext_lazy("Rejected by the artist"),
    "ship_back": gettext_lazy("Sent back"),
    "receive": gettext_lazy("Received by the artist: the refund can start"),
    # Labels of a request ("la demande", feminine in French): a context of
    # their own, apart from the "Refunded" of an amount.
    "refund": pgettext_lazy("return request", "Refunded"),
    "refund_received": pgettext_lazy("return request", "Refunded"),
    "ship_replacement": gettext_lazy("Replacement shipped"),
    "convert_to_refund": gettext_lazy("Refunded instead of replaced"),
    "escalate": gettext_lazy("Sent to the marketplace team"),
    "auto_escalate": gettext_lazy("Sent to the marketplace team: no answer in time"),
    "escalate_stuck": gettext_lazy(
        "Sent to the marketplace team: the artist did not act in time"
    ),
    "staff_accept": gettext_lazy("Accepted by the marketplace team"),
    "staff_refund": gettext_lazy("Refunded by decision of the marketplace team"),
    "staff_close": gettext_lazy("Closed by the marketplace team"),
    "withdraw": gettext_lazy("Withdrawn by the buyer"),
    "expire": gettext_lazy("Expired: nothing was sent back in time"),
}


# Step bar ------------------------------------------------------------------------

STEP_LABELS = {
    S.REQUESTED: gettext_lazy("Requested"),
    S.ACCEPTED: gettext_lazy("Accepted"),
    S.IN_TRANSIT: gettext_lazy("Sent back"),
    S.RECEIVED: gettext_lazy("Received"),
    S.REFUNDED: pgettext_lazy("return request", "Refunded"),
    S.REPLACEMENT_SHIPPED: gettext_lazy("Replacement shipped"),
    S.REJECTED: gettext_lazy("Rejected"),
    S.ESCALATED: gettext_lazy("With the marketplace team"),
    S.WITHDRAWN: gettext_lazy("Withdrawn"),
    S.EXPIRED: gettext_lazy("Expired"),
    S.CLOSED: gettext_lazy("Closed"),
}
OFF_PATH = frozenset({S.REJECTED, S.ESCALATED, S.WITHDRAWN, S.EXPIRED, S.CLOSED})


@dataclass
class Step:
    state: str
    label: str
    status: str  # done, current, todo, stopped


def steps(return_request) -> list[Step]:
    """The step bar of ``return_request``: requested, accepted, sent back,
    received, then refunded (or replacement shipped for an exchange). A
    request that left that path (rejected, escalated, withdrawn, expired,
    closed) shows where it stopped. Reads prefetched history."""
    final = S.REFUNDED
    if (
        return_request.kind == ReturnKind.EXCHANGE
        and return_request.state != S.REFUNDED
    ):
        final = S.REPLACEMENT_SHIPPED
    path = [S.REQUESTED, S.ACCEPTED, S.IN_TRANSIT, S.RECEIVED, final]
    reached = {event.to_state for event in return_request.history.all()}
    reached.add(S.REQUESTED)
    reached.add(return_request.state)
    current = return_request.state
    furthest = max((path.index(s) for s in reached if s in path), default=0)
    if current in path:
        furthest = path.index(current)
    result = []
    for index, state in enumerate(path):
        if state == current:
            status = "current"
        elif index <= furthest:
            status = "done"
        else:
            status = "todo"
        result.append(Step(state=state, label=str(STEP_LABELS[state]), status=status))
    if current in OFF_PATH:
        result = result[: furthest + 1]
        result.append(
            Step(state=current, label=str(STEP_LABELS[current]), status="stopped")
        )
    return result


# Timeline ------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    kind: str  # "event" or "message"
    at: datetime
    who: str
    label: str = ""
    note: str = ""
    text: str = ""
    transition: str = ""
    mine: bool = False
    staff: bool = False
    photos: list = field(default_factory=list)
    pk: int | None = None


def who_is(user_id, return_request, *, viewer) -> str:
    """How ``viewer`` reads the name of the user ``user_id`` (None: the
    system) on a page about ``return_request``."""
    if user_id is None:
        return _("automatically")
    if user_id == viewer.pk:
        return _("you")
    if user_id == return_request.artist.user_id:
        return return_request.artist.name
    if user_id == return_request.buyer_id:
        return return_request.artist_order.order.shipping_name or _("the buyer")
    return _("the marketplace team")


def timeline(return_request, *, viewer, messages=()) -> list[TimelineEntry]:
    """The history rows of ``return_request`` and ``messages`` (more
    ``TimelineEntry``: its conversation) as one list, oldest first."""
    entries = list(messages)
    for event in return_request.history.all():
        label = TRANSITION_LABELS.get(event.transition) or event.get_to_state_display()
        entries.append(
            TimelineEntry(
                kind="event",
                at=event.at,
                who=who_is(event.by_id, return_request, viewer=viewer),
                label=str(label),
                note=event.note_text(),
                transition=event.transition,
            )
        )
    entries.sort(key=lambda entry: (entry.at, 0 if entry.kind == "event" else 1))
    return entries


def replacement_label(return_request) -> str:
    """What the buyer asked for in exchange, in words ("" for a return)."""
    if return_request.desired_variant_id:
        variant = return_request.desired_variant
        return f"{variant.item.title} — {variant.name}"
    if return_request.desired_item_id:
        return return_request.desired_item.title
    return return_request.desired_text or ""


def decorate(return_request, *, user, side: str, messages=()):
    """Attach what a page shows of ``return_request`` to it: ``actions``
    (what ``user`` may do now on that ``side``, "buyer" or "artist"),
    ``steps``, ``timeline`` (with ``messages``, see ``timeline``),
    ``replacement``, its deadlines, the tracking links and the
    free-shipping postage deducted (``shipping_deduction``)."""
    allowed = rules.allowed_return_actions(return_request=return_request, user=user)
    return_request.actions = allowed & (
        BUYER_ACTIONS if side == "buyer" else ARTIST_ACTIONS
    )
    return_request.steps = steps(return_request)
    return_request.timeline = timeline(return_request, viewer=user, messages=messages)
    return_request.replacement = replacement_label(return_request)
    return_request.answer_due = (
        rules.answer_due_at(return_request)
        if return_request.state == S.REQUESTED
        else None
    )
    return_request.ship_back_due = rules.ship_back_due_at(return_request)
    # After the piece is sent back: reception, then refund due dates, and
    # when staff takes over (``rules``).
    return_request.receive_due = rules.receive_due_at(return_request)
    return_request.refund_due = rules.refund_due_at(return_request)
    return_request.stuck_due = rules.stuck_due_at(return_request)
    return_request.refund_late = rules.is_refund_late(return_request)
    return_request.refund_due_business_days = settings.REFUND_DUE_BUSINESS_DAYS
    return_request.stuck_escalation = (
        return_request.state == S.ESCALATED
        and rules.escalated_when_stuck(return_request)
    )
    return_request.postage_by_artist = rules.postage_paid_by_artist(return_request)
    return_request.shipping_deduction = deduction_shown(return_request)
    return_request.return_tracking_link = (
        tracking_url(
            return_request.return_carrier, return_request.return_tracking_number
        )
        if return_request.return_tracking_number
        else None
    )
    return_request.replacement_tracking_link = (
        tracking_url(
            return_request.replacement_carrier,
            return_request.replacement_tracking_number,
        )
        if return_request.replacement_tracking_number
        else None
    )
    return return_request


def attach_line_eligibility(artist_orders) -> None:
    """Set ``line.return_eligibility`` (``returns.eligibility.line_eligibility``)
    on every line of ``artist_orders``, with the lines' return requests read
    in one query: the order page shows under each line whether it can be
    returned, until when, or why not."""
    lines = [
        line for artist_order in artist_orders for line in artist_order.lines.all()
    ]
    prefetch_related_objects(lines, "return_requests")
    for line in lines:
        line.return_eligibility = line_eligibility(line=line)
