"""Cart, checkout and account order pages: thin doors to the services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from artists.models import Variant
from marketplace.errors import Conflict, DomainError, PaymentDeclined

from . import selectors, services
from .forms import (
    AddToCartForm,
    CancelForm,
    CountryForm,
    DiscountForm,
    LineQuantityForm,
    NotReceivedForm,
    PaymentForm,
    ShippingAddressForm,
)
from .models import CancellationStatus, NotReceivedStatus
from .pricing import CartSummary, price_cart
from .services import lifecycle
from .tracking import tracking_url


def _summary(cart) -> CartSummary:
    if cart is None:
        return CartSummary(country="FR")
    return price_cart(cart)


def _form_errors_text(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


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
    """Where to send the buyer back after a failed add: the item page."""
    try:
        variant = Variant.objects.select_related("item").filter(pk=int(variant_id)).first()
    except (TypeError, ValueError):
        variant = None
    if variant is not None:
        return variant.item.get_absolute_url()
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
            messages.error(request, _("Choose an option before adding the item to your cart."))
        else:
            messages.error(request, _form_errors_text(form))
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
        messages.error(request, _form_errors_text(form))
        return redirect("cart:cart")
    try:
        services.cart_update_line(cart=cart, line_id=line.pk, quantity=form.cleaned_data["quantity"])
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
    return FileResponse(line.personalisation_photo.open("rb"))


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
                    _("Shipping fees were updated for the new country: check the total, then pay."),
                )
            else:
                try:
                    order = services.checkout(
                        cart=cart,
                        buyer=request.user,
                        shipping_address=address,
                        payment={"provider": payment["provider"], "token": payment["token"]},
                        idempotency_key=payment["checkout_key"],
                        expected_total=payment["expected_total"],
                    )
                except DomainError as error:
                    errors = error.errors or {error.field or "__all__": [error.message]}
                    for field, messages_ in errors.items():
                        for message in messages_ if isinstance(messages_, list | tuple) else [messages_]:
                            if field in ADDRESS_FIELDS:
                                address_form.add_error(field, str(message))
                            else:
                                payment_form.add_error(None, str(message))
                except PaymentDeclined as declined:
                    payment_form.add_error(
                        None,
                        _("%(reason)s Nothing was charged and your cart is as it was: you can try again.")
                        % {"reason": str(declined)},
                    )
                except Conflict as conflict:
                    payment_form.add_error(None, str(conflict))
                else:
                    messages.success(
                        request,
                        _("Thank you! Your order %(number)s is paid. A confirmation is on its way by email.")
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
            "token": (payment_form.data.get("token") if payment_form is not None else None) or "ok",
            "checkout_key": uuid.uuid4().hex,
            "expected_total": summary.total,
        }
    )
    payment_errors = []
    if payment_form is not None and payment_form.is_bound:
        payment_errors = [str(m) for m in payment_form.non_field_errors()]
        payment_errors += [
            str(m) for name, errors in payment_form.errors.items() if name != "__all__" for m in errors
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
def order_list(request):
    """The buyer's orders with their derived status."""
    page = Paginator(selectors.orders_for_buyer(buyer=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "orders/order_list.html", {"page": page, "orders": page.object_list})


# Artist order lifecycle: what pages show ---------------------------------------

BUYER_ACTIONS = frozenset({"cancel", "request_cancellation", "confirm_delivery", "report_not_received"})
ARTIST_ACTIONS = frozenset({"accept", "refuse", "ship", "reship", "refund_lost"})

# History rows are labelled by their transition; unknown ones by the state
# they reached.
TRANSITION_LABELS = {
    "pay": gettext_lazy("Paid"),
    "fail_payment": gettext_lazy("Payment failed"),
    "accept": gettext_lazy("Accepted by the artist"),
    "refuse": gettext_lazy("Refused by the artist"),
    "time_out": gettext_lazy("Refused: not accepted in time"),
    "cancel": gettext_lazy("Cancelled by the buyer"),
    "request_cancellation": gettext_lazy("Cancellation requested"),
    "decline_cancellation": gettext_lazy("Cancellation request declined"),
    "ship": gettext_lazy("Shipped"),
    "reship": gettext_lazy("Shipped again"),
    "report_not_received": gettext_lazy("Reported as not received"),
    "confirm_delivery": gettext_lazy("Delivered"),
    "complete": gettext_lazy("Completed"),
    "close_lost": gettext_lazy("Closed: lost parcel refunded"),
    "refund_lost": gettext_lazy("Lost parcel refunded"),
    "delay_notified": gettext_lazy("Dispatch delayed"),
}


@dataclass
class TimelineEntry:
    label: str
    who: str
    at: datetime
    note: str
    transition: str


def _who(event, artist_order, *, viewer) -> str:
    if event.by_id is None:
        return _("automatically")
    if event.by_id == viewer.pk:
        return _("you")
    if event.by_id == artist_order.artist.user_id:
        return artist_order.artist.name
    if event.by_id == artist_order.order.buyer_id:
        return artist_order.order.shipping_name or _("the buyer")
    if event.by.is_staff:
        return _("the marketplace team")
    return event.by.get_username()


def attach_conversations(artist_orders) -> None:
    """Prefetch the conversation of each artist order (its thread's messages,
    authors and photos) in a constant number of queries, for ``timeline``."""
    from django.db.models import Prefetch, prefetch_related_objects

    from marketplace.messaging.models import Message, Thread, ThreadKind

    prefetch_related_objects(
        list(artist_orders),
        Prefetch(
            "message_threads",
            queryset=Thread.objects.filter(kind=ThreadKind.ARTIST_ORDER).prefetch_related(
                Prefetch(
                    "messages",
                    queryset=Message.objects.filter(system=False)
                    .select_related("author")
                    .prefetch_related("photos")
                    .order_by("created_at", "id"),
                )
            ),
            to_attr="conversation_threads",
        ),
    )


def _conversation_entries(artist_order, *, viewer) -> list[TimelineEntry]:
    """The messages buyer and artist wrote about ``artist_order`` (system
    messages are left out: each repeats a history row)."""
    entries = []
    for thread in getattr(artist_order, "conversation_threads", ()):
        for message in thread.messages.all():
            if message.hidden_at and not viewer.is_staff:
                note = _("This message was hidden by the marketplace team.")
            else:
                note = message.body
                photos = len(message.photos.all())
                if photos:
                    note += " " + ngettext("(%(count)d photo)", "(%(count)d photos)", photos) % {
                        "count": photos
                    }
            if message.is_staff_post:
                who = _("the marketplace team")
            elif message.author_id == viewer.pk:
                who = _("you")
            elif message.author_id == artist_order.artist.user_id:
                who = artist_order.artist.name
            else:
                who = artist_order.order.shipping_name or _("the buyer")
            entries.append(
                TimelineEntry(label=_("Message"), who=who, at=message.created_at, note=note, transition="message")
            )
    return entries


def timeline(artist_order, *, viewer) -> list[TimelineEntry]:
    """The history rows of ``artist_order`` (prefetched), labelled for people,
    with the conversation's messages in between when they were prefetched
    (``attach_conversations``)."""
    entries = _conversation_entries(artist_order, viewer=viewer)
    for event in artist_order.history.all():
        label = TRANSITION_LABELS.get(event.transition) or event.get_to_state_display()
        entries.append(
            TimelineEntry(
                label=str(label),
                who=_who(event, artist_order, viewer=viewer),
                at=event.at,
                note=event.note,
                transition=event.transition,
            )
        )
    return sorted(entries, key=lambda entry: entry.at)


def decorate_artist_order(artist_order, *, user, side: str):
    """Attach what a page shows of ``artist_order`` to it: ``actions`` (the
    actions ``user`` may take now on that ``side``, "buyer" or "artist"),
    ``timeline``, ``tracking_link``, ``cancellation`` / ``open_cancellation``,
    ``report`` / ``open_report``, ``overdue`` and ``report_available_at``.
    Reads prefetched rows only."""
    allowed = lifecycle.allowed_actions(artist_order=artist_order, user=user)
    artist_order.actions = allowed & (BUYER_ACTIONS if side == "buyer" else ARTIST_ACTIONS)
    artist_order.can_cancel = bool(artist_order.actions & {"cancel", "request_cancellation"})
    artist_order.timeline = timeline(artist_order, viewer=user)
    artist_order.tracking_link = (
        tracking_url(artist_order.carrier, artist_order.tracking_number)
        if artist_order.tracking_number
        else None
    )
    cancellation = selectors.latest_cancellation_request(artist_order)
    artist_order.cancellation = cancellation
    artist_order.open_cancellation = (
        cancellation if cancellation and cancellation.status == CancellationStatus.OPEN else None
    )
    report = selectors.latest_not_received_report(artist_order)
    artist_order.report = report
    artist_order.open_report = report if report and report.status == NotReceivedStatus.OPEN else None
    artist_order.overdue = lifecycle.is_shipping_overdue(artist_order)
    artist_order.report_available_at = (
        lifecycle.not_received_available_at(artist_order)
        if artist_order.state == "shipped"
        else None
    )
    return artist_order


def _attach_return_eligibility(artist_orders) -> None:
    """Set ``line.return_eligibility`` (``returns.eligibility.line_eligibility``)
    on every line, with the lines' return requests read in one query."""
    from django.db.models import prefetch_related_objects

    from returns.eligibility import line_eligibility

    lines = [line for ao in artist_orders for line in ao.lines.all()]
    prefetch_related_objects(lines, "return_requests")
    for line in lines:
        line.return_eligibility = line_eligibility(line=line)


@login_required
def order_detail(request, number):
    """The buyer's order: one block per artist with its state, timeline,
    tracking, refunds and the buttons allowed now."""
    order = selectors.order_get_for_buyer(buyer=request.user, number=number)
    artist_orders = list(order.artist_orders.all())
    attach_conversations(artist_orders)
    for artist_order in artist_orders:
        decorate_artist_order(artist_order, user=request.user, side="buyer")
    _attach_return_eligibility(artist_orders)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "artist_orders": artist_orders,
            "can_cancel_order": any(ao.can_cancel for ao in artist_orders),
            "refunded_total": sum(ao.refunded for ao in artist_orders),
        },
    )


def _back_to(order_number, artist_order_pk=None):
    url = reverse("account:order", kwargs={"number": order_number})
    if artist_order_pk is not None:
        url += f"#ao-{artist_order_pk}"
    return redirect(url)


def refused_message(request, error) -> None:
    """Tell the user why the action was refused (a domain error or a state
    that no longer allows it)."""
    if isinstance(error, DomainError):
        text = " ".join(m for errors in error.as_field_errors().values() for m in errors)
    else:
        text = str(error)
    messages.error(request, text)


@login_required
@require_POST
def order_cancel(request, number):
    """"Cancel my order": every artist order that allows it, at once."""
    order = selectors.order_get_for_buyer(buyer=request.user, number=number)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors_text(form))
        return _back_to(order.number)
    try:
        outcomes = lifecycle.order_cancel(
            order=order, by=request.user, reason=form.cleaned_data["reason"]
        )
    except (Conflict, DomainError) as error:
        refused_message(request, error)
        return _back_to(order.number)
    cancelled = sum(1 for outcome in outcomes.values() if outcome == "cancelled")
    requested = sum(1 for outcome in outcomes.values() if outcome == "requested")
    if cancelled:
        messages.success(
            request,
            _("Cancelled and refunded: %(count)s part(s) of your order.") % {"count": cancelled},
        )
    if requested:
        messages.success(
            request,
            _("Cancellation requested for %(count)s part(s) already accepted: the artist will refuse them to refund you, unless they have already left.")
            % {"count": requested},
        )
    return _back_to(order.number)


@login_required
@require_POST
def artist_order_cancel(request, number, pk):
    artist_order = selectors.artist_order_get_for_buyer(buyer=request.user, number=number, pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors_text(form))
        return _back_to(number, artist_order.pk)
    refundable = artist_order.paid - artist_order.refunded
    try:
        outcome = lifecycle.artist_order_cancel(
            artist_order=artist_order, by=request.user, reason=form.cleaned_data["reason"]
        )
    except (Conflict, DomainError) as error:
        refused_message(request, error)
        return _back_to(number, artist_order.pk)
    if outcome == "cancelled":
        messages.success(
            request,
            _("Your order from %(artist)s is cancelled. You will be refunded %(amount)s €.")
            % {"artist": artist_order.artist.name, "amount": refundable},
        )
    else:
        messages.success(
            request,
            _("Your cancellation request was sent to %(artist)s, who has already accepted the order. You will be refunded once they confirm.")
            % {"artist": artist_order.artist.name},
        )
    return _back_to(number, artist_order.pk)


@login_required
@require_POST
def artist_order_confirm_delivery(request, number, pk):
    artist_order = selectors.artist_order_get_for_buyer(buyer=request.user, number=number, pk=pk)
    try:
        lifecycle.artist_order_confirm_delivery(artist_order=artist_order, by=request.user)
    except (Conflict, DomainError) as error:
        refused_message(request, error)
    else:
        messages.success(request, _("Thank you! The delivery is confirmed."))
    return _back_to(number, artist_order.pk)


@login_required
@require_POST
def artist_order_report_not_received(request, number, pk):
    artist_order = selectors.artist_order_get_for_buyer(buyer=request.user, number=number, pk=pk)
    form = NotReceivedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors_text(form))
        return _back_to(number, artist_order.pk)
    try:
        lifecycle.artist_order_report_not_received(
            artist_order=artist_order, by=request.user, note=form.cleaned_data["note"]
        )
    except (Conflict, DomainError) as error:
        refused_message(request, error)
    else:
        messages.success(
            request,
            _("%(artist)s was told that your parcel has not arrived. They will ship it again or refund you.")
            % {"artist": artist_order.artist.name},
        )
    return _back_to(number, artist_order.pk)



@login_required
def personalisation_photo(request, pk):
    """A personalisation photo, for the buyer, the artist of the line and staff."""
    line = selectors.order_line_get_for_photo(user=request.user, pk=pk)
    return FileResponse(line.personalisation_photo.open("rb"))
