"""The orders app's models, one module per subject: ``carts``, ``orders``
(orders, artist orders, lines, history), ``payments`` (payments and
refunds), ``requests`` (cancellation requests, not-received reports)."""

from .carts import Cart, CartLine, DiscountCode, DiscountKind
from .fields import MONEY, personalisation_path, to_the_cent
from .orders import (
    PAYMENT_FAILED,
    ArtistOrder,
    ArtistOrderEvent,
    ArtistOrderState,
    Order,
    OrderLine,
    OrderNumberCounter,
    OrderStatus,
    order_status,
)
from .payments import Payment, PaymentStatus, Refund, RefundReason, RefundStatus
from .requests import (
    CancellationRequest,
    CancellationStatus,
    NotReceivedReport,
    NotReceivedStatus,
)

__all__ = [
    "MONEY",
    "PAYMENT_FAILED",
    "ArtistOrder",
    "ArtistOrderEvent",
    "ArtistOrderState",
    "Cart",
    "CartLine",
    "CancellationRequest",
    "CancellationStatus",
    "DiscountCode",
    "DiscountKind",
    "NotReceivedReport",
    "NotReceivedStatus",
    "Order",
    "OrderLine",
    "OrderNumberCounter",
    "OrderStatus",
    "Payment",
    "PaymentStatus",
    "Refund",
    "RefundReason",
    "RefundStatus",
    "order_status",
    "personalisation_path",
    "to_the_cent",
]
