"""Forms of the cart and checkout pages (validation of the shape only: the
rules live in the services, whose errors the views put back on the form)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from marketplace.forms import FastSelect

from .models import ArtistOrderState
from .services.cart import PERSONALISATION_MAX_LENGTH


def country_choices():
    return list(countries)


class AddToCartForm(forms.Form):
    variant = forms.IntegerField(label=_("Option"))
    quantity = forms.IntegerField(label=_("Quantity"), initial=1)
    personalisation_text = forms.CharField(
        label=_("Your text"), required=False, max_length=PERSONALISATION_MAX_LENGTH
    )
    personalisation_photo = forms.FileField(label=_("Your photo"), required=False)


class LineQuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999)


class CountryForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Deliver to"), choices=country_choices, widget=FastSelect
    )


class DiscountForm(forms.Form):
    code = forms.CharField(label=_("Discount code"), max_length=40)


class ShippingAddressForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=120)
    line1 = forms.CharField(label=_("Address"), max_length=200)
    line2 = forms.CharField(
        label=_("Address (continued)"), max_length=200, required=False
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=20)
    city = forms.CharField(label=_("City"), max_length=120)
    country = forms.ChoiceField(
        label=_("Country"), choices=country_choices, widget=FastSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = {
            "name": "name",
            "line1": "address-line1",
            "line2": "address-line2",
            "postcode": "postal-code",
            "city": "address-level2",
            "country": "country",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value


class PaymentForm(forms.Form):
    """The payment block. With the test provider, the buyer picks a test card."""

    TEST_CARDS = [
        ("ok", _("Test card that pays")),
        ("fail", _("Test card that is declined")),
    ]

    provider = forms.ChoiceField(widget=forms.HiddenInput, initial="test")
    token = forms.ChoiceField(
        label=_("Card"), choices=TEST_CARDS, initial="ok", widget=forms.RadioSelect
    )
    checkout_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    expected_total = forms.DecimalField(
        widget=forms.HiddenInput, max_digits=12, decimal_places=2, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [
            (name, name) for name in settings.PAYMENT_PROVIDERS
        ]


# Artist order lifecycle -------------------------------------------------------


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The buyer reads it in the refusal email. The order is refunded in full."
        ),
    )


class ShipForm(forms.Form):
    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=80,
        widget=forms.TextInput(attrs={"list": "carriers", "autocomplete": "off"}),
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=80)

    def __init__(self, *args, open_cancellation: bool = False, **kwargs):
        """With ``open_cancellation`` (the buyer asked to cancel), shipping
        needs the artist's explicit confirmation that it declines the
        request."""
        super().__init__(*args, **kwargs)
        if open_cancellation:
            self.fields["decline_cancellation"] = forms.BooleanField(
                label=_("I have read the buyer's request; ship anyway"),
                help_text=_(
                    "Shipping declines the buyer's cancellation request: they "
                    "can return the piece once it arrives."
                ),
                error_messages={
                    "required": _(
                        "The buyer asked to cancel: tick the box to ship anyway, "
                        "or refuse the order to refund them."
                    )
                },
            )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you cancel?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NotReceivedForm(forms.Form):
    note = forms.CharField(
        label=_("What happened?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DashboardOrderFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    q = forms.CharField(label=_("Order number"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states"))] + [
            (value, label)
            for value, label in ArtistOrderState.choices
            if value != ArtistOrderState.AWAITING_PAYMENT
        ]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": "MP-2026-000123"}
        )


class RefusedAtCustomsForm(forms.Form):
    """The artist records a parcel the buyer refused at customs."""

    return_postage = forms.DecimalField(
        label=_("Return postage you paid (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text=_(
            "Deducted from the refund, at most the pieces' worth. Enter 0 if "
            "the parcel came back for free."
        ),
    )
    restock = forms.BooleanField(
        label=_("Put the pieces back in stock"), required=False
    )
