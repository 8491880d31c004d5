"""The emails of a support thread, recorded in the transaction of the
message: every active member of staff is told of a message from the person
who opened it (``support_message``); that person is told when staff answer
(``support_answered``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from marketplace.notifications.formatting import format_date
from marketplace.notifications.services import notify

from ..models import Message

SUPPORT_MESSAGE_EVENT = "support_message"
SUPPORT_ANSWERED_EVENT = "support_answered"


def support_staff():
    """Who hears of a support message: active staff with an email address."""
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def _about(thread) -> dict:
    return_request = thread.support_return_request
    return {
        "order_number": thread.artist_order.order.number
        if thread.artist_order_id
        else "",
        "return_request": return_request.pk if return_request is not None else None,
    }


def notify_support_message(*, message: Message, photo_count: int) -> None:
    """Record the emails of ``message``, posted in a support thread: to
    staff when the opener wrote it, to the opener when staff did."""
    thread = message.thread
    thread_url = reverse("messaging:thread", kwargs={"pk": thread.pk})
    common = {
        "thread_id": thread.pk,
        "thread_url": thread_url,
        "body": message.body,
        "photos": photo_count,
        **_about(thread),
    }
    if message.is_staff_post:
        opener = thread.buyer
        if not opener.is_active:
            return
        with translation.override(opener.language or settings.LANGUAGE_CODE):
            subject = thread.display_subject
        notify(
            recipient=opener,
            event=SUPPORT_ANSWERED_EVENT,
            context={**common, "subject": subject},
            dedupe_key=f"{SUPPORT_ANSWERED_EVENT}:{message.pk}",
        )
        return
    if message.author_id != thread.buyer_id:
        return
    first = not thread.messages.exclude(pk=message.pk).exists()
    admin_url = reverse("admin:messaging_supportthread_change", args=[thread.pk])
    opener = thread.buyer
    for member in support_staff():
        with translation.override(member.language or settings.LANGUAGE_CODE):
            subject = thread.display_subject
            at = format_date(message.created_at)
        notify(
            recipient=member,
            event=SUPPORT_MESSAGE_EVENT,
            context={
                **common,
                "subject": subject,
                "at": at,
                "first": first,
                "opener": opener.get_full_name() or opener.username,
                "opener_email": opener.email,
                "side": thread.opened_as,
                "admin_url": admin_url,
            },
            dedupe_key=f"{SUPPORT_MESSAGE_EVENT}:{message.pk}:{member.pk}",
        )
