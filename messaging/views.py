"""Conversation pages: inbox, thread, contact forms, private photos.

Every thread, message or photo id in a URL is looked up among the threads
the logged-in user takes part in (any thread for staff): others get a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from artists import selectors as catalog
from artists.models import Item
from marketplace.errors import DomainError
from marketplace.storage import private_file_response
from orders.selectors import artist_order_get_for_user

from . import presenters, rules, selectors, services
from .forms import (
    ContactForm,
    MessageForm,
    ModerationForm,
    ReportForm,
    post_from_form,
)
from .selectors import Role


def _shop_layout(request, thread) -> bool:
    """Whether ``thread`` is shown inside the seller dashboard: the user is
    its artist (and not also its buyer), or opened it from the dashboard."""
    if thread.is_support:
        return thread.buyer_id == request.user.pk and thread.opened_as == Role.ARTIST
    return (
        thread.artist.user_id == request.user.pk and thread.buyer_id != request.user.pk
    )


def _viewer_side(request, thread) -> str:
    if thread.is_support and thread.buyer_id == request.user.pk:
        return thread.opened_as
    if thread.buyer_id == request.user.pk:
        return Role.BUYER
    if thread.artist_id and thread.artist.user_id == request.user.pk:
        return Role.ARTIST
    return "staff"


def _shop_artist(request, thread):
    return thread.artist or catalog.artist_for_user(request.user)


THREADS_PER_PAGE = 30


def _page(request, threads):
    return Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))


@login_required
def inbox(request):
    """Every conversation of the user: unread ones first, labelled by side
    (as a buyer, or as the artist of its shop)."""
    role = request.GET.get("role")
    role = role if role in Role.CHOICES else None
    page = _page(request, selectors.threads_for_user(user=request.user, role=role))
    return render(
        request,
        "messaging/thread_list.html",
        {
            "threads": presenters.inbox_rows(page.object_list),
            "page": page,
            "role": role,
            "is_artist": request.user.is_artist,
        },
    )


@login_required
def shop_inbox(request):
    """The shop's conversations, in the seller dashboard."""
    artist = catalog.artist_for_user(request.user)
    if artist is None:
        raise Http404
    page = _page(
        request, selectors.threads_for_user(user=request.user, role=Role.ARTIST)
    )
    return render(
        request,
        "messaging/thread_list_shop.html",
        {
            "threads": presenters.inbox_rows(page.object_list),
            "page": page,
            "artist": artist,
            "dash_section": "messages",
        },
    )


@login_required
def thread_detail(request, pk):
    """A conversation and its reply form; reading it marks it read."""
    thread = selectors.thread_get_for_user(user=request.user, pk=pk)
    form = MessageForm()
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            message = post_from_form(
                request,
                form,
                lambda: services.message_post(
                    thread=thread,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    photos=form.cleaned_data["photos"],
                ),
            )
            if message is not None:
                messages.success(request, _("Your message has been sent."))
                return redirect(f"{thread.get_absolute_url()}#message-{message.pk}")
    services.thread_mark_read(thread=thread, user=request.user)
    shop = _shop_layout(request, thread)
    return render(
        request,
        "messaging/thread_detail_shop.html" if shop else "messaging/thread_detail.html",
        {
            "thread": thread,
            "thread_messages": list(selectors.thread_messages(thread=thread)),
            "form": form,
            "viewer_is_participant": thread.is_participant(request.user),
            "viewer_side": _viewer_side(request, thread),
            "moderation_form": ModerationForm(),
            "artist": _shop_artist(request, thread) if shop else None,
            "dash_section": "messages",
        },
        status=400 if request.method == "POST" else 200,
    )


def _contact_page(
    request, *, artist, form, item=None, artist_order=None, existing=None
):
    return render(
        request,
        "messaging/thread_contact.html",
        {
            "artist": artist,
            "item": item,
            "artist_order": artist_order,
            "existing": existing,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def contact(request, slug):
    """The contact form of a shop (``?item=<id>`` for a question about one of
    its items): starts the conversation, or continues the one on the same
    topic."""
    artist = catalog.artist_get_visible(slug=slug)
    item = None
    item_id = request.GET.get("item") or request.POST.get("item")
    if item_id:
        try:
            item = Item.objects.visible().get(pk=int(item_id), artist=artist)
        except (Item.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
    if artist.user_id == request.user.pk:
        messages.info(
            request, _("This is your own shop: buyers' messages arrive in your inbox.")
        )
        return redirect("messaging:shop_inbox")
    existing = selectors.existing_contact_thread(
        buyer=request.user, artist=artist, item=item
    )
    if request.method == "POST":
        form = ContactForm(request.POST, request.FILES, continuing=existing is not None)
        if form.is_valid():
            thread = post_from_form(
                request,
                form,
                lambda: services.thread_start(
                    buyer=request.user,
                    artist=artist,
                    item=item,
                    subject=form.cleaned_data.get("subject", ""),
                    body=form.cleaned_data["body"],
                    photos=form.cleaned_data["photos"],
                ),
            )
            if thread is not None:
                messages.success(
                    request,
                    _("Your message has been sent to %(shop)s.")
                    % {"shop": artist.name},
                )
                return redirect(thread)
    else:
        form = ContactForm(
            initial={"subject": item.title if item else ""},
            continuing=existing is not None,
        )
    return _contact_page(
        request, artist=artist, form=form, item=item, existing=existing
    )


@login_required
def contact_order(request, pk):
    """Write about an artist order: its buyer to the artist, or its artist to
    the buyer. The order's conversation opens when it already exists."""
    artist_order = artist_order_get_for_user(user=request.user, pk=pk)
    existing = (
        artist_order.message_threads.filter(kind="artist_order").order_by("id").first()
    )
    if existing is not None and request.method != "POST":
        return redirect(existing)
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            message = post_from_form(
                request,
                form,
                lambda: services.artist_order_message_post(
                    artist_order=artist_order,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    photos=form.cleaned_data["photos"],
                ),
            )
            if message is not None:
                messages.success(request, _("Your message has been sent."))
                return redirect(message.thread)
    else:
        form = MessageForm()
    return _contact_page(
        request, artist=artist_order.artist, form=form, artist_order=artist_order
    )


@login_required
def message_photo(request, pk):
    """A message photo, only for the two participants and staff."""
    photo = selectors.message_photo_get_for_user(user=request.user, pk=pk)
    return private_file_response(photo.image, cache_control="private, max-age=3600")


def _message_url(message) -> str:
    return f"{message.thread.get_absolute_url()}#message-{message.pk}"


@login_required
def message_report(request, pk):
    """A participant reports an abusive message to the marketplace team: a
    page quoting it asks why, and sending the form confirms the report."""
    message = selectors.message_get_for_user(user=request.user, pk=pk)
    if rules.may_withdraw_report(message, request.user):
        messages.info(request, _("You have already reported this message."))
        return redirect(_message_url(message))
    if not rules.may_report(message, request.user):
        if message.flag_dismissed_at is not None:
            messages.info(
                request, _("The marketplace team has already looked at this message.")
            )
        else:
            messages.error(request, _("You cannot report this message."))
        return redirect(_message_url(message))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_flag(
                message=message,
                by=request.user,
                reason=form.cleaned_data["details"],
                category=form.cleaned_data["category"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Thank you: the marketplace team will look at this message. "
                    "Until it does, you can withdraw your report below the message."
                ),
            )
        return redirect(_message_url(message))
    thread = message.thread
    shop = _shop_layout(request, thread)
    return render(
        request,
        "messaging/message_report_shop.html"
        if shop
        else "messaging/message_report.html",
        {
            "message": message,
            "thread": thread,
            "form": form,
            "artist": _shop_artist(request, thread) if shop else None,
            "dash_section": "messages",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def message_report_withdraw(request, pk):
    """Whoever reported a message takes the report back (until staff
    decides)."""
    message = selectors.message_get_for_user(user=request.user, pk=pk)
    try:
        services.message_flag_withdraw(message=message, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your report is withdrawn."))
    return redirect(_message_url(message))


@require_POST
@login_required
def message_hide(request, pk):
    """Staff hides a message from the thread page (kept for the record)."""
    if not request.user.is_staff:
        raise Http404
    message = selectors.message_get_for_user(user=request.user, pk=pk)
    form = ModerationForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.message_hide(message=message, by=request.user, reason=reason)
    messages.success(request, _("The message is hidden."))
    return redirect(f"{message.thread.get_absolute_url()}#message-{message.pk}")
