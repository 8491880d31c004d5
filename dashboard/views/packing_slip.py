"""The packing slip of an artist order, printed from the dashboard and put
in the parcel: the pieces, their quantities and where they go. A gift
order (the buyer added a gift message) shows the message and no prices;
any other shows the prices. Another shop's order is a 404."""

from __future__ import annotations

from django.shortcuts import render

from orders import selectors

from ..access import artist_required


@artist_required
def order_packing_slip(request, pk):
    artist_order = selectors.artist_order_get_for_artist(artist=request.artist, pk=pk)
    return render(
        request,
        "dashboard/packing_slip.html",
        {
            "artist": request.artist,
            "ao": artist_order,
            "order": artist_order.order,
            "ship_to": artist_order.ship_to,
            "lines": artist_order.lines.all(),
            "show_prices": not artist_order.is_gift,
        },
    )
