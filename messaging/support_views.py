"""The page where a buyer or an artist writes to the marketplace team
(``?artist_order=<id>`` or ``?return_request=<id>`` for a question about
one of theirs, ``?side=artist`` from the seller dashboard). Another's order
or return request is a 404; the thread then opens on the usual thread
page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from artists import selectors as catalog
from marketplace.errors import DomainError

from . import selectors, services
from .forms import SupportForm, post_from_form
from .models import SupportSide


def _about(request):
    params = request.GET
    try:
        return selectors.support_about(
            user=request.user,
            artist_order=params.get("artist_order"),
            return_request=params.get("return_request"),
        )
    except DomainError:
        raise Http404 from None


@login_required
def support_new(request):
    """The form of a new support thread; sending it opens the thread."""
    if request.user.is_staff:
        messages.info(
            request,
            _("The marketplace team answers support threads from the support inbox."),
        )
        return redirect("admin:messaging_supportthread_changelist")
    artist_order, return_request = _about(request)
    side = services.support_side_for(
        opener=request.user,
        artist_order=artist_order,
        return_request=return_request,
        side=request.GET.get("side"),
    )
    form = SupportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        thread = post_from_form(
            request,
            form,
            lambda: services.support_thread_open(
                opener=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                photos=form.cleaned_data["photos"],
                artist_order=artist_order,
                return_request=return_request,
                side=side,
            ),
        )
        if thread is not None:
            messages.success(
                request,
                _(
                    "Your message has been sent to the marketplace team: "
                    "you will get an email when it answers."
                ),
            )
            return redirect(thread)
    shop = side == SupportSide.ARTIST
    return render(
        request,
        "messaging/support_new_shop.html" if shop else "messaging/support_new.html",
        {
            "form": form,
            "artist_order": artist_order,
            "return_request": return_request,
            "side": side,
            "action": request.get_full_path(),
            "artist": catalog.artist_for_user(request.user) if shop else None,
            "dash_section": "messages",
            "inbox_url": reverse("messaging:shop_inbox" if shop else "messaging:inbox"),
        },
        status=400 if request.method == "POST" else 200,
    )
