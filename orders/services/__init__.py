"""Business logic of carts, checkout and orders (keyword-only functions).

Import from here: ``from orders.services import checkout, cart_add_line``.
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

__all__ = [
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
    "release_stock_of",
    "validate_shipping_address",
]
