"""The dashboard's overview: what needs the artist now; for a user without
a shop, what the seller dashboard is and how to open a shop."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from artists.forms import ShopOpenForm
from artists.selectors import artist_dashboard_counts, artist_for_user
from artists.services import artist_create
from marketplace.errors import DomainError
from marketplace.forms import add_domain_error
from orders.selectors import artist_dashboard_queues
from returns.selectors import artist_return_queues


def _shop_open_page(request, form):
    return render(request, "dashboard/shop_open.html", {"form": form})


@login_required
def home(request):
    """What needs the artist now: orders to answer, to ship, returns and
    messages waiting, stock running low. A user without a shop is offered
    to open one."""
    artist = artist_for_user(request.user)
    if artist is None:
        return _shop_open_page(request, ShopOpenForm())
    return render(
        request,
        "dashboard/home.html",
        {
            "artist": artist,
            "counts": artist_dashboard_counts(artist=artist),
            "order_queues": artist_dashboard_queues(artist=artist),
            "return_queues": artist_return_queues(artist=artist, limit=6),
            "now": timezone.now(),
            "dash_section": "home",
        },
    )


@require_POST
@login_required
def shop_open(request):
    """Open a shop on the logged-in account (awaiting staff approval, as at
    sign-up), then go to the new shop's dashboard."""
    if artist_for_user(request.user) is not None:
        return redirect("dashboard:home")
    form = ShopOpenForm(request.POST)
    if not form.is_valid():
        return _shop_open_page(request, form)
    try:
        artist = artist_create(user=request.user, name=form.cleaned_data["shop_name"])
    except DomainError as error:
        add_domain_error(form, error)
        return _shop_open_page(request, form)
    messages.success(
        request,
        _(
            "Your shop “%(name)s” is open and waiting for approval by our team; "
            "meanwhile you can prepare your items."
        )
        % {"name": artist.name},
    )
    return redirect("dashboard:home")
