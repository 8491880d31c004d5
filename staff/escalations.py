"""The escalation queue: what waits on the marketplace team, oldest first.

Nine kinds of rows, each read with one query (plus one count), whatever the
number of rows: shops awaiting approval, escalated return requests, artist orders whose acceptance
deadline has passed or is near, open not-received reports, cancellation
requests the artist has left open too long, flagged messages still shown,
refunds the provider declined for good (until staff marks them handled)
or still pending after many attempts, and payouts the provider refused so
many times in a row that the runs leave them to staff, and emails still
failing two days after their first attempt (until staff retries them or
marks them handled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from artists.models import Artist
from marketplace.notifications.formatting import format_amount
from marketplace.notifications.models import Notification, NotificationStatus
from messaging.models import Message
from messaging.rendering import system_text
from orders.models import (
    ArtistOrder,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
    NotReceivedReport,
    NotReceivedStatus,
    Refund,
    RefundStatus,
)
from orders.services.refunds import ALERT_AFTER_ATTEMPTS
from payouts.admin_queries import payouts_left_to_staff
from returns.models import ReturnRequest, ReturnState
from staff.admin_links import change_url, transition_url, user_url

from . import stuck
from .support_queue import support_row, support_waiting

ROW_LIMIT = 200

KINDS = {
    "shops": gettext_lazy("Shops awaiting approval"),
    "returns": gettext_lazy("Escalated return requests"),
    "acceptance": gettext_lazy("Acceptances overdue or due soon"),
    "not_received": gettext_lazy("Parcels reported as not received"),
    "cancellation": gettext_lazy("Cancellation requests waiting"),
    "messages": gettext_lazy("Flagged messages"),
    "refunds": gettext_lazy("Refunds failed or stuck"),
    "payouts": gettext_lazy("Payouts failed, left to staff"),
    "emails": gettext_lazy("Emails that could not be sent"),
    "support": gettext_lazy("Support threads waiting for an answer"),
    **stuck.KINDS,
}


def acceptance_warning() -> timedelta:
    """How close to its acceptance deadline an artist order enters the queue."""
    return timedelta(
        hours=float(getattr(settings, "STAFF_ACCEPTANCE_WARNING_HOURS", 12))
    )


def cancellation_wait() -> timedelta:
    """How long a cancellation request may wait for the artist before staff
    looks at it."""
    return timedelta(
        hours=float(getattr(settings, "STAFF_CANCELLATION_WAIT_HOURS", 24))
    )


@dataclass
class Row:
    kind: str
    title: str
    detail: str
    since: datetime
    url: str
    links: list[tuple[str, str]] = field(default_factory=list)
    overdue: bool = False

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def age(self) -> timedelta:
        return max(timezone.now() - self.since, timedelta(0))


# Querysets (the one query of each kind) ------------------------------------------------


def shops_awaiting_approval(now) -> QuerySet:
    """New shops staff has not approved yet (of accounts not suspended),
    oldest first: buyers cannot see them until then."""
    return (
        Artist.objects.filter(approved_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("created_at", "id")
    )


def escalated_returns(now) -> QuerySet:
    return (
        ReturnRequest.objects.filter(state=ReturnState.ESCALATED)
        .select_related("artist_order__order", "artist", "buyer", "line")
        .order_by("escalated_at", "created_at", "id")
    )


def acceptances_due(now) -> QuerySet:
    return (
        ArtistOrder.objects.filter(
            state=ArtistOrderState.AWAITING_ACCEPTANCE,
            acceptance_deadline__lte=now + acceptance_warning(),
        )
        .select_related("order__buyer", "artist")
        .order_by("acceptance_deadline", "id")
    )


def open_not_received_reports(now) -> QuerySet:
    return (
        NotReceivedReport.objects.filter(status=NotReceivedStatus.OPEN)
        .select_related("artist_order__order__buyer", "artist_order__artist")
        .order_by("created_at", "id")
    )


def waiting_cancellation_requests(now) -> QuerySet:
    return (
        CancellationRequest.objects.filter(
            status=CancellationStatus.OPEN, created_at__lte=now - cancellation_wait()
        )
        .select_related("artist_order__order__buyer", "artist_order__artist")
        .order_by("created_at", "id")
    )


def flagged_messages(now) -> QuerySet:
    """Messages reported (or flagged by staff) and not decided yet: neither
    hidden nor their report dismissed."""
    return (
        Message.objects.filter(
            flagged_at__isnull=False,
            hidden_at__isnull=True,
            flag_dismissed_at__isnull=True,
        )
        .select_related("thread__artist", "thread__buyer", "author", "flagged_by")
        .order_by("flagged_at", "id")
    )


def refunds_failed_or_stuck(now) -> QuerySet:
    """Refunds declined for good that no one has marked handled, and refunds
    still pending after ``ALERT_AFTER_ATTEMPTS`` tries (the provider keeps
    failing). Oldest change first (refunds.py changes the status with an
    UPDATE, so ``updated_at`` is the refund's last save: how long the buyer
    has waited)."""
    return (
        Refund.objects.filter(
            Q(status=RefundStatus.FAILED, handled_at__isnull=True)
            | Q(status=RefundStatus.PENDING, attempts__gte=ALERT_AFTER_ATTEMPTS)
        )
        .select_related("artist_order__order", "artist_order__artist")
        .order_by("updated_at", "id")
    )


def payouts_failed(now) -> QuerySet:
    """The artist's latest payout, failed ``MAX_FAILED_PAYOUTS`` times in a
    row: the runs no longer retry it (``payouts.admin_queries``)."""
    return payouts_left_to_staff()


def emails_failed(now) -> QuerySet:
    """Emails the provider refused for the whole retry period (two days)
    and that staff has neither retried nor marked handled; the longest
    unsent first."""
    return (
        Notification.objects.filter(
            status=NotificationStatus.FAILED, handled_at__isnull=True
        )
        .select_related("recipient")
        .order_by("first_attempt_at", "created_at", "id")
    )


QUERIES = {
    "shops": shops_awaiting_approval,
    "returns": escalated_returns,
    "acceptance": acceptances_due,
    "not_received": open_not_received_reports,
    "cancellation": waiting_cancellation_requests,
    "messages": flagged_messages,
    "refunds": refunds_failed_or_stuck,
    "payouts": payouts_failed,
    "emails": emails_failed,
    "support": support_waiting,
    **stuck.QUERIES,
}


# Rows -----------------------------------------------------------------------------------


def _shop_row(artist, now) -> Row:
    where = f" ({artist.location})" if artist.location else ""
    return Row(
        kind="shops",
        title=_("Shop %(name)s%(where)s — %(user)s")
        % {"name": artist.name, "where": where, "user": artist.user.email},
        detail=_("Opened and waiting: buyers cannot see it until it is approved."),
        since=artist.created_at,
        url=change_url(artist),
        links=[
            (_("approve"), transition_url(artist, "approve")),
            (_("artist"), user_url(artist.user_id)),
        ],
    )


def _return_row(rr, now) -> Row:
    order = rr.artist_order.order
    since = rr.escalated_at or rr.updated_at or rr.created_at
    detail = rr.escalation_message or stuck.escalation_reason(rr)
    return Row(
        kind="returns",
        title=_(
            "Return #%(id)s — order %(number)s, %(artist)s, %(quantity)s × %(title)s"
        )
        % {
            "id": rr.pk,
            "number": order.number,
            "artist": rr.artist.name,
            "quantity": rr.quantity,
            "title": rr.line.title,
        },
        detail=truncatechars(f"{rr.get_reason_display()}: {detail}", 160),
        since=since,
        url=change_url(rr),
        links=[
            (_("buyer"), user_url(rr.buyer_id)),
            (_("artist order"), change_url(rr.artist_order)),
        ],
    )


def _acceptance_row(artist_order, now) -> Row:
    deadline = artist_order.acceptance_deadline
    if deadline <= now:
        detail = _(
            "Deadline passed %(ago)s ago (the time-out job should have refused it)."
        ) % {"ago": _duration(now - deadline)}
    else:
        detail = _("Deadline in %(left)s.") % {"left": _duration(deadline - now)}
    return Row(
        kind="acceptance",
        title=_("Order %(number)s — %(artist)s (%(total)s €)")
        % {
            "number": artist_order.order.number,
            "artist": artist_order.artist.name,
            "total": format_amount(artist_order.total),
        },
        detail=detail,
        since=artist_order.paid_at or artist_order.created_at,
        url=change_url(artist_order),
        links=[(_("artist"), change_url(artist_order.artist))],
        overdue=deadline <= now,
    )


def _report_row(report, now) -> Row:
    artist_order = report.artist_order
    return Row(
        kind="not_received",
        title=_("Order %(number)s — %(artist)s, shipped with %(carrier)s %(tracking)s")
        % {
            "number": artist_order.order.number,
            "artist": artist_order.artist.name,
            "carrier": artist_order.carrier,
            "tracking": artist_order.tracking_number,
        },
        detail=truncatechars(report.note, 160) or _("No note."),
        since=report.created_at,
        url=change_url(artist_order),
        links=[(_("report"), change_url(report))],
    )


def _cancellation_row(request, now) -> Row:
    artist_order = request.artist_order
    return Row(
        kind="cancellation",
        title=_("Order %(number)s — %(artist)s")
        % {"number": artist_order.order.number, "artist": artist_order.artist.name},
        detail=truncatechars(request.reason, 160) or _("No reason given."),
        since=request.created_at,
        url=change_url(artist_order),
        links=[(_("request"), change_url(request))],
    )


def _message_row(message, now) -> Row:
    thread = message.thread
    text = system_text(message) if message.system else message.body
    author = message.author.email if message.author_id else _("system")
    links = [
        (_("dismiss the report"), transition_url(message, "dismiss_report")),
        (_("hide"), transition_url(message, "hide")),
        (_("conversation"), thread.get_absolute_url()),
    ]
    if message.author_id:
        links.append((_("author"), user_url(message.author_id)))
    why = " — ".join(
        str(part)
        for part in (message.get_flagged_category_display(), message.flagged_reason)
        if part
    )
    return Row(
        kind="messages",
        title=_("Message from %(author)s — %(buyer)s ↔ %(artist)s")
        % {"author": author, "buyer": thread.buyer.email, "artist": thread.artist.name},
        detail=truncatechars(f"“{text}”" + (f" — {why}" if why else ""), 200),
        since=message.flagged_at,
        url=change_url(message),
        links=links,
    )


def _refund_row(refund, now) -> Row:
    artist_order = refund.artist_order
    order = artist_order.order
    error = refund.last_error or _("no error recorded")
    if refund.status == RefundStatus.FAILED:
        detail = _("Failed, declined by the provider: %(error)s") % {"error": error}
    else:
        detail = _("Still pending after %(attempts)s attempts: %(error)s") % {
            "attempts": refund.attempts,
            "error": error,
        }
    return Row(
        kind="refunds",
        title=_("Refund #%(id)s — order %(number)s, %(artist)s, %(amount)s €")
        % {
            "id": refund.pk,
            "number": order.number,
            "artist": artist_order.artist.name,
            "amount": format_amount(refund.amount),
        },
        detail=truncatechars(detail, 160),
        since=refund.updated_at or refund.created_at,
        url=change_url(refund),
        links=[
            (_("artist order"), change_url(artist_order)),
            (_("buyer"), user_url(order.buyer_id)),
        ],
        overdue=refund.status == RefundStatus.FAILED,
    )


def _payout_row(payout, now) -> Row:
    account = payout.artist.payout_account
    detail = _("Refused %(count)s times in a row: %(error)s") % {
        "count": account.failed_payouts,
        "error": payout.last_error or _("no error recorded"),
    }
    if account.held:
        detail = _("%(detail)s (payouts held by staff)") % {"detail": detail}
    return Row(
        kind="payouts",
        title=_("Payout #%(id)s — %(artist)s, %(amount)s €")
        % {
            "id": payout.pk,
            "artist": payout.artist.name,
            "amount": format_amount(payout.amount),
        },
        detail=truncatechars(detail, 160),
        since=payout.failed_at or payout.updated_at,
        url=change_url(payout),
        links=[
            (_("artist balance"), change_url(account)),
            (_("artist"), change_url(payout.artist)),
        ],
        overdue=True,
    )


def _email_row(notification, now) -> Row:
    detail = _("Failed after %(attempts)s attempts: %(error)s") % {
        "attempts": notification.attempts,
        "error": notification.last_error or _("no error recorded"),
    }
    return Row(
        kind="emails",
        title=_("Email “%(event)s” to %(address)s")
        % {"event": notification.event, "address": notification.to_email},
        detail=truncatechars(detail, 160),
        since=notification.first_attempt_at or notification.created_at,
        url=change_url(notification),
        links=[
            (_("retry"), transition_url(notification, "retry")),
            (_("mark as handled"), transition_url(notification, "mark_handled")),
            (_("recipient"), user_url(notification.recipient_id)),
        ],
        overdue=True,
    )


ROW_BUILDERS = {
    "shops": _shop_row,
    "returns": _return_row,
    "acceptance": _acceptance_row,
    "not_received": _report_row,
    "cancellation": _cancellation_row,
    "messages": _message_row,
    "refunds": _refund_row,
    "payouts": _payout_row,
    "emails": _email_row,
    "support": lambda thread, now: support_row(thread, now, row_class=Row),
    **{kind: stuck.row_builder(kind, Row) for kind in stuck.KINDS},
}


def _duration(delta: timedelta) -> str:
    days, hours = delta.days, delta.seconds // 3600
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    return _("%(hours)d h %(minutes)d min") % {
        "hours": hours,
        "minutes": delta.seconds % 3600 // 60,
    }


def escalation_counts(*, now=None) -> dict[str, int]:
    """How many rows wait in each kind (one count query each)."""
    now = now or timezone.now()
    return {kind: query(now).count() for kind, query in QUERIES.items()}


def escalation_queue(
    *, kind: str | None = None, now=None, limit: int = ROW_LIMIT
) -> list[Row]:
    """The rows of the queue (of ``kind`` only, when given), oldest first;
    at most ``limit`` of each kind. One query per kind."""
    now = now or timezone.now()
    rows: list[Row] = []
    for name, query in QUERIES.items():
        if kind and name != kind:
            continue
        build = ROW_BUILDERS[name]
        rows.extend(build(obj, now) for obj in query(now)[:limit])
    rows.sort(key=lambda row: (row.since, row.kind))
    return rows


def duration_text(delta: timedelta) -> str:
    return _duration(delta)
