"""The rows of the escalation queue about things left waiting too long on
an artist (``escalations`` adds them to its kinds): return refunds past
their due date (``REFUND_DUE_BUSINESS_DAYS`` business days after
reception, seed 002), returns sent back and not marked received within
``RETURN_RECEIVE_DAYS`` (the periodic job passes them to staff; here until
it has), and accepted artist orders still not shipped long after their
expected dispatch date (``STAFF_SHIPPING_OVERDUE_DAYS``, default 7).

Each kind is one query (plus one count) whatever the number of rows; a row
is given as the fields of ``escalations.Row``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.notifications.formatting import format_amount, format_date
from orders.models import ArtistOrder, ArtistOrderState
from returns.models import ReturnRequest, ReturnState
from returns.rules import escalated_when_stuck, receive_due_at, refund_escalation_at
from staff.admin_links import change_url, transition_url, user_url

KINDS = {
    "late_refunds": gettext_lazy("Return refunds overdue"),
    "stuck_returns": gettext_lazy("Returns sent back, not marked received"),
    "shipping": gettext_lazy("Orders not shipped long after their dispatch date"),
}


def shipping_overdue_wait() -> timedelta:
    """How long after its expected dispatch date an accepted artist order
    still not shipped enters the queue."""
    return timedelta(days=float(getattr(settings, "STAFF_SHIPPING_OVERDUE_DAYS", 7)))


def _returns() -> QuerySet:
    return ReturnRequest.objects.select_related(
        "artist_order__order", "artist", "buyer", "line"
    )


def late_refunds(now) -> QuerySet:
    """Received returns neither refunded nor replaced by their due date,
    the longest overdue first."""
    return (
        _returns()
        .filter(state=ReturnState.RECEIVED, refund_due_at__lte=now)
        .order_by("refund_due_at", "id")
    )


def stuck_returns(now) -> QuerySet:
    """Returns sent back and still not marked received ``RETURN_RECEIVE_DAYS``
    after (the periodic job escalates them: they stay here until it has)."""
    cutoff = now - timedelta(days=settings.RETURN_RECEIVE_DAYS)
    return (
        _returns()
        .filter(state=ReturnState.IN_TRANSIT, shipped_back_at__lte=cutoff)
        .order_by("shipped_back_at", "id")
    )


def shipping_overdue(now) -> QuerySet:
    """Accepted artist orders still not shipped ``shipping_overdue_wait``
    after their expected dispatch date (the buyer was told of the delay)."""
    last_day = timezone.localdate(now - shipping_overdue_wait())
    return (
        ArtistOrder.objects.filter(
            state=ArtistOrderState.ACCEPTED, dispatch_date__lt=last_day
        )
        .select_related("order", "artist")
        .order_by("dispatch_date", "id")
    )


QUERIES = {
    "late_refunds": late_refunds,
    "stuck_returns": stuck_returns,
    "shipping": shipping_overdue,
}


def escalation_reason(rr) -> str:
    """Why the system passed the escalated request ``rr`` to staff."""
    if not escalated_when_stuck(rr):
        return _("No answer from the artist in time.")
    if rr.received_at is None:
        return _("Sent back, and not marked received by the artist in time.")
    return _("Received by the artist, and not refunded in time.")


def _return_title(rr) -> str:
    return _(
        "Return #%(id)s — order %(number)s, %(artist)s, %(quantity)s × %(title)s"
    ) % {
        "id": rr.pk,
        "number": rr.artist_order.order.number,
        "artist": rr.artist.name,
        "quantity": rr.quantity,
        "title": rr.line.title,
    }


def _return_links(rr) -> list[tuple[str, str]]:
    return [
        (_("refund"), transition_url(rr, "refund")),
        (_("buyer"), user_url(rr.buyer_id)),
        (_("artist order"), change_url(rr.artist_order)),
    ]


def _late_refund_row(rr, now) -> dict:
    return {
        "title": _return_title(rr),
        "detail": _(
            "Received on %(received)s; the refund was due by %(due)s. Without it by "
            "%(escalation)s, the request passes to the team."
        )
        % {
            "received": format_date(rr.received_at),
            "due": format_date(rr.refund_due_at),
            "escalation": format_date(refund_escalation_at(rr)),
        },
        "since": rr.refund_due_at,
        "url": change_url(rr),
        "links": _return_links(rr),
        "overdue": True,
    }


def _stuck_return_row(rr, now) -> dict:
    return {
        "title": _return_title(rr),
        "detail": _(
            "Sent back on %(sent)s with %(carrier)s %(tracking)s; not marked received by %(due)s."
        )
        % {
            "sent": format_date(rr.shipped_back_at),
            "carrier": rr.return_carrier,
            "tracking": rr.return_tracking_number,
            "due": format_date(receive_due_at(rr)),
        },
        "since": receive_due_at(rr),
        "url": change_url(rr),
        "links": [
            (_("mark received"), transition_url(rr, "receive")),
            *_return_links(rr)[1:],
        ],
        "overdue": True,
    }


def _shipping_row(artist_order, now) -> dict:
    return {
        "title": _("Order %(number)s — %(artist)s (%(total)s €)")
        % {
            "number": artist_order.order.number,
            "artist": artist_order.artist.name,
            "total": format_amount(artist_order.total),
        },
        "detail": _(
            "Accepted, expected to leave the workshop on %(date)s, still not shipped."
        )
        % {"date": format_date(artist_order.dispatch_date)},
        "since": artist_order.accepted_at or artist_order.created_at,
        "url": change_url(artist_order),
        "links": [
            (_("refuse and refund"), transition_url(artist_order, "refuse")),
            (_("artist"), change_url(artist_order.artist)),
        ],
        "overdue": True,
    }


ROW_FIELDS = {
    "late_refunds": _late_refund_row,
    "stuck_returns": _stuck_return_row,
    "shipping": _shipping_row,
}


def row_builder(kind: str, row_class):
    """The row builder of ``kind`` for the queue: ``row_class(kind=...,
    **fields)``."""
    fields = ROW_FIELDS[kind]
    return lambda obj, now: row_class(kind=kind, **fields(obj, now))
