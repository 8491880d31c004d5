"""The buttons of the artist order page: the artist's actions, run by staff
for the artist, and staff's own (a refund of any amount, a cancellation
on the buyer's behalf, a delivery confirmed), each calling its service."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.admin import (
    ConfirmForm,
    NoteForm,
    ReasonForm,
    StaffTransition,
    TrackingForm,
)
from marketplace.notifications.formatting import format_amount

from .. import services
from ..forms import RefusedAtCustomsForm
from ..services import staff as staff_services


class StaffRefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (€)"), min_value=0.01, max_digits=12, decimal_places=2
    )
    note = forms.CharField(
        label=_("Why (the buyer and the artist read it)"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )
    # One key per form shown: sent twice, it refunds once.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


def _refuse(request, obj, data):
    amount = obj.paid - obj.refunded
    services.artist_order_refuse(
        artist_order=obj, by=request.user, reason=data["reason"]
    )
    return gettext(
        "Order %(number)s refused: the buyer is refunded %(amount)s € and the stock is back."
    ) % {
        "number": obj.order.number,
        "amount": format_amount(amount),
    }


def _accept(request, obj, data):
    services.artist_order_accept(artist_order=obj, by=request.user)
    return gettext("Order %(number)s accepted. The buyer was told.") % {
        "number": obj.order.number
    }


def _ship(request, obj, data):
    services.artist_order_ship(
        artist_order=obj,
        by=request.user,
        carrier=data["carrier"],
        tracking_number=data["tracking_number"],
    )
    return gettext(
        "Order %(number)s is shipped. The buyer received the tracking number."
    ) % {"number": obj.order.number}


def _reship(request, obj, data):
    services.artist_order_reship(
        artist_order=obj,
        by=request.user,
        carrier=data["carrier"],
        tracking_number=data["tracking_number"],
    )
    return gettext(
        "Order %(number)s is shipped again. The buyer received the new tracking number."
    ) % {"number": obj.order.number}


def _refund_lost(request, obj, data):
    refund = services.artist_order_refund_lost(artist_order=obj, by=request.user)
    return gettext("The lost parcel of order %(number)s is refunded: %(amount)s €.") % {
        "number": obj.order.number,
        "amount": format_amount(refund.amount),
    }


def _refused_at_customs(request, obj, data):
    refund = services.artist_order_refused_at_customs(
        artist_order=obj,
        by=request.user,
        return_postage=data["return_postage"],
        restock=data["restock"],
    )
    return gettext(
        "Order %(number)s is closed as refused at customs: the buyer is refunded %(amount)s €."
    ) % {
        "number": obj.order.number,
        "amount": format_amount(refund.amount if refund else 0),
    }


def _cancel(request, obj, data):
    amount = obj.paid - obj.refunded
    staff_services.artist_order_staff_cancel(
        artist_order=obj, by=request.user, reason=data["reason"]
    )
    return gettext(
        "Order %(number)s cancelled for the buyer: %(amount)s € refunded, the stock is back, both were emailed."
    ) % {
        "number": obj.order.number,
        "amount": format_amount(amount),
    }


def _confirm_delivery(request, obj, data):
    staff_services.artist_order_staff_confirm_delivery(
        artist_order=obj, by=request.user, note=data["note"]
    )
    return gettext(
        "Order %(number)s is marked delivered; the return window starts now."
    ) % {"number": obj.order.number}


def _staff_refund(request, obj, data):
    refund = staff_services.artist_order_staff_refund(
        artist_order=obj,
        by=request.user,
        amount=data["amount"],
        note=data["note"],
        idempotency_key=staff_services.staff_refund_key(
            artist_order=obj, token=data["token"]
        ),
    )
    return gettext(
        "%(amount)s € of order %(number)s are being refunded to the buyer."
    ) % {
        "amount": format_amount(refund.amount),
        "number": obj.order.number,
    }


ARTIST_ORDER_TRANSITIONS = {
    "accept": StaffTransition(
        name="accept",
        label=_("Accept"),
        run=_accept,
        help_text=_(
            "Accept the order for the artist: the buyer is emailed that it is being prepared."
        ),
    ),
    "refuse": StaffTransition(
        name="refuse",
        label=_("Refuse…"),
        run=_refuse,
        form_class=ReasonForm,
        danger=True,
        field_labels={"reason": _("Reason (sent to the buyer)")},
        help_text=_(
            "Refuse the order for the artist: what was paid (items and shipping) is refunded at once, the stock is put back and the buyer is emailed with the reason."
        ),
    ),
    "ship": StaffTransition(
        name="ship",
        label=_("Ship…"),
        run=_ship,
        form_class=TrackingForm,
        help_text=_(
            "Record the parcel sent by the artist: the buyer is emailed the tracking link; an open cancellation request is declined."
        ),
    ),
    "cancel": StaffTransition(
        name="cancel",
        label=_("Cancel for the buyer…"),
        run=_cancel,
        form_class=ReasonForm,
        danger=True,
        field_labels={"reason": _("Why (for example: the buyer asked by email)")},
        help_text=_(
            "Cancel on the buyer's behalf before the artist accepts: the whole order is refunded, the stock is put back, the buyer and the artist are emailed. Once accepted, refuse it instead."
        ),
    ),
    "confirm_delivery": StaffTransition(
        name="confirm_delivery",
        label=_("Confirm delivery…"),
        run=_confirm_delivery,
        form_class=NoteForm,
        help_text=_(
            "Mark the parcel delivered for the buyer: the return window starts now; the buyer is emailed."
        ),
    ),
    "reship": StaffTransition(
        name="reship",
        label=_("Ship again…"),
        run=_reship,
        form_class=TrackingForm,
        help_text=_(
            "The parcel reported as not received was sent again: the buyer is emailed the new tracking number."
        ),
    ),
    "refund_lost": StaffTransition(
        name="refund_lost",
        label=_("Refund the lost parcel…"),
        run=_refund_lost,
        form_class=ConfirmForm,
        danger=True,
        help_text=_(
            "The parcel reported as not received is refunded in full (what is left of the order) and the order is closed; the buyer is emailed."
        ),
    ),
    "refused_at_customs": StaffTransition(
        name="refused_at_customs",
        label=_("Refused at customs…"),
        run=_refused_at_customs,
        form_class=RefusedAtCustomsForm,
        danger=True,
        help_text=_(
            "The buyer refused the parcel at customs and it came back: the pieces are refunded less the return postage the artist paid, the order is closed; the buyer is emailed."
        ),
    ),
    "refund": StaffTransition(
        name="refund",
        label=_("Refund an amount…"),
        run=_staff_refund,
        form_class=StaffRefundForm,
        danger=True,
        initial=lambda obj: {
            "token": uuid.uuid4().hex,
            "amount": staff_services.staff_refund_left(obj),
        },
        help_text=_(
            "Refund part or all of what is left (a gesture, a settled dispute): the state does not change; the buyer and the artist are emailed with your note."
        ),
    ),
}
