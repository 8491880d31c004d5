"""Decisions about reviews that change nothing: which lines can be reviewed
now and why not, until when a review can be edited, the average rating."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import ArtistOrder, ArtistOrderState

EDIT_DAYS = 30
TEXT_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500
MAX_PHOTOS = 5
RATINGS = (1, 2, 3, 4, 5)

S = ArtistOrderState
REVIEWABLE_STATES = (S.DELIVERED, S.COMPLETED)
CLOSED_UNSOLD = (S.REFUSED, S.CANCELLED)


@dataclass(frozen=True)
class Reviewable:
    """Whether a line can be reviewed now (``code`` "ok") or why not:
    ``closed`` (the artist order was refused or cancelled), ``not_delivered``
    (not received yet, or a lost parcel)."""

    code: str
    why_not: str = ""

    @property
    def ok(self) -> bool:
        return self.code == "ok"


def line_reviewable(artist_order: ArtistOrder) -> Reviewable:
    """Whether the lines of ``artist_order`` can be reviewed now."""
    if artist_order.state in CLOSED_UNSOLD:
        return Reviewable(
            "closed",
            _("This order was refused or cancelled: there is no piece to review."),
        )
    if artist_order.state not in REVIEWABLE_STATES or not artist_order.delivered_at:
        return Reviewable(
            "not_delivered",
            _("You can review this piece once it has been delivered."),
        )
    return Reviewable("ok")


def edit_until(review) -> dt.datetime:
    """The last moment the buyer may edit ``review``."""
    return review.created_at + dt.timedelta(days=EDIT_DAYS)


def can_edit(review, *, at=None) -> bool:
    """Whether the buyer may still edit ``review`` (not hidden, within
    ``EDIT_DAYS`` of writing it)."""
    return not review.is_hidden and (at or timezone.now()) <= edit_until(review)


def average(total: int, count: int) -> Decimal | None:
    """The average of ``count`` ratings summing to ``total``, to the
    hundredth (half up); None without ratings."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
