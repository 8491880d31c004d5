"""Demo reviews: the demo buyers review the pieces of their completed
orders (through ``reviews.services``, as a buyer would), one shop answers,
and the delivered orders stay unreviewed so that "Review this piece" shows
on their pages. Idempotent: a line already reviewed is left as it is."""

from __future__ import annotations

from accounts.models import User
from orders.models import ArtistOrderState, OrderLine
from reviews import services as review_services
from reviews.models import Review

# (rating, text) per buyer language, taken in turn.
TEXTS = {
    "en": [
        (5, "Even more beautiful than in the photos, and carefully packed."),
        (4, "Lovely piece, it arrived a little later than planned."),
        (5, "A gift that was a real hit. Thank you!"),
    ],
    "fr": [
        (5, "Encore plus belle qu’en photo, et très bien emballée."),
        (4, "Très jolie pièce, arrivée un peu plus tard que prévu."),
    ],
}
ANSWER = "Thank you so much for your kind words!"


def seed_reviews() -> int:
    """Reviews of the completed demo orders; returns how many were written."""
    written = 0
    for username in ("buyer", "acheteuse", "louise"):
        buyer = User.objects.filter(username=username).first()
        if buyer is None:
            continue
        texts = TEXTS.get(buyer.language, TEXTS["en"])
        lines = (
            OrderLine.objects.filter(
                artist_order__order__buyer=buyer,
                artist_order__state=ArtistOrderState.COMPLETED,
                artist_order__delivered_at__isnull=False,
            )
            .exclude(pk__in=Review.objects.values("line_id"))
            .select_related("artist_order__order", "artist_order__artist")
            .order_by("pk")
        )
        for turn, line in enumerate(lines):
            rating, text = texts[turn % len(texts)]
            review = review_services.review_create(
                buyer=buyer, line=line, rating=rating, text=text
            )
            written += 1
            if turn == 0:
                review_services.review_answer(
                    review=review, artist=line.artist_order.artist, text=ANSWER
                )
    return written
