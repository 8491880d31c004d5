"""Conversations between a buyer and a shop: starting a thread (about the
shop, an item, an artist order or a return request), posting in it (the
other side is emailed, a burst grouped into one email) and reading it."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from artists.models import Artist, Item
from marketplace.errors import DomainError
from marketplace.images import clean_image
from marketplace.notifications.formatting import format_date
from marketplace.notifications.models import Notification, NotificationStatus
from marketplace.notifications.services import notify
from returns.models import ReturnRequest

from ..models import (
    MAX_PHOTOS_PER_MESSAGE,
    Message,
    MessagePhoto,
    StaffActionKind,
    Thread,
    ThreadKind,
    ThreadReadState,
)
from .moderation import staff_action_record
from .support_emails import notify_support_message

logger = logging.getLogger(__name__)

BODY_MAX_LENGTH = 5000
SUBJECT_MAX_LENGTH = 200
NEW_MESSAGE_EVENT = "new_message"


# --- input checks ----------------------------------------------------------------


def _clean_body(body: str | None, *, photos: list) -> str:
    body = (body or "").strip()
    if not body and not photos:
        raise DomainError(_("Write a message."), field="body")
    if len(body) > BODY_MAX_LENGTH:
        raise DomainError(
            _("A message has at most %(max)s characters.") % {"max": BODY_MAX_LENGTH},
            field="body",
        )
    return body


def _clean_photos(photos) -> list:
    """Cleaned copies (re-encoded, without metadata) of up to three photos.

    :raises DomainError: on ``photos`` when there are too many or one is not
        a photo we accept.
    """
    photos = [photo for photo in (photos or ()) if photo]
    if len(photos) > MAX_PHOTOS_PER_MESSAGE:
        raise DomainError(
            _("Attach at most %(max)s photos to a message.")
            % {"max": MAX_PHOTOS_PER_MESSAGE},
            field="photos",
        )
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(clean_image(photo))
        except ValidationError as error:
            raise DomainError(
                " ".join(str(m) for m in error.messages), field="photos"
            ) from None
    return cleaned


def _clean_subject(subject: str | None) -> str:
    subject = " ".join((subject or "").split())
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise DomainError(
            _("A subject has at most %(max)s characters.")
            % {"max": SUBJECT_MAX_LENGTH},
            field="subject",
        )
    return subject


# --- threads -----------------------------------------------------------------------


def _get_or_create_thread(*, lookup: dict, defaults: dict) -> Thread:
    """The thread matching ``lookup`` (locked), created with ``defaults`` if
    missing; a concurrent creation of the same thread is found, not doubled."""
    thread = Thread.objects.select_for_update().filter(**lookup).first()
    if thread is not None:
        return thread
    try:
        with transaction.atomic():
            return Thread.objects.create(**lookup, **defaults)
    except IntegrityError:
        return Thread.objects.select_for_update().get(**lookup)


def thread_for_artist_order(*, artist_order) -> Thread:
    """The thread of ``artist_order`` between its buyer and its artist,
    created (without any message) if needed. Call inside a transaction."""
    buyer_id = artist_order.order.buyer_id
    return _get_or_create_thread(
        lookup={
            "kind": ThreadKind.ARTIST_ORDER,
            "buyer_id": buyer_id,
            "artist_id": artist_order.artist_id,
            "artist_order": artist_order,
        },
        defaults={},
    )


def thread_for_return_request(*, return_request) -> Thread:
    """The thread of ``return_request`` (its one-to-one ``thread``), created
    and linked if it has none yet. Call inside a transaction."""
    thread_id = getattr(return_request, "thread_id", None)
    if thread_id:
        return Thread.objects.select_for_update().get(pk=thread_id)
    artist_order = return_request.artist_order
    thread = Thread.objects.create(
        kind=ThreadKind.RETURN_REQUEST,
        buyer_id=artist_order.order.buyer_id,
        artist_id=artist_order.artist_id,
        artist_order=artist_order,
    )
    linked = ReturnRequest.objects.filter(
        pk=return_request.pk, thread__isnull=True
    ).update(thread=thread)
    if not linked:  # another transaction linked one first: use that one
        thread.delete()
        thread_id = ReturnRequest.objects.filter(pk=return_request.pk).values_list(
            "thread_id", flat=True
        )[0]
        thread = Thread.objects.select_for_update().get(pk=thread_id)
    return_request.thread = thread
    return thread


def _never_paid_message() -> str:
    # An order whose payment failed never reached its artist (who cannot
    # see it): no conversation about it.
    return _(
        "The payment of this order was declined: the artist never received "
        "it. Write to the artist from their shop page."
    )


def thread_start(
    *,
    buyer,
    artist: Artist,
    subject: str = "",
    body: str,
    photos=(),
    artist_order=None,
    item: Item | None = None,
) -> Thread:
    """A buyer writes to an artist's shop: about one of its orders with that
    artist, about one of its items, or about the shop in general. The
    existing thread on the same topic is continued (its subject kept).

    Returns the thread; its newest message is the one just written.

    :raises DomainError: on ``artist`` (own shop, or a shop buyers cannot
        see), ``artist_order`` (not the buyer's with that artist), ``item``
        (not that artist's, or not on sale), ``subject``, ``body`` or
        ``photos``; nothing is recorded.
    """
    if buyer is None or not buyer.is_authenticated:
        raise DomainError(_("Log in to write to an artist."))
    if artist.user_id == buyer.pk:
        raise DomainError(_("You cannot write to your own shop."), field="artist")
    if artist_order is not None:
        if (
            artist_order.artist_id != artist.pk
            or artist_order.order.buyer_id != buyer.pk
        ):
            raise DomainError(
                _("This order is not one of yours with this artist."),
                field="artist_order",
            )
        if artist_order.payment_failed:
            raise DomainError(_never_paid_message(), field="artist_order")
    elif not Artist.objects.visible().filter(pk=artist.pk).exists():
        raise DomainError(_("This shop is not open."), field="artist")
    if item is not None and (
        item.artist_id != artist.pk
        or not Item.objects.visible().filter(pk=item.pk).exists()
    ):
        raise DomainError(_("This item is not on sale in this shop."), field="item")
    subject = _clean_subject(subject)
    cleaned_photos = _clean_photos(photos)
    body = _clean_body(body, photos=cleaned_photos)

    with transaction.atomic():
        if artist_order is not None:
            thread = thread_for_artist_order(artist_order=artist_order)
        elif item is not None:
            thread = _get_or_create_thread(
                lookup={
                    "kind": ThreadKind.ITEM,
                    "buyer": buyer,
                    "artist": artist,
                    "item": item,
                },
                defaults={},
            )
        else:
            thread = _get_or_create_thread(
                lookup={"kind": ThreadKind.GENERAL, "buyer": buyer, "artist": artist},
                defaults={},
            )
        if subject and not thread.subject and not thread.messages.exists():
            thread.subject = subject
            thread.save(update_fields=["subject"])
        _post(
            thread=thread,
            author=buyer,
            body=body,
            photos=cleaned_photos,
            staff_post=False,
        )
    return thread


def artist_order_message_post(*, artist_order, author, body: str, photos=()) -> Message:
    """The buyer or the artist of ``artist_order`` (or staff) writes in that
    order's thread, created if needed.

    :raises DomainError: when ``author`` is neither, or on ``body``/``photos``.
    """
    if not (
        author.is_staff
        or author.pk == artist_order.order.buyer_id
        or author.pk == artist_order.artist.user_id
    ):
        raise DomainError(_("You cannot write about this order."))
    if artist_order.payment_failed and not author.is_staff:
        raise DomainError(_never_paid_message(), field="artist_order")
    cleaned_photos = _clean_photos(photos)
    body = _clean_body(body, photos=cleaned_photos)
    with transaction.atomic():
        thread = thread_for_artist_order(artist_order=artist_order)
        return _post_checked(
            thread=thread, author=author, body=body, photos=cleaned_photos
        )


def return_request_message_post(
    *, return_request, author, body: str, photos=()
) -> Message:
    """The buyer or the artist of ``return_request`` (or staff) writes in its
    thread, created if needed.

    :raises DomainError: when ``author`` is neither, or on ``body``/``photos``.
    """
    artist_order = return_request.artist_order
    if not (
        author.is_staff
        or author.pk == artist_order.order.buyer_id
        or author.pk == artist_order.artist.user_id
    ):
        raise DomainError(_("You cannot write about this return request."))
    cleaned_photos = _clean_photos(photos)
    body = _clean_body(body, photos=cleaned_photos)
    with transaction.atomic():
        thread = thread_for_return_request(return_request=return_request)
        return _post_checked(
            thread=thread, author=author, body=body, photos=cleaned_photos
        )


# --- messages ----------------------------------------------------------------------


def message_post(*, thread: Thread, author, body: str, photos=()) -> Message:
    """``author`` writes in ``thread``: one of its two participants, or staff
    (shown as the marketplace team; the post is recorded as a staff action).
    The other side is emailed (grouped with other messages of the next few
    minutes).

    :raises DomainError: when ``author`` may not write here, or on ``body``
        or ``photos``; nothing is recorded.
    """
    cleaned_photos = _clean_photos(photos)
    body = _clean_body(body, photos=cleaned_photos)
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        message = _post_checked(
            thread=locked, author=author, body=body, photos=cleaned_photos
        )
    thread.last_message_at = locked.last_message_at
    return message


def _post_checked(*, thread: Thread, author, body: str, photos: list) -> Message:
    artist_user_id = (  # None for a support thread: its opener and staff
        Artist.objects.filter(pk=thread.artist_id)
        .values_list("user_id", flat=True)
        .first()
    )
    participant = author.pk in (thread.buyer_id, artist_user_id)
    if not participant and not author.is_staff:
        raise DomainError(_("You cannot write in this conversation."))
    if not author.is_active:
        raise DomainError(_("This account is suspended."))
    return _post(
        thread=thread,
        author=author,
        body=body,
        photos=photos,
        staff_post=not participant,
    )


def _post(
    *, thread: Thread, author, body: str, photos: list, staff_post: bool
) -> Message:
    """Record a message in a locked thread, its photos, the author's read
    state, the staff action of a staff post and the emails to the others."""
    now = timezone.now()
    message = Message.objects.create(
        thread=thread,
        author=author,
        body=body,
        is_staff_post=staff_post,
        created_at=now,
    )
    for photo in photos:
        MessagePhoto.objects.create(message=message, image=photo)
    thread.last_message_at = now
    thread.save(update_fields=["last_message_at"])
    _set_read(thread=thread, user=author, at=now)
    if staff_post:
        staff_action_record(
            by=author, action=StaffActionKind.STAFF_POST, target=message, reason=""
        )
    if thread.kind == ThreadKind.SUPPORT:  # the team, or the opener, is told
        notify_support_message(message=message, photo_count=len(photos))
        return message
    for recipient in _recipients(thread=thread, author=author):
        _notify_new_message(
            recipient=recipient, message=message, photo_count=len(photos)
        )
    return message


def _recipients(*, thread: Thread, author) -> list:
    artist_user = thread.artist.user
    people = [thread.buyer, artist_user]
    return [
        person
        for person in people
        if person.pk != author.pk and person.is_active and person.email
    ]


def _author_name(message: Message, *, thread: Thread) -> str:
    author = message.author
    if author is None:
        return ""
    if message.is_staff_post:
        return ""  # shown as the marketplace team, in the reader's language
    if author.pk == thread.artist.user_id:
        return thread.artist.name
    if author.pk == thread.buyer_id:
        return thread.buyer_name  # as the artist's orders name the buyer
    return author.get_full_name() or author.username


def _notify_new_message(*, recipient, message: Message, photo_count: int) -> None:
    """Email ``recipient`` about ``message``. With a grouping window, a
    new-message email to the same person about the same thread that has not
    left yet takes this message too, instead of a second email."""
    thread = message.thread
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language):
        entry = {
            "id": message.pk,
            "author": _author_name(message, thread=thread),
            "staff": message.is_staff_post,
            "body": message.body,
            "photos": photo_count,
            "at": format_date(message.created_at),
        }
        subject = thread.display_subject
    window = int(getattr(settings, "MESSAGE_EMAIL_GROUP_SECONDS", 0) or 0)
    now = timezone.now()
    if window > 0:
        waiting = (
            Notification.objects.select_for_update()
            .filter(
                recipient=recipient,
                event=NEW_MESSAGE_EVENT,
                status=NotificationStatus.PENDING,
                attempts=0,
                available_at__gt=now,
                context__thread_id=thread.pk,
            )
            .order_by("-id")
            .first()
        )
        if waiting is not None:
            context = dict(waiting.context)
            context["messages"] = [*context.get("messages", []), entry]
            context["count"] = len(context["messages"])
            updated = Notification.objects.filter(
                pk=waiting.pk, status=NotificationStatus.PENDING, available_at__gt=now
            ).update(context=context)
            if updated:
                return
    notify(
        recipient=recipient,
        event=NEW_MESSAGE_EVENT,
        context={
            "thread_id": thread.pk,
            "thread_url": reverse("messaging:thread", kwargs={"pk": thread.pk}),
            "subject": subject,
            "shop": thread.artist.name,
            "to_artist": recipient.pk == thread.artist.user_id,
            "messages": [entry],
            "count": 1,
        },
        dedupe_key=f"{NEW_MESSAGE_EVENT}:{message.pk}:{recipient.pk}",
        available_at=now + timedelta(seconds=window) if window > 0 else None,
    )


def _set_read(*, thread: Thread, user, at) -> None:
    updated = ThreadReadState.objects.filter(
        thread=thread, user=user, last_read_at__lt=at
    ).update(last_read_at=at)
    if updated:
        return
    if ThreadReadState.objects.filter(thread=thread, user=user).exists():
        return
    try:
        with transaction.atomic():
            ThreadReadState.objects.create(thread=thread, user=user, last_read_at=at)
    except IntegrityError:  # created concurrently
        ThreadReadState.objects.filter(
            thread=thread, user=user, last_read_at__lt=at
        ).update(last_read_at=at)


def thread_mark_read(*, thread: Thread, user) -> None:
    """Everything in ``thread`` up to now counts as read by ``user``."""
    if user is None or not user.is_authenticated:
        return
    _set_read(thread=thread, user=user, at=timezone.now())


def artist_order_threads_mark_read(*, artist_orders, user) -> None:
    """The conversations of ``artist_orders`` that ``user`` takes part in
    (as buyer or as artist) count as read up to now: the order page shows
    them in full. The threads prefetched by
    ``messaging.presenters.attach_conversations`` are not read again; one
    statement marks them all."""
    if user is None or not user.is_authenticated:
        return
    thread_ids = []
    for artist_order in artist_orders:
        threads = getattr(artist_order, "conversation_threads", None)
        if threads is None:
            threads = Thread.objects.filter(
                kind=ThreadKind.ARTIST_ORDER, artist_order=artist_order
            )
        thread_ids += [
            thread.pk
            for thread in threads
            if thread.buyer_id == user.pk or artist_order.artist.user_id == user.pk
        ]
    if not thread_ids:
        return
    now = timezone.now()
    ThreadReadState.objects.bulk_create(
        [
            ThreadReadState(thread_id=thread_id, user=user, last_read_at=now)
            for thread_id in sorted(set(thread_ids))
        ],
        update_conflicts=True,
        unique_fields=["thread", "user"],
        update_fields=["last_read_at"],
    )
