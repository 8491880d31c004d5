"""The artist records a parcel the buyer refused at customs (seed 000),
from the order page: the pieces refunded less the return postage the
artist enters, the order closed. A refusal becomes a message."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import Conflict, DomainError
from marketplace.forms import form_errors_text, refused_message
from marketplace.notifications.formatting import format_amount
from orders import selectors, services
from orders.forms import RefusedAtCustomsForm

from ..access import artist_required


@require_POST
@artist_required
def order_refused_at_customs(request, pk):
    artist_order = selectors.artist_order_get_for_artist(artist=request.artist, pk=pk)
    back = redirect("dashboard:order", pk=artist_order.pk)
    form = RefusedAtCustomsForm(request.POST, prefix="customs")
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return back
    try:
        refund = services.artist_order_refused_at_customs(
            artist_order=artist_order,
            by=request.user,
            return_postage=form.cleaned_data["return_postage"],
            restock=form.cleaned_data["restock"],
        )
    except (Conflict, DomainError) as error:
        refused_message(request, error)
        return back
    if refund is None:
        messages.success(
            request,
            _(
                "Order %(number)s is closed: the return postage takes the whole "
                "worth of the pieces, nothing is refunded."
            )
            % {"number": artist_order.order.number},
        )
    else:
        messages.success(
            request,
            _(
                "Order %(number)s is closed as refused at customs: the buyer is "
                "refunded %(amount)s €."
            )
            % {
                "number": artist_order.order.number,
                "amount": format_amount(refund.amount),
            },
        )
    return back
