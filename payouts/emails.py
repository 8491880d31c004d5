"""Contexts of the payout emails, in the artist's language (JSON values,
amounts and dates already written the reader's way)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from marketplace.notifications.formatting import format_amount, format_date

from .models import Payout


def _language(recipient) -> str:
    return getattr(recipient, "language", "") or settings.LANGUAGE_CODE


def _payout_block(payout: Payout) -> dict:
    return {
        "payout_id": payout.pk,
        "artist_name": payout.artist.name,
        "amount": format_amount(payout.amount),
        "created": format_date(payout.created_at),
        "payout_url": reverse("dashboard:payout", args=[payout.pk]),
        "money_url": reverse("dashboard:money"),
    }


def payout_sent_context(*, payout: Payout, recipient) -> dict:
    with translation.override(_language(recipient)):
        return {
            **_payout_block(payout),
            "paid_at": format_date(payout.paid_at),
            "reference": payout.provider_reference,
        }


def payout_failed_context(*, payout: Payout, recipient, retry_at=None) -> dict:
    """``retry_at``: when the next attempt is due; None when staff takes over."""
    with translation.override(_language(recipient)):
        return {
            **_payout_block(payout),
            "retry_at": format_date(retry_at) if retry_at else "",
        }
