"""What the returns app lets higher apps do when a return request changes
(``marketplace.hooks``): they register in their ``AppConfig.ready``."""

from marketplace.hooks import Hook

#: A return request changed state: called in the transaction of the change
#: with ``return_request``, ``event`` (the system message's name, e.g.
#: ``return_accepted``), ``context`` (its values, JSON) and ``dedupe_key``.
#: ``messaging`` posts the system message in the request's thread.
status_changed = Hook("returns.status_changed")
