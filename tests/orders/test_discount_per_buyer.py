"""A discount code's limit per buyer (issue 19, 11): a welcome code used
three times by one buyer. New codes allow one order per buyer; the cart,
the checkout page and the API say so; an order that sold nothing (payment
failed, cancelled or refused as a whole) gives the use back, to the buyer
and to the code's global count alike."""

from decimal import Decimal

import pytest
from django.urls import reverse

from artists.models import Variant
from marketplace.errors import DomainError, PaymentDeclined
from orders import services
from orders.models import Cart, CartLine, DiscountCode, Order, Payment
from tests.factories import DiscountCodeFactory, UserFactory

from .factories import ADDRESS, checkout_body, make_artist, make_variant
from .helpers import logged_in

pytestmark = pytest.mark.django_db

ONCE = "You have already used this code: it can be used once per buyer."


@pytest.fixture
def potter():
    return make_artist("potter")


@pytest.fixture
def bowl(potter):
    return make_variant(potter, price="40.00", stock=20)


@pytest.fixture
def welcome():
    return DiscountCodeFactory(code="WELCOME", kind="fixed", value=Decimal("5"))


def fill(buyer, variant, code="WELCOME"):
    """A cart with the code in it, as when the buyer applied it before their
    other order used it up (in another tab): applying it now is refused
    (``TestApplying``), so checkout is the last guard."""
    cart, _created = Cart.objects.get_or_create(user=buyer)
    services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    cart.discount_code = DiscountCode.objects.get(code__iexact=code)
    cart.save(update_fields=["discount_code"])
    return cart


def buy(buyer, variant, code="WELCOME", token="ok"):
    cart = fill(buyer, variant, code)
    return services.checkout(
        cart=cart,
        buyer=buyer,
        shipping_address=ADDRESS,
        payment={"provider": "test", "token": token},
    )


def test_a_new_code_allows_one_order_per_buyer():
    code = DiscountCode.objects.create(code="new", kind="percent", value=10)
    assert code.per_buyer_limit == 1


class TestApi:
    def test_a_second_order_with_the_code_is_a_field_error_and_changes_nothing(
        self, buyer, buyer_api, bowl, welcome
    ):
        buy(buyer, bowl)
        fill(buyer, bowl)

        cart = buyer_api.get("/api/v1/cart/").json()
        assert cart["discount_problem"] == ONCE
        assert cart["discount_total"] == "0.00"
        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 400
        assert response.json() == {"code": [ONCE]}
        assert Order.objects.count() == 1
        assert Payment.objects.count() == 1
        assert Variant.objects.get(pk=bowl.pk).stock == 19
        assert DiscountCode.objects.get().times_used == 1
        assert CartLine.objects.filter(cart__user=buyer).count() == 1

    def test_another_buyer_can_still_use_it(self, buyer, bowl, welcome):
        buy(buyer, bowl)
        other = UserFactory(username="louis", email="louis@example.com")

        order = buy(other, bowl)

        assert order.discount_total == Decimal("5.00")
        assert DiscountCode.objects.get().times_used == 2

    def test_a_limit_of_two_allows_two_orders(self, buyer, buyer_api, bowl, welcome):
        welcome.per_buyer_limit = 2
        welcome.save()
        buy(buyer, bowl)
        buy(buyer, bowl)
        fill(buyer, bowl)

        response = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json")

        assert response.status_code == 400
        assert response.json()["code"] == [
            "You have already used this code 2 times, the most allowed per buyer."
        ]

    def test_no_limit_per_buyer_allows_any_number(self, buyer, bowl, welcome):
        welcome.per_buyer_limit = None
        welcome.save()
        for _ in range(3):
            buy(buyer, bowl)
        assert DiscountCode.objects.get().times_used == 3


class TestPages:
    def test_the_cart_page_says_the_code_was_used(self, buyer, bowl, welcome):
        buy(buyer, bowl)
        client = logged_in(buyer)
        client.post(reverse("cart:add"), {"variant": bowl.pk, "quantity": 1})
        client.post(reverse("cart:discount"), {"code": "welcome"})

        html = client.get(reverse("cart:cart")).content.decode()

        assert ONCE in html

    def test_the_checkout_page_refuses_the_second_use(self, buyer, bowl, welcome):
        buy(buyer, bowl)
        fill(buyer, bowl)
        client = logged_in(buyer)
        form = client.get(reverse("cart:checkout")).context["payment_form"]

        response = client.post(
            reverse("cart:checkout"),
            {
                **ADDRESS,
                "provider": "test",
                "token": "ok",
                "checkout_key": form.initial["checkout_key"],
                "expected_total": form.initial["expected_total"],
            },
        )

        assert response.status_code == 200
        assert ONCE in response.content.decode()
        assert Order.objects.count() == 1


class TestUseGivenBack:
    def test_by_a_declined_payment(self, buyer, bowl, welcome):
        with pytest.raises(PaymentDeclined):
            buy(buyer, bowl, token="fail")
        assert DiscountCode.objects.get().times_used == 0

        order = buy(buyer, bowl)

        assert order.discount_total == Decimal("5.00")
        assert DiscountCode.objects.get().times_used == 1

    def test_by_an_order_cancelled_before_acceptance(self, buyer, bowl, welcome):
        order = buy(buyer, bowl)
        services.order_cancel(order=order, by=buyer)
        assert DiscountCode.objects.get().times_used == 0

        again = buy(buyer, bowl)

        assert again.discount_total == Decimal("5.00")

    def test_by_an_order_refused_by_the_artist(self, buyer, potter, bowl, welcome):
        order = buy(buyer, bowl)
        services.artist_order_refuse(
            artist_order=order.artist_orders.get(), by=potter.user, reason="Broken."
        )
        assert DiscountCode.objects.get().times_used == 0

        assert buy(buyer, bowl).discount_total == Decimal("5.00")

    def test_not_while_part_of_the_order_still_sells(self, buyer, potter, welcome):
        weaver = make_artist("weaver")
        bowl = make_variant(potter, price="40.00", stock=5)
        scarf = make_variant(weaver, price="30.00", stock=5)
        cart = fill(buyer, bowl)
        services.cart_add_line(cart=cart, variant_id=scarf.pk, quantity=1)
        order = services.checkout(
            cart=cart,
            buyer=buyer,
            shipping_address=ADDRESS,
            payment={"provider": "test", "token": "ok"},
        )
        first, second = order.artist_orders.order_by("id")
        services.artist_order_cancel(artist_order=first, by=buyer)
        assert DiscountCode.objects.get().times_used == 1

        with pytest.raises(DomainError, match="already used this code"):
            buy(buyer, bowl)

        services.artist_order_cancel(artist_order=second, by=buyer)
        assert DiscountCode.objects.get().times_used == 0


class TestApplying:
    def test_applying_a_used_up_code_is_a_field_error(
        self, buyer, buyer_api, bowl, welcome
    ):
        buy(buyer, bowl)
        buyer_api.post(
            "/api/v1/cart/lines/", {"variant": bowl.pk, "quantity": 1}, format="json"
        )

        response = buyer_api.post(
            "/api/v1/cart/discount/", {"code": "WELCOME"}, format="json"
        )

        assert response.status_code == 400
        assert response.json() == {"code": [ONCE]}
        assert Cart.objects.get(user=buyer).discount_code is None

    def test_the_cart_page_refuses_a_used_up_code(self, buyer, bowl, welcome):
        buy(buyer, bowl)
        client = logged_in(buyer)
        client.post(reverse("cart:add"), {"variant": bowl.pk, "quantity": 1})

        response = client.post(
            reverse("cart:discount"), {"code": "welcome"}, follow=True
        )

        assert ONCE in response.content.decode()
        assert Cart.objects.get(user=buyer).discount_code is None
