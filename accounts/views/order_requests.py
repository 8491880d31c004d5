"""The buyer's answers to its own requests on an artist order, from its
order page: withdrawing an open cancellation request. A refusal becomes a
message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import Conflict, DomainError
from marketplace.forms import refused_message
from orders import selectors, services


@login_required
@require_POST
def artist_order_withdraw_cancellation(request, number, pk):
    artist_order = selectors.artist_order_get_for_buyer(
        buyer=request.user, number=number, pk=pk
    )
    try:
        services.cancellation_request_withdraw(
            artist_order=artist_order, by=request.user
        )
    except (Conflict, DomainError) as error:
        refused_message(request, error)
    else:
        messages.success(
            request,
            _(
                "Your cancellation request is withdrawn: %(artist)s was told and "
                "goes on with your order."
            )
            % {"artist": artist_order.artist.name},
        )
    url = reverse("account:order", kwargs={"number": number})
    return redirect(f"{url}#ao-{artist_order.pk}")
