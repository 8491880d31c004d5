"""The buyer's "Change this order" page, under ``/account/orders/``: while
an artist order awaits acceptance, lower or remove pieces (refunded at
once), change the address, add a gift message
(``services.artist_order_change``). Once accepted, the page sends the buyer
to the cancellation request instead. Another buyer's order is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, DomainError
from marketplace.notifications.formatting import format_amount
from orders import selectors, services
from orders.change_forms import ArtistOrderChangeForm
from orders.models import ArtistOrderState


def _order_page(number, pk):
    return redirect(reverse("account:order", kwargs={"number": number}) + f"#ao-{pk}")


def _not_changeable(request, artist_order):
    messages.error(
        request,
        _(
            "The artist has already accepted this order, so it can no longer be changed. You can ask the artist to cancel it instead."
        )
        if artist_order.state == ArtistOrderState.ACCEPTED
        else _("This order can no longer be changed."),
    )
    return _order_page(artist_order.order.number, artist_order.pk)


def _saved_message(request, artist_order, result) -> None:
    if result.cancelled:
        text = _(
            "You removed every piece: your order from %(artist)s is cancelled. You will be refunded %(amount)s €."
        )
    elif result.refund_amount > 0:
        text = _(
            "Your changes are saved and %(artist)s has been told. You will be refunded %(amount)s €."
        )
    else:
        text = _("Your changes are saved and %(artist)s has been told.")
    messages.success(
        request,
        text
        % {
            "artist": artist_order.artist.name,
            "amount": format_amount(result.refund_amount),
        },
    )


@login_required
def artist_order_change(request, number, pk):
    artist_order = selectors.artist_order_get_for_buyer(
        buyer=request.user, number=number, pk=pk
    )
    if artist_order.state != ArtistOrderState.AWAITING_ACCEPTANCE:
        return _not_changeable(request, artist_order)
    form = ArtistOrderChangeForm(
        request.POST or None, artist_order=artist_order, use_required_attribute=False
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return _order_page(number, artist_order.pk)
        try:
            result = services.artist_order_change(
                artist_order=artist_order, by=request.user, **changes
            )
        except Conflict:
            return _not_changeable(request, artist_order)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            _saved_message(request, artist_order, result)
            return _order_page(number, artist_order.pk)
    return render(
        request,
        "orders/artist_order_change.html",
        {
            "order": artist_order.order,
            "ao": artist_order,
            "form": form,
        },
        status=400 if form.errors else 200,
    )
