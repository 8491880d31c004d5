"""Forms of the catalog pages and the seller dashboard.

Forms only check the shape of the input; the rules live in
``artists.services``, whose ``DomainError`` is shown on the form by
``marketplace.forms.add_domain_error``.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .categories import category_tree
from .models import Artist, Item, Variant
from .services import PROFILE_FIELDS, SHOP_NAME_MAX_LENGTH, TERMS_FIELDS

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
MONEY_FIELD = {"max_digits": 12, "decimal_places": 2}


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )


class ShopOpenForm(forms.Form):
    """Open a shop on an existing account (a buyer becoming an artist)."""

    shop_name = forms.CharField(
        label=_("Shop name"),
        max_length=SHOP_NAME_MAX_LENGTH,
        help_text=_("You can change it later. Buyers see it on your pieces."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )


class ArtistProfileForm(forms.ModelForm):
    class Meta:
        model = Artist
        fields = list(PROFILE_FIELDS)
        widgets = {
            "story": forms.Textarea(attrs={"rows": 8}),
            "business_address": forms.Textarea(attrs={"rows": 4}),
        }


class ArtistTermsForm(forms.ModelForm):
    shipping_domestic = forms.DecimalField(
        label=_("Shipping fee, domestic (€)"), min_value=Decimal("0"), **MONEY_FIELD
    )
    shipping_eu = forms.DecimalField(
        label=_("Shipping fee, European Union (€)"),
        min_value=Decimal("0"),
        **MONEY_FIELD,
    )
    shipping_world = forms.DecimalField(
        label=_("Shipping fee, rest of the world (€)"),
        min_value=Decimal("0"),
        **MONEY_FIELD,
    )
    free_shipping_over = forms.DecimalField(
        label=_("Free shipping from (€)"),
        min_value=Decimal("0"),
        required=False,
        help_text=_(
            "Orders of your items from this amount ship free. Leave empty for never."
        ),
        **MONEY_FIELD,
    )

    class Meta:
        model = Artist
        fields = list(TERMS_FIELDS)
        widgets = {"return_postage_paid_by": forms.RadioSelect}


class HolidayForm(forms.Form):
    start_date = forms.DateField(
        label=_("First day of the holiday"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label=_("Last day of the holiday"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    message = forms.CharField(
        label=_("Message to buyers"),
        max_length=200,
        required=False,
        help_text=_("Shown on your shop and item pages during the holiday."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if (start is None) != (end is None) and not self.errors:
            raise forms.ValidationError(
                _("Give both the first and the last day of the holiday.")
            )
        if start and end and end < start:
            self.add_error("end_date", _("The holiday cannot end before it starts."))
        return cleaned


class ItemForm(forms.ModelForm):
    price = forms.DecimalField(
        label=_("Price (€)"), min_value=Decimal("0.01"), **MONEY_FIELD
    )

    class Meta:
        model = Item
        fields = [
            "title",
            "description",
            "price",
            "category",
            "size_guide",
            "personalisable",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "size_guide": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "category": _("Where buyers find it in the catalogue."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The tree in order, sub-categories indented under their parent.
        self.fields["category"].choices = [
            ("", _("No category")),
            *(
                (node.category.pk, "\u2003" * node.depth + node.label)
                for node in category_tree().flat()
            ),
        ]


class ItemCreateForm(ItemForm):
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One option per line (for example sizes or colours). Leave empty "
            "for an item without options."
        ),
    )
    stock = forms.IntegerField(
        label=_("Pieces in stock"),
        min_value=0,
        max_value=1_000_000,
        initial=1,
        help_text=_("For each option; you can change every stock afterwards."),
    )

    class Meta(ItemForm.Meta):
        pass

    def option_names(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data.get("options", "").splitlines()
            if line.strip()
        ]


class VariantForm(forms.ModelForm):
    price = forms.DecimalField(
        label=_("Own price (€)"),
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("Leave empty to use the item's price."),
        **MONEY_FIELD,
    )
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)

    class Meta:
        model = Variant
        fields = ["name", "price", "stock"]


class StockForm(forms.Form):
    """The inline stock cell of the dashboard's variants table."""

    variant = forms.IntegerField(widget=forms.HiddenInput)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)


class StockAlertForm(forms.Form):
    variant = forms.IntegerField(widget=forms.HiddenInput)
