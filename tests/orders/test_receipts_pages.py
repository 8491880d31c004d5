"""The buyer's receipt: the printable page reached from the order page, its
PDF, in English and French, and staff's receipt from the order's admin page."""

import re
import zlib

import pytest
from django.urls import reverse
from PIL import ImageFile

from tests.factories import UserFactory

from .helpers import logged_in
from .receipt_factories import receipt_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(buyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return receipt_order(buyer)


def receipt_url(order, pdf=False):
    name = "account:order_receipt_pdf" if pdf else "account:order_receipt"
    return reverse(name, kwargs={"number": order.number})


def pdf_objects(content: bytes) -> bytes:
    """The PDF's compressed objects, inflated: its metadata and bookmarks
    (the headings) are readable there; the pages' text is not (glyph ids)."""
    inflated = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def assert_is_pdf(response, order):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="receipt-{order.number}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")


class TestReceiptPage:
    def test_the_order_page_links_to_its_receipt(self, buyer, order):
        html = logged_in(buyer).get(order.get_absolute_url()).content.decode()

        assert f'href="{receipt_url(order)}"' in html

    def test_shows_the_marketplace_the_buyer_and_the_payment(
        self, buyer, order, settings
    ):
        settings.MARKETPLACE_NAME = "Atelier SAS"
        settings.MARKETPLACE_ADDRESS = "1 place du Marché\n75004 Paris"

        response = logged_in(buyer).get(receipt_url(order))

        html = response.content.decode()
        assert response.status_code == 200
        assert "Atelier SAS" in html
        assert "1 place du Marché<br>75004 Paris" in html
        assert "intermediary" in html
        assert order.number in html
        assert "Camille Martin" in html
        assert "12 rue des Tisserands" in html
        assert "44000 Nantes" in html
        assert 'data-testid="receipt-payment"' in html
        assert "80.20 €" in html

    def test_shows_each_artist_part_with_its_seller_and_lines(self, buyer, order):
        html = logged_in(buyer).get(receipt_url(order)).content.decode()

        assert html.count('data-testid="receipt-part"') == 2
        # The legal name and business address the artist gave...
        assert "Sold by Claire Martin EI" in html
        assert "Shop: Atelier Argile" in html
        assert "3 impasse des Potiers<br>69001 Lyon<br>France" in html
        # ...or the shop's name and location when it gave none.
        assert "Sold by Brins de Laine" in html
        assert 'data-testid="receipt-seller-address">Lyon</address>' in html
        assert "Stoneware bowl" in html and "Large" in html
        assert "24.00 €" in html and "48.00 €" in html
        assert "Wool scarf" in html and "Blue" in html

    def test_shows_shipping_discount_refunds_and_what_was_paid_net(self, buyer, order):
        html = logged_in(buyer).get(receipt_url(order)).content.decode()

        assert html.count('data-testid="receipt-shipping"') == 2
        assert "5.00 €" in html
        assert "−4.80 €" in html and "−3.00 €" in html
        assert "Discount (WELCOME10)" in html
        assert html.count('data-testid="receipt-refund"') == 2
        assert "Refund, decided by staff," in html and "−5.50 €" in html
        assert "Refund, refused by the artist," in html and "−32.00 €" in html
        assert 'data-testid="receipt-part-state">Refused<' in html
        assert 'data-testid="receipt-refunded">−37.50 €<' in html
        assert 'data-testid="receipt-net">42.70 €<' in html

    def test_an_order_without_refunds_shows_none(self, buyer):
        order = receipt_order(buyer, refunds=False)

        html = logged_in(buyer).get(receipt_url(order)).content.decode()

        assert 'data-testid="receipt-refund"' not in html
        assert 'data-testid="receipt-net">80.20 €<' in html

    def test_has_a_print_stylesheet_and_a_print_button(self, buyer, order):
        html = logged_in(buyer).get(receipt_url(order)).content.decode()

        assert "@media print" in html
        assert ".site-header" in html
        assert "data-print" in html
        assert f'href="{receipt_url(order, pdf=True)}"' in html

    def test_is_in_french_for_a_french_buyer(self, french_buyer):
        order = receipt_order(french_buyer)

        html = logged_in(french_buyer).get(receipt_url(order)).content.decode()

        assert '<html lang="fr">' in html
        assert "80,20 €" in html
        assert 'data-testid="receipt-net">42,70 €<' in html
        assert "−5,50 €" in html

    def test_another_buyer_gets_a_404(self, order):
        other_buyer = UserFactory(username="louis")

        response = logged_in(other_buyer).get(receipt_url(order))

        assert response.status_code == 404

    def test_an_anonymous_visitor_is_sent_to_the_login_page(self, order):
        response = logged_in(None).get(receipt_url(order))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


class TestReceiptPDF:
    def test_is_a_pdf_named_after_the_order(self, buyer, order):
        response = logged_in(buyer).get(receipt_url(order, pdf=True))

        assert_is_pdf(response, order)
        objects = pdf_objects(response.content)
        assert f"/Title (Receipt {order.number})".encode() in objects
        assert b"(Sold by Claire Martin EI)" in objects
        assert b"(Sold by Brins de Laine)" in objects

    def test_leaves_pillow_refusing_truncated_uploads(self, buyer, order):
        logged_in(buyer).get(receipt_url(order, pdf=True))

        # WeasyPrint's import turns the flag on for the whole process.
        assert ImageFile.LOAD_TRUNCATED_IMAGES is False

    def test_is_made_in_french_too(self, french_buyer):
        order = receipt_order(french_buyer)

        response = logged_in(french_buyer).get(receipt_url(order, pdf=True))

        assert_is_pdf(response, order)
        assert b"(Acheteur)" in pdf_objects(response.content)

    def test_another_buyer_gets_a_404(self, order):
        other_buyer = UserFactory(username="louis")

        response = logged_in(other_buyer).get(receipt_url(order, pdf=True))

        assert response.status_code == 404

    def test_an_anonymous_visitor_is_sent_to_the_login_page(self, order):
        response = logged_in(None).get(receipt_url(order, pdf=True))

        assert response.status_code == 302


class TestStaffReceipt:
    @pytest.fixture
    def staff(self):
        return UserFactory(username="support", is_staff=True, is_superuser=True)

    def test_the_order_admin_page_links_to_the_receipt_and_its_pdf(self, staff, order):
        change = reverse("admin:orders_order_change", args=[order.pk])

        html = logged_in(staff).get(change).content.decode()

        assert reverse("admin:orders_order_receipt", args=[order.pk]) in html
        assert reverse("admin:orders_order_receipt_pdf", args=[order.pk]) in html

    def test_staff_open_any_buyer_s_receipt(self, staff, order):
        url = reverse("admin:orders_order_receipt", args=[order.pk])

        response = logged_in(staff).get(url)

        html = response.content.decode()
        assert response.status_code == 200
        assert "Sold by Claire Martin EI" in html
        assert reverse("admin:orders_order_change", args=[order.pk]) in html

    def test_staff_download_its_pdf(self, staff, order):
        url = reverse("admin:orders_order_receipt_pdf", args=[order.pk])

        response = logged_in(staff).get(url)

        assert_is_pdf(response, order)

    def test_the_buyer_is_sent_to_the_admin_login(self, buyer, order):
        url = reverse("admin:orders_order_receipt", args=[order.pk])

        response = logged_in(buyer).get(url)

        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_an_unknown_order_is_a_404(self, staff):
        url = reverse("admin:orders_order_receipt", args=[999999])

        response = logged_in(staff).get(url)

        assert response.status_code == 404
