"""Facet counts beside the catalogue's filters: for the current search, how
many items each category, each shop, "in stock" and "can be personalised"
would give. Each facet leaves its own filter out (choosing another category
shows how many it holds with the other filters kept). Three queries,
whatever the number of items, categories or shops.

Each facet reads at most ``COUNT_CAP + 1`` items: while what it counts holds
no more than ``COUNT_CAP``, its numbers are exact; past that (the whole
catalogue, a very common word) the facet is shown without numbers
(``Facets.capped``) rather than counting 200,000 items on every request.
When the results themselves are past the cap, so is every facet (each counts
a superset of them): no query at all."""

from dataclasses import dataclass

from django.db.models import Count, Q, Subquery

from marketplace.pagination import COUNT_CAP

from .categories import Tree
from .filters import ItemFilter
from .models import Item

MAX_ARTISTS = 30
FACETS = frozenset({"category", "artist", "flags"})


@dataclass(frozen=True)
class ArtistFacet:
    slug: str
    name: str
    count: int | None  # None: more than COUNT_CAP items to count


@dataclass
class Facets:
    tree: Tree  # each node's ``count`` set (None past the cap)
    artists: list[ArtistFacet]
    in_stock: int | None
    personalisable: int | None
    # Which facets had more than COUNT_CAP items to count.
    capped: frozenset = frozenset()


def _without(data, queryset, tree, names):
    """The items the facet of ``names`` counts (the other filters kept): at
    most COUNT_CAP + 1 of them, in no order, for an aggregate over them."""
    kept = ItemFilter(data, queryset=queryset, tree=tree, facets_of=names).qs
    return kept.order_by().values("pk")[: COUNT_CAP + 1]


def facet_counts(*, filterset: ItemFilter, queryset, found: int = 0) -> Facets:
    """The facets of ``filterset`` (already valid) over ``queryset``;
    ``found``: how many results the page counted (capped)."""
    data, tree = filterset.data, filterset.tree
    if found > COUNT_CAP:
        for node in tree.flat():
            node.count = None
        return Facets(tree, [], None, None, capped=FACETS)
    capped = set()
    # One pass over at most COUNT_CAP + 1 items, a count per category
    # (dozens of them) in one row.
    nodes = tree.flat()
    per_category = _without(data, queryset, tree, ("category",)).aggregate(
        total=Count("pk"),
        **{
            f"category_{node.category.pk}": Count(
                "pk", filter=Q(category_id=node.category.pk)
            )
            for node in nodes
        },
    )
    if per_category["total"] > COUNT_CAP:
        capped.add("category")
        for node in nodes:
            node.count = None
    else:
        tree.set_counts(
            {
                node.category.pk: per_category[f"category_{node.category.pk}"]
                for node in nodes
            }
        )

    chosen_artist = filterset.form.cleaned_data.get("artist")
    per_artist = list(
        Item.objects.filter(
            pk__in=Subquery(_without(data, queryset, tree, ("artist",)))
        )
        .values("artist__slug", "artist__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "artist__name")
    )
    if sum(row["count"] for row in per_artist) > COUNT_CAP:
        # Counted on a part of the matches only: no list of shops that
        # would pretend to be the first ones.
        capped.add("artist")
        artists = [
            ArtistFacet(row["artist__slug"], row["artist__name"], None)
            for row in per_artist
            if row["artist__slug"] == chosen_artist
        ]
    else:
        artists = [
            ArtistFacet(row["artist__slug"], row["artist__name"], row["count"])
            for row in per_artist[:MAX_ARTISTS]
        ]
        artists += [
            ArtistFacet(row["artist__slug"], row["artist__name"], row["count"])
            for row in per_artist[MAX_ARTISTS:]
            if row["artist__slug"] == chosen_artist
        ]

    in_stock = Q(in_stock=True)
    personalisable = Q(personalisable=True)
    chosen = filterset.form.cleaned_data
    flags = _without(data, queryset, tree, ("in_stock", "personalisable")).aggregate(
        total=Count("pk"),
        in_stock_count=Count(
            "pk",
            filter=in_stock & personalisable
            if chosen.get("personalisable")
            else in_stock,
        ),
        personalisable_count=Count(
            "pk",
            filter=personalisable & in_stock
            if chosen.get("in_stock")
            else personalisable,
        ),
    )
    if flags["total"] > COUNT_CAP:
        capped.add("flags")
        flags["in_stock_count"] = flags["personalisable_count"] = None
    return Facets(
        tree=tree,
        artists=artists,
        in_stock=flags["in_stock_count"],
        personalisable=flags["personalisable_count"],
        capped=frozenset(capped),
    )
