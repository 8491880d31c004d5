"""Contexts of the order emails, in the recipient's language: JSON values,
with dates and amounts already written as that reader's pages write them
(the outbox stores the context as JSON)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from marketplace.notifications.formatting import (
    country_name,
    format_amount,
    format_date,
    format_values,
)

from .models import ArtistOrder, Order
from .rules import needs_customs_notice
from .tracking import tracking_url


def _language(recipient) -> str:
    return getattr(recipient, "language", "") or settings.LANGUAGE_CODE


def shipping_address(order: Order) -> dict:
    return {
        "name": order.shipping_name,
        "line1": order.shipping_line1,
        "line2": order.shipping_line2,
        "postcode": order.shipping_postcode,
        "city": order.shipping_city,
        "country": str(order.shipping_country),
        "country_name": country_name(order.shipping_country),
    }


def artist_order_shipping_address(artist_order: ArtistOrder) -> dict:
    """Where ``artist_order`` goes: the address the buyer changed it to
    before acceptance, else the order's."""
    ship_to = artist_order.ship_to
    return {
        **ship_to.as_dict(),
        "country_name": country_name(ship_to.country.code),
    }


def _lines(artist_order: ArtistOrder) -> list[dict]:
    return [
        {
            "title": line.title,
            "variant": line.variant_name,
            "quantity": line.quantity,
            "unit_price": format_amount(line.unit_price),
            "line_total": format_amount(line.line_total),
            "personalisation": line.personalisation_text,
            "has_photo": bool(line.personalisation_photo),
        }
        for line in artist_order.lines.all()
    ]


def _artist_block(artist_order: ArtistOrder) -> dict:
    """One artist's part of an order: its lines, fees, totals and dates."""
    return {
        "id": artist_order.pk,
        "artist": artist_order.artist.name,
        "artist_slug": artist_order.artist.slug,
        "lines": _lines(artist_order),
        "items_total": format_amount(artist_order.items_total),
        "shipping_fee": format_amount(artist_order.shipping_fee),
        "discount": format_amount(artist_order.discount),
        "has_discount": artist_order.discount > 0,
        "total": format_amount(artist_order.total),
        "dispatch_date": format_date(artist_order.dispatch_date),
        "acceptance_deadline": format_date(artist_order.acceptance_deadline),
        "return_window_days": artist_order.terms.get("return_window_days"),
        "processing_days": artist_order.terms.get("processing_days"),
    }


def order_confirmation_context(*, order: Order, recipient) -> dict:
    """Everything the buyer's confirmation shows: every artist's block with
    its lines, fees, totals and dispatch date, and the customs notice."""
    artist_orders = order.artist_orders.select_related("artist").order_by("id")
    with translation.override(_language(recipient)):
        return {
            "order_number": order.number,
            "order_url": order.get_absolute_url(),
            "placed_at": format_date(order.created_at),
            "artists": [_artist_block(artist_order) for artist_order in artist_orders],
            "items_total": format_amount(order.items_total),
            "shipping_total": format_amount(order.shipping_total),
            "discount_total": format_amount(order.discount_total),
            "discount_code": order.discount_code,
            "total": format_amount(order.total),
            "customs_notice": needs_customs_notice(order.shipping_country),
            "shipping_address": shipping_address(order),
        }


def dashboard_url(artist_order: ArtistOrder) -> str:
    """The artist's page for this order in the dashboard."""
    return reverse("dashboard:order", kwargs={"pk": artist_order.pk})


def new_order_context(*, artist_order: ArtistOrder, recipient) -> dict:
    """What the artist needs to accept and prepare its part of an order."""
    order = artist_order.order
    with translation.override(_language(recipient)):
        return {
            "order_number": order.number,
            "artist_name": artist_order.artist.name,
            **_artist_block(artist_order),
            "shipping_address": artist_order_shipping_address(artist_order),
            "customs_notice": needs_customs_notice(order.shipping_country),
            "dashboard_url": dashboard_url(artist_order),
        }


def artist_order_email_context(
    *, artist_order: ArtistOrder, recipient, **extra
) -> dict:
    """The context of the lifecycle emails of ``artist_order`` (buyer's or
    artist's), in ``recipient``'s language: the order, the artist, the lines
    and totals, tracking, deadlines, links (paths: templates prefix
    ``site_url``). ``extra`` values are added; dates, datetimes and amounts
    (Decimals) among them are formatted."""
    order = artist_order.order
    with translation.override(_language(recipient)):
        context = {
            "order_number": order.number,
            "order_url": order.get_absolute_url(),
            "dashboard_url": dashboard_url(artist_order),
            "artist_order_id": artist_order.pk,
            "artist_name": artist_order.artist.name,
            "buyer_name": order.shipping_name,
            "lines": _lines(artist_order),
            "items_total": format_amount(artist_order.items_total),
            "shipping_fee": format_amount(artist_order.shipping_fee),
            "discount": format_amount(artist_order.discount),
            "has_discount": artist_order.discount > 0,
            "total": format_amount(artist_order.total),
            "paid": format_amount(artist_order.paid),
            "refunded": format_amount(artist_order.refunded),
            "carrier": artist_order.carrier,
            "tracking_number": artist_order.tracking_number,
            "tracking_url": tracking_url(
                artist_order.carrier, artist_order.tracking_number
            )
            or "",
            "dispatch_date": format_date(artist_order.dispatch_date),
            "acceptance_deadline": format_date(artist_order.acceptance_deadline),
            "refusal_reason": artist_order.refusal_reason,
            "return_window_days": artist_order.terms.get("return_window_days"),
            "shipping_address": artist_order_shipping_address(artist_order),
            "gift_message": artist_order.gift_message,
        }
        context.update(format_values(extra))
    return context
