"""The conversation of an artist order or a return request as entries of
that page's timeline (``orders.presenters`` and ``returns.presenters`` draw
the timelines; this adds the messages to them). System messages are left
out: each repeats a history row the timeline already shows."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders import presenters as order_presenters
from returns import presenters as return_presenters

from . import selectors
from .models import Message, Thread, ThreadKind
from .rendering import message_text

# An order thread's row names this many of its pieces at most.
ABOUT_TITLES = 3


def attach_conversations(artist_orders) -> None:
    """Prefetch the conversation of each artist order (its thread's
    messages, authors and photos) in a constant number of queries, for
    ``artist_order_messages``."""
    prefetch_related_objects(
        list(artist_orders),
        Prefetch(
            "message_threads",
            queryset=Thread.objects.filter(
                kind=ThreadKind.ARTIST_ORDER
            ).prefetch_related(
                Prefetch(
                    "messages",
                    queryset=Message.objects.filter(system=False)
                    .select_related("author")
                    .prefetch_related("photos")
                    .order_by("created_at", "id"),
                )
            ),
            to_attr="conversation_threads",
        ),
    )


def artist_order_messages(
    artist_order, *, viewer
) -> list[order_presenters.TimelineEntry]:
    """What buyer, artist and staff wrote about ``artist_order`` (prefetched
    by ``attach_conversations``), as entries of its timeline."""
    entries = []
    for thread in getattr(artist_order, "conversation_threads", ()):
        for message in thread.messages.all():
            if message.hidden_at and not viewer.is_staff:
                note = _("This message was hidden by the marketplace team.")
            else:
                note = message.body
                photos = len(message.photos.all())
                if photos:
                    note += " " + ngettext(
                        "(%(count)d photo)", "(%(count)d photos)", photos
                    ) % {"count": photos}
            if message.is_staff_post:
                who = _("the marketplace team")
            else:
                who = order_presenters.who_is(
                    message.author_id, artist_order, viewer=viewer
                )
            entries.append(
                order_presenters.TimelineEntry(
                    label=_("Message"),
                    who=who,
                    at=message.created_at,
                    note=note,
                    transition="message",
                )
            )
    return entries


def return_request_messages(
    return_request, *, viewer
) -> list[return_presenters.TimelineEntry]:
    """The messages of ``return_request``'s thread, as entries of its
    timeline."""
    if not return_request.thread_id:
        return []
    entries = []
    for message in selectors.thread_messages(thread=return_request.thread):
        if message.system:
            continue
        staff_post = message.is_staff_post
        entries.append(
            return_presenters.TimelineEntry(
                kind="message",
                at=message.created_at,
                who=(
                    _("Atelier team")
                    if staff_post
                    else return_presenters.who_is(
                        message.author_id, return_request, viewer=viewer
                    )
                ),
                text=message_text(message, viewer=viewer),
                mine=message.author_id == viewer.pk and not staff_post,
                staff=staff_post,
                photos=[]
                if message.hidden_at and not viewer.is_staff
                else list(message.photos.all()),
                pk=message.pk,
            )
        )
    return entries


def inbox_rows(threads) -> list[Thread]:
    """The threads of an inbox page, each with what its row shows: ``about``
    (the pieces it is about: the order's items, the returned piece, the
    item) and ``with_name`` (the other side: the shop for the buyer, the
    buyer's name as on the orders for the artist). Two queries whatever the
    number of rows."""
    threads = list(threads)
    prefetch_related_objects(threads, "artist_order__lines", "return_request__line")
    for thread in threads:
        thread.about = _thread_about(thread)
        thread.with_name = (
            _("Atelier team")
            if thread.is_support
            else thread.artist.name
            if getattr(thread, "role_for_user", None) == "buyer"
            else thread.buyer_name
        )
    return threads


def _thread_about(thread) -> str:
    if thread.is_support:
        return _support_about(thread)
    return_request = thread.return_request_or_none
    if return_request is not None:
        line = return_request.line
        return _("%(quantity)s × %(title)s") % {
            "quantity": return_request.quantity,
            "title": line.title,
        }
    if thread.kind == ThreadKind.ARTIST_ORDER and thread.artist_order_id:
        titles = [line.title for line in thread.artist_order.lines.all()]
        if len(titles) > ABOUT_TITLES:
            more = len(titles) - ABOUT_TITLES + 1
            titles = titles[: ABOUT_TITLES - 1] + [
                ngettext("%(count)d more piece", "%(count)d more pieces", more)
                % {"count": more}
            ]
        return ", ".join(titles)
    if thread.kind == ThreadKind.ITEM and thread.item_id:
        if thread.item.title != thread.display_subject:
            return thread.item.title
    return capfirst(thread.get_kind_display())


def _support_about(thread) -> str:
    if thread.support_return_request_id:
        return _("Return request #%(id)s") % {"id": thread.support_return_request_id}
    if thread.artist_order_id:
        return _("Order %(number)s") % {"number": thread.artist_order.order.number}
    return capfirst(thread.get_kind_display())
