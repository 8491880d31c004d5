"""Reads of return requests, scoped to the person asking."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext_lazy

from artists.selectors import artist_for_user

from .models import OPEN_STATES, ReturnEvent, ReturnPhoto, ReturnRequest, ReturnState

R = ReturnState
# The artist's queues on the dashboard.
ARTIST_QUEUES = {
    "new": (R.REQUESTED,),
    "awaiting_receipt": (R.ACCEPTED, R.IN_TRANSIT),
    "to_refund": (R.RECEIVED,),
}


def _base() -> QuerySet[ReturnRequest]:
    """Requests with what their pages and the API show. The rows every
    request has come in the same query; the others (the shop, the refund,
    the wanted replacement, photos, history) in one query each for the
    page, because one join of eleven tables was slow to plan
    (docs/performance.md)."""
    return ReturnRequest.objects.select_related(
        "artist_order__order",
        "artist_order__artist__user",
        "line",
        "buyer",
    ).prefetch_related(
        "artist",
        "refund",
        "desired_variant__item",
        "desired_item",
        "photos",
        Prefetch("history", queryset=ReturnEvent.objects.select_related("by")),
    )


def return_requests_for_buyer(*, buyer) -> QuerySet[ReturnRequest]:
    """The buyer's requests, newest first."""
    return _base().filter(buyer=buyer).order_by("-created_at", "-id")


def return_requests_for_artist(
    *, artist, state=None, queue: str | None = None
) -> QuerySet[ReturnRequest]:
    """Requests about ``artist``'s orders, newest first; ``state`` (a value
    or a list) or ``queue`` (``new``, ``awaiting_receipt``, ``to_refund``)
    narrows them."""
    queryset = _base().filter(artist=artist)
    if queue is not None:
        queryset = queryset.filter(state__in=ARTIST_QUEUES.get(queue, ()))
    if state:
        states = [state] if isinstance(state, str) else list(state)
        queryset = queryset.filter(state__in=states)
    return queryset.order_by("-created_at", "-id")


def return_requests_escalated() -> QuerySet[ReturnRequest]:
    """The staff's escalation queue, oldest first."""
    return _base().filter(state=R.ESCALATED).order_by("escalated_at", "id")


def return_requests_visible_to(
    *, user, role: str | None = None
) -> QuerySet[ReturnRequest]:
    """Requests ``user`` may read: its own as a buyer, its shop's as an
    artist (``role`` "buyer" or "artist" narrows to one side; default both),
    every one for staff (``role`` "staff", or no role)."""
    if user is None or not user.is_authenticated:
        return ReturnRequest.objects.none()
    queryset = _base()
    if user.is_staff and role in (None, "", "staff"):
        return queryset
    if role == "staff":
        return queryset.none()
    condition = Q(pk__in=[])
    if role in (None, "", "buyer"):
        condition |= Q(buyer=user)
    artist = artist_for_user(user)
    if role in (None, "", "artist") and artist is not None:
        condition |= Q(artist=artist)
    return queryset.filter(condition)


def prefetch_escalation_checks(return_requests, *, user) -> None:
    """Read, in one query for a page of requests, what
    ``rules.allowed_return_actions`` asks of each rejected request of
    ``user`` as its buyer (whether another request has taken its pieces
    since: the other requests of its line), instead of one query each."""
    lines = [
        rr.line
        for rr in return_requests
        if rr.state == R.REJECTED and rr.buyer_id == getattr(user, "pk", None)
    ]
    if lines:
        prefetch_related_objects(
            lines,
            Prefetch(
                "return_requests",
                queryset=ReturnRequest.objects.only(
                    "id", "line_id", "quantity", "state"
                ),
            ),
        )


def return_request_get_for_user(*, user, pk) -> ReturnRequest:
    """A request its buyer, its artist or staff may read.

    :raises Http404: for anyone else (and for anonymous users).
    """
    try:
        return return_requests_visible_to(user=user).get(pk=int(pk))
    except (ReturnRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def return_request_get_for_buyer(*, buyer, pk) -> ReturnRequest:
    """One of the buyer's requests.

    :raises Http404: for another buyer's request.
    """
    try:
        return return_requests_visible_to(user=buyer, role="buyer").get(pk=int(pk))
    except (ReturnRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def return_request_get_for_artist(*, artist, pk) -> ReturnRequest:
    """One of the requests about ``artist``'s orders.

    :raises Http404: for another artist's request.
    """
    try:
        return _base().filter(artist=artist).get(pk=int(pk))
    except (ReturnRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def return_photo_get_for_user(*, user, pk) -> ReturnPhoto:
    """A photo of a request its buyer, its artist or staff may see.

    :raises Http404: for anyone else (and for anonymous users).
    """
    if user is None or not user.is_authenticated:
        raise Http404
    photos = ReturnPhoto.objects.select_related("request")
    if not user.is_staff:
        condition = Q(request__buyer=user)
        artist = artist_for_user(user)
        if artist is not None:
            condition |= Q(request__artist=artist)
        photos = photos.filter(condition)
    try:
        return photos.get(pk=int(pk))
    except (ReturnPhoto.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def open_return_requests(*, artist_order) -> QuerySet[ReturnRequest]:
    """The requests of ``artist_order`` still running (they hold its
    completion and its payout)."""
    return ReturnRequest.objects.filter(
        artist_order=artist_order, state__in=OPEN_STATES
    )


def artist_return_counts(*, artist) -> dict[str, int]:
    """How many requests wait in each of the artist's queues."""
    counts = {name: 0 for name in ARTIST_QUEUES}
    rows = ReturnRequest.objects.filter(
        artist=artist,
        state__in=[s for states in ARTIST_QUEUES.values() for s in states],
    ).values_list("state", flat=True)
    for state in rows:
        for name, states in ARTIST_QUEUES.items():
            if state in states:
                counts[name] += 1
    return counts


# Titles of the artist's queues (``ARTIST_QUEUES``) on the dashboard.
QUEUE_TITLES = {
    "new": gettext_lazy("New requests"),
    "awaiting_receipt": gettext_lazy("Awaiting receipt"),
    "to_refund": gettext_lazy("Received: to refund or replace"),
}
QUEUE_SIZE = 20


def artist_return_queues(*, artist, limit: int = QUEUE_SIZE) -> dict:
    """The artist's returns that need it, oldest first, ``limit`` rows each
    with the full count: new requests (to answer), accepted or sent back
    (awaiting receipt), received (to refund or replace). Three queries, plus
    one per queue longer than ``limit``."""
    queues = {}
    for name, states in ARTIST_QUEUES.items():
        queryset = (
            ReturnRequest.objects.filter(artist=artist, state__in=states)
            .select_related("line", "artist_order__order")
            .order_by("created_at", "id")
        )
        rows = list(queryset[:limit])
        count = len(rows) if len(rows) < limit else queryset.count()
        queues[name] = {"rows": rows, "count": count, "title": QUEUE_TITLES[name]}
    return queues


def open_returns_hold() -> Q:
    """Artist orders with a return request still running: their sale is not
    final (``orders.hooks.completion_holds``)."""
    return Q(return_requests__state__in=OPEN_STATES)
