"""Cart, checkout and account order pages."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from artists.models import Variant
from orders.models import ArtistOrder, Cart, CartLine, Order
from tests.factories import DiscountCodeFactory, UserFactory, VariantFactory

from .factories import ADDRESS, make_variant, photo_upload


def add_from_item_page(client, variant, quantity=1, **extra):
    return client.post(
        reverse("cart:add"), {"variant": variant.pk, "quantity": quantity, **extra}
    )


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def pay(client, *, token="ok", **address):
    page = client.get(reverse("cart:checkout"))
    form = page.context["payment_form"]
    return client.post(
        reverse("cart:checkout"),
        {
            **ADDRESS,
            **address,
            "provider": "test",
            "token": token,
            "checkout_key": form.initial["checkout_key"],
            "expected_total": form.initial["expected_total"],
        },
    )


class TestCartPage:
    def test_shows_lines_grouped_by_artist_with_fees_hints_and_totals(
        self, buyer_client, three_variants
    ):
        bowl, scarf, ring = three_variants
        add_from_item_page(buyer_client, bowl, 2)
        add_from_item_page(buyer_client, scarf, 1)

        response = buyer_client.get(reverse("cart:cart"))

        assert response.status_code == 200
        html = response.content.decode()
        assert html.index("Atelier Argile") < html.index("Brins de Laine")
        assert "Add 20.00 € from Brins de Laine for free shipping." in html
        assert "Expected dispatch" in html
        assert "Returns within 14 days" in html
        assert 'data-testid="cart-total">88.00 €' in html  # 48 + 5 + 30 + 5
        assert "customs-notice" not in html

    def test_shows_the_customs_notice_outside_the_eu(self, buyer_client, variant):
        add_from_item_page(buyer_client, variant)

        buyer_client.post(reverse("cart:country"), {"country": "JP"})
        response = buyer_client.get(reverse("cart:cart"))

        assert 'data-testid="customs-notice"' in response.content.decode()

    def test_updates_and_removes_lines(self, buyer_client, variant):
        add_from_item_page(buyer_client, variant)
        line = CartLine.objects.get()

        buyer_client.post(reverse("cart:line_update", args=[line.pk]), {"quantity": 3})
        assert CartLine.objects.get().quantity == 3
        buyer_client.post(reverse("cart:line_update", args=[line.pk]), {"quantity": 9})
        assert CartLine.objects.get().quantity == 3
        buyer_client.post(reverse("cart:line_remove", args=[line.pk]))

        assert not CartLine.objects.exists()

    def test_applies_and_removes_a_discount_code(self, buyer_client, variant):
        add_from_item_page(buyer_client, variant, 2)
        DiscountCodeFactory(code="TEN", kind="percent", value=Decimal("10"))

        response = buyer_client.post(
            reverse("cart:discount"), {"code": "ten"}, follow=True
        )
        assert "−4.80 €" in response.content.decode()
        buyer_client.post(reverse("cart:discount"), {"action": "remove"})

        assert Cart.objects.get().discount_code is None

    def test_a_refused_code_is_explained(self, buyer_client, variant):
        add_from_item_page(buyer_client, variant)

        response = buyer_client.post(
            reverse("cart:discount"), {"code": "NOPE"}, follow=True
        )

        assert "This code does not exist." in response.content.decode()

    def test_another_buyers_line_is_not_found(self, buyer_client, variant):
        stranger_cart = Cart.objects.create(user=UserFactory(username="stranger"))
        line = CartLine.objects.create(cart=stranger_cart, variant=variant, quantity=1)

        response = buyer_client.post(reverse("cart:line_remove", args=[line.pk]))

        assert response.status_code == 404
        assert CartLine.objects.filter(pk=line.pk).exists()


class TestAddingFromTheItemPage:
    def test_success_goes_to_the_cart_with_a_message(self, client, variant):
        response = add_from_item_page(client, variant, 2)

        assert response.status_code == 302
        assert response.url == reverse("cart:cart")
        page = client.get(response.url)
        assert "was added to your cart" in page.content.decode()
        assert page.context["cart_size"] == 2

    def test_an_error_goes_back_to_the_item_page_saying_why(self, client, variant):
        response = add_from_item_page(client, variant, 6)

        assert response.status_code == 302
        assert response.url == variant.item.get_absolute_url()
        page = client.get(response.url)
        assert "Only 5 left in stock." in page.content.decode()
        assert not CartLine.objects.exists()

    def test_without_a_chosen_option_nothing_is_added_and_the_item_page_says_so(
        self, client, artist
    ):
        ring = make_variant(artist, name="Size 50")
        VariantFactory(item=ring.item, name="Size 52")

        response = client.post(
            reverse("cart:add"), {"item": ring.item.pk, "quantity": 1}
        )

        assert response.status_code == 302
        assert response.url == ring.item.get_absolute_url()
        page = client.get(response.url).content.decode()
        assert "Choose an option before adding the item to your cart." in page
        assert not CartLine.objects.exists()

    def test_a_photo_that_is_not_an_image_is_refused(self, client, artist):
        mug = make_variant(artist, personalisable=True)

        response = add_from_item_page(
            client,
            mug,
            1,
            personalisation_photo=SimpleUploadedFile(
                "me.jpg", b"not a photo", "image/jpeg"
            ),
        )

        assert response.url == mug.item.get_absolute_url()
        assert "not a photo we can read" in client.get(response.url).content.decode()
        assert not CartLine.objects.exists()


class TestCartSurvivesLogin:
    def test_the_anonymous_cart_is_merged_into_the_users_cart_at_login(
        self, client, buyer, artist
    ):
        bowl = make_variant(artist, stock=4)
        vase = make_variant(artist, stock=5)
        users_cart = Cart.objects.create(user=buyer)
        CartLine.objects.create(cart=users_cart, variant=bowl, quantity=3)
        add_from_item_page(client, bowl, 2)
        add_from_item_page(client, vase, 1)
        client.post(reverse("cart:country"), {"country": "BE"})

        client.force_login(buyer)
        response = client.get(reverse("cart:cart"))

        lines = {
            line.variant_id: line.quantity
            for line in CartLine.objects.filter(cart__user=buyer)
        }
        assert lines == {
            bowl.pk: 4,
            vase.pk: 1,
        }  # 3 + 2 bowls, capped at the stock of 4
        assert Cart.objects.count() == 1
        assert Cart.objects.get().country == "BE"
        assert response.context["cart_size"] == 5

    def test_checkout_sends_anonymous_visitors_to_login_and_back(
        self, client, buyer, variant
    ):
        add_from_item_page(client, variant, 1)

        response = client.get(reverse("cart:checkout"))

        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
        assert "next=/checkout/" in response.url
        login = client.post(
            response.url, {"username": "buyer", "password": "correct-horse-battery"}
        )
        assert login.status_code == 302
        assert login.url == "/checkout/"
        page = client.get(login.url)
        assert page.status_code == 200
        assert "Pay 29.00 €" in page.content.decode()


class TestCheckoutPage:
    def test_paying_creates_the_order_and_shows_it(self, buyer_client, three_variants):
        add_from_item_page(buyer_client, three_variants[0], 2)

        response = pay(buyer_client)

        order = Order.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("account:order", args=[order.number])
        page = buyer_client.get(response.url)
        html = page.content.decode()
        assert order.number in html
        assert "awaiting acceptance" in html
        assert "53.00 €" in html

    def test_the_address_is_prefilled_from_the_last_order(self, buyer_client, variant):
        add_from_item_page(buyer_client, variant)
        pay(buyer_client)
        add_from_item_page(buyer_client, variant)

        page = buyer_client.get(reverse("cart:checkout"))

        assert page.context["address_form"].initial["line1"] == ADDRESS["line1"]

    def test_a_declined_card_shows_the_form_again_with_the_cart_restored(
        self, buyer_client, variant
    ):
        add_from_item_page(buyer_client, variant, 2)

        response = pay(buyer_client, token="fail")

        assert response.status_code == 200
        assert "The card was declined." in response.content.decode()
        assert ArtistOrder.objects.get().state == "cancelled"
        assert Variant.objects.get(pk=variant.pk).stock == 5
        assert CartLine.objects.get().quantity == 2
        assert pay(buyer_client).status_code == 302

    def test_a_missing_field_is_shown_on_the_form(self, buyer_client, variant):
        add_from_item_page(buyer_client, variant)

        response = pay(buyer_client, city="")

        assert response.status_code == 200
        assert response.context["address_form"].errors["city"]
        assert not Order.objects.exists()

    def test_changing_the_country_shows_the_new_total_before_paying(
        self, buyer_client, variant
    ):
        add_from_item_page(buyer_client, variant)

        response = pay(buyer_client, country="US")

        assert response.status_code == 200
        assert not Order.objects.exists()
        assert (
            "Pay 42.00 €" in response.content.decode()
        )  # 24 + 18 to the rest of the world
        assert 'data-testid="customs-notice"' in response.content.decode()

    def test_an_empty_cart_goes_back_to_the_cart(self, buyer_client):
        response = buyer_client.get(reverse("cart:checkout"))

        assert response.status_code == 302
        assert response.url == reverse("cart:cart")


class TestAccountPages:
    @pytest.fixture
    def placed(self, buyer_client, three_variants):
        add_from_item_page(buyer_client, three_variants[0], 1)
        add_from_item_page(buyer_client, three_variants[2], 1)
        pay(buyer_client)
        return Order.objects.get()

    def test_lists_the_buyers_orders_with_status_and_total(self, buyer_client, placed):
        response = buyer_client.get(reverse("account:orders"))

        html = response.content.decode()
        assert placed.number in html
        assert "paid" in html
        assert f"{placed.total} €" in html

    def test_shows_one_block_per_artist(self, buyer_client, placed):
        response = buyer_client.get(reverse("account:order", args=[placed.number]))

        assert response.status_code == 200
        assert response.content.decode().count('data-testid="artist-order"') == 2

    def test_another_buyers_order_is_not_found(self, client, placed):
        client.force_login(UserFactory(username="nosy"))

        response = client.get(reverse("account:order", args=[placed.number]))

        assert response.status_code == 404

    def test_anonymous_visitors_are_sent_to_login(self, client, db):
        response = client.get(reverse("account:orders"))

        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


class TestPersonalisationPhotos:
    @pytest.fixture
    def photo_line(self, buyer_client, artist):
        mug = make_variant(artist, personalisable=True)
        add_from_item_page(buyer_client, mug, 1, personalisation_photo=photo_upload())
        pay(buyer_client)
        return Order.objects.get().artist_orders.get().lines.get()

    def test_are_served_to_the_buyer_the_artist_and_staff(
        self, client, buyer, artist, photo_line
    ):
        url = reverse("account:personalisation_photo", args=[photo_line.pk])
        for user in (
            buyer,
            artist.user,
            UserFactory(username="support", is_staff=True),
        ):
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 200
            assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"

    def test_are_not_found_for_anyone_else(self, client, photo_line, other_artist):
        url = reverse("account:personalisation_photo", args=[photo_line.pk])
        for user in (UserFactory(username="nosy"), other_artist.user):
            client.force_login(user)
            assert client.get(url).status_code == 404
