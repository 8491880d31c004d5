"""The buyer's return pages: the photos field says when photos are required
(never "optional" for a damaged piece), and a line already returned and
refunded, or exchanged, says so instead of giving a deadline that no longer
means anything."""

import re

from django.urls import reverse

from .factories import make_line, make_return


def form_url(line):
    return reverse("returns:create", kwargs={"line_pk": line.pk})


def order_page(line):
    return reverse("account:order", kwargs={"number": line.artist_order.order.number})


def photos_label(html) -> str:
    row = re.search(r'data-field="photos".*?</label>', html, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row.split("<label", 1)[1]))


def line_block(html) -> str:
    return re.search(r'data-testid="line-return".*?</div>', html, re.S).group(0)


class TestPhotosLabel:
    def test_before_a_reason_is_chosen_it_says_when_photos_are_required(
        self, buyer_client, line
    ):
        html = buyer_client.get(form_url(line)).content.decode()

        label = photos_label(html)
        assert "required if the piece is wrong, damaged or not as described" in label
        assert "optional" not in label

    def test_after_damaged_was_sent_without_a_photo_it_says_required(
        self, buyer_client, line
    ):
        response = buyer_client.post(
            form_url(line), {"reason": "damaged", "quantity": "1", "kind": "return"}
        )

        html = response.content.decode()
        assert response.status_code == 400
        assert "Add at least one photo" in html
        assert photos_label(html).strip().endswith("Photos (required)")

    def test_when_only_the_artists_faults_are_left_it_says_required(
        self, buyer_client, buyer, artist
    ):
        personalised = make_line(buyer=buyer, artist=artist, personalised=True)

        html = buyer_client.get(form_url(personalised)).content.decode()

        assert photos_label(html).strip().endswith("Photos (required)")

    def test_in_french_too(self, client, french_buyer, artist):
        line = make_line(buyer=french_buyer, artist=artist)
        client.force_login(french_buyer)

        html = client.get(form_url(line)).content.decode()

        assert "facultatif" not in photos_label(html)


class TestLinesAlreadyReturned:
    def test_a_line_returned_and_refunded_says_so_without_a_deadline(
        self, buyer_client, buyer, artist
    ):
        line = make_line(buyer=buyer, artist=artist, quantity=1)
        make_return(line=line, quantity=1, state="refunded", reason="changed_mind")

        block = line_block(buyer_client.get(order_page(line)).content.decode())

        assert 'data-returnable="no"' in block
        assert "was returned and refunded" in block
        assert "Return deadline" not in block
        assert 'data-testid="return-line"' not in block

    def test_a_line_exchanged_says_so_without_a_deadline(
        self, buyer_client, buyer, artist
    ):
        line = make_line(buyer=buyer, artist=artist, quantity=1)
        make_return(line=line, quantity=1, state="replacement_shipped")

        block = line_block(buyer_client.get(order_page(line)).content.decode())

        assert "was already returned or exchanged" in block
        assert "Return deadline" not in block

    def test_a_line_refunded_in_full_with_its_order_gives_no_deadline(
        self, buyer_client, buyer, artist
    ):
        line = make_line(buyer=buyer, artist=artist, quantity=1)
        make_return(line=line, quantity=1, state="refunded", reason="damaged")

        block = line_block(buyer_client.get(order_page(line)).content.decode())

        assert "Return deadline" not in block
        assert "nothing left to return" in block

    def test_a_line_under_a_running_request_still_says_so(self, buyer_client, line):
        make_return(line=line, quantity=2, reason="changed_mind")

        block = line_block(buyer_client.get(order_page(line)).content.decode())

        assert "already under a return request" in block
        assert "Return deadline" not in block
