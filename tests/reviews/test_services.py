"""The review rules, through the services: delivered lines only, refused or
cancelled orders refused (409), once per line (400, and the database's
constraint), 30 days to edit, one answer, hiding logged and told, and the
item's and the shop's average and count exact after each change."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from artists.models import Artist, Item
from marketplace.errors import Conflict, DomainError
from reviews import services
from reviews.models import Review, ReviewModeration
from tests.factories import UserFactory
from tests.returns.factories import staff_user

from .helpers import gif_upload, jpeg_upload, make_line, write_review

pytestmark = pytest.mark.django_db


def _ratings(line):
    item = Item.objects.get(pk=line.item_id_snapshot)
    artist = Artist.objects.get(pk=line.artist_order.artist_id)
    return (
        (item.rating_count, item.rating_average),
        (artist.rating_count, artist.rating_average),
    )


class TestReviewCreate:
    @pytest.mark.parametrize("state", ["delivered", "completed"])
    def test_publishes_a_review_of_a_delivered_line(self, buyer, artist, state):
        line = make_line(buyer=buyer, artist=artist, state=state)

        review = write_review(line, rating=5, text="  Beautiful bowl.  ")

        assert review.rating == 5
        assert review.text == "Beautiful bowl."
        assert review.item_id == line.item_id_snapshot
        assert review.artist_id == artist.pk
        assert not review.is_hidden
        assert _ratings(line) == ((1, Decimal("5.00")), (1, Decimal("5.00")))

    @pytest.mark.parametrize("state", ["awaiting_acceptance", "accepted", "shipped"])
    def test_refuses_a_line_not_delivered_yet(self, buyer, artist, state):
        line = make_line(buyer=buyer, artist=artist, state=state)

        with pytest.raises(Conflict) as refused:
            write_review(line)

        assert "once it has been delivered" in str(refused.value)
        assert refused.value.state == state
        assert not Review.objects.exists()

    @pytest.mark.parametrize("state", ["refused", "cancelled"])
    def test_refuses_a_refused_or_cancelled_order(self, buyer, artist, state):
        line = make_line(buyer=buyer, artist=artist, state=state)

        with pytest.raises(Conflict) as refused:
            write_review(line)

        assert "refused or cancelled" in str(refused.value)
        assert not Review.objects.exists()
        assert _ratings(line)[0] == (0, None)

    def test_refuses_a_second_review_of_the_same_line(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)
        write_review(line, rating=5)

        with pytest.raises(DomainError) as refused:
            write_review(line, rating=1)

        assert refused.value.field == "line"
        assert Review.objects.count() == 1
        assert _ratings(line)[0] == (1, Decimal("5.00"))

    def test_the_database_refuses_a_second_review_of_a_line(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist))

        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(
                line=review.line,
                item=review.item,
                artist=review.artist,
                buyer=buyer,
                rating=3,
                text="Again",
            )

    def test_refuses_another_buyers_line(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)

        with pytest.raises(PermissionDenied):
            services.review_create(
                buyer=UserFactory(username="intruder"), line=line, rating=1, text="x"
            )

        assert not Review.objects.exists()

    @pytest.mark.parametrize("rating", [0, 6, "", None, "five"])
    def test_refuses_a_rating_outside_one_to_five(self, buyer, artist, rating):
        line = make_line(buyer=buyer, artist=artist)

        with pytest.raises(DomainError) as refused:
            write_review(line, rating=rating)

        assert refused.value.field == "rating"

    def test_refuses_an_empty_text(self, buyer, artist):
        with pytest.raises(DomainError) as refused:
            write_review(make_line(buyer=buyer, artist=artist), text="   ")

        assert refused.value.field == "text"

    def test_stores_photos_without_their_metadata(self, buyer, artist):
        exif = Image.Exif()
        exif[0x010F] = "SpyCam"  # Make
        line = make_line(buyer=buyer, artist=artist)

        review = write_review(line, photos=[jpeg_upload(exif=exif)])

        photo = review.photos.get()
        with photo.image.open("rb") as stored, Image.open(stored) as image:
            assert not image.getexif()

    def test_refuses_a_file_that_is_not_a_jpeg_png_or_webp(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)

        with pytest.raises(DomainError) as refused:
            write_review(line, photos=[gif_upload()])

        assert refused.value.field == "photos"
        assert not Review.objects.exists()

    def test_refuses_more_than_five_photos(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)

        with pytest.raises(DomainError) as refused:
            write_review(line, photos=[jpeg_upload(f"{n}.jpg") for n in range(6)])

        assert refused.value.field == "photos"

    def test_averages_every_visible_review_to_the_hundredth(self, buyer, artist):
        lines = [make_line(buyer=buyer, artist=artist) for _ in range(3)]
        other_item_line = make_line(buyer=buyer, artist=artist)

        for line, rating in zip(lines, (5, 4, 4), strict=True):
            # The same item for the three lines.
            line.item_id_snapshot = lines[0].item_id_snapshot
            line.save(update_fields=["item_id_snapshot"])
            write_review(line, rating=rating)
        write_review(other_item_line, rating=2)

        assert _ratings(lines[0]) == ((3, Decimal("4.33")), (4, Decimal("3.75")))
        assert _ratings(other_item_line)[0] == (1, Decimal("2.00"))


class TestReviewEdit:
    def test_its_buyer_changes_stars_and_text_and_the_average_follows(
        self, buyer, artist
    ):
        line = make_line(buyer=buyer, artist=artist)
        review = write_review(line, rating=5)

        services.review_edit(review=review, by=buyer, rating=2, text="Chipped.")

        review.refresh_from_db()
        assert (review.rating, review.text) == (2, "Chipped.")
        assert review.edited_at is not None
        assert _ratings(line) == ((1, Decimal("2.00")), (1, Decimal("2.00")))

    def test_refuses_after_thirty_days(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist), rating=5)
        Review.objects.filter(pk=review.pk).update(
            created_at=timezone.now() - timedelta(days=30, minutes=1)
        )
        review.refresh_from_db()

        with pytest.raises(Conflict) as refused:
            services.review_edit(review=review, by=buyer, rating=1)

        assert "30 days" in str(refused.value)
        review.refresh_from_db()
        assert review.rating == 5

    def test_is_still_possible_on_the_thirtieth_day(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist), rating=5)
        Review.objects.filter(pk=review.pk).update(
            created_at=timezone.now() - timedelta(days=29, hours=23)
        )
        review.refresh_from_db()

        services.review_edit(review=review, by=buyer, rating=3)

        assert review.rating == 3

    def test_nobody_else_edits_it(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist), rating=5)

        with pytest.raises(PermissionDenied):
            services.review_edit(review=review, by=artist.user, rating=1)

        review.refresh_from_db()
        assert review.rating == 5

    def test_adds_and_removes_photos_up_to_five(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)
        review = write_review(line, photos=[jpeg_upload("a.jpg"), jpeg_upload("b.jpg")])
        first = review.photos.first()

        services.review_edit(
            review=review,
            by=buyer,
            photos=[jpeg_upload("c.jpg")],
            remove_photos=[first.pk],
        )

        assert review.photos.count() == 2
        assert not review.photos.filter(pk=first.pk).exists()
        with pytest.raises(DomainError):
            services.review_edit(
                review=review,
                by=buyer,
                photos=[jpeg_upload(f"{n}.jpg") for n in range(4)],
            )


class TestReviewAnswer:
    def test_the_artist_answers_once(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist))

        services.review_answer(review=review, artist=artist, text="Thank you!")

        review.refresh_from_db()
        assert review.answer == "Thank you!"
        assert review.answered_at is not None
        with pytest.raises(Conflict):
            services.review_answer(review=review, artist=artist, text="Again")
        review.refresh_from_db()
        assert review.answer == "Thank you!"

    def test_another_artist_cannot_answer(self, buyer, artist, other_artist):
        review = write_review(make_line(buyer=buyer, artist=artist))

        with pytest.raises(PermissionDenied):
            services.review_answer(review=review, artist=other_artist, text="Hi")

        review.refresh_from_db()
        assert review.answer == ""

    def test_an_empty_answer_is_refused(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist))

        with pytest.raises(DomainError) as refused:
            services.review_answer(review=review, artist=artist, text=" ")

        assert refused.value.field == "text"


class TestReviewHide:
    def test_staff_hide_it_with_a_logged_reason_and_the_author_is_told(
        self, buyer, artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        line = make_line(buyer=buyer, artist=artist)
        kept = write_review(make_line(buyer=buyer, artist=artist), rating=2)
        review = write_review(line, rating=5)
        staff = staff_user()
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            services.review_hide(review=review, by=staff, reason="Insults.")

        review.refresh_from_db()
        assert review.is_hidden and review.hidden_reason == "Insults."
        log = ReviewModeration.objects.get(review=review)
        assert (log.action, log.reason, log.by) == ("hide", "Insults.", staff)
        assert _ratings(line) == ((0, None), (1, Decimal("2.00")))
        assert kept.pk
        [email] = mailoutbox
        assert email.to == [buyer.email]
        assert "hidden" in email.subject
        assert "Insults." in email.body

    def test_a_reason_is_required(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist))

        with pytest.raises(DomainError):
            services.review_hide(review=review, by=staff_user(), reason="")

        review.refresh_from_db()
        assert not review.is_hidden

    def test_only_staff_hide(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist))

        with pytest.raises(PermissionDenied):
            services.review_hide(review=review, by=artist.user, reason="Mean.")

    def test_unhide_counts_it_again_and_is_logged(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)
        review = write_review(line, rating=4)
        staff = staff_user()
        services.review_hide(review=review, by=staff, reason="Check.")

        services.review_unhide(review=review, by=staff, reason="Checked: fine.")

        review.refresh_from_db()
        assert not review.is_hidden
        assert list(
            ReviewModeration.objects.order_by("id").values_list("action", flat=True)
        ) == ["hide", "unhide"]
        assert _ratings(line) == ((1, Decimal("4.00")), (1, Decimal("4.00")))
        with pytest.raises(Conflict):
            services.review_unhide(review=review, by=staff)

    def test_a_hidden_review_can_no_longer_be_edited_or_answered(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist))
        services.review_hide(review=review, by=staff_user(), reason="Spam.")

        with pytest.raises(Conflict):
            services.review_edit(review=review, by=buyer, rating=1)
        with pytest.raises(Conflict):
            services.review_answer(review=review, artist=artist, text="Hm")
