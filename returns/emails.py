"""Contexts and links of the return emails: JSON-serialisable, dates
already formatted in the recipient's language (the outbox stores the
context as JSON)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from marketplace.notifications.formatting import (
    format_amount,
    format_date,
    format_values,
)
from orders.tracking import tracking_url

from .rules import postage_paid_by_artist, ship_back_due_at


def dashboard_url(return_request) -> str:
    """The artist's page of ``return_request`` in the dashboard (its queue
    before it is saved)."""
    if return_request.pk is None:
        return reverse("dashboard:returns")
    return reverse("dashboard:return", kwargs={"pk": return_request.pk})


def _language(recipient) -> str:
    return getattr(recipient, "language", "") or settings.LANGUAGE_CODE


def return_email_context(*, return_request, recipient, **extra) -> dict:
    """The context of a return email to ``recipient`` (the buyer, the artist
    or staff), in its language: the request, the line, the order, the
    instructions, tracking, amounts and links (paths: the templates prefix
    ``site_url``). ``extra`` values are added; dates, datetimes and amounts
    (Decimals) among them are formatted."""
    rr = return_request
    artist_order = rr.artist_order
    line = rr.line
    with translation.override(_language(recipient)):
        due_at = ship_back_due_at(rr)
        context = {
            "return_id": rr.pk,
            "order_number": artist_order.order.number,
            "artist_name": artist_order.artist.name,
            "buyer_name": artist_order.order.shipping_name,
            "is_buyer": getattr(recipient, "pk", None) == rr.buyer_id,
            "title": line.title,
            "variant": line.variant_name,
            "quantity": rr.quantity,
            "kind": rr.kind,
            "kind_label": str(rr.get_kind_display()),
            "reason": rr.reason,
            "reason_label": str(rr.get_reason_display()),
            "comment": rr.comment,
            "desired_replacement": desired_replacement_text(rr),
            "photo_count": rr.photos.count() if rr.pk else 0,
            "state": rr.state,
            "state_label": str(rr.get_state_display()),
            "instructions": rr.instructions,
            "ship_back_deadline": format_date(due_at.date() if due_at else None),
            "postage_paid_by_artist": postage_paid_by_artist(rr),
            "rejection_reason": rr.rejection_reason,
            "escalation_message": rr.escalation_message,
            "return_carrier": rr.return_carrier,
            "return_tracking_number": rr.return_tracking_number,
            "return_tracking_url": tracking_url(
                rr.return_carrier, rr.return_tracking_number
            )
            or "",
            "replacement_carrier": rr.replacement_carrier,
            "replacement_tracking_number": rr.replacement_tracking_number,
            "replacement_tracking_url": tracking_url(
                rr.replacement_carrier, rr.replacement_tracking_number
            )
            or "",
            "refund_amount": format_amount(rr.refund_amount),
            "shipping_deduction": (
                format_amount(rr.refund_shipping_deduction)
                if rr.refund_shipping_deduction
                else ""
            ),
            "refund_note": rr.refund_note,
            "buyer_url": rr.get_absolute_url(),
            "dashboard_url": dashboard_url(rr),
        }
        context.update(format_values(extra))
    return context


def desired_replacement_text(return_request) -> str:
    """What the buyer wants instead, in words: the variant, the item or the
    free text (empty for a return)."""
    rr = return_request
    parts = []
    if rr.desired_variant_id and rr.desired_variant is not None:
        parts.append(str(rr.desired_variant))
    elif rr.desired_item_id and rr.desired_item is not None:
        parts.append(rr.desired_item.title)
    if rr.desired_text:
        parts.append(rr.desired_text)
    return " — ".join(parts)
