"""Reads of conversations, scoped to the person asking."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from artists.models import Artist
from marketplace.errors import DomainError
from orders.selectors import artist_orders_visible_to
from returns.selectors import return_requests_visible_to

from .models import Message, MessagePhoto, SupportSide, Thread, ThreadKind


class Role:
    BUYER = "buyer"
    ARTIST = "artist"
    CHOICES = (BUYER, ARTIST)


def _participant_q(user, *, prefix: str = "", role: str | None = None) -> Q:
    """Threads ``user`` takes part in; a support thread (whose ``buyer`` is
    whoever opened it) counts on the side it was opened from."""
    condition = Q(pk__in=[])
    if role in (None, "", Role.BUYER):
        condition |= Q(**{f"{prefix}buyer": user}) & ~Q(
            **{f"{prefix}opened_as": SupportSide.ARTIST}
        )
    if role in (None, "", Role.ARTIST):
        condition |= Q(**{f"{prefix}artist__user": user}) | Q(
            **{f"{prefix}buyer": user, f"{prefix}opened_as": SupportSide.ARTIST}
        )
    return condition


def _unread_message_q(user, *, prefix: str, read_state: str) -> Q:
    """Messages (reached through ``prefix``) that ``user`` has not read: not
    written by ``user``, not hidden, newer than its read state (``read_state``
    is a FilteredRelation of the user's read state of the thread). System
    messages (status updates) show in the thread but never count as
    unread: they are not mail waiting for an answer."""
    return (
        Q(**{f"{prefix}system": False})
        & Q(**{f"{prefix}hidden_at__isnull": True})
        & (Q(**{f"{prefix}author__isnull": True}) | ~Q(**{f"{prefix}author": user}))
        & (
            Q(**{f"{read_state}__last_read_at__isnull": True})
            | Q(**{f"{prefix}created_at__gt": F(f"{read_state}__last_read_at")})
        )
    )


def threads_for_user(*, user, role: str | None = None) -> QuerySet[Thread]:
    """Threads ``user`` takes part in (as buyer, as artist, or both; ``role``
    narrows to one side), each with ``unread`` (messages by others not read
    yet) and ``role_for_user``; unread ones first, then by last message."""
    if not user.is_authenticated:
        return Thread.objects.none()
    return (
        Thread.objects.filter(_participant_q(user, role=role))
        .select_related(
            "buyer",
            "artist",
            "artist_order__order",
            "item",
            "return_request",
            "support_return_request",
        )
        .annotate(
            my_read=FilteredRelation(
                "read_states", condition=Q(read_states__user=user)
            ),
        )
        .annotate(
            unread=Count(
                "messages",
                filter=_unread_message_q(
                    user, prefix="messages__", read_state="my_read"
                ),
            ),
            role_for_user=Case(
                When(opened_as=SupportSide.ARTIST, then=Value(Role.ARTIST)),
                When(buyer=user, then=Value(Role.BUYER)),
                default=Value(Role.ARTIST),
            ),
            has_unread=Case(
                When(unread__gt=0, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("has_unread", "-last_message_at", "-id")
    )


def thread_get_for_user(*, user, pk) -> Thread:
    """A thread its buyer, its artist or staff may read.

    :raises Http404: for anyone else (and for anonymous users).
    """
    if not user.is_authenticated:
        raise Http404
    threads = Thread.objects.select_related(
        "buyer",
        "artist__user",
        "artist_order__order",
        "item",
        "return_request",
        "support_return_request__line",
    )
    if not user.is_staff:
        threads = threads.filter(_participant_q(user))
    try:
        return threads.get(pk=int(pk))
    except (Thread.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def thread_messages(*, thread: Thread) -> QuerySet[Message]:
    """The messages of ``thread``, oldest first, with authors and photos."""
    return (
        thread.messages.select_related("author", "hidden_by")
        .prefetch_related(
            Prefetch("photos", queryset=MessagePhoto.objects.order_by("id"))
        )
        .order_by("created_at", "id")
    )


def unread_counts(*, user) -> dict[str, int]:
    """Unread messages of ``user`` in one query: ``total`` (every thread it
    takes part in) and ``shop`` (its shop's threads)."""
    if not user.is_authenticated:
        return {"total": 0, "shop": 0}
    counts = (
        Message.objects.filter(_participant_q(user, prefix="thread__"))
        .annotate(
            my_read=FilteredRelation(
                "thread__read_states", condition=Q(thread__read_states__user=user)
            )
        )
        .filter(_unread_message_q(user, prefix="", read_state="my_read"))
        .aggregate(
            total=Count("id"),
            shop=Count(
                "id", filter=_participant_q(user, prefix="thread__", role="artist")
            ),
        )
    )
    return {"total": counts["total"] or 0, "shop": counts["shop"] or 0}


def thread_unread_count(*, thread: Thread, user) -> int:
    """Messages of ``thread`` that ``user`` has not read."""
    return (
        Message.objects.filter(thread=thread)
        .annotate(
            my_read=FilteredRelation(
                "thread__read_states", condition=Q(thread__read_states__user=user)
            )
        )
        .filter(_unread_message_q(user, prefix="", read_state="my_read"))
        .count()
    )


def message_photo_get_for_user(*, user, pk) -> MessagePhoto:
    """A message photo its thread's buyer, artist or staff may see.

    :raises Http404: for anyone else, and for photos of hidden messages
        (except for staff).
    """
    if not user.is_authenticated:
        raise Http404
    photos = MessagePhoto.objects.select_related("message__thread")
    if not user.is_staff:
        photos = photos.filter(
            _participant_q(user, prefix="message__thread__"),
            message__hidden_at__isnull=True,
        )
    try:
        return photos.get(pk=int(pk))
    except (MessagePhoto.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def message_get_for_user(*, user, pk) -> Message:
    """A message of a thread ``user`` takes part in (or any, for staff).

    :raises Http404: for anyone else.
    """
    messages = Message.objects.select_related("thread__artist")
    if not user.is_staff:
        messages = messages.filter(_participant_q(user, prefix="thread__"))
    try:
        return messages.get(pk=int(pk))
    except (Message.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def existing_contact_thread(
    *, buyer, artist, item=None, artist_order=None
) -> Thread | None:
    """The thread a contact form would continue, if there is one."""
    if not buyer.is_authenticated:
        return None
    threads = Thread.objects.filter(buyer=buyer, artist=artist)
    if artist_order is not None:
        return threads.filter(
            kind=ThreadKind.ARTIST_ORDER, artist_order=artist_order
        ).first()
    if item is not None:
        return threads.filter(kind=ThreadKind.ITEM, item=item).first()
    return threads.filter(kind=ThreadKind.GENERAL).first()


def support_about(*, user, artist_order=None, return_request=None) -> tuple:
    """The artist order and the return request, given by id, that ``user``
    asks the marketplace team about: its own, as their buyer or their
    artist (None for an id not given).

    :raises DomainError: on ``artist_order`` or ``return_request`` for
        another's (never confirming it exists).
    """
    found_order = found_request = None
    # Both sides of a user's own; staff (who answer, never open) see none.
    role = None if not user.is_staff else "nobody"
    if artist_order not in (None, ""):
        found_order = (
            artist_orders_visible_to(user=user, role=role)
            .prefetch_related(None)
            .filter(pk=_int_or_none(artist_order))
            .first()
        )
        if found_order is None:
            raise DomainError(
                _("This order is not one of yours."), field="artist_order"
            )
    if return_request not in (None, ""):
        found_request = (
            return_requests_visible_to(user=user, role=role)
            .prefetch_related(None)
            .select_related("artist")
            .filter(pk=_int_or_none(return_request))
            .first()
        )
        if found_request is None:
            raise DomainError(
                _("This return request is not one of yours."), field="return_request"
            )
    return found_order, found_request


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def with_support_waiting(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    """``threads`` (support threads) with ``waiting_since``: when the
    opener's first message not answered yet was sent (None when the last
    word is the team's: answered), and ``waiting_text``: the opener's latest
    message. Subqueries of the same query, whatever the number of rows."""
    last_staff_at = (
        Message.objects.filter(thread=OuterRef("pk"), is_staff_post=True)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    unanswered = Message.objects.filter(
        thread=OuterRef("pk"),
        system=False,
        is_staff_post=False,
        created_at__gt=Coalesce(
            OuterRef("last_staff_at"), Value(EPOCH, output_field=DateTimeField())
        ),
    )
    return threads.annotate(last_staff_at=Subquery(last_staff_at)).annotate(
        waiting_since=Subquery(
            unanswered.order_by("created_at", "id").values("created_at")[:1]
        ),
        waiting_text=Subquery(
            unanswered.order_by("-created_at", "-id").values("body")[:1]
        ),
    )


def support_threads_waiting() -> QuerySet[Thread]:
    """Support threads whose opener waits for the team's answer (the last
    message is not from staff), the longest waiting first."""
    return (
        with_support_waiting(Thread.objects.filter(kind=ThreadKind.SUPPORT))
        .filter(waiting_since__isnull=False)
        .select_related("buyer", "artist_order__order")
        .order_by("waiting_since", "id")
    )


def flagged_messages() -> QuerySet[Message]:
    """Flagged messages staff has not decided on yet (neither hidden nor the
    report dismissed), oldest flag first (escalation queue)."""
    return (
        Message.objects.filter(
            flagged_at__isnull=False,
            hidden_at__isnull=True,
            flag_dismissed_at__isnull=True,
        )
        .select_related("thread__artist", "thread__buyer", "author", "flagged_by")
        .order_by("flagged_at", "id")
    )


def artist_reply_time(*, artist: Artist, days: int = 30) -> timedelta | None:
    """The median time between a buyer's first message and the artist's
    first answer after it, over the threads with that artist started in the
    last ``days`` days and answered; None when there is none."""
    since = timezone.now() - timedelta(days=days)
    first_buyer_message = (
        Message.objects.filter(
            thread=OuterRef("pk"), author=OuterRef("buyer"), system=False
        )
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    first_answer = (
        Message.objects.filter(
            thread=OuterRef("pk"),
            author=OuterRef("artist__user"),
            system=False,
            created_at__gt=OuterRef("first_buyer_at"),
        )
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    rows = (
        Thread.objects.filter(artist=artist, created_at__gte=since)
        .annotate(first_buyer_at=Subquery(first_buyer_message))
        .annotate(first_answer_at=Subquery(first_answer))
        .filter(first_buyer_at__isnull=False, first_answer_at__isnull=False)
        .values_list("first_buyer_at", "first_answer_at")
    )
    delays = [answer - asked for asked, answer in rows]
    if not delays:
        return None
    return statistics.median(delays)
