"""Forms of the return pages (buyer account and seller dashboard).

They check the shape of the input only; the rules (eligibility, quantity,
photos, amounts) are the services' and come back as ``DomainError``s that
``DomainErrorFormMixin.add_domain_error`` puts on the right field.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from artists.models import Variant
from marketplace.forms import DomainErrorFormMixin
from marketplace.notifications.formatting import format_amount
from orders.forms import ShipForm

from .models import ARTIST_FAULT_REASONS, ReturnKind, ReturnReason
from .postage import free_shipping_threshold, line_deduction, line_deduction_preview

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
MAX_PHOTOS = 5
TEXT_MAX = 2000


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReturnPhotosField(forms.FileField):
    """Up to five photos in one ``<input multiple>``; each is decoded and
    re-encoded by the service, which also enforces the per-reason rules."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT, "multiple": True}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(ReturnPhotosField, self).clean(file, initial) for file in files]
        files = [file for file in files if file]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Attach at most %(max)s photos."),
                params={"max": MAX_PHOTOS},
                code="too_many",
            )
        return files


def replacement_choices(artist) -> list[tuple[str, str]]:
    """The pieces of ``artist`` a buyer may ask for in exchange: each option
    of each item on sale (``variant:<id>``), and each item as a whole
    (``item:<id>``) when it has several options. One query."""
    variants = (
        Variant.objects.filter(item__artist=artist, item__in=artist.items.visible())
        .select_related("item")
        .order_by("item__title", "item_id", "name", "id")
    )
    choices: list[tuple[str, str]] = []
    by_item: dict[int, list] = {}
    for variant in variants:
        by_item.setdefault(variant.item_id, []).append(variant)
    for options in by_item.values():
        item = options[0].item
        if len(options) == 1:
            choices.append((f"variant:{options[0].pk}", item.title))
            continue
        choices.append(
            (
                f"item:{item.pk}",
                str(_("%(title)s (any option)")) % {"title": item.title},
            )
        )
        for variant in options:
            choices.append((f"variant:{variant.pk}", f"{item.title} — {variant.name}"))
    return choices


class ReturnRequestForm(DomainErrorFormMixin, forms.Form):
    """Ask to return or exchange one order line.

    Built for one line from its ``LineEligibility``: the reasons allowed now,
    the quantity still returnable, exchange only when the artist accepts
    exchanges, and the artist's pieces for the wanted replacement.
    """

    field_map = {
        "desired_variant": "desired_replacement",
        "desired_item": "desired_replacement",
        "desired_text": "desired_text",
    }

    reason = forms.ChoiceField(label=_("Reason"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    kind = forms.ChoiceField(
        label=_("What would you like?"),
        widget=forms.RadioSelect,
        initial=ReturnKind.RETURN,
    )
    desired_replacement = forms.ChoiceField(
        label=_("Wanted replacement"),
        required=False,
        help_text=_("Another option or piece of the same artist."),
    )
    desired_text = forms.CharField(
        label=_("Or describe it"),
        max_length=500,
        required=False,
        help_text=_("For example: the same bowl in blue."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened? The artist reads it."),
    )
    photos = ReturnPhotosField(
        label=_("Photos"),
        required=False,
        help_text=_(
            "Required for a wrong, damaged or non-compliant piece: 1 to 5 photos, "
            "JPEG, PNG or WebP, at most 10 MB each."
        ),
    )

    def __init__(self, *args, line, eligibility, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        allowed = eligibility.allowed_reasons
        self.fields["reason"].choices = [("", _("Choose a reason"))] + [
            (value, capfirst(label))
            for value, label in ReturnReason.choices
            if value in allowed
        ]
        # The page script shows the photos field only for these reasons.
        self.fields["reason"].widget.attrs["data-photo-reasons"] = " ".join(
            sorted(str(r) for r in ARTIST_FAULT_REASONS)
        )
        # The label says when photos are required (templates/includes/form.html
        # shows ``requirement`` instead of "optional"; the page script says
        # "required" once such a reason is chosen).
        photos = self.fields["photos"]
        fault_only = allowed and allowed <= ARTIST_FAULT_REASONS
        if fault_only or (
            self.is_bound and self.data.get("reason") in ARTIST_FAULT_REASONS
        ):
            photos.requirement = pgettext_lazy("form field", "required")
        else:
            photos.requirement = _(
                "required if the piece is wrong, damaged or not as described"
            )
        most = max(eligibility.returnable_quantity, 1)
        quantity = self.fields["quantity"]
        quantity.max_value = most
        quantity.validators.append(MaxValueValidator(most))
        quantity.widget.attrs.update({"min": 1, "max": most})
        self.initial.setdefault("quantity", 1)
        kinds = [(ReturnKind.RETURN.value, _("A refund: I send it back"))]
        if eligibility.exchange_allowed:
            kinds.append(
                (ReturnKind.EXCHANGE.value, _("An exchange for another piece"))
            )
        self.fields["kind"].choices = kinds
        self.fields["desired_replacement"].choices = [
            ("", _("Choose a piece"))
        ] + replacement_choices(line.artist_order.artist)
        if not eligibility.exchange_allowed:
            for name in ("desired_replacement", "desired_text"):
                del self.fields[name]
        # Free shipping given back (seed 002): what each quantity would
        # deduct, shown before sending; the buyer confirms it.
        preview = line_deduction_preview(line=line, most=most)
        if not any(row.amount > 0 for row in preview):
            preview = []
        self.deduction_preview = preview
        self.deduction_threshold = free_shipping_threshold(line.artist_order)
        if preview:
            self.fields["accept_shipping_deduction"] = forms.BooleanField(
                label=_("I understand that the postage is deducted from my refund"),
                required=False,
            )

    def clean(self):
        data = super().clean()
        data["desired_variant"] = None
        data["desired_item"] = None
        choice = data.get("desired_replacement") or ""
        if choice:
            kind, _sep, pk = choice.partition(":")
            data[f"desired_{kind}"] = int(pk)
        if data.get("kind") != ReturnKind.EXCHANGE:
            data["desired_variant"] = data["desired_item"] = None
            data["desired_text"] = ""
        elif not (choice or data.get("desired_text")):
            self.add_error(
                "desired_replacement",
                _("Choose the piece you would like instead, or describe it."),
            )
        self._check_shipping_deduction(data)
        return data

    def _check_shipping_deduction(self, data) -> None:
        """A return that deducts the free-shipping postage needs the
        buyer's confirmation, with the amount for the chosen quantity."""
        if "accept_shipping_deduction" not in self.fields:
            return
        if data.get("accept_shipping_deduction") or not data.get("quantity"):
            return
        deduction = line_deduction(
            line=self.line,
            quantity=data["quantity"],
            reason=data.get("reason") or "",
            kind=data.get("kind") or "",
        )
        if deduction.amount > 0:
            self.add_error(
                "accept_shipping_deduction",
                _(
                    "With this return you keep %(kept)s € of pieces, under the "
                    "%(threshold)s € that got you free shipping: %(amount)s € of "
                    "postage will be deducted from your refund. Tick the box to "
                    "confirm."
                )
                % {
                    "kept": format_amount(deduction.kept),
                    "threshold": format_amount(deduction.threshold),
                    "amount": format_amount(deduction.amount),
                },
            )


class ShipBackForm(ShipForm):
    """The buyer's parcel back to the artist."""


class EscalateForm(forms.Form):
    message = forms.CharField(
        label=_("Why should the marketplace team look at it?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tell the team what is wrong.")},
    )


class AcceptForm(DomainErrorFormMixin, forms.Form):
    instructions = forms.CharField(
        label=_("Return instructions"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The address to send it to and how to pack it. The buyer receives them by email."
        ),
        error_messages={"required": _("Tell the buyer where and how to send it back.")},
    )
    ship_back_deadline = forms.DateField(
        label=_("Send it back before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the usual delay."),
    )


class RejectForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The buyer reads it and may ask the marketplace team to look at it."
        ),
        error_messages={"required": _("Tell the buyer why you reject the request.")},
    )


class ReceiveForm(DomainErrorFormMixin, forms.Form):
    restock = forms.BooleanField(
        label=_("Put back in stock"),
        required=False,
        help_text=_(
            "The returned pieces go back into the stock of this variant; buyers "
            "waiting for it are emailed."
        ),
    )


class RefundForm(DomainErrorFormMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund (€)"), max_digits=12, decimal_places=2, min_value=0
    )
    note = forms.CharField(
        label=_("Why less?"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when you refund less than the computed amount; the buyer reads it."
        ),
    )

    def __init__(self, *args, computed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.computed = computed
        if computed is not None:
            self.fields["amount"].max_value = computed
            self.initial.setdefault("amount", computed)
            self.fields["amount"].widget.attrs["max"] = str(computed)

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if (
            self.computed is not None
            and amount is not None
            and amount < self.computed
            and not (data.get("note") or "").strip()
        ):
            self.add_error(
                "note",
                _("Say why you refund less than %(amount)s €.")
                % {"amount": format_amount(self.computed)},
            )
        return data


class ShipReplacementForm(DomainErrorFormMixin, ShipForm):
    """The replacement parcel of an exchange, and the piece sent (its stock
    goes down): one of ``variants``, ``initial_variant`` chosen."""

    variant = forms.TypedChoiceField(
        label=_("Piece sent"),
        coerce=int,
        # Left out (an old page, a script): the service's default piece.
        required=False,
        empty_value=None,
        help_text=_("Its stock goes down by the quantity exchanged."),
    )
    field_order = ["variant", "carrier", "tracking_number"]

    def __init__(self, *args, variants=(), initial_variant=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["variant"]
        field.choices = [
            (
                variant.pk,
                _("%(title)s — %(variant)s (%(stock)s in stock)")
                % {
                    "title": variant.item.title,
                    "variant": variant.name,
                    "stock": variant.stock,
                },
            )
            for variant in variants
        ]
        if len(field.choices) < 2:
            # Nothing to choose from: the service takes its default.
            del self.fields["variant"]
        elif initial_variant is not None:
            self.initial.setdefault("variant", initial_variant.pk)
