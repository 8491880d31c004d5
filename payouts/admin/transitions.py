"""The buttons of the money pages: holding and releasing an artist's
payouts with a reason, adjusting its balance, setting its commission rate,
and retrying a failed payout; each calls its service in
``payouts.services``."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.admin import ConfirmForm, ReasonForm, StaffTransition

from ..services import holds, runs
from ..services.ledger import default_rate
from .display import euros, percent


class AdjustmentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (€)"),
        help_text=_("Positive: owed to the artist; negative: taken back."),
        max_digits=12,
        decimal_places=2,
        localize=True,
    )
    reason = forms.CharField(
        label=_("Why (the artist reads it in the ledger)"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )
    # One key per form shown: sent twice, it counts once.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class CommissionRateForm(forms.Form):
    rate = forms.DecimalField(
        label=_("Commission rate of this shop"),
        help_text=_(
            "A fraction: 0.12 = 12 %. Leave empty for the marketplace default. "
            "It applies to payments from now on; paid orders keep their rate."
        ),
        required=False,
        min_value=0,
        max_value=1,
        max_digits=5,
        decimal_places=4,
        localize=True,
    )


def _hold(request, obj, data):
    holds.payouts_hold(artist=obj.artist, by=request.user, reason=data["reason"])
    return gettext(
        "Payouts to %(artist)s are held: the runs skip this artist until released."
    ) % {"artist": obj.artist}


def _release(request, obj, data):
    holds.payouts_release(artist=obj.artist, by=request.user, reason=data["reason"])
    return gettext(
        "Payouts to %(artist)s are released: the next run pays what is available."
    ) % {"artist": obj.artist}


def _adjust(request, obj, data):
    record = holds.adjustment_create(
        artist=obj.artist,
        amount=data["amount"],
        reason=data["reason"],
        by=request.user,
        token=data["token"],
    )
    amount = record.entries.get(account="artist").amount if record else data["amount"]
    return gettext("Adjustment of %(amount)s recorded in the ledger of %(artist)s.") % {
        "amount": euros(amount),
        "artist": obj.artist,
    }


def _commission(request, obj, data):
    account = holds.commission_rate_set(
        artist=obj.artist, rate=data["rate"], by=request.user
    )
    if account.commission_rate is None:
        return gettext(
            "%(artist)s now pays the marketplace default commission (%(rate)s)."
        ) % {"artist": obj.artist, "rate": percent(default_rate())}
    return gettext(
        "%(artist)s now pays a commission of %(rate)s on its next payments."
    ) % {"artist": obj.artist, "rate": percent(account.commission_rate)}


def _retry(request, obj, data):
    payout = runs.payout_retry(payout=obj, by=request.user)
    return gettext(
        "Payout #%(id)s of %(amount)s to %(artist)s is on its way to the provider."
    ) % {"id": payout.pk, "amount": euros(payout.amount), "artist": obj.artist}


BALANCE_TRANSITIONS = {
    "hold": StaffTransition(
        name="hold",
        label=_("Hold payouts…"),
        run=_hold,
        form_class=ReasonForm,
        danger=True,
        field_labels={"reason": _("Reason (kept with the hold; the artist reads it)")},
        help_text=_(
            "Stop paying this artist: the payout runs skip it until a member of "
            "staff releases its payouts. Its balance keeps growing as orders complete."
        ),
    ),
    "release": StaffTransition(
        name="release",
        label=_("Release payouts…"),
        run=_release,
        form_class=ReasonForm,
        field_labels={"reason": _("Reason (kept in the hold's log)")},
        help_text=_("Pay this artist again: the next run pays what is available."),
    ),
    "adjust": StaffTransition(
        name="adjust",
        label=_("Adjust the balance…"),
        run=_adjust,
        form_class=AdjustmentForm,
        initial=lambda obj: {"token": uuid.uuid4().hex},
        help_text=_(
            "Add to what the marketplace owes this artist (or take back, with a "
            "negative amount): a ledger transaction with your reason, paid by the "
            "next run. It cannot be edited afterwards; correct it with another."
        ),
    ),
    "commission": StaffTransition(
        name="commission",
        label=_("Set the commission rate…"),
        run=_commission,
        form_class=CommissionRateForm,
        initial=lambda obj: {"rate": obj.commission_rate},
        help_text=_(
            "This shop's own commission rate, instead of the marketplace default."
        ),
    ),
}

PAYOUT_TRANSITIONS = {
    "retry": StaffTransition(
        name="retry",
        label=_("Retry…"),
        run=_retry,
        form_class=ConfirmForm,
        help_text=_(
            "Pay this artist now what is available, whatever the back-off: a new "
            "payout, sent to the provider with a new key. Check the artist's bank "
            "details first."
        ),
    ),
}
