"""The artist's money: what is available, pending and on hold (and why),
what was paid out, each payout with the artist orders it paid, the ledger
by month and its monthly statement as CSV. Only the logged-in artist's own
money is ever read: another shop's payout is a 404."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from payouts import selectors
from payouts.services.runs import payout_minimum
from payouts.statements import statement_response

from ..access import artist_required

ENTRIES_PER_PAGE = 50
PAYOUTS_PER_PAGE = 20


@artist_required
def money(request):
    """Balances and holds, the payouts, and the ledger (of one month if
    ``?month=YYYY-MM``)."""
    artist = request.artist
    month_value = request.GET.get("month", "")
    month = selectors.parse_month(month_value) if month_value else None
    month_error = bool(month_value) and month is None
    balance = selectors.balance_for(artist=artist)
    entries = selectors.ledger_for(artist=artist, month=month)
    entries_page = Paginator(entries, ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    payouts_page = Paginator(
        selectors.payouts_for(artist=artist), PAYOUTS_PER_PAGE
    ).get_page(request.GET.get("payouts_page"))
    return render(
        request,
        "dashboard/money.html",
        {
            "dash_section": "money",
            "balance": balance,
            "commission_percent": balance.commission_rate * 100,
            "payout_minimum": payout_minimum(),
            "payouts": payouts_page,
            "entries": entries_page,
            "months": selectors.ledger_months(artist=artist),
            "month": month,
            "month_error": month_error,
        },
    )


@artist_required
def payout_detail(request, pk):
    """One payout and what it paid, artist order by artist order."""
    payout = selectors.payout_get_for_artist(artist=request.artist, pk=pk)
    return render(
        request,
        "dashboard/payout_detail.html",
        {
            "dash_section": "money",
            "payout": payout,
            "parts": selectors.payout_parts(payout),
        },
    )


@artist_required
def statement(request, month):
    """The month's ledger movements as CSV (``YYYY-MM``)."""
    parsed = selectors.parse_month(month)
    if parsed is None:
        raise Http404
    return statement_response(artist=request.artist, month=parsed)
