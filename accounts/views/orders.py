"""The buyer's orders in its account, under ``/account/`` (namespace
``account``): the list, one order with a block per artist (state, lines and
whether each can be returned, timeline with the conversation, tracking,
refunds) and the buyer's actions (cancel, confirm delivery, report a parcel
as not received).

Only the logged-in buyer's own orders are looked up: another's is a 404.
Each action calls one lifecycle service; a refusal becomes a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import Conflict, DomainError
from marketplace.forms import form_errors_text, refused_message
from marketplace.notifications.formatting import format_amount
from messaging.presenters import artist_order_messages, attach_conversations
from messaging.services import artist_order_threads_mark_read
from orders import rules, selectors, services
from orders.forms import CancelForm, NotReceivedForm
from orders.presenters import decorate_artist_order
from returns.presenters import attach_line_eligibility
from reviews.presenters import attach_line_reviews


@login_required
def order_list(request):
    """The buyer's orders with their derived status."""
    page = Paginator(selectors.orders_for_buyer(buyer=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request, "orders/order_list.html", {"page": page, "orders": page.object_list}
    )


@login_required
def order_detail(request, number):
    """The buyer's order: one block per artist with its state, timeline,
    tracking, refunds and the buttons allowed now."""
    order = selectors.order_get_for_buyer(buyer=request.user, number=number)
    artist_orders = list(order.artist_orders.all())
    attach_conversations(artist_orders)
    for artist_order in artist_orders:
        decorate_artist_order(
            artist_order,
            user=request.user,
            side="buyer",
            messages=artist_order_messages(artist_order, viewer=request.user),
        )
    attach_line_eligibility(artist_orders)
    attach_line_reviews(artist_orders)
    artist_order_threads_mark_read(artist_orders=artist_orders, user=request.user)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "artist_orders": artist_orders,
            "can_cancel_order": any(ao.can_cancel for ao in artist_orders),
            "refunded_total": sum(ao.refunded for ao in artist_orders),
            "customs_notice": rules.needs_customs_notice(order.shipping_country),
        },
    )


def _back_to(order_number, artist_order_pk=None):
    url = reverse("account:order", kwargs={"number": order_number})
    if artist_order_pk is not None:
        url += f"#ao-{artist_order_pk}"
    return redirect(url)


@login_required
@require_POST
def order_cancel(request, number):
    """ "Cancel my order": every artist order that allows it, at once."""
    order = selectors.order_get_for_buyer(buyer=request.user, number=number)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _back_to(order.number)
    try:
        outcomes = services.order_cancel(
            order=order, by=request.user, reason=form.cleaned_data["reason"]
        )
    except (Conflict, DomainError) as error:
        refused_message(request, error)
        return _back_to(order.number)
    cancelled = sum(1 for outcome in outcomes.values() if outcome == "cancelled")
    requested = sum(1 for outcome in outcomes.values() if outcome == "requested")
    if cancelled:
        messages.success(
            request,
            _("Cancelled and refunded: %(count)s part(s) of your order.")
            % {"count": cancelled},
        )
    if requested:
        messages.success(
            request,
            _(
                "Cancellation requested for %(count)s part(s) already accepted: the artist will refuse them to refund you, unless they have already left."
            )
            % {"count": requested},
        )
    return _back_to(order.number)


@login_required
@require_POST
def artist_order_cancel(request, number, pk):
    artist_order = selectors.artist_order_get_for_buyer(
        buyer=request.user, number=number, pk=pk
    )
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _back_to(number, artist_order.pk)
    refundable = artist_order.paid - artist_order.refunded
    try:
        outcome = services.artist_order_cancel(
            artist_order=artist_order,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except (Conflict, DomainError) as error:
        refused_message(request, error)
        return _back_to(number, artist_order.pk)
    if outcome == "cancelled":
        messages.success(
            request,
            _(
                "Your order from %(artist)s is cancelled. You will be refunded %(amount)s €."
            )
            % {
                "artist": artist_order.artist.name,
                "amount": format_amount(refundable),
            },
        )
    else:
        messages.success(
            request,
            _(
                "Your cancellation request was sent to %(artist)s, who has already accepted the order. You will be refunded once they confirm."
            )
            % {"artist": artist_order.artist.name},
        )
    return _back_to(number, artist_order.pk)


@login_required
@require_POST
def artist_order_confirm_delivery(request, number, pk):
    artist_order = selectors.artist_order_get_for_buyer(
        buyer=request.user, number=number, pk=pk
    )
    try:
        services.artist_order_confirm_delivery(
            artist_order=artist_order, by=request.user
        )
    except (Conflict, DomainError) as error:
        refused_message(request, error)
    else:
        messages.success(request, _("Thank you! The delivery is confirmed."))
    return _back_to(number, artist_order.pk)


@login_required
@require_POST
def artist_order_report_not_received(request, number, pk):
    artist_order = selectors.artist_order_get_for_buyer(
        buyer=request.user, number=number, pk=pk
    )
    form = NotReceivedForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _back_to(number, artist_order.pk)
    try:
        services.artist_order_report_not_received(
            artist_order=artist_order, by=request.user, note=form.cleaned_data["note"]
        )
    except (Conflict, DomainError) as error:
        refused_message(request, error)
    else:
        messages.success(
            request,
            _(
                "%(artist)s was told that your parcel has not arrived. They will ship it again or refund you."
            )
            % {"artist": artist_order.artist.name},
        )
    return _back_to(number, artist_order.pk)
