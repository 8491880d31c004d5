"""The artist's orders in the dashboard: the list (filtered by state,
searched by number) and one artist order with its actions (accept, refuse,
ship, ship again, refund a lost parcel).

Only the logged-in artist's own artist orders are looked up: another
shop's is a 404. Each action calls one lifecycle service; a refusal
becomes a form error or a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import Conflict, DomainError
from marketplace.forms import add_domain_error, refused_message
from marketplace.notifications.formatting import format_amount
from marketplace.pagination import CappedPaginator
from messaging.presenters import artist_order_messages, attach_conversations
from messaging.services import artist_order_threads_mark_read
from orders import rules, selectors, services
from orders.forms import DashboardOrderFilterForm, RefuseForm, ShipForm
from orders.models import CancellationStatus
from orders.presenters import decorate_artist_order
from orders.tracking import known_carriers

from ..access import artist_required

ORDERS_PER_PAGE = 25


@artist_required
def order_list(request):
    """The artist's orders, newest first, filtered by state and searched by number."""
    form = DashboardOrderFilterForm(request.GET or None)
    state, search = "", ""
    if form.is_valid():
        state = form.cleaned_data["state"]
        search = form.cleaned_data["q"]
    queryset = selectors.artist_orders_for_dashboard(
        artist=request.artist, state=state or None, search=search
    )
    page = CappedPaginator(queryset, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    for artist_order in page.object_list:
        artist_order.overdue = rules.is_shipping_overdue(artist_order)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/order_list.html",
        {
            "artist": request.artist,
            "form": form,
            "page": page,
            "artist_orders": page.object_list,
            "filtered": bool(state or search),
            "query": query.urlencode(),
            "now": timezone.now(),
            "dash_section": "orders",
        },
    )


def _detail_page(
    request, artist_order, *, refuse_form=None, ship_form=None, reship_form=None
):
    attach_conversations([artist_order])
    decorate_artist_order(
        artist_order,
        user=request.user,
        side="artist",
        messages=artist_order_messages(artist_order, viewer=request.user),
    )
    artist_order_threads_mark_read(artist_orders=[artist_order], user=request.user)
    return render(
        request,
        "dashboard/order_detail.html",
        {
            "artist": request.artist,
            "ao": artist_order,
            "order": artist_order.order,
            "refuse_form": refuse_form or RefuseForm(),
            "ship_form": ship_form
            or ShipForm(
                prefix="ship", open_cancellation=bool(artist_order.open_cancellation)
            ),
            "reship_form": reship_form or ShipForm(prefix="reship"),
            "carriers": known_carriers(),
            "now": timezone.now(),
            "dash_section": "orders",
        },
    )


def _artist_order(request, pk):
    return selectors.artist_order_get_for_artist(artist=request.artist, pk=pk)


@artist_required
def order_detail(request, pk):
    """One of the artist's orders: its part only (lines, address, buyer,
    history, refunds) and the actions allowed now."""
    return _detail_page(request, _artist_order(request, pk))


def _back(artist_order):
    return redirect("dashboard:order", pk=artist_order.pk)


@require_POST
@artist_required
def order_accept(request, pk):
    artist_order = _artist_order(request, pk)
    try:
        services.artist_order_accept(artist_order=artist_order, by=request.user)
    except (Conflict, DomainError) as error:
        refused_message(request, error)
    else:
        messages.success(
            request,
            _("Order %(number)s accepted. The buyer was told.")
            % {"number": artist_order.order.number},
        )
    return _back(artist_order)


@require_POST
@artist_required
def order_refuse(request, pk):
    artist_order = _artist_order(request, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, artist_order, refuse_form=form)
    amount = artist_order.paid - artist_order.refunded
    try:
        services.artist_order_refuse(
            artist_order=artist_order,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _detail_page(request, artist_order, refuse_form=form)
    except Conflict as error:
        refused_message(request, error)
    else:
        messages.success(
            request,
            _(
                "Order %(number)s refused: the buyer is refunded %(amount)s € and the stock is back."
            )
            % {"number": artist_order.order.number, "amount": format_amount(amount)},
        )
    return _back(artist_order)


def _has_open_cancellation(artist_order) -> bool:
    latest = selectors.latest_cancellation_request(artist_order)
    return latest is not None and latest.status == CancellationStatus.OPEN


def _ship(request, pk, *, prefix, service, success, confirm_cancellation=False):
    """Ship (or ship again) from the order page. With
    ``confirm_cancellation``, an open cancellation request is declined only
    when the artist ticked the form's confirmation; else nothing changes."""
    artist_order = _artist_order(request, pk)
    open_cancellation = confirm_cancellation and _has_open_cancellation(artist_order)
    form = ShipForm(request.POST, prefix=prefix, open_cancellation=open_cancellation)
    forms = {f"{prefix}_form": form}
    if not form.is_valid():
        return _detail_page(request, artist_order, **forms)
    extra = {}
    if confirm_cancellation:
        extra["decline_cancellation"] = form.cleaned_data.get(
            "decline_cancellation", False
        )
    try:
        service(
            artist_order=artist_order,
            by=request.user,
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
            **extra,
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _detail_page(request, artist_order, **forms)
    except Conflict as error:
        refused_message(request, error)
    else:
        messages.success(request, success % {"number": artist_order.order.number})
    return _back(artist_order)


@require_POST
@artist_required
def order_ship(request, pk):
    return _ship(
        request,
        pk,
        prefix="ship",
        service=services.artist_order_ship,
        success=_(
            "Order %(number)s is shipped. The buyer received the tracking number."
        ),
        confirm_cancellation=True,
    )


@require_POST
@artist_required
def order_reship(request, pk):
    return _ship(
        request,
        pk,
        prefix="reship",
        service=services.artist_order_reship,
        success=_(
            "Order %(number)s is shipped again. The buyer received the new tracking number."
        ),
    )


@require_POST
@artist_required
def order_refund_lost(request, pk):
    artist_order = _artist_order(request, pk)
    amount = artist_order.paid - artist_order.refunded
    try:
        services.artist_order_refund_lost(artist_order=artist_order, by=request.user)
    except (Conflict, DomainError) as error:
        refused_message(request, error)
    else:
        messages.success(
            request,
            _("The lost parcel of order %(number)s is refunded: %(amount)s €.")
            % {"number": artist_order.order.number, "amount": format_amount(amount)},
        )
    return _back(artist_order)
