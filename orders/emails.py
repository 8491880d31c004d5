"""Contexts of the order emails: JSON-serialisable, dates already formatted
in the recipient's language (the outbox stores the context as JSON)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from marketplace.notifications.formatting import (
    amount_formatter,
    country_name,
    format_date,
    format_values,
)

from .models import ArtistOrder, Order
from .pricing import needs_customs_notice


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


def _lines(artist_order: ArtistOrder, lines=None, money=None) -> list[dict]:
    """The lines of ``artist_order`` (``lines``: them, when the caller has
    them in hand; ``money``: the active language's ``amount_formatter``)."""
    money = money or amount_formatter()
    return [
        {
            "title": line.title,
            "variant": line.variant_name,
            "quantity": line.quantity,
            "unit_price": money(line.unit_price),
            "line_total": money(line.line_total),
            "personalisation": line.personalisation_text,
            "has_photo": bool(line.personalisation_photo),
        }
        for line in (lines if lines is not None else artist_order.lines.all())
    ]


def _artist_block(artist_order: ArtistOrder, lines=None) -> dict:
    money = amount_formatter()
    return {
        "id": artist_order.pk,
        "artist": artist_order.artist.name,
        "artist_slug": artist_order.artist.slug,
        "lines": _lines(artist_order, lines, money),
        "items_total": money(artist_order.items_total),
        "shipping_fee": money(artist_order.shipping_fee),
        "discount": money(artist_order.discount),
        "has_discount": artist_order.discount > 0,
        "total": money(artist_order.total),
        "dispatch_date": format_date(artist_order.dispatch_date),
        "acceptance_deadline": format_date(artist_order.acceptance_deadline),
        "return_window_days": artist_order.terms.get("return_window_days"),
        "processing_days": artist_order.terms.get("processing_days"),
    }


def order_confirmation_context(
    *, order: Order, artist_orders, language: str, blocks: list[dict] | None = None
) -> dict:
    """Everything the buyer's confirmation shows: every artist's block with
    its lines, fees, totals and dispatch date, and the customs notice.
    ``blocks``: the artist blocks when the caller has them (same language)."""
    with translation.override(language):
        money = amount_formatter()
        return {
            "order_number": order.number,
            "order_url": order.get_absolute_url(),
            "placed_at": format_date(order.created_at),
            "artists": blocks if blocks is not None else [_artist_block(ao) for ao in artist_orders],
            "items_total": money(order.items_total),
            "shipping_total": money(order.shipping_total),
            "discount_total": money(order.discount_total),
            "discount_code": order.discount_code,
            "total": money(order.total),
            "customs_notice": needs_customs_notice(order.shipping_country),
            "shipping_address": shipping_address(order),
        }


def dashboard_url(artist_order: ArtistOrder) -> str:
    """The artist's page for this order in the dashboard."""
    return reverse("dashboard:order", kwargs={"pk": artist_order.pk})


def new_order_context(
    *,
    artist_order: ArtistOrder,
    language: str,
    block: dict | None = None,
    shared: dict | None = None,
) -> dict:
    """What the artist needs to accept and prepare its part of an order.
    ``block`` and ``shared``: its artist block and what every artist's email
    of the order says alike, when the caller has them in ``language``
    (``checkout_email_contexts``)."""
    order = artist_order.order
    with translation.override(language):
        return {
            "order_number": order.number,
            "artist_name": artist_order.artist.name,
            **(block if block is not None else _artist_block(artist_order)),
            **(shared if shared is not None else _shared_by_artists(order)),
            "dashboard_url": dashboard_url(artist_order),
        }


def _shared_by_artists(order: Order) -> dict:
    return {
        "shipping_address": shipping_address(order),
        "customs_notice": needs_customs_notice(order.shipping_country),
    }


def checkout_email_contexts(
    *,
    order: Order,
    artist_orders,
    language: str,
    artist_languages: list[str],
    lines: dict[int, list] | None = None,
) -> tuple[dict, list[dict]]:
    """The buyer's confirmation (in ``language``) and each artist's new
    order context (in ``artist_languages``, in the same order): the artist
    blocks and the address are made once for the artists who read the
    buyer's language. ``lines``: the lines of each artist order by its id,
    when the caller has them (else they are read)."""

    def lines_of(artist_order):
        return None if lines is None else lines.get(artist_order.pk, [])

    with translation.override(language):
        blocks = [_artist_block(ao, lines_of(ao)) for ao in artist_orders]
        shared = _shared_by_artists(order)
    confirmation = order_confirmation_context(
        order=order, artist_orders=artist_orders, language=language, blocks=blocks
    )
    new_orders = []
    for artist_order, artist_language, block in zip(
        artist_orders, artist_languages, blocks, strict=True
    ):
        if artist_language != language:
            with translation.override(artist_language):
                block = _artist_block(artist_order, lines_of(artist_order))
        new_orders.append(
            new_order_context(
                artist_order=artist_order,
                language=artist_language,
                block=block,
                shared=shared if artist_language == language else None,
            )
        )
    return confirmation, new_orders


def artist_order_email_context(*, artist_order: ArtistOrder, recipient, **extra) -> dict:
    """The context of the lifecycle emails of ``artist_order`` (buyer's or
    artist's), in ``recipient``'s language: the order, the artist, the lines
    and totals, tracking, deadlines, links (paths: templates prefix
    ``site_url``). ``extra`` values are added; dates, datetimes and amounts
    (Decimals) among them are formatted."""
    from .tracking import tracking_url

    order = artist_order.order
    language = getattr(recipient, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        money = amount_formatter()
        context = {
            "order_number": order.number,
            "order_url": order.get_absolute_url(),
            "dashboard_url": dashboard_url(artist_order),
            "artist_order_id": artist_order.pk,
            "artist_name": artist_order.artist.name,
            "buyer_name": order.shipping_name,
            "lines": _lines(artist_order, money=money),
            "items_total": money(artist_order.items_total),
            "shipping_fee": money(artist_order.shipping_fee),
            "discount": money(artist_order.discount),
            "has_discount": artist_order.discount > 0,
            "total": money(artist_order.total),
            "paid": money(artist_order.paid),
            "refunded": money(artist_order.refunded),
            "carrier": artist_order.carrier,
            "tracking_number": artist_order.tracking_number,
            "tracking_url": tracking_url(artist_order.carrier, artist_order.tracking_number) or "",
            "dispatch_date": format_date(artist_order.dispatch_date),
            "acceptance_deadline": format_date(artist_order.acceptance_deadline),
            "refusal_reason": artist_order.refusal_reason,
            "return_window_days": artist_order.terms.get("return_window_days"),
            "shipping_address": shipping_address(order),
        }
        context.update(format_values(extra))
    return context
