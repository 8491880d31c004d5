"""System messages: every state change of an artist order or a return
request, posted in its thread in the transaction of the change (the
``status_changed`` hooks of ``orders`` and ``returns``) and rendered in each
reader's language when read."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Message, Thread
from .threads import thread_for_artist_order, thread_for_return_request


def system_message_post(
    *,
    artist_order=None,
    return_request=None,
    event: str,
    context: dict,
    dedupe_key: str,
) -> Message | None:
    """Post the state change ``event`` into the thread of ``return_request``
    (when given) or of ``artist_order``, creating the thread if needed.

    The message keeps ``event`` and ``context`` (JSON-serialisable), and is
    rendered from ``templates/messaging/system/<event>.txt`` in each
    reader's language when read. Idempotent: a second call with the same
    ``dedupe_key`` (a retried worker) posts nothing and returns None.
    System messages show in the thread but never count as unread (status
    updates are not mail waiting for an answer); no email is sent for them
    (the status-change email says it already).

    :raises ValueError: without an artist order or a return request.
    """
    if artist_order is None and return_request is None:
        raise ValueError(
            "system_message_post needs an artist order or a return request"
        )
    if not dedupe_key:
        raise ValueError("system_message_post needs a dedupe key")
    if Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    with transaction.atomic():
        if return_request is not None:
            thread = thread_for_return_request(return_request=return_request)
        else:
            thread = thread_for_artist_order(artist_order=artist_order)
        now = timezone.now()
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    thread=thread,
                    system=True,
                    event=event,
                    context=context or {},
                    dedupe_key=dedupe_key,
                    created_at=now,
                )
        except IntegrityError:
            if Message.objects.filter(dedupe_key=dedupe_key).exists():
                return None
            raise
        Thread.objects.filter(pk=thread.pk, last_message_at__lt=now).update(
            last_message_at=now
        )
    return message
