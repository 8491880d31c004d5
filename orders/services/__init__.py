"""Business logic of carts, checkout, orders, the artist order lifecycle and
refunds: one keyword-only function per action, called by every door (page,
API, admin action, periodic job).

One module per step: ``cart``, ``checkout``, ``payment`` (what follows a
checkout's charge), ``acceptance`` (accept, refuse, time out),
``cancellation``, ``changes`` (before acceptance), ``delivery`` (ship, deliver, complete, not received),
``reminders``, ``staff``, ``refunds``; ``steps`` and ``history`` hold what
they share. Import from here:
``from orders.services import checkout, artist_order_accept``.
"""

from .acceptance import artist_order_accept, artist_order_refuse, artist_order_time_out
from .cancellation import (
    artist_order_cancel,
    cancellation_request_withdraw,
    order_cancel,
)
from .cart import (
    cart_add_line,
    cart_apply_discount,
    cart_merge,
    cart_remove_discount,
    cart_remove_line,
    cart_set_country,
    cart_update_line,
    clean_country,
)
from .changes import artist_order_change
from .checkout import checkout, next_order_number, validate_shipping_address
from .customs import artist_order_refused_at_customs
from .delivery import (
    CancellationRequestOpen,
    artist_order_complete,
    artist_order_confirm_delivery,
    artist_order_refund_lost,
    artist_order_report_not_received,
    artist_order_reship,
    artist_order_ship,
)
from .history import log_transition, release_stock_of
from .payment import fail_order_payment, fail_stale_payments_before
from .refunds import (
    refund_create,
    refund_mark_failed,
    refund_process,
    retry_pending_refunds_due,
)
from .reminders import artist_order_notify_delay, artist_order_remind_acceptance
from .staff import (
    artist_order_staff_cancel,
    artist_order_staff_confirm_delivery,
    artist_order_staff_refund,
    refund_mark_handled,
)

__all__ = [
    "CancellationRequestOpen",
    "artist_order_accept",
    "artist_order_cancel",
    "artist_order_change",
    "artist_order_complete",
    "artist_order_confirm_delivery",
    "artist_order_notify_delay",
    "artist_order_refund_lost",
    "artist_order_refused_at_customs",
    "artist_order_refuse",
    "artist_order_remind_acceptance",
    "artist_order_report_not_received",
    "artist_order_reship",
    "artist_order_ship",
    "artist_order_staff_cancel",
    "artist_order_staff_confirm_delivery",
    "artist_order_staff_refund",
    "artist_order_time_out",
    "cancellation_request_withdraw",
    "cart_add_line",
    "cart_apply_discount",
    "cart_merge",
    "cart_remove_discount",
    "cart_remove_line",
    "cart_set_country",
    "cart_update_line",
    "checkout",
    "clean_country",
    "fail_order_payment",
    "fail_stale_payments_before",
    "log_transition",
    "next_order_number",
    "order_cancel",
    "refund_create",
    "refund_mark_failed",
    "refund_mark_handled",
    "refund_process",
    "release_stock_of",
    "retry_pending_refunds_due",
    "validate_shipping_address",
]
