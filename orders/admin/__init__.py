"""The orders part of the staff's workplace.

Lists with the columns, filters and search a support agent needs (order
number, buyer email, artist, state, dates). Orders, artist orders, refunds
and requests are records: their states change only through the transition
buttons of the artist order page, which call the same lifecycle services as
the dashboard and the buyer's pages (``marketplace.admin``), so
the refund, the stock, the history, the system message and the emails always
come with the change. Every run is logged with its author (admin log and the
artist order's history).
"""

from . import artist_orders, orders, refunds  # noqa: F401  (each registers its admins)
