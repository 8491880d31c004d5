"""What pages show of reviews: the block under an item or a shop (the
latest reviews, the average and the count kept on the item or the shop),
and, on the buyer's order page, whether each line can be reviewed."""

from __future__ import annotations

from django.urls import reverse

from artists.hooks import PageSection

from . import rules, selectors

LATEST = 5


def item_reviews_section(*, request, item, **_kwargs) -> PageSection:
    """The reviews block of the item page (``artists.hooks``)."""
    reviews = list(selectors.reviews_visible(item=item)[:LATEST])
    return PageSection(
        "reviews/reviews_section.html",
        {
            "reviews": reviews,
            "count": item.rating_count,
            "average": item.rating_average,
            "all_url": reverse("reviews:item", kwargs={"pk": item.pk}),
            "of_shop": False,
        },
    )


def shop_reviews_section(*, request, artist, **_kwargs) -> PageSection:
    """The reviews block of the shop page (``artists.hooks``)."""
    reviews = list(selectors.reviews_visible(artist=artist)[:LATEST])
    return PageSection(
        "reviews/reviews_section.html",
        {
            "reviews": reviews,
            "count": artist.rating_count,
            "average": artist.rating_average,
            "all_url": reverse("reviews:artist", kwargs={"slug": artist.slug}),
            "of_shop": True,
        },
    )


def attach_line_reviews(artist_orders) -> None:
    """Give each line of ``artist_orders`` (one buyer's) ``review`` (theirs,
    or None) and ``reviewable`` (``rules.Reviewable``): one query, none
    when no artist order was delivered (only delivered lines have reviews)."""
    verdicts = {ao.pk: rules.line_reviewable(ao) for ao in artist_orders}
    lines = [
        line for ao in artist_orders if verdicts[ao.pk].ok for line in ao.lines.all()
    ]
    by_line = selectors.reviews_by_line(lines=lines)
    for artist_order in artist_orders:
        reviewable = verdicts[artist_order.pk]
        for line in artist_order.lines.all():
            line.review = by_line.get(line.pk)
            line.reviewable = reviewable
