"""The orders part of the staff's workplace.

Lists with the columns, filters and search a support agent needs (order
number, buyer email, artist, state, dates): ``orders`` (orders, lines,
carts, codes, payments), ``artist_orders``, ``refunds`` (refunds and the
buyers' requests). They are records: their states change only through the
buttons of the artist order page (``transitions``), which call the same
services as the dashboard and the buyer's pages, so the refund, the stock,
the history, the system message and the emails always come with the
change. Every run is logged with its author (admin log and the artist
order's history).
"""

from . import artist_orders, orders, refunds  # noqa: F401  (each registers its admins)
