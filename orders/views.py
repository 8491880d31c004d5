"""Cart, checkout and account order pages: thin doors to the services."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from artists.models import Item, Variant
from marketplace.errors import Conflict, DomainError, PaymentDeclined
from marketplace.forms import form_errors_text
from marketplace.storage import private_file_response

from . import selectors, services
from .forms import (
    AddToCartForm,
    CountryForm,
    DiscountForm,
    LineQuantityForm,
    PaymentForm,
    ShippingAddressForm,
)
from .pricing import CartSummary, price_cart


def _summary(cart) -> CartSummary:
    if cart is None:
        return CartSummary(country="FR")
    return price_cart(cart)


def cart_detail(request):
    """The cart, grouped by artist with shipping, discount and totals."""
    cart = selectors.cart_for_request(request)
    summary = _summary(cart)
    return render(
        request,
        "orders/cart_detail.html",
        {
            "cart": cart,
            "summary": summary,
            "country_form": CountryForm(initial={"country": summary.country}),
            "discount_form": DiscountForm(),
        },
    )


def _item_page(request, variant_id) -> str:
    """Where to send the buyer back after a failed add: the item page (of the
    variant, or of the form's ``item`` when no variant was chosen)."""
    try:
        variant = (
            Variant.objects.select_related("item").filter(pk=int(variant_id)).first()
        )
    except (TypeError, ValueError):
        variant = None
    if variant is not None:
        return variant.item.get_absolute_url()
    try:
        item = Item.objects.filter(pk=int(request.POST.get("item", ""))).first()
    except (TypeError, ValueError):
        item = None
    if item is not None:
        return item.get_absolute_url()
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return reverse("cart:cart")


@require_POST
def cart_add(request):
    """Add a piece from the item page (multipart: variant, quantity, text, photo)."""
    form = AddToCartForm(request.POST, request.FILES)
    back = _item_page(request, request.POST.get("variant"))
    if not form.is_valid():
        if "variant" in form.errors:
            messages.error(
                request, _("Choose an option before adding the item to your cart.")
            )
        else:
            messages.error(request, form_errors_text(form))
        return redirect(back)
    data = form.cleaned_data
    cart = selectors.cart_for_request(request, create=True)
    try:
        line = services.cart_add_line(
            cart=cart,
            variant_id=data["variant"],
            quantity=data["quantity"],
            personalisation_text=data["personalisation_text"],
            personalisation_photo=data["personalisation_photo"],
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect(back)
    messages.success(
        request,
        _("%(title)s was added to your cart.") % {"title": line.variant.item.title},
    )
    return redirect("cart:cart")


@require_POST
def cart_line_update(request, pk):
    cart = selectors.cart_for_request(request)
    line = selectors.cart_line_get(cart=cart, pk=pk)
    form = LineQuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect("cart:cart")
    try:
        services.cart_update_line(
            cart=cart, line_id=line.pk, quantity=form.cleaned_data["quantity"]
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The quantity was updated."))
    return redirect("cart:cart")


@require_POST
def cart_line_remove(request, pk):
    cart = selectors.cart_for_request(request)
    line = selectors.cart_line_get(cart=cart, pk=pk)
    services.cart_remove_line(cart=cart, line_id=line.pk)
    messages.success(request, _("The piece was removed from your cart."))
    return redirect("cart:cart")


@require_POST
def cart_country(request):
    form = CountryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a country from the list."))
        return redirect("cart:cart")
    try:
        services.cart_set_country(
            cart=selectors.cart_for_request(request, create=True),
            country=form.cleaned_data["country"],
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("cart:cart")


@require_POST
def cart_discount(request):
    """Apply (``code``) or remove (``action=remove``) the discount code."""
    cart = selectors.cart_for_request(request, create=True)
    if request.POST.get("action") == "remove":
        services.cart_remove_discount(cart=cart)
        messages.success(request, _("The discount code was removed."))
        return redirect("cart:cart")
    form = DiscountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a code."))
        return redirect("cart:cart")
    try:
        services.cart_apply_discount(cart=cart, code=form.cleaned_data["code"])
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The discount code was applied."))
    return redirect("cart:cart")


def cart_line_photo(request, pk):
    """The personalisation photo of a line of the visitor's own cart."""
    line = selectors.cart_line_get(cart=selectors.cart_for_request(request), pk=pk)
    if not line.personalisation_photo:
        raise Http404
    return private_file_response(
        line.personalisation_photo, cache_control="private, no-store"
    )


def _address_initial(request, cart) -> dict:
    last = selectors.last_order_for_buyer(buyer=request.user)
    initial = {"name": request.user.get_full_name()}
    if last is not None:
        initial = {
            "name": last.shipping_name,
            "line1": last.shipping_line1,
            "line2": last.shipping_line2,
            "postcode": last.shipping_postcode,
            "city": last.shipping_city,
        }
    initial["country"] = str(cart.country)
    return initial


ADDRESS_FIELDS = ("name", "line1", "line2", "postcode", "city", "country")


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    """Shipping address, summary and payment; anonymous visitors log in first
    (their cart is merged at login)."""
    cart = selectors.cart_for_request(request, create=True)
    if request.method == "POST":
        address_form = ShippingAddressForm(request.POST)
        payment_form = PaymentForm(request.POST)
        if address_form.is_valid() and payment_form.is_valid():
            address = address_form.cleaned_data
            payment = payment_form.cleaned_data
            if address["country"] != str(cart.country):
                # The buyer must see the total for the new destination before paying.
                services.cart_set_country(cart=cart, country=address["country"])
                cart.refresh_from_db()
                messages.warning(
                    request,
                    _(
                        "Shipping fees were updated for the new country: check the total, then pay."
                    ),
                )
            else:
                try:
                    order = services.checkout(
                        cart=cart,
                        buyer=request.user,
                        shipping_address=address,
                        payment={
                            "provider": payment["provider"],
                            "token": payment["token"],
                        },
                        idempotency_key=payment["checkout_key"],
                        expected_total=payment["expected_total"],
                    )
                except DomainError as error:
                    errors = error.errors or {error.field or "__all__": [error.message]}
                    for field, messages_ in errors.items():
                        for message in (
                            messages_
                            if isinstance(messages_, list | tuple)
                            else [messages_]
                        ):
                            if field in ADDRESS_FIELDS:
                                address_form.add_error(field, str(message))
                            else:
                                payment_form.add_error(None, str(message))
                except PaymentDeclined as declined:
                    payment_form.add_error(
                        None,
                        _(
                            "%(reason)s Nothing was charged and your cart is as it was: you can try again."
                        )
                        % {"reason": str(declined)},
                    )
                except Conflict as conflict:
                    payment_form.add_error(None, str(conflict))
                else:
                    messages.success(
                        request,
                        _(
                            "Thank you! Your order %(number)s is paid. A confirmation is on its way by email."
                        )
                        % {"number": order.number},
                    )
                    return redirect(order.get_absolute_url())
        cart = selectors.cart_for_request(request, create=True)
    else:
        address_form = ShippingAddressForm(initial=_address_initial(request, cart))
        payment_form = None
    summary = price_cart(cart)
    if summary.is_empty:
        messages.info(request, _("Your cart is empty."))
        return redirect("cart:cart")
    # A fresh key per rendered form: a double click sends the same one twice.
    fresh_payment = PaymentForm(
        initial={
            "provider": "test",
            "token": (
                payment_form.data.get("token") if payment_form is not None else None
            )
            or "ok",
            "checkout_key": uuid.uuid4().hex,
            "expected_total": summary.total,
        }
    )
    payment_errors = []
    if payment_form is not None and payment_form.is_bound:
        payment_errors = [str(m) for m in payment_form.non_field_errors()]
        payment_errors += [
            str(m)
            for name, errors in payment_form.errors.items()
            if name != "__all__"
            for m in errors
        ]
    return render(
        request,
        "orders/order_checkout.html",
        {
            "summary": summary,
            "address_form": address_form,
            "payment_form": fresh_payment,
            "payment_errors": payment_errors,
        },
    )


@login_required
def personalisation_photo(request, pk):
    """A personalisation photo, for the buyer, the artist of the line and staff."""
    line = selectors.order_line_get_for_photo(user=request.user, pk=pk)
    return private_file_response(
        line.personalisation_photo, cache_control="private, max-age=3600"
    )
