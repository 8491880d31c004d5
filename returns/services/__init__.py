"""Return and exchange requests: one function per transition, called by
every door (page, API, admin action, periodic job).

Each one: ``transaction.atomic()``, lock the artist order then the request,
check who asks and that the transition can run now (else ``Conflict`` with
the current state), run it, save, write the history row (``ReturnEvent``),
announce it (the system message of the request's thread) and record the
outbox emails, all in that transaction. Callers pass a request they already
scoped to the user (``returns.selectors``); it is locked again by its id
here.

The states, in prose: the buyer asks (``requested``); the artist accepts
with return instructions (``accepted``) or rejects (``rejected``); the buyer
sends the item back (``in_transit``); the artist receives it (``received``)
and refunds it (``refunded``), or for an exchange ships a replacement
(``replacement_shipped``) or refunds it instead. A rejected request, or one
left unanswered, goes to the marketplace team (``escalated``), who accept,
refund or close it. The buyer may withdraw before sending anything back
(``withdrawn``); an accepted request nothing was sent back for expires
(``expired``).

One module per actor: ``create`` (the buyer's request), ``artist``,
``buyer``, ``staff`` (staff and the system); ``steps`` holds what they
share, ``returns.rules`` the decisions that change nothing.
"""

from .artist import (
    return_request_accept,
    return_request_convert_to_refund,
    return_request_receive,
    return_request_refund,
    return_request_reject,
    return_request_ship_replacement,
)
from .buyer import (
    return_request_escalate,
    return_request_ship_back,
    return_request_withdraw,
)
from .create import return_request_create
from .staff import (
    return_refund_confirmed,
    return_request_expire,
    return_request_remind,
    return_request_staff_decide,
)

__all__ = [
    "return_refund_confirmed",
    "return_request_accept",
    "return_request_convert_to_refund",
    "return_request_create",
    "return_request_escalate",
    "return_request_expire",
    "return_request_receive",
    "return_request_refund",
    "return_request_reject",
    "return_request_remind",
    "return_request_ship_back",
    "return_request_ship_replacement",
    "return_request_staff_decide",
    "return_request_withdraw",
]
