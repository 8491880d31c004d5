"""What the buyer's order page and the dashboard's order page show of an
artist order: the buttons allowed now, the timeline of its history, its
tracking link, its open requests. Read from prefetched rows only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.money import to_money

from . import rules, selectors
from .forms import RefusedAtCustomsForm
from .models import ArtistOrderState, CancellationStatus, NotReceivedStatus
from .tracking import tracking_url

BUYER_ACTIONS = frozenset(
    {
        "cancel",
        "change",
        "request_cancellation",
        "withdraw_cancellation",
        "confirm_delivery",
        "report_not_received",
    }
)
ARTIST_ACTIONS = frozenset(
    {"accept", "refuse", "ship", "reship", "refund_lost", "refused_at_customs"}
)

# History rows are labelled by their transition; unknown ones by the state
# they reached.
TRANSITION_LABELS = {
    "pay": gettext_lazy("Paid"),
    "fail_payment": gettext_lazy("Payment failed"),
    "accept": gettext_lazy("Accepted by the artist"),
    "refuse": gettext_lazy("Refused by the artist"),
    "time_out": gettext_lazy("Refused: not accepted in time"),
    "cancel": gettext_lazy("Cancelled by the buyer"),
    "request_cancellation": gettext_lazy("Cancellation requested"),
    "decline_cancellation": gettext_lazy("Cancellation request declined"),
    "withdraw_cancellation": gettext_lazy("Cancellation request withdrawn"),
    "ship": gettext_lazy("Shipped"),
    "reship": gettext_lazy("Shipped again"),
    "report_not_received": gettext_lazy("Reported as not received"),
    "confirm_delivery": gettext_lazy("Delivered"),
    "complete": gettext_lazy("Completed"),
    "close_lost": gettext_lazy("Closed: lost parcel refunded"),
    "refund_lost": gettext_lazy("Lost parcel refunded"),
    "refused_at_customs": gettext_lazy("Refused at customs"),
    "delay_notified": gettext_lazy("Dispatch delayed"),
    "change_lines": gettext_lazy("Quantities lowered by the buyer"),
    "change_address": gettext_lazy("Shipping address changed by the buyer"),
    "change_gift_message": gettext_lazy("Gift message changed by the buyer"),
}


@dataclass
class TimelineEntry:
    label: str
    who: str
    at: datetime
    note: str
    transition: str


def who_is(user_id, artist_order, *, viewer) -> str:
    """How ``viewer`` reads the name of the user ``user_id`` on a page about
    ``artist_order``: "you", the shop's name, the buyer's name, or the
    marketplace team."""
    if user_id == viewer.pk:
        return _("you")
    if user_id == artist_order.artist.user_id:
        return artist_order.artist.name
    if user_id == artist_order.order.buyer_id:
        return artist_order.order.shipping_name or _("the buyer")
    return _("the marketplace team")


def _who(event, artist_order, *, viewer) -> str:
    if event.by_id is None:
        return _("automatically")
    if event.by_id in (
        viewer.pk,
        artist_order.artist.user_id,
        artist_order.order.buyer_id,
    ):
        return who_is(event.by_id, artist_order, viewer=viewer)
    if event.by.is_staff:
        return _("the marketplace team")
    return event.by.get_username()


def timeline(artist_order, *, viewer, messages=()) -> list[TimelineEntry]:
    """The history rows of ``artist_order`` (prefetched), labelled for
    people, with ``messages`` (more ``TimelineEntry``: the conversation)
    in between, oldest first."""
    entries = list(messages)
    for event in artist_order.history.all():
        label = TRANSITION_LABELS.get(event.transition) or event.get_to_state_display()
        entries.append(
            TimelineEntry(
                label=str(label),
                who=_who(event, artist_order, viewer=viewer),
                at=event.at,
                note=event.note_text(),
                transition=event.transition,
            )
        )
    return sorted(entries, key=lambda entry: entry.at)


def customs_refusal(artist_order) -> dict | None:
    """The breakdown of a parcel refused at customs (``items_amount``,
    ``postage_amount``, ``amount``, as Decimals), from the prefetched
    history; None when it was not."""
    for event in artist_order.history.all():
        if event.transition == "refused_at_customs":
            values = event.note_values or {}
            return {
                key: to_money(values.get(key) or 0)
                for key in ("items_amount", "postage_amount", "amount")
            }
    return None


def decorate_artist_order(artist_order, *, user, side: str, messages=()):
    """Attach what a page shows of ``artist_order`` to it: ``actions`` (the
    actions ``user`` may take now on that ``side``, "buyer" or "artist"),
    ``timeline`` (with ``messages``, see ``timeline``), ``tracking_link``,
    ``cancellation`` / ``open_cancellation``, ``report`` / ``open_report``,
    ``overdue``, ``report_available_at`` and ``customs_refusal``. Reads
    prefetched rows only."""
    allowed = rules.allowed_actions(artist_order=artist_order, user=user)
    artist_order.actions = allowed & (
        BUYER_ACTIONS if side == "buyer" else ARTIST_ACTIONS
    )
    artist_order.can_cancel = bool(
        artist_order.actions & {"cancel", "request_cancellation"}
    )
    artist_order.timeline = timeline(artist_order, viewer=user, messages=messages)
    artist_order.tracking_link = (
        tracking_url(artist_order.carrier, artist_order.tracking_number)
        if artist_order.tracking_number
        else None
    )
    cancellation = selectors.latest_cancellation_request(artist_order)
    artist_order.cancellation = cancellation
    artist_order.open_cancellation = (
        cancellation
        if cancellation and cancellation.status == CancellationStatus.OPEN
        else None
    )
    report = selectors.latest_not_received_report(artist_order)
    artist_order.report = report
    artist_order.open_report = (
        report if report and report.status == NotReceivedStatus.OPEN else None
    )
    artist_order.overdue = rules.is_shipping_overdue(artist_order)
    artist_order.customs_refusal = customs_refusal(artist_order)
    if "refused_at_customs" in artist_order.actions:
        artist_order.customs_base = rules.customs_refund_base(artist_order)
        artist_order.customs_form = RefusedAtCustomsForm(prefix="customs")
    artist_order.report_available_at = (
        rules.not_received_available_at(artist_order)
        if artist_order.state == ArtistOrderState.SHIPPED
        else None
    )
    return artist_order
