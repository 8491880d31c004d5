"""The monthly statement: one CSV row per ledger movement of the artist's
account in the month, with the opening and closing balances."""

from __future__ import annotations

import csv
import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.money import ZERO, to_money

from .models import Account, LedgerEntry, money_sum
from .selectors import ledger_for, month_bounds

HEADER = ("date", "kind", "order", "artist_order", "description", "amount", "balance")


def _cell(text) -> str:
    """A text cell that a spreadsheet will not run as a formula (a staff
    note starting with "=" stays text)."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def statement_rows(*, artist, month: datetime.date) -> list[tuple]:
    """The rows of ``month``'s statement, oldest first, each with the balance
    after it; the first row is the opening balance, the last the closing."""
    start, _end = month_bounds(month)
    opening = to_money(
        LedgerEntry.objects.filter(
            artist=artist, account=Account.ARTIST, created_at__lt=start
        ).aggregate(total=money_sum())["total"]
        or ZERO
    )
    rows = [
        (
            start.date().isoformat(),
            "opening_balance",
            "",
            "",
            _("Opening balance"),
            "",
            f"{opening:.2f}",
        )
    ]
    balance = opening
    for entry in ledger_for(artist=artist, month=month).order_by("created_at", "id"):
        balance += entry.amount
        artist_order = entry.artist_order
        rows.append(
            (
                timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
                entry.kind,
                artist_order.order.number if artist_order else "",
                artist_order.pk if artist_order else "",
                _cell(entry.transaction.memo or entry.get_kind_display()),
                f"{entry.amount:.2f}",
                f"{balance:.2f}",
            )
        )
    end_day = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(
        days=1
    )
    rows.append(
        (
            end_day.date().isoformat(),
            "closing_balance",
            "",
            "",
            _("Closing balance"),
            "",
            f"{balance:.2f}",
        )
    )
    return rows


def statement_response(*, artist, month: datetime.date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{artist.slug}-{month:%Y-%m}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(HEADER)
    writer.writerows(statement_rows(artist=artist, month=month))
    return response
