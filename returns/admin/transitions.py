"""The buttons of the return request page: the artist's answers, run by
staff for the artist, and staff's decisions on an escalated request, each
calling its service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.admin import (
    ReasonForm,
    StaffTransition,
    TrackingForm,
)
from marketplace.notifications.formatting import format_amount

from .. import rules, services
from ..models import ReturnState

R = ReturnState


# Forms of the buttons ----------------------------------------------------------------


class AcceptForm(forms.Form):
    instructions = forms.CharField(
        label=_("Return instructions (address, packing…), sent to the buyer"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        max_length=5000,
    )
    ship_back_deadline = forms.DateField(
        label=_("Send back before (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (€)"), min_value=0.01, max_digits=12, decimal_places=2
    )
    note = forms.CharField(
        label=_("Note (required when the amount is lower; the buyer reads it)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        required=False,
    )


class ReceiveForm(forms.Form):
    restock = forms.BooleanField(
        label=_("Put the returned pieces back in stock"),
        required=False,
        help_text=_("Buyers waiting for this variant are emailed."),
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Why the request is closed (the buyer and the artist read it)"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )


def _label(rr) -> str:
    return gettext("return request #%(id)s") % {"id": rr.pk}


def _accept(request, obj, data):
    services.return_request_accept(
        return_request=obj,
        by=request.user,
        instructions=data["instructions"],
        ship_back_deadline=data.get("ship_back_deadline"),
    )
    return gettext(
        "The %(request)s is accepted: the buyer was sent the return instructions."
    ) % {"request": _label(obj)}


def _reject(request, obj, data):
    services.return_request_reject(
        return_request=obj, by=request.user, reason=data["reason"]
    )
    return gettext("The %(request)s is rejected: the buyer was told why.") % {
        "request": _label(obj)
    }


def _receive(request, obj, data):
    services.return_request_receive(
        return_request=obj, by=request.user, restock=data.get("restock", False)
    )
    return gettext(
        "The item of the %(request)s is received: the buyer was told the refund can start."
    ) % {"request": _label(obj)}


def _refund(request, obj, data):
    refund = services.return_request_refund(
        return_request=obj, by=request.user, amount=data["amount"], note=data["note"]
    )
    return gettext(
        "The %(request)s is refunded: %(amount)s € are on their way to the buyer."
    ) % {
        "request": _label(obj),
        "amount": format_amount(refund.amount),
    }


def _convert(request, obj, data):
    refund = services.return_request_convert_to_refund(
        return_request=obj, by=request.user, amount=data["amount"], note=data["note"]
    )
    return gettext("The exchange %(request)s is refunded instead: %(amount)s €.") % {
        "request": _label(obj),
        "amount": format_amount(refund.amount),
    }


def _ship_replacement(request, obj, data):
    services.return_request_ship_replacement(
        return_request=obj,
        by=request.user,
        carrier=data["carrier"],
        tracking_number=data["tracking_number"],
    )
    return gettext(
        "The replacement of the %(request)s is shipped: the buyer received the tracking number."
    ) % {"request": _label(obj)}


def _close(request, obj, data):
    services.return_request_staff_decide(
        return_request=obj, by=request.user, decision="close", note=data["note"]
    )
    return gettext("The %(request)s is closed: the buyer and the artist were told.") % {
        "request": _label(obj)
    }


def _default_amount(obj) -> dict:
    return {"amount": rules.return_refund_amount(obj)}


RETURN_TRANSITIONS = {
    "accept": StaffTransition(
        name="accept",
        label=_("Accept…"),
        run=_accept,
        form_class=AcceptForm,
        help_text=_(
            "Accept the request: the buyer is emailed the return instructions and the deadline. On an escalated request this is the team's decision; the artist is told too."
        ),
    ),
    "reject": StaffTransition(
        name="reject",
        label=_("Reject…"),
        run=_reject,
        form_class=ReasonForm,
        danger=True,
        field_labels={"reason": _("Reason (sent to the buyer)")},
        help_text=_(
            "Reject the request for the artist: the buyer is emailed the reason and may escalate it to the team."
        ),
    ),
    "receive": StaffTransition(
        name="receive",
        label=_("Mark received"),
        run=_receive,
        form_class=ReceiveForm,
        help_text=_(
            "The artist has the item back: the buyer is emailed that the refund (or the replacement) can start."
        ),
    ),
    "refund": StaffTransition(
        name="refund",
        label=_("Refund…"),
        run=_refund,
        form_class=RefundForm,
        danger=True,
        initial=_default_amount,
        help_text=_(
            "Refund the return (on an escalated request, this is the team's decision): the amount proposed is the unit price times the quantity, with the original shipping when due; staff may set another amount within what is left to refund. The buyer and the artist are emailed."
        ),
    ),
    "ship_replacement": StaffTransition(
        name="ship_replacement",
        label=_("Ship the replacement…"),
        run=_ship_replacement,
        form_class=TrackingForm,
        help_text=_(
            "The artist sent the replacement of this exchange: its pieces are taken from stock (refused when none is left: refund instead) and the buyer is emailed the tracking number."
        ),
    ),
    "convert_to_refund": StaffTransition(
        name="convert_to_refund",
        label=_("Refund instead of exchanging…"),
        run=_convert,
        form_class=RefundForm,
        danger=True,
        initial=_default_amount,
        help_text=_(
            "No replacement can be sent (out of stock, price difference…): the exchange is refunded instead."
        ),
    ),
    "close": StaffTransition(
        name="close",
        label=_("Close…"),
        run=_close,
        form_class=CloseForm,
        danger=True,
        help_text=_(
            "The team's decision: nothing more happens on this request (no return, no refund). The buyer and the artist are emailed your note."
        ),
    ),
}
ORDER_OF_BUTTONS = (
    "accept",
    "reject",
    "receive",
    "refund",
    "ship_replacement",
    "convert_to_refund",
    "close",
)
