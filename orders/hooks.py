"""What the orders app lets higher apps do when an artist order changes
(``marketplace.hooks``): they register in their ``AppConfig.ready``."""

from marketplace.hooks import Hook

#: An artist order changed state (or something happened to it that the
#: conversation tells): called in the transaction of the change with
#: ``artist_order``, ``event`` (the system message's name, e.g.
#: ``order_accepted``), ``context`` (its values, JSON) and ``dedupe_key``
#: (once per key whatever the retries). ``messaging`` posts the system
#: message in the artist order's thread.
status_changed = Hook("orders.status_changed")

#: The provider paid a refund: called with ``refund`` once it is marked
#: succeeded. ``returns`` tells the buyer whose return it refunds.
refund_paid = Hook("orders.refund_paid")

#: Artist orders whose sale is not final yet, whatever the date: each
#: function returns a ``Q`` on ``ArtistOrder`` of those it holds back from
#: ``completed`` (``returns``: a return request still running).
completion_holds = Hook("orders.completion_holds")

#: Money moved on an artist order, called in the transaction that moves it,
#: so that what is written (``payouts``: the ledger entries) is written with
#: the change or not at all. ``payment_recorded`` with ``artist_order`` once
#: it is paid; ``refund_recorded`` with ``refund`` once it is counted on its
#: artist order (whose row the refund holds locked); ``refund_failed`` with
#: ``refund`` once the provider refused it for good and its amount is free.
payment_recorded = Hook("orders.payment_recorded")
refund_recorded = Hook("orders.refund_recorded")
refund_failed = Hook("orders.refund_failed")
