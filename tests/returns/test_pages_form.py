"""The buyer's return pages, asking for a return: what each order line says
about returns, and the request form (reasons, photos, exchange, errors)."""

import re

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from returns.eligibility import line_eligibility
from returns.models import ReturnPhoto, ReturnRequest
from tests.orders.factories import make_artist_order

from .factories import jpeg_upload, make_line, make_return, make_variant
from .helpers import detail, messages_on


def local(moment):
    """A deadline as the page shows it: the day in the site's time zone
    (near midnight UTC, Paris is already on the next day)."""
    return timezone.localtime(moment) if hasattr(moment, "hour") else moment


def order_page(line):
    return reverse("account:order", kwargs={"number": line.artist_order.order.number})


# The order page -------------------------------------------------------------------


class TestOrderPageLines:
    def test_a_delivered_line_offers_a_return_and_says_until_when(
        self, buyer_client, line
    ):
        html = buyer_client.get(order_page(line)).content.decode()

        block = re.search(r'data-testid="line-return".*?</div>', html, re.S).group(0)
        assert 'data-returnable="yes"' in block
        assert reverse("returns:create", kwargs={"line_pk": line.pk}) in block
        assert "Return or exchange" in block
        eligibility = line_eligibility(line=line)
        assert (
            f"until {date_format(local(eligibility.change_of_mind_until), 'DATE_FORMAT')}"
            in block
        )
        assert (
            f"until {date_format(local(eligibility.fault_until), 'DATE_FORMAT')}"
            in block
        )

    def test_a_line_not_yet_shipped_says_why_not(self, buyer_client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        html = buyer_client.get(
            reverse("account:order", kwargs={"number": artist_order.order.number})
        ).content.decode()

        assert 'data-returnable="no"' in html
        assert "has not shipped yet" in html
        assert 'data-testid="return-line"' not in html

    def test_a_line_whose_every_piece_is_under_a_request_links_to_it_and_says_why_not(
        self, buyer_client, line
    ):
        return_request = make_return(line=line, quantity=2, reason="changed_mind")

        html = buyer_client.get(order_page(line)).content.decode()

        assert detail(return_request) in html
        assert "already under a return request" in html
        assert 'data-testid="return-line"' not in html

    def test_a_line_past_every_window_says_the_period_is_over(
        self, buyer_client, buyer, artist
    ):
        old = make_line(buyer=buyer, artist=artist, delivered_days_ago=800)

        html = buyer_client.get(order_page(old)).content.decode()

        assert "return period of this item is over" in html
        assert "Return deadline:" in html

    def test_the_order_page_links_to_the_returns_list(self, buyer_client, line):
        html = buyer_client.get(order_page(line)).content.decode()

        assert reverse("returns:list") in html


# The request form -----------------------------------------------------------------


def form_url(line):
    return reverse("returns:create", kwargs={"line_pk": line.pk})


class TestRequestForm:
    def test_offers_the_reasons_possible_now_a_multiple_photo_input_and_the_artists_pieces(
        self, buyer_client, line, artist, other_artist
    ):
        blue = make_variant(artist, price="30.00")
        elsewhere = make_variant(other_artist)

        response = buyer_client.get(form_url(line))

        html = response.content.decode()
        assert response.status_code == 200
        for reason in [
            "changed_mind",
            "wrong_size",
            "wrong_item",
            "damaged",
            "non_compliant",
            "other",
        ]:
            assert f'value="{reason}"' in html
        assert re.search(r'<input type="file" name="photos"[^>]*multiple', html)
        assert 'data-photo-reasons="damaged non_compliant wrong_item"' in html
        assert f'value="variant:{blue.pk}"' in html
        assert f'value="variant:{elsewhere.pk}"' not in html
        assert 'max="2"' in html

    def test_a_personalised_line_offers_only_the_artists_fault_reasons(
        self, buyer_client, buyer, artist
    ):
        personalised = make_line(buyer=buyer, artist=artist, personalised=True)

        html = buyer_client.get(form_url(personalised)).content.decode()

        assert 'value="damaged"' in html
        assert 'value="changed_mind"' not in html
        assert "personalised for you" in html

    def test_a_damaged_piece_with_a_photo_is_sent_and_the_buyer_lands_on_the_request(
        self, buyer_client, line, artist, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_client.post(
                form_url(line),
                {
                    "reason": "damaged",
                    "quantity": "1",
                    "kind": "return",
                    "comment": "Cracked on arrival.",
                    "photos": [jpeg_upload()],
                },
            )

        return_request = ReturnRequest.objects.get()
        assert response.status_code == 302
        assert response.url == detail(return_request)
        assert (
            return_request.reason,
            return_request.quantity,
            return_request.state,
        ) == (
            "damaged",
            1,
            "requested",
        )
        assert return_request.photos.count() == 1
        assert [m.to for m in mailoutbox] == [[artist.user.email]]

    def test_a_damaged_piece_without_a_photo_shows_the_error_on_the_photos_field(
        self, buyer_client, line
    ):
        response = buyer_client.post(
            form_url(line), {"reason": "damaged", "quantity": "1", "kind": "return"}
        )

        html = response.content.decode()
        assert response.status_code == 400
        photos_row = re.search(
            r'data-field="photos".*?</div>\s*</div>|data-field="photos".*?</ul>',
            html,
            re.S,
        ).group(0)
        assert "at least one photo" in photos_row
        assert not ReturnRequest.objects.exists()

    def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(
        self, buyer_client, line
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        fake = SimpleUploadedFile(
            "damage.jpg", b"not an image at all", content_type="image/jpeg"
        )

        response = buyer_client.post(
            form_url(line),
            {"reason": "damaged", "quantity": "1", "kind": "return", "photos": [fake]},
        )

        assert response.status_code == 400
        assert (
            'class="form-row has-error" data-field="photos"'
            in response.content.decode()
        )
        assert not ReturnRequest.objects.exists()
        assert not ReturnPhoto.objects.exists()

    def test_six_photos_are_refused(self, buyer_client, line):
        response = buyer_client.post(
            form_url(line),
            {
                "reason": "damaged",
                "quantity": "1",
                "kind": "return",
                "photos": [jpeg_upload(f"p{n}.jpg") for n in range(6)],
            },
        )

        assert response.status_code == 400
        assert "at most 5 photos" in response.content.decode()
        assert not ReturnRequest.objects.exists()

    def test_more_than_what_is_left_is_a_form_error(self, buyer_client, line):
        make_return(line=line, quantity=1, reason="changed_mind")

        response = buyer_client.post(
            form_url(line),
            {"reason": "changed_mind", "quantity": "2", "kind": "return"},
        )

        assert response.status_code == 400
        assert (
            'class="form-row has-error" data-field="quantity"'
            in response.content.decode()
        )
        assert ReturnRequest.objects.count() == 1

    def test_an_exchange_needs_a_wanted_replacement(self, buyer_client, line):
        response = buyer_client.post(
            form_url(line),
            {"reason": "wrong_size", "quantity": "1", "kind": "exchange"},
        )

        assert response.status_code == 400
        assert (
            'class="form-row has-error" data-field="desired_replacement"'
            in response.content.decode()
        )
        assert not ReturnRequest.objects.exists()

    def test_an_exchange_for_another_option_of_the_artist_is_recorded(
        self, buyer_client, line, artist
    ):
        blue = make_variant(artist, price="30.00")

        response = buyer_client.post(
            form_url(line),
            {
                "reason": "wrong_size",
                "quantity": "1",
                "kind": "exchange",
                "desired_replacement": f"variant:{blue.pk}",
            },
        )

        assert response.status_code == 302
        return_request = ReturnRequest.objects.get()
        assert (return_request.kind, return_request.desired_variant_id) == (
            "exchange",
            blue.pk,
        )

    def test_a_shop_without_exchanges_offers_only_returns(self, buyer_client, buyer):
        from .factories import make_artist

        shop = make_artist("no-swap", accepts_exchanges=False)
        no_swap = make_line(buyer=buyer, artist=shop)

        html = buyer_client.get(form_url(no_swap)).content.decode()

        assert 'value="exchange"' not in html
        assert 'name="desired_replacement"' not in html

    def test_a_line_that_cannot_be_returned_sends_back_to_the_order_with_why(
        self, buyer_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        unshipped = artist_order.lines.get()

        response = buyer_client.get(form_url(unshipped), follow=True)

        assert response.redirect_chain[-1][0].startswith(
            reverse("account:order", kwargs={"number": artist_order.order.number})
        )
        assert any("has not shipped yet" in m for m in messages_on(response))
