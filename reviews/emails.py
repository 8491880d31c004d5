"""Contexts of the review emails (JSON-serialisable: the outbox stores them):
the new review to the artist, the hidden review to its author, and the
"how was it?" invitation to the buyer of a delivered artist order."""

from __future__ import annotations

from django.urls import reverse


def review_email_context(*, review, recipient) -> dict:
    """What the emails about ``review`` show: the piece, the stars, the
    text, the reason it was hidden, and the links (paths: the templates
    prefix ``site_url``)."""
    order = review.line.artist_order.order
    return {
        "review_id": review.pk,
        "title": review.line.title,
        "variant": review.line.variant_name,
        "rating": review.rating,
        "text": review.text,
        "hidden_reason": review.hidden_reason,
        "order_number": order.number,
        "buyer_name": order.shipping_name,
        "artist_name": review.artist.name,
        "item_url": reverse("catalog:item", kwargs={"pk": review.item_id}),
        "review_url": reverse("reviews:edit", kwargs={"pk": review.pk}),
        "dashboard_url": reverse("dashboard:reviews") + f"#review-{review.pk}",
    }


def invitation_context(*, artist_order, recipient) -> dict:
    """The "how was it?" email of a delivered ``artist_order``: each piece
    with the link to review it."""
    order = artist_order.order
    return {
        "order_number": order.number,
        "buyer_name": order.shipping_name,
        "artist_name": artist_order.artist.name,
        "pieces": [
            {
                "title": line.title,
                "variant": line.variant_name,
                "review_url": reverse("reviews:create", kwargs={"line_pk": line.pk}),
            }
            for line in artist_order.lines.all()
        ],
        "order_url": reverse("account:order", kwargs={"number": order.number}),
    }
