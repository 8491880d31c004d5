"""The buyer's "Change this order" form (before the artist accepts): a
quantity per line, the shipping address, a gift message. Only the shape is
checked here; ``services.artist_order_change`` decides the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.forms import add_domain_error

from .forms import ShippingAddressForm
from .services.changes import GIFT_MESSAGE_MAX_LENGTH

ADDRESS_FIELDS = ("name", "line1", "line2", "postcode", "city", "country")


def quantity_field_name(line) -> str:
    return f"quantity_{line.pk}"


class ArtistOrderChangeForm(ShippingAddressForm):
    gift_message = forms.CharField(
        label=_("Gift message"),
        required=False,
        max_length=GIFT_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "With a message it becomes a gift: the artist packs it without the prices and adds your message."
        ),
    )

    def __init__(self, *args, artist_order, **kwargs):
        self.artist_order = artist_order
        self.order_lines = list(artist_order.lines.all())
        ship_to = artist_order.ship_to
        initial = {
            **ship_to.as_dict(),
            "gift_message": artist_order.gift_message,
        }
        for line in self.order_lines:
            initial[quantity_field_name(line)] = line.quantity
        super().__init__(*args, initial=initial, **kwargs)
        for line in self.order_lines:
            self.fields[quantity_field_name(line)] = forms.IntegerField(
                label=_("Quantity of %(title)s (%(variant)s)")
                % {"title": line.title, "variant": line.variant_name},
                min_value=0,
                max_value=line.quantity,
                error_messages={
                    "max_value": _(
                        "You can only lower a quantity (at most %(limit_value)s)."
                    ),
                    "min_value": _(
                        "0 removes the piece; a quantity cannot be negative."
                    ),
                },
            )

    def address_fields(self):
        return [self[name] for name in ADDRESS_FIELDS]

    def line_fields(self):
        """(line, its bound quantity field) in the order of the lines."""
        return [(line, self[quantity_field_name(line)]) for line in self.order_lines]

    def changes(self) -> dict:
        """The service's keyword arguments for what differs from now."""
        data = self.cleaned_data
        changes = {}
        lines = [
            {"id": line.pk, "quantity": data[quantity_field_name(line)]}
            for line in self.order_lines
            if data[quantity_field_name(line)] != line.quantity
        ]
        if lines:
            changes["lines"] = lines
        address = {name: data.get(name, "") for name in ADDRESS_FIELDS}
        if address != self.artist_order.ship_to.as_dict():
            changes["shipping_address"] = address
        if data.get("gift_message", "") != self.artist_order.gift_message:
            changes["gift_message"] = data.get("gift_message", "")
        return changes

    def add_domain_error(self, error) -> None:
        if error.field == "lines" and self.order_lines:
            for text in error.as_field_errors().get("lines", [str(error.message)]):
                self.add_error(None, text)
            return
        add_domain_error(self, error)
