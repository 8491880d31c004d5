"""Business logic of carts, checkout, orders, the artist order lifecycle and
refunds (keyword-only functions).

Import from here: ``from orders.services import checkout, artist_order_accept``.
"""

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
from .checkout import (
    checkout,
    fail_order_payment,
    fail_stale_payments_before,
    next_order_number,
    validate_shipping_address,
)
from .history import log_transition, release_stock_of
from .lifecycle import (
    allowed_actions,
    artist_order_accept,
    artist_order_cancel,
    artist_order_complete,
    artist_order_confirm_delivery,
    artist_order_notify_delay,
    artist_order_refund_lost,
    artist_order_refuse,
    artist_order_remind_acceptance,
    artist_order_report_not_received,
    artist_order_reship,
    artist_order_ship,
    artist_order_time_out,
    is_shipping_overdue,
    not_received_available_at,
    open_cancellation_request,
    open_not_received_report,
    order_cancel,
    return_period,
)
from .refunds import (
    refund_create,
    refund_mark_failed,
    refund_process,
    retry_pending_refunds_due,
)

__all__ = [
    "allowed_actions",
    "artist_order_accept",
    "artist_order_cancel",
    "artist_order_complete",
    "artist_order_confirm_delivery",
    "artist_order_notify_delay",
    "artist_order_refund_lost",
    "artist_order_refuse",
    "artist_order_remind_acceptance",
    "artist_order_report_not_received",
    "artist_order_reship",
    "artist_order_ship",
    "artist_order_time_out",
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
    "is_shipping_overdue",
    "log_transition",
    "next_order_number",
    "not_received_available_at",
    "open_cancellation_request",
    "open_not_received_report",
    "order_cancel",
    "refund_create",
    "refund_mark_failed",
    "refund_process",
    "release_stock_of",
    "retry_pending_refunds_due",
    "return_period",
    "validate_shipping_address",
]
