"""The review endpoints of api.md: shapes, status codes and who may do what
(another's line, review or shop is a 404)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import Review
from tests.factories import UserFactory
from tests.returns.factories import staff_user

from .helpers import jpeg_upload, make_line, write_review

pytestmark = pytest.mark.django_db

REVIEWS = "/api/v1/reviews/"


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def line(buyer, artist):
    return make_line(buyer=buyer, artist=artist)


class TestCreate:
    def test_201_with_the_review_and_its_photos(self, buyer_api, line):
        response = buyer_api.post(
            REVIEWS,
            {
                "line": line.pk,
                "rating": 5,
                "text": "Perfect.",
                "photos": [jpeg_upload()],
            },
            format="multipart",
        )

        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["line"] == line.pk
        assert body["item"] == line.item_id_snapshot
        assert (body["rating"], body["text"], body["answer"]) == (5, "Perfect.", "")
        assert body["hidden"] is False
        assert len(body["photos"]) == 1
        assert body["photos"][0].startswith("http://testserver/reviews/photos/")
        assert "editable_until" in body

    def test_409_before_delivery(self, buyer, artist, buyer_api):
        line = make_line(buyer=buyer, artist=artist, state="shipped")

        response = buyer_api.post(REVIEWS, {"line": line.pk, "rating": 5, "text": "?"})

        assert response.status_code == 409
        assert response.json()["state"] == "shipped"
        assert not Review.objects.exists()

    @pytest.mark.parametrize("state", ["refused", "cancelled"])
    def test_409_for_a_refused_or_cancelled_order(
        self, buyer, artist, buyer_api, state
    ):
        line = make_line(buyer=buyer, artist=artist, state=state)

        response = buyer_api.post(REVIEWS, {"line": line.pk, "rating": 1, "text": "?"})

        assert response.status_code == 409
        assert "refused or cancelled" in response.json()["detail"]

    def test_400_for_a_second_review_of_the_same_line(self, buyer_api, line):
        write_review(line)

        response = buyer_api.post(REVIEWS, {"line": line.pk, "rating": 1, "text": "!"})

        assert response.status_code == 400
        assert "line" in response.json()
        assert Review.objects.count() == 1

    def test_400_with_field_errors(self, buyer_api, line):
        response = buyer_api.post(REVIEWS, {"line": line.pk, "rating": 9, "text": ""})

        assert response.status_code == 400
        assert set(response.json()) == {"rating", "text"}

    def test_404_for_another_buyers_line(self, line):
        other = _client(UserFactory(username="other-buyer"))

        response = other.post(REVIEWS, {"line": line.pk, "rating": 5, "text": "Mine"})

        assert response.status_code == 404
        assert not Review.objects.exists()

    def test_401_anonymous(self, line):
        assert _client().post(REVIEWS, {"line": line.pk}).status_code == 401


class TestEdit:
    def test_its_buyer_patches_it(self, buyer_api, line):
        review = write_review(line, rating=5)

        response = buyer_api.patch(
            f"{REVIEWS}{review.pk}/", {"rating": 3}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["rating"] == 3
        assert response.json()["text"] == review.text

    def test_409_after_thirty_days(self, buyer_api, line):
        review = write_review(line, rating=5)
        Review.objects.filter(pk=review.pk).update(
            created_at=timezone.now() - timedelta(days=31)
        )

        response = buyer_api.patch(f"{REVIEWS}{review.pk}/", {"rating": 1})

        assert response.status_code == 409
        assert Review.objects.get().rating == 5

    @pytest.mark.parametrize("who", ["other_buyer", "artist", "staff"])
    def test_404_for_anyone_else(self, line, artist, who):
        review = write_review(line, rating=5)
        user = {
            "other_buyer": UserFactory(username="other-buyer"),
            "artist": artist.user,
            "staff": staff_user(),
        }[who]

        response = _client(user).patch(f"{REVIEWS}{review.pk}/", {"rating": 1})

        assert response.status_code == 404
        assert Review.objects.get().rating == 5


class TestAnswer:
    def test_the_artist_answers_once(self, artist_api, line):
        review = write_review(line)
        url = reverse("api-review-answer", kwargs={"pk": review.pk})

        first = artist_api.post(url, {"text": "Thanks!"})
        second = artist_api.post(url, {"text": "Thanks again!"})

        assert first.status_code == 200
        assert first.json()["answer"] == "Thanks!"
        assert first.json()["answered_at"]
        assert second.status_code == 409
        assert Review.objects.get().answer == "Thanks!"

    @pytest.mark.parametrize("who", ["buyer", "other_artist", "staff"])
    def test_404_for_anyone_but_its_artist(self, buyer, other_artist, line, who):
        review = write_review(line)
        user = {
            "buyer": buyer,
            "other_artist": other_artist.user,
            "staff": staff_user(),
        }[who]

        response = _client(user).post(
            reverse("api-review-answer", kwargs={"pk": review.pk}), {"text": "Hm"}
        )

        assert response.status_code == 404
        assert Review.objects.get().answer == ""


class TestLists:
    def test_visible_reviews_of_an_item_and_a_shop_newest_first(
        self, buyer, artist, line
    ):
        older = write_review(line, rating=2)
        Review.objects.filter(pk=older.pk).update(
            created_at=timezone.now() - timedelta(days=2)
        )
        newer_line = make_line(buyer=buyer, artist=artist)
        newer = write_review(newer_line, rating=5)
        hidden = write_review(make_line(buyer=buyer, artist=artist), rating=1)
        Review.objects.filter(pk=hidden.pk).update(is_hidden=True)

        shop = _client().get(f"/api/v1/artists/{artist.slug}/reviews/")
        item = _client().get(f"/api/v1/items/{line.item_id_snapshot}/reviews/")

        assert shop.status_code == 200
        assert [r["id"] for r in shop.json()["results"]] == [newer.pk, older.pk]
        assert [r["id"] for r in item.json()["results"]] == [older.pk]
        public = shop.json()["results"][0]
        assert set(public) == {
            "id",
            "item",
            "item_title",
            "artist",
            "author",
            "rating",
            "text",
            "photos",
            "answer",
            "answered_at",
            "created_at",
            "edited_at",
        }
        assert public["artist"] == artist.slug
        assert public["author"] == buyer.first_name or buyer.username

    def test_constant_queries_whatever_the_number_of_reviews(
        self, buyer, artist, django_assert_max_num_queries
    ):
        for _ in range(6):
            write_review(make_line(buyer=buyer, artist=artist), photos=[jpeg_upload()])

        with django_assert_max_num_queries(5):
            response = _client().get(f"/api/v1/artists/{artist.slug}/reviews/")

        assert len(response.json()["results"]) == 6

    def test_404_for_an_unknown_item_or_shop(self):
        assert _client().get("/api/v1/items/999999/reviews/").status_code == 404
        assert _client().get("/api/v1/artists/nobody/reviews/").status_code == 404
