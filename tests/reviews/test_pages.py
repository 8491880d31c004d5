"""The review pages as people use them: the buyer's order page and form,
the item and shop pages, the photos, the artist's dashboard and the admin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Review, ReviewModeration
from tests.factories import UserFactory
from tests.orders.factories import make_artist
from tests.returns.factories import staff_user

from .helpers import jpeg_upload, logged_in, make_line, messages_on, write_review

pytestmark = pytest.mark.django_db


def _order_page(client, line):
    return client.get(
        reverse("account:order", kwargs={"number": line.artist_order.order.number})
    )


class TestBuyerWritesAReview:
    def test_the_order_page_offers_to_review_delivered_pieces_only(self, buyer, artist):
        delivered = make_line(buyer=buyer, artist=artist)
        shipped = make_line(buyer=buyer, artist=artist, state="shipped")
        client = logged_in(buyer)

        on_delivered = _order_page(client, delivered).content.decode()
        on_shipped = _order_page(client, shipped).content.decode()

        assert reverse("reviews:create", args=[delivered.pk]) in on_delivered
        assert "Review this piece" in on_delivered
        assert "Review this piece" not in on_shipped

    def test_publishes_it_and_shows_it_on_the_order_page(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)
        client = logged_in(buyer)

        response = client.post(
            reverse("reviews:create", args=[line.pk]),
            {"rating": "4", "text": "Lovely.", "photos": [jpeg_upload()]},
            follow=True,
        )

        review = Review.objects.get()
        assert (review.rating, review.text, review.photos.count()) == (4, "Lovely.", 1)
        assert "Thank you: your review is published" in " ".join(messages_on(response))
        assert reverse("reviews:edit", args=[review.pk]) in response.content.decode()

    def test_shows_the_errors_on_the_form(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)

        response = logged_in(buyer).post(
            reverse("reviews:create", args=[line.pk]), {"rating": "", "text": ""}
        )

        assert response.status_code == 200
        assert "Choose from 1 to 5 stars." in response.content.decode()
        assert not Review.objects.exists()

    @pytest.mark.parametrize("state", ["refused", "cancelled"])
    def test_a_refused_or_cancelled_order_gets_a_clear_message(
        self, buyer, artist, state
    ):
        line = make_line(buyer=buyer, artist=artist, state=state)
        client = logged_in(buyer)

        page = client.get(reverse("reviews:create", args=[line.pk]))
        posted = client.post(
            reverse("reviews:create", args=[line.pk]),
            {"rating": "5", "text": "Hm"},
            follow=True,
        )

        assert "This order was refused or cancelled" in page.content.decode()
        assert 'data-testid="review-form"' not in page.content.decode()
        assert "This order was refused or cancelled" in " ".join(messages_on(posted))
        assert not Review.objects.exists()

    def test_a_second_review_leads_to_the_first(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)
        review = write_review(line)

        response = logged_in(buyer).get(reverse("reviews:create", args=[line.pk]))

        assert response.status_code == 302
        assert response["Location"] == reverse("reviews:edit", args=[review.pk])

    def test_another_buyers_line_or_review_is_a_404(self, buyer, artist):
        line = make_line(buyer=buyer, artist=artist)
        review = write_review(make_line(buyer=buyer, artist=artist), rating=5)
        other = logged_in(UserFactory(username="other-buyer"))

        assert other.get(reverse("reviews:create", args=[line.pk])).status_code == 404
        posted = other.post(
            reverse("reviews:edit", args=[review.pk]), {"rating": "1", "text": "x"}
        )
        assert posted.status_code == 404
        assert Review.objects.get(pk=review.pk).rating == 5


class TestBuyerEditsTheirReview:
    def test_edits_within_thirty_days(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist), rating=5)

        logged_in(buyer).post(
            reverse("reviews:edit", args=[review.pk]), {"rating": "3", "text": "Ok."}
        )

        review.refresh_from_db()
        assert (review.rating, review.text) == (3, "Ok.")

    def test_read_only_after_thirty_days(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist), rating=5)
        Review.objects.filter(pk=review.pk).update(
            created_at=timezone.now() - timedelta(days=31)
        )
        client = logged_in(buyer)

        page = client.get(reverse("reviews:edit", args=[review.pk])).content.decode()
        client.post(
            reverse("reviews:edit", args=[review.pk]), {"rating": "1", "text": "x"}
        )

        assert 'data-testid="review-locked"' in page
        assert 'data-testid="review-form"' not in page
        assert Review.objects.get().rating == 5

    def test_a_hidden_review_shows_why(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist))
        services.review_hide(review=review, by=staff_user(), reason="Off topic.")

        page = logged_in(buyer).get(reverse("reviews:edit", args=[review.pk]))

        assert "Reason: Off topic." in page.content.decode()


class TestPublicPages:
    def test_item_and_shop_pages_show_visible_reviews_average_and_count(
        self, buyer, artist
    ):
        line = make_line(buyer=buyer, artist=artist)
        write_review(line, rating=4, text="Good mug.")
        hidden = write_review(make_line(buyer=buyer, artist=artist), text="Rude!")
        services.review_hide(review=hidden, by=staff_user(), reason="Rude.")
        write_review(make_line(buyer=buyer, artist=artist), rating=5, text="Great.")

        item_page = logged_in(None).get(
            reverse("catalog:item", args=[line.item_id_snapshot])
        )
        shop_page = logged_in(None).get(reverse("catalog:artist", args=[artist.slug]))

        item_html = item_page.content.decode()
        assert "Good mug." in item_html and "Great." not in item_html
        assert "1 review" in item_html and "4.0 out of 5" in item_html
        shop_html = shop_page.content.decode()
        assert "Good mug." in shop_html and "Great." in shop_html
        assert "Rude!" not in shop_html
        assert "2 reviews" in shop_html and "4.5 out of 5" in shop_html

    def test_the_latest_five_with_a_link_to_the_paged_list(self, buyer, artist):
        for number in range(7):
            write_review(make_line(buyer=buyer, artist=artist), text=f"Review {number}")

        shop_html = (
            logged_in(None)
            .get(reverse("catalog:artist", args=[artist.slug]))
            .content.decode()
        )
        listing = logged_in(None).get(reverse("reviews:artist", args=[artist.slug]))

        assert shop_html.count('data-testid="review"') == 5
        assert reverse("reviews:artist", args=[artist.slug]) in shop_html
        assert listing.content.decode().count('data-testid="review"') == 7

    def test_photos_are_served_while_the_review_is_visible(self, buyer, artist):
        review = write_review(
            make_line(buyer=buyer, artist=artist), photos=[jpeg_upload()]
        )
        url = reverse("reviews:photo", args=[review.photos.get().pk])
        anonymous = logged_in(None)

        assert anonymous.get(url).status_code == 200
        services.review_hide(review=review, by=staff_user(), reason="Spam.")
        assert anonymous.get(url).status_code == 404
        assert logged_in(UserFactory(username="other")).get(url).status_code == 404
        assert logged_in(buyer).get(url).status_code == 200
        assert logged_in(staff_user("support-2")).get(url).status_code == 200


class TestArtistAnswers:
    def test_the_dashboard_lists_the_shops_reviews_and_answers_once(
        self, buyer, artist
    ):
        review = write_review(make_line(buyer=buyer, artist=artist), text="Nice.")
        client = logged_in(artist.user)

        listing = client.get(reverse("dashboard:reviews")).content.decode()
        client.post(
            reverse("dashboard:review_answer", args=[review.pk]),
            {f"answer-{review.pk}-text": "Thank you!"},
        )
        again = client.post(
            reverse("dashboard:review_answer", args=[review.pk]),
            {f"answer-{review.pk}-text": "Twice?"},
            follow=True,
        )

        assert "Nice." in listing and 'data-testid="answer-form"' in listing
        assert Review.objects.get().answer == "Thank you!"
        assert "already answered" in " ".join(messages_on(again))
        item_page = logged_in(None).get(review.item.get_absolute_url())
        assert "Thank you!" in item_page.content.decode()

    def test_another_shops_review_is_a_404(self, buyer, artist):
        review = write_review(make_line(buyer=buyer, artist=artist))
        other = make_artist("weaver-2")

        response = logged_in(other.user).post(
            reverse("dashboard:review_answer", args=[review.pk]),
            {f"answer-{review.pk}-text": "Hi"},
        )

        assert response.status_code == 404
        assert Review.objects.get().answer == ""


class TestStaffHide:
    def test_the_admin_hides_with_a_reason_logged_and_the_author_told(
        self, buyer, artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        review = write_review(make_line(buyer=buyer, artist=artist))
        staff = UserFactory(username="boss", is_staff=True, is_superuser=True)
        client = logged_in(staff)
        url = reverse(
            "admin:reviews_review_transition",
            kwargs={"object_id": review.pk, "action": "hide"},
        )
        mailoutbox.clear()

        change = client.get(reverse("admin:reviews_review_change", args=[review.pk]))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"reason": "Personal data."})

        assert url in change.content.decode()
        review.refresh_from_db()
        assert review.is_hidden
        assert ReviewModeration.objects.get().reason == "Personal data."
        assert [mail.to for mail in mailoutbox] == [[buyer.email]]
