"""The catalogue's filters, one FilterSet for the ``/items/`` page and the
API's ``items/`` (api.md, "Catalog"): words, category (its sub-categories
included), shop, price range, in stock, ships to, personalisable, and the
sorting. Bad values are form errors on the page and a 400 in the API."""

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries
from django_filters import rest_framework as filters

from marketplace.forms import FastSelect

from . import search
from .categories import category_tree
from .models import Category, Item
from .shipping import item_shipping_fee_to, ships_to_q

NEWEST, PRICE_UP, PRICE_DOWN, RATING = "newest", "price", "-price", "rating"
ORDERINGS = {
    NEWEST: ["-created_at", "-id"],
    PRICE_UP: ["price", "-created_at", "-id"],
    PRICE_DOWN: ["-price", "-created_at", "-id"],
    RATING: [
        F("rating_average").desc(nulls_last=True),
        "-rating_count",
        "-created_at",
        "-id",
    ],
}
# Filters a facet leaves out to count what choosing it again would give.
FACET_PARAMETERS = ("category", "artist", "in_stock", "personalisable")


class SlugFilter(filters.CharFilter):
    """A slug: anything else (spaces, a NUL byte...) is a 400 that says so,
    never a query."""

    field_class = forms.SlugField


class YesFilter(filters.BooleanFilter):
    """A box to tick: ``true`` (or ``1``, ``on``) narrows the list, anything
    else leaves it whole."""

    field_class = forms.BooleanField

    def filter(self, queryset, value):
        return super().filter(queryset, True) if value else queryset


class ItemFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_words",
        max_length=200,
        label=_("Search"),
        help_text="Words in the title, description, shop or category (EN/FR, "
        "accents ignored); results come best match first unless ordered.",
    )
    category = SlugFilter(
        method="filter_category",
        max_length=80,
        label=_("Category"),
        help_text="A category's slug: its items and its sub-categories'.",
    )
    artist = SlugFilter(
        field_name="artist__slug",
        max_length=80,
        label=_("Artist"),
        help_text="Only this shop's items (slug).",
    )
    min_price = filters.NumberFilter(
        field_name="price",
        lookup_expr="gte",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        label=_("Price from (€)"),
    )
    max_price = filters.NumberFilter(
        field_name="price",
        lookup_expr="lte",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        label=_("Price up to (€)"),
    )
    in_stock = YesFilter(
        method="filter_in_stock",
        label=_("In stock only"),
        help_text="true: only items with at least one option in stock.",
    )
    ships_to = filters.ChoiceFilter(
        method="filter_ships_to",
        choices=countries,
        widget=FastSelect,  # 249 countries: one pass, not a template each
        empty_label=_("Any country"),
        label=_("Ships to"),
        help_text="An ISO country code: each item carries its delivery fee "
        "there; shops that do not serve that country's zone are left out.",
    )
    personalisable = YesFilter(
        field_name="personalisable",
        label=_("Can be personalised"),
        help_text="true: only items the buyer may personalise.",
    )
    ordering = filters.ChoiceFilter(
        method="filter_ordering",
        choices=[
            (NEWEST, pgettext_lazy("sort", "Newest")),
            (PRICE_UP, _("Price, low to high")),
            (PRICE_DOWN, _("Price, high to low")),
            (RATING, _("Best rated")),
        ],
        empty_label=_("Relevance"),
        label=_("Sort by"),
        help_text="newest, price, -price or rating; by default the best "
        "match first when searching, else the newest.",
    )

    class Meta:
        model = Item
        fields = []

    def __init__(self, *args, tree=None, facets_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._tree = tree
        # Counting a facet: that filter is left out and nothing is sorted.
        self.facets_of = facets_of

    @property
    def tree(self):
        if self._tree is None:
            self._tree = category_tree()
        return self._tree

    def filter_queryset(self, queryset):
        for name, value in self.form.cleaned_data.items():
            if name in (self.facets_of or ()):
                continue
            queryset = self.filters[name].filter(queryset, value)
        if self.facets_of is not None:
            return queryset.order_by()
        return self.sort(queryset)

    def sort(self, queryset):
        data = self.form.cleaned_data
        ordering = data.get("ordering")
        if ordering:
            return queryset.order_by(*ORDERINGS[ordering])
        if data.get("q"):
            return queryset.order_by("-rank", "-created_at", "-id")
        return queryset.order_by(*ORDERINGS[NEWEST])

    @property
    def chosen_category(self) -> Category | None:
        """The category chosen, once the filters are valid."""
        slug = self.is_valid() and self.form.cleaned_data.get("category")
        if not slug:
            return None
        return next(
            (node.category for node in self.tree.flat() if node.slug == slug), None
        )

    @property
    def query(self) -> str:
        return (self.is_valid() and self.form.cleaned_data.get("q")) or ""

    @property
    def chosen_country(self) -> str:
        return (self.is_valid() and self.form.cleaned_data.get("ships_to")) or ""

    def filter_words(self, queryset, name, value):
        value = " ".join(value.split())
        return search.search(queryset, value) if value else queryset

    def filter_category(self, queryset, name, value):
        category = self.chosen_category
        if category is None:
            return queryset.none()
        return queryset.filter(category_id__in=self.tree.subtree_ids(category.pk))

    def filter_in_stock(self, queryset, name, value):
        # Item.in_stock is kept by the database from the variants' stock.
        return queryset.filter(in_stock=True) if value else queryset

    def filter_ships_to(self, queryset, name, value: str):
        # Only shops serving the country's zone (artists/shipping.py), each
        # item with what delivery there costs.
        return queryset.filter(ships_to_q(value, prefix="artist__")).annotate(
            shipping_fee=item_shipping_fee_to(value)
        )

    def filter_ordering(self, queryset, name, value: str):
        return queryset  # applied last, by sort()

    def is_valid(self):
        if not super().is_valid():
            return False
        data = self.form.cleaned_data
        slug = data.get("category")
        if slug and not any(node.slug == slug for node in self.tree.flat()):
            self.form.add_error("category", _("There is no such category."))
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.form.add_error(
                "max_price", _("The highest price cannot be below the lowest.")
            )
        return not self.form.errors
