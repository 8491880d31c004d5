"""Reviews under concurrency (PostgreSQL): two reviews of the same line
at once leave one (the other a 400), and concurrent reviews, edits and
hides of one item and one shop leave their counts and averages exact."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest

from artists.models import Artist, Item
from reviews import services
from reviews.models import Review
from reviews.rules import average
from tests.factories import UserFactory
from tests.orders.factories import make_artist
from tests.returns.factories import make_line, staff_user

from .helpers import errors, kinds, run_together, stress_rounds

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reviews_of_the_same_line_at_once_leave_one():
    artist = make_artist("potter-race")
    for round_ in range(stress_rounds(5)):
        buyer = UserFactory(username=f"race-buyer-{round_}")
        line = make_line(buyer=buyer, artist=artist)

        results = run_together(
            *(
                partial(
                    services.review_create,
                    buyer=buyer,
                    line=line,
                    rating=rating,
                    text="Mine",
                )
                for rating in (5, 1)
            )
        )

        assert not errors(results), results
        assert kinds(results) == ["lost", "won"], results
        assert Review.objects.filter(line=line).count() == 1


def test_concurrent_changes_keep_the_averages_exact():
    artist = make_artist("potter-avg")
    buyer = UserFactory(username="avg-buyer")
    lines = [make_line(buyer=buyer, artist=artist) for _ in range(4)]
    item_id = lines[0].item_id_snapshot
    for line in lines:
        line.item_id_snapshot = item_id
        line.save(update_fields=["item_id_snapshot"])
    first = services.review_create(buyer=buyer, line=lines[0], rating=2, text="Meh")
    staff = staff_user()

    results = run_together(
        partial(services.review_create, buyer=buyer, line=lines[1], rating=5, text="A"),
        partial(services.review_create, buyer=buyer, line=lines[2], rating=4, text="B"),
        partial(services.review_create, buyer=buyer, line=lines[3], rating=3, text="C"),
        partial(services.review_hide, review=first, by=staff, reason="Spam."),
    )

    assert not errors(results), results
    visible = list(
        Review.objects.filter(item_id=item_id, is_hidden=False).values_list(
            "rating", flat=True
        )
    )
    item = Item.objects.get(pk=item_id)
    shop = Artist.objects.get(pk=artist.pk)
    assert sorted(visible) == [3, 4, 5]
    assert (item.rating_count, item.rating_average) == (3, Decimal("4.00"))
    assert (shop.rating_count, shop.rating_average) == (3, average(12, 3))
